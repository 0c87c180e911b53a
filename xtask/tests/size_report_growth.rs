//! The report page compared with a base, in a real browser: growth red, shrinkage green, unchanged
//! grey, and the legend, header and tooltip saying against what; and `size-why --html --base REF`
//! end to end, on the `tiny` fixture made into a git repository.
#![allow(clippy::unwrap_used)]

mod browser;
mod common;

use std::process::Command;

use browser::Browser;
use common::function_body::body_bytes;
use common::git::{git, init_repository};
use common::{assert_holds, exited, stderr, TinyCrate, WITH_CHECKSUM};

/// `(red, green, blue)` of a CSS `rgb(…)` colour.
fn rgb(css: &serde_json::Value) -> (u8, u8, u8) {
    let inner = css
        .as_str()
        .unwrap()
        .trim_start_matches("rgb(")
        .trim_end_matches(')');
    let parts: Vec<u8> = inner
        .split(',')
        .map(|p| p.trim().parse().unwrap())
        .collect();
    (parts[0], parts[1], parts[2])
}

/// The text of the page's element `id`.
fn text_of(browser: &mut Browser, id: &str) -> String {
    let text = browser.eval(&format!("document.getElementById('{id}').textContent"));
    text.as_str().unwrap().to_owned()
}

/// The background colour of the tile of the function `name`.
fn tile_colour(browser: &mut Browser, name: &str) -> (u8, u8, u8) {
    rgb(&browser.eval(&format!(
        "getComputedStyle(document.querySelector('.node[data-name=\"{name}\"]')).backgroundColor"
    )))
}

#[test]
fn a_report_compared_with_a_base_colours_growth_and_says_what_the_colours_mean() {
    let body = |n: usize| "(drop (i32.const 123456))".repeat(n);
    let module = wat::parse_str(format!(
        r#"(module
            (func $_ZN11cortex_core5store4grew17h0123456789abcdefE {})
            (func $_ZN11cortex_core5store6shrank17h0123456789abcdefE {})
            (func $_ZN4core3fmt4same17hfedcba9876543210E {}))"#,
        body(200),
        body(150),
        body(100)
    ))
    .unwrap();
    let attribution = xtask::attribution::attribute(&module, "cortex_core").unwrap();
    let sizes = xtask::size_why::html::Sizes {
        opt_bytes: module.len() as u64,
        gzip_bytes: 100,
        brotli_bytes: 90,
        budget_bytes: 4096,
    };
    let mut data =
        xtask::size_why::html::ReportData::new("growth", sizes, &attribution, &attribution);
    let base = xtask::size_why::html::Base {
        label: "main".into(),
        opt_bytes: module.len() as u64 - 80,
    };
    data.compare_with(base, |_, name| match name {
        "cortex_core::store::grew" => 120,
        "cortex_core::store::shrank" => -40,
        _ => 0,
    });
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("growth.html");
    xtask::size_why::html::write(&page, &data).unwrap();

    let mut browser = Browser::launch(1280, 800);
    browser.open(&page);
    let legend = text_of(&mut browser, "legend");
    assert_holds(&legend, "grew since main");
    let header = text_of(&mut browser, "sizes");
    assert_holds(&header, "since main+80 B");
    let (r, g, b) = tile_colour(&mut browser, "cortex_core::store::grew");
    assert!(r > g + 40 && r > b + 40, "grown is red: {:?}", (r, g, b));
    let (r, g, b) = tile_colour(&mut browser, "cortex_core::store::shrank");
    assert!(g > r + 40 && g > b + 20, "shrunk is green: {:?}", (r, g, b));
    let (r, g, b) = tile_colour(&mut browser, "core::fmt::same");
    assert!(
        r.abs_diff(g) < 20 && g.abs_diff(b) < 20,
        "unchanged is grey: {:?}",
        (r, g, b)
    );
    let (x, y) = browser.centre_of(".node[data-name=\"cortex_core::store::grew\"]");
    browser.hover(x, y);
    let tip = text_of(&mut browser, "tip");
    assert_holds(&tip, "+120 B since main");
}

#[test]
fn a_report_made_with_base_shows_a_function_added_since_then_as_grown_by_its_body() {
    let fixture = TinyCrate::new("size-report-base", "[artifact.tiny]\nbudget = \"1 MiB\"\n");
    let dir = fixture.dir.path();
    init_repository(
        dir,
        &[
            "Cargo.toml",
            "src",
            "rust-toolchain.toml",
            "size-budget.toml",
        ],
        "the program",
    );
    fixture.write("src/main.rs", WITH_CHECKSUM);
    git(dir, &["commit", "-qam", "a checksum"]);
    let parent = Command::new("git")
        .args(["rev-parse", "HEAD~1"])
        .current_dir(dir)
        .output()
        .unwrap();
    let parent = String::from_utf8(parent.stdout).unwrap().trim().to_owned();

    let page = dir.join("report.html");
    let output = fixture.xtask(&[
        "size-why",
        "tiny",
        "--html",
        page.to_str().unwrap(),
        "--base",
        "HEAD~1",
    ]);
    exited(&output, 0);
    // The oracles: the function's body read from the named module, and the two shipped files.
    let bytes = body_bytes(
        &fixture.gate_dir().join("opt/named/tiny.wasm"),
        "checksum_of_words",
    );
    let head_len = std::fs::metadata(fixture.gate_dir().join("opt/tiny.wasm"))
        .unwrap()
        .len() as i64;
    let base_len = std::fs::metadata(
        fixture
            .target_dir
            .join(format!("size-diff/{parent}/wasm-opt/tiny.wasm")),
    )
    .unwrap()
    .len() as i64;

    let mut browser = Browser::launch(1280, 800);
    browser.open(&page);
    let legend = text_of(&mut browser, "legend");
    assert_holds(&legend, "grew since HEAD~1");
    let header = text_of(&mut browser, "sizes");
    // The page writes thousands with commas and a minus sign for loss; a new function grows it.
    assert!(
        head_len > base_len && head_len - base_len < 1000,
        "{base_len} → {head_len}"
    );
    let file_delta = format!("since HEAD~1+{} B", head_len - base_len);
    assert!(header.contains(&file_delta), "{header} lacks {file_delta}");
    let node = browser.eval(
        "(e => [e.dataset.bytes, e.dataset.delta])\
         (document.querySelector('.node[data-name=\"tiny::checksum_of_words\"]'))",
    );
    assert_eq!(
        node,
        serde_json::json!([bytes.to_string(), bytes.to_string()]),
        "a new function grew by its whole body"
    );
    let (r, g, b) = tile_colour(&mut browser, "tiny::checksum_of_words");
    assert!(r > g + 40 && r > b + 40, "grown is red: {:?}", (r, g, b));

    // `--base` without the page, and a ref git does not know: exit 2 with the fix.
    let output = fixture.xtask(&["size-why", "tiny", "--base", "HEAD~1"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_holds(&err, "add `--html`");
    let output = fixture.xtask(&["size-why", "tiny", "--html", "--base", "no-such-ref"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_holds(&err, "unknown git ref `no-such-ref`");
}
