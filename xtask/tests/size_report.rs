//! `size-why --html` in a real browser: the report of today's cortex-core, loaded in headless
//! Chromium, checked against what `size-why` lists and what the attribution of the module says.
#![allow(clippy::unwrap_used)]

mod browser;
mod common;

use common::assert_holds;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use browser::Browser;

/// The workspace's target directory: the shipped cortex-core module there is the one `cargo xtask
/// size-check` and the ABI tests build, so none of them builds it again.
fn target_dir() -> &'static Path {
    common::workspace_target_dir()
}

/// Where this test writes the report and its screenshot: its own scratch space, not the target dir.
fn report_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("size-report-test")
}

fn xtask(args: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    common::succeeded(
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .current_dir(root)
            .env("CARGO_TARGET_DIR", target_dir())
            .env_remove("GITHUB_STEP_SUMMARY"),
        &format!("xtask {args:?}"),
    )
}

/// `(bytes, rest of the line)` of each listing line between the header containing `column` and the
/// `all N functions` total.
fn listed(text: &str, column: &str) -> Vec<(u64, String)> {
    text.lines()
        .skip_while(|line| !line.trim_end().ends_with(column))
        .skip(1)
        .take_while(|line| !line.contains(" all "))
        .filter(|line| !line.contains(" more "))
        .map(|line| {
            let mut words = line.split_whitespace();
            let bytes = words.next().unwrap().parse().unwrap();
            let _share = words.next();
            (bytes, words.collect::<Vec<_>>().join(" "))
        })
        .collect()
}

fn count(browser: &mut Browser, selector: &str) -> u64 {
    let js = format!(
        "document.querySelectorAll({}).length",
        serde_json::json!(selector)
    );
    browser.eval(&js).as_u64().unwrap()
}

