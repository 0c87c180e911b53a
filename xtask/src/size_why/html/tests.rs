//! Tests of the report page: the data tree adds up to the module, growth deltas sum per crate, and
//! the page is one self-contained file whose embedded data cannot close its own script element.

use super::*;
use crate::attribution::{attribute, fixture};

fn fixture_report() -> (ReportData, u64) {
    let module = fixture();
    let named = attribute(&module, "fixture").unwrap();
    let sizes = Sizes {
        opt_bytes: module.len() as u64,
        gzip_bytes: 100,
        brotli_bytes: 90,
        budget_bytes: 10_000,
    };
    (
        ReportData::new("fixture", sizes, &named, &named),
        module.len() as u64,
    )
}

#[test]
fn the_rectangles_add_up_to_the_file_crates_first_largest_first() {
    let (data, file) = fixture_report();
    let leaves: u64 = data
        .nodes
        .iter()
        .map(|n| match n.kind {
            Kind::Crate => n.children.iter().map(|c| c.bytes).sum(),
            _ => n.bytes,
        })
        .sum();
    assert_eq!(
        leaves, file,
        "every byte of the file in exactly one rectangle"
    );
    let tops: Vec<(&str, Kind)> = data
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.kind))
        .collect();
    assert_eq!(
        tops[..5],
        [
            ("cortex_core", Kind::Crate),
            ("core", Kind::Crate),
            ("tokio", Kind::Crate),
            ("[extern]", Kind::Crate),
            ("fixture", Kind::Crate)
        ]
    );
    assert!(tops[5..].iter().all(|(_, kind)| *kind == Kind::Section));
    assert_eq!(data.nodes[0].children[0].name, "cortex_core::store::big");
    assert_eq!(
        data.nodes[0].bytes, 2004,
        "the crate is the sum of its one function"
    );
    assert_eq!(data.rectangles(), 5 + 5 + (data.nodes.len() - 5));
    assert_eq!(data.code_delta, 0);
}

#[test]
fn growth_deltas_go_on_functions_and_sum_on_crates() {
    let (mut data, _) = fixture_report();
    data.compare_with(
        Base {
            label: "main".into(),
            opt_bytes: 3000,
        },
        |kind, name| match (kind, name) {
            (Kind::Function, "cortex_core::store::big") => 120,
            (Kind::Function, "core::fmt::write") => -40,
            (Kind::Section, "data segments") => 7,
            _ => 0,
        },
    );
    let delta = |name: &str| data.nodes.iter().find(|n| n.name == name).unwrap().delta;
    assert_eq!(delta("cortex_core"), Some(120));
    assert_eq!(delta("core"), Some(-40));
    assert_eq!(delta("tokio"), Some(0));
    assert_eq!(delta("data segments"), Some(7));
    let json = serde_json::to_value(&data).unwrap();
    assert_eq!(json["base"]["label"], "main");
    assert_eq!(json["nodes"][0]["children"][0]["delta"], 120);
}

#[test]
fn the_page_is_self_contained_and_its_data_reads_back() {
    let (mut data, _) = fixture_report();
    // A name that would end the script element and open another, were it not escaped.
    data.nodes[0].children[0].name = "</script><script>alert(1)</script>".into();
    let page = render(&data).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    for external in [
        "<link", " src=", "href=", "@import", "url(", "http://", "https://",
    ] {
        assert!(
            !page.contains(external),
            "the page refers outside itself: {external}"
        );
    }
    assert_eq!(
        page.matches("</script>").count(),
        2,
        "only the two script elements close"
    );
    let start = page.find(r#"id="report-data">"#).unwrap() + r#"id="report-data">"#.len();
    let end = start + page[start..].find("</script>").unwrap();
    let back: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    assert_eq!(
        back["nodes"][0]["children"][0]["name"],
        "</script><script>alert(1)</script>"
    );
    assert_eq!(back["base"], serde_json::Value::Null);
    assert!(page.contains("<title>fixture: where the bytes go</title>"));
    assert!(!page.contains("{{"), "every placeholder is filled");
}
