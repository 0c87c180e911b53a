//! Snapshot tests of the rendered size reports.

use expect_test::expect;

use super::*;
use crate::baseline::BaselineEntry;
use crate::budget::{ArtifactBudget, Tolerance};
use crate::verdict::judge;
use crate::verdict::tests::measurement;
use crate::workspace::{WasmKind, WasmTarget};

fn rows() -> Vec<Row> {
    let budget = |name: &str, budget_bytes| ArtifactBudget {
        name: name.into(),
        krate: name.into(),
        target: WasmTarget {
            name: name.into(),
            kind: WasmKind::Bin,
        },
        budget_bytes,
        tolerance: Tolerance {
            percent: Some(1.0),
            bytes: None,
        },
    };
    let base = |opt_bytes| BaselineEntry {
        opt_bytes,
        ..BaselineEntry::default()
    };
    vec![
        judge(
            measurement("cortex-core", 301_234),
            &budget("cortex-core", 769 * 1024),
            Some(&base(300_000)),
        ),
        judge(
            measurement("wasm-demo", 1_100_000),
            &budget("wasm-demo", 1 << 20),
            Some(&base(1_000_000)),
        ),
        judge(measurement("tiny", 900), &budget("tiny", 4096), None),
    ]
}

#[test]
fn table_is_aligned() {
    expect![[r#"
        artifact           raw  optimised       gzip     brotli     budget  % of budget       Δ vs baseline  status
        -----------  ---------  ---------  ---------  ---------  ---------  -----------  ------------------  -----------
        cortex-core  588.3 KiB  294.2 KiB   98.1 KiB   73.5 KiB  769.0 KiB        38.3%     +1234 B (+0.4%)  ok
        wasm-demo     2.10 MiB   1.05 MiB  358.1 KiB  268.6 KiB   1.00 MiB       104.9%  +100000 B (+10.0%)  OVER BUDGET
        tiny           1.8 KiB      900 B      300 B      225 B    4.0 KiB        22.0%                   -  new
    "#]]
    .assert_eq(&table(&rows()));
}

#[test]
fn markdown_has_a_header_alignment_row_and_one_line_per_artifact() {
    expect![[r#"
        ### Wasm sizes

        | artifact | raw | optimised | gzip | brotli | budget | % of budget | Δ vs baseline | status |
        | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- |
        | cortex-core | 588.3 KiB | 294.2 KiB | 98.1 KiB | 73.5 KiB | 769.0 KiB | 38.3% | +1234 B (+0.4%) | ok |
        | wasm-demo | 2.10 MiB | 1.05 MiB | 358.1 KiB | 268.6 KiB | 1.00 MiB | 104.9% | +100000 B (+10.0%) | OVER BUDGET |
        | tiny | 1.8 KiB | 900 B | 300 B | 225 B | 4.0 KiB | 22.0% | - | new |
    "#]].assert_eq(&markdown(&rows()));
}

#[test]
fn json_has_the_documented_fields() {
    expect![[r#"
        {
          "passed": false,
          "artifacts": [
            {
              "name": "cortex-core",
              "crate": "cortex-core",
              "path": "/target/wasm-opt/cortex-core.wasm",
              "raw_path": "/target/wasm32-wasip1/wasm-release/cortex-core.wasm",
              "raw_bytes": 602468,
              "opt_bytes": 301234,
              "gzip_bytes": 100411,
              "brotli_bytes": 75308,
              "budget_bytes": 787456,
              "baseline_bytes": 300000,
              "allowed_growth_bytes": 3000,
              "status": "ok"
            },
            {
              "name": "wasm-demo",
              "crate": "wasm-demo",
              "path": "/target/wasm-opt/wasm-demo.wasm",
              "raw_path": "/target/wasm32-wasip1/wasm-release/wasm-demo.wasm",
              "raw_bytes": 2200000,
              "opt_bytes": 1100000,
              "gzip_bytes": 366666,
              "brotli_bytes": 275000,
              "budget_bytes": 1048576,
              "baseline_bytes": 1000000,
              "allowed_growth_bytes": 10000,
              "status": "over-budget"
            },
            {
              "name": "tiny",
              "crate": "tiny",
              "path": "/target/wasm-opt/tiny.wasm",
              "raw_path": "/target/wasm32-wasip1/wasm-release/tiny.wasm",
              "raw_bytes": 1800,
              "opt_bytes": 900,
              "gzip_bytes": 300,
              "brotli_bytes": 225,
              "budget_bytes": 4096,
              "baseline_bytes": null,
              "allowed_growth_bytes": null,
              "status": "new"
            }
          ]
        }
    "#]]
    .assert_eq(&json(&rows()).unwrap());
    let value: serde_json::Value = serde_json::from_str(&json(&rows()).unwrap()).unwrap();
    assert_eq!(value["passed"], false);
    let first = &value["artifacts"][0];
    for field in [
        "name",
        "crate",
        "path",
        "raw_bytes",
        "opt_bytes",
        "gzip_bytes",
        "budget_bytes",
        "baseline_bytes",
        "status",
    ] {
        assert!(!first[field].is_null(), "missing {field}");
    }
    assert_eq!(
        value["artifacts"][2]["baseline_bytes"],
        serde_json::Value::Null
    );
    assert_eq!(value["artifacts"][1]["status"], "over-budget");
}