#[test]
fn the_report_of_cortex_core_holds_every_function_and_answers_search_zoom_and_keys() {
    let report = report_dir().join("cortex-core.html");
    let written = xtask(&[
        "size-why",
        "cortex-core",
        "--html",
        report.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&written.stderr);
    assert_holds(&stderr, &format!("report written to {}", report.display()));
    let bytes = std::fs::metadata(&report).unwrap().len();
    assert!(bytes < 1 << 20, "the report is {bytes} bytes, over 1 MiB");

    // The oracles: the text listings, the shipped module on disk, the attribution of the named copy.
    let top = String::from_utf8(xtask(&["size-why", "cortex-core", "--top", "1"]).stdout).unwrap();
    let (top_bytes, top_line) = listed(&top, "function").remove(0);
    let top_name = top_line.rsplit_once(' ').unwrap().0.trim().to_owned();
    let functions: u64 = top
        .lines()
        .find_map(|l| {
            l.split(" all ")
                .nth(1)?
                .strip_suffix(" functions")?
                .parse()
                .ok()
        })
        .unwrap();
    assert!(
        top.contains("differs by +0 bytes"),
        "the named copy's code is what ships: {top}"
    );
    let by_crate = String::from_utf8(
        xtask(&["size-why", "cortex-core", "--by", "crate", "--top", "1000"]).stdout,
    )
    .unwrap();
    let crates: BTreeMap<String, (u64, u64)> = listed(&by_crate, "crate")
        .into_iter()
        .map(|(bytes, text)| {
            let (name, count) = text.split_once(" (").unwrap();
            let count = count.split_whitespace().next().unwrap().parse().unwrap();
            (name.to_owned(), (bytes, count))
        })
        .collect();
    let gate = common::gate_dir_of(common::workspace_root(), target_dir());
    let shipped = std::fs::metadata(gate.join("opt/cortex-core.wasm"))
        .unwrap()
        .len();
    let named = std::fs::read(gate.join("opt/named/cortex-core.wasm")).unwrap();
    let attribution = xtask::attribution::attribute(&named, "cortex_core").unwrap();

    let mut browser = Browser::launch(1280, 800);
    browser.open(&report);
    assert_eq!(
        browser.eval("document.body.dataset.ready"),
        "true",
        "the script ran to its end"
    );
    assert_eq!(
        browser.eval("performance.getEntriesByType('resource').length"),
        0,
        "the page loads nothing besides itself"
    );

    // The whole module: every crate, every function and the sections, adding up to the file.
    assert_eq!(count(&mut browser, ".node.kind-function"), functions);
    assert_eq!(count(&mut browser, ".node.kind-crate"), crates.len() as u64);
    let sections = count(&mut browser, ".node.kind-section");
    assert!(
        (2..=4).contains(&sections),
        "data, custom, other, framing: {sections}"
    );
    assert_eq!(
        count(&mut browser, "#treemap .node"),
        functions + crates.len() as u64 + sections
    );
    let drawn: BTreeMap<String, (u64, u64)> = serde_json::from_value(browser.eval(
        "Object.fromEntries([...document.querySelectorAll('.node.kind-crate')].map(e => [e.dataset.name, \
         [Number(e.dataset.bytes), document.querySelectorAll(`.node.kind-function[data-crate=\"${e.dataset.name}\"]`).length]]))",
    ))
    .unwrap();
    assert_eq!(drawn, crates, "bytes and function count of each crate");
    let leaves = browser.eval(
        "[...document.querySelectorAll('.node.kind-function, .node.kind-section')]\
         .reduce((sum, e) => sum + Number(e.dataset.bytes), 0)",
    );
    assert_eq!(
        leaves, shipped,
        "the rectangles add up to the optimised file"
    );

    // The largest function is there with its bytes, the largest rectangle on screen, and its tooltip says so.
    let largest = browser.eval(
        "(() => { const all = [...document.querySelectorAll('.node.kind-function')]; \
         const area = e => { const r = e.getBoundingClientRect(); return r.width * r.height; }; \
         const e = all.reduce((a, b) => area(b) > area(a) ? b : a); \
         e.id = 'largest'; return [e.dataset.name, Number(e.dataset.bytes)]; })()",
    );
    assert_eq!(largest, serde_json::json!([top_name, top_bytes]), "{top}");
    let (x, y) = browser.centre_of("#largest");
    browser.hover(x, y);
    let tip = browser.eval(
        "document.getElementById('tip').hidden ? '' : document.getElementById('tip').textContent",
    );
    let tip = tip.as_str().unwrap();
    let share = format!(
        "{:.1}% of the file",
        top_bytes as f64 * 100.0 / shipped as f64
    );
    let formatted = top_bytes.to_string();
    let thousands = format!(
        "{},{}",
        &formatted[..formatted.len() - 3],
        &formatted[formatted.len() - 3..]
    );
    assert!(
        tip.starts_with(&top_name)
            && tip.contains(&format!("{thousands} B"))
            && tip.contains(&share),
        "the tooltip of {top_name}: {tip:?}"
    );

    // Search: the matches are the functions whose name holds the text, and a longer text narrows them.
    let (sx, sy) = browser.centre_of("#search");
    browser.click(sx, sy);
    let mut previous = functions;
    for query in ["btree", "btree::map"] {
        let typed = browser
            .eval("document.getElementById('search').value.length")
            .as_u64()
            .unwrap() as usize;
        browser.type_text(&query[typed..]);
        let expected: Vec<_> = attribution
            .functions
            .iter()
            .filter(|f| f.name.to_lowercase().contains(query))
            .collect();
        let matched = count(&mut browser, ".node.match");
        assert_eq!(matched, expected.len() as u64, "{query}");
        assert!(
            0 < matched && matched < previous,
            "`{query}` narrows the highlight: {matched} of {previous}"
        );
        previous = matched;
        let sum: u64 = expected.iter().map(|f| f.bytes).sum();
        assert_eq!(
            browser.eval("document.getElementById('search-summary').dataset.bytes"),
            sum.to_string()
        );
        let summary = browser.eval("document.getElementById('search-summary').textContent");
        assert!(
            summary
                .as_str()
                .unwrap()
                .starts_with(&format!("{} functions match", expected.len())),
            "{summary}"
        );
    }
    browser.press("Escape");
    assert_eq!(
        count(&mut browser, ".node.match"),
        0,
        "Escape clears the search"
    );

    // A click on a crate zooms into it; the button zooms back out.
    let (own_bytes, own_functions) = crates["cortex_core"];
    let header = browser.eval(
        "(() => { const r = document.querySelector('.node.kind-crate[data-name=\"cortex_core\"]').getBoundingClientRect(); \
         return [r.left + r.width / 2, r.top + 8]; })()",
    );
    browser.click(header[0].as_f64().unwrap(), header[1].as_f64().unwrap());
    assert_eq!(
        count(&mut browser, "#treemap .node"),
        own_functions,
        "only cortex_core's functions"
    );
    assert_eq!(
        count(&mut browser, ".node[data-crate=\"cortex_core\"]"),
        own_functions
    );
    let crumbs = browser.eval("document.getElementById('crumbs').textContent");
    assert!(crumbs.as_str().unwrap().contains("cortex_core"), "{crumbs}");
    let zoomed_sum = browser.eval("[...document.querySelectorAll('#treemap .node')].reduce((s, e) => s + Number(e.dataset.bytes), 0)");
    assert_eq!(zoomed_sum, own_bytes);
    let (bx, by) = browser.centre_of("#zoom-out");
    browser.click(bx, by);
    let whole = functions + crates.len() as u64 + sections;
    assert_eq!(
        count(&mut browser, "#treemap .node"),
        whole,
        "zoomed out again"
    );

    // With the keyboard alone: `/` to the search, Tab into the treemap, Enter zooms, Escape zooms out.
    browser.call(
        "Input.dispatchKeyEvent",
        serde_json::json!({"type": "keyDown", "key": "/", "code": "Slash", "text": "/"}),
    );
    browser.call(
        "Input.dispatchKeyEvent",
        serde_json::json!({"type": "keyUp", "key": "/", "code": "Slash"}),
    );
    assert_eq!(browser.eval("document.activeElement.id"), "search");
    assert_eq!(
        browser.eval("document.getElementById('search').value"),
        "",
        "the `/` is not typed"
    );
    browser.press("Tab");
    let focused =
        browser.eval("[document.activeElement.dataset.kind, document.activeElement.dataset.name]");
    let first = crates
        .iter()
        .max_by_key(|(_, (bytes, _))| *bytes)
        .unwrap()
        .0;
    assert_eq!(
        focused,
        serde_json::json!(["crate", first]),
        "the largest crate comes first"
    );
    browser.press("ArrowRight");
    assert_eq!(
        browser.eval("document.activeElement.dataset.crate"),
        first.as_str(),
        "its largest function next"
    );
    assert!(
        !browser
            .eval("document.getElementById('tip').hidden")
            .as_bool()
            .unwrap(),
        "focus shows the tooltip"
    );
    browser.press("Enter");
    assert_eq!(count(&mut browser, "#treemap .node"), crates[first].1);
    assert_eq!(
        browser.eval("document.activeElement.dataset.crate"),
        first.as_str(),
        "focus stays in the treemap"
    );
    browser.press("Escape");
    assert_eq!(count(&mut browser, "#treemap .node"), whole);

    // What a person sees: a full window that is not blank.
    let png = browser.screenshot();
    std::fs::write(report_dir().join("cortex-core.png"), &png).unwrap();
    let image = browser::png::decode(&png);
    assert_eq!((image.width, image.height), (1280, 800));
    let mut colours: BTreeMap<[u8; 4], usize> = BTreeMap::new();
    for pixel in &image.pixels {
        *colours.entry(*pixel).or_default() += 1;
    }
    let commonest = colours.values().max().unwrap();
    assert!(
        colours.len() > 100 && *commonest < image.pixels.len() / 2,
        "a blank screenshot: {} colours, the commonest on {commonest} of {} pixels",
        colours.len(),
        image.pixels.len()
    );
}
