//! The report page compared with a base, in a real browser: growth red, shrinkage green, unchanged
//! grey, and the legend, header and tooltip saying against what.
#![allow(clippy::unwrap_used)]

mod browser;

use browser::Browser;

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
    let legend = browser.eval("document.getElementById('legend').textContent");
    assert!(
        legend.as_str().unwrap().contains("grew since main"),
        "{legend}"
    );
    let header = browser.eval("document.getElementById('sizes').textContent");
    assert!(
        header.as_str().unwrap().contains("since main+80 B"),
        "{header}"
    );
    let colour = |browser: &mut Browser, name: &str| {
        rgb(&browser.eval(&format!(
            "getComputedStyle(document.querySelector('.node[data-name=\"{name}\"]')).backgroundColor"
        )))
    };
    let (r, g, b) = colour(&mut browser, "cortex_core::store::grew");
    assert!(r > g + 40 && r > b + 40, "grown is red: {:?}", (r, g, b));
    let (r, g, b) = colour(&mut browser, "cortex_core::store::shrank");
    assert!(g > r + 40 && g > b + 20, "shrunk is green: {:?}", (r, g, b));
    let (r, g, b) = colour(&mut browser, "core::fmt::same");
    assert!(
        r.abs_diff(g) < 20 && g.abs_diff(b) < 20,
        "unchanged is grey: {:?}",
        (r, g, b)
    );
    let (x, y) = browser.centre_of(".node[data-name=\"cortex_core::store::grew\"]");
    browser.hover(x, y);
    let tip = browser.eval("document.getElementById('tip').textContent");
    assert!(tip.as_str().unwrap().contains("+120 B since main"), "{tip}");
}
