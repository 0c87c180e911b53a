//! Tests of the rendered reports: the table, the Markdown summary and the JSON, as snapshots.

use expect_test::expect;

use super::*;
use crate::gate::baseline::{Baseline, BaselineEntry};
use crate::gate::verdict::judge;
use crate::pipeline::run_cost::RunCost;
use crate::project::budget::RunBudgets;
use crate::project::ArtifactBudget;

fn rows() -> Vec<Row> {
    let budget = |name: &str, budget_bytes| ArtifactBudget::example(name, budget_bytes, 1.0);
    let mut base = Baseline::default();
    for (name, opt_bytes) in [("cortex-core", 300_000), ("wasm-demo", 1_000_000)] {
        let entry = BaselineEntry {
            opt_bytes,
            ..BaselineEntry::default()
        };
        base.artifacts.insert(name.into(), entry);
    }
    base.artifacts.get_mut("cortex-core").unwrap().run = Some(RunFigures {
        startup_instructions: 2,
        instructions: 380_000,
        initial_memory: 1 << 20,
        peak_memory: 2 << 20,
    });
    let core_run = RunCost {
        startup_instructions: 2,
        instructions: 387_824,
        initial_memory: 1 << 20,
        peak_memory: (2 << 20) + 65_536,
        compile_ms: 401.2,
        instantiate_ms: 0.02,
    };
    vec![
        judge(
            Measurement {
                run: Some(core_run),
                ..Measurement::example("cortex-core", 301_234)
            },
            &ArtifactBudget {
                gzip_budget_bytes: Some(120 * 1024),
                brotli_budget_bytes: Some(80 * 1024),
                run_budgets: RunBudgets {
                    peak_memory: Some(3 << 20),
                    startup_instructions: None,
                    instructions: Some(420_000),
                    set_at: None,
                },
                ..budget("cortex-core", 769 * 1024)
            },
            Some(&base),
        ),
        judge(
            Measurement::example("wasm-demo", 1_100_000),
            &budget("wasm-demo", 1 << 20),
            Some(&base),
        ),
        judge(
            Measurement::example("tiny", 900),
            &budget("tiny", 4096),
            Some(&base),
        ),
    ]
}

#[test]
fn table_is_aligned() {
    expect![[r#"
        artifact           raw  optimised       gzip     brotli     budget  gzip budget  brotli budget  % of budget       Δ vs baseline  status
        -----------  ---------  ---------  ---------  ---------  ---------  -----------  -------------  -----------  ------------------  -----------------
        cortex-core  588.3 KiB  294.2 KiB   98.1 KiB   73.5 KiB  769.0 KiB    120.0 KiB       80.0 KiB        38.3%     +1234 B (+0.4%)  REGRESSED
        wasm-demo     2.10 MiB   1.05 MiB  358.1 KiB  268.6 KiB   1.00 MiB            -              -       104.9%  +100000 B (+10.0%)  OVER BUDGET
        tiny           1.8 KiB      900 B      300 B      225 B    4.0 KiB            -              -        22.0%                   -  NEW (no baseline)

        artifact     startup  instructions  initial memory  peak memory  startup budget  run budget  memory budget  Δ instructions     Δ peak memory  compile / instantiate
        -----------  -------  ------------  --------------  -----------  --------------  ----------  -------------  --------------  ----------------  ---------------------
        cortex-core        2       387.8 k        1.00 MiB     2.06 MiB               -     420.0 k       3.00 MiB   +7824 (+2.1%)  +65536 B (+3.1%)       401 ms / 0.02 ms
    "#]]
    .assert_eq(&table(&rows()));
}

#[test]
fn a_glue_column_shows_when_an_artifact_ships_glue() {
    let mut rows = rows();
    rows[2].measurement.glue = Some(crate::pipeline::Glue {
        path: "/opt/tiny/tiny.js".into(),
        bytes: 6501,
        gzip_bytes: 1885,
        brotli_bytes: 1667,
    });
    expect![[r#"
        artifact           raw  optimised       gzip     brotli        glue (gzip)     budget  gzip budget  brotli budget  % of budget       Δ vs baseline  status
        -----------  ---------  ---------  ---------  ---------  -----------------  ---------  -----------  -------------  -----------  ------------------  -----------------
        cortex-core  588.3 KiB  294.2 KiB   98.1 KiB   73.5 KiB                  -  769.0 KiB    120.0 KiB       80.0 KiB        38.3%     +1234 B (+0.4%)  REGRESSED
        wasm-demo     2.10 MiB   1.05 MiB  358.1 KiB  268.6 KiB                  -   1.00 MiB            -              -       104.9%  +100000 B (+10.0%)  OVER BUDGET
        tiny           1.8 KiB      900 B      300 B      225 B  6.3 KiB (1.8 KiB)    4.0 KiB            -              -        22.0%                   -  NEW (no baseline)

        artifact     startup  instructions  initial memory  peak memory  startup budget  run budget  memory budget  Δ instructions     Δ peak memory  compile / instantiate
        -----------  -------  ------------  --------------  -----------  --------------  ----------  -------------  --------------  ----------------  ---------------------
        cortex-core        2       387.8 k        1.00 MiB     2.06 MiB               -     420.0 k       3.00 MiB   +7824 (+2.1%)  +65536 B (+3.1%)       401 ms / 0.02 ms
    "#]]
    .assert_eq(&table(&rows));
}

#[test]
fn markdown_has_a_header_alignment_row_and_one_line_per_artifact() {
    expect![[r#"
        ### Wasm sizes

        | artifact | raw | optimised | gzip | brotli | budget | gzip budget | brotli budget | % of budget | Δ vs baseline | status |
        | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- |
        | cortex-core | 588.3 KiB | 294.2 KiB | 98.1 KiB | 73.5 KiB | 769.0 KiB | 120.0 KiB | 80.0 KiB | 38.3% | +1234 B (+0.4%) | REGRESSED |
        | wasm-demo | 2.10 MiB | 1.05 MiB | 358.1 KiB | 268.6 KiB | 1.00 MiB | - | - | 104.9% | +100000 B (+10.0%) | OVER BUDGET |
        | tiny | 1.8 KiB | 900 B | 300 B | 225 B | 4.0 KiB | - | - | 22.0% | - | NEW (no baseline) |

        ### What a run costs

        | artifact | startup | instructions | initial memory | peak memory | startup budget | run budget | memory budget | Δ instructions | Δ peak memory | compile / instantiate |
        | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        | cortex-core | 2 | 387.8 k | 1.00 MiB | 2.06 MiB | - | 420.0 k | 3.00 MiB | +7824 (+2.1%) | +65536 B (+3.1%) | 401 ms / 0.02 ms |
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
              "target": "wasm32-wasip1",
              "path": "/target/wasm-gate/ws-0123456789abcdef/opt/cortex-core.wasm",
              "raw_path": "/target/wasm-gate/ws-0123456789abcdef/modules/cortex-core/shipped.wasm",
              "raw_bytes": 602468,
              "opt_bytes": 301234,
              "gzip_bytes": 100411,
              "brotli_bytes": 75308,
              "run": {
                "startup_instructions": 2,
                "instructions": 387824,
                "initial_memory": 1048576,
                "peak_memory": 2162688,
                "compile_ms": 401.2,
                "instantiate_ms": 0.02
              },
              "budget_bytes": 787456,
              "gzip_budget_bytes": 122880,
              "brotli_budget_bytes": 81920,
              "glue_budget_bytes": null,
              "memory_budget_bytes": 3145728,
              "startup_budget_instructions": null,
              "run_budget_instructions": 420000,
              "baseline_bytes": 300000,
              "allowed_growth_bytes": 3000,
              "baseline_run": {
                "startup_instructions": 2,
                "instructions": 380000,
                "initial_memory": 1048576,
                "peak_memory": 2097152
              },
              "status": "regressed",
              "toolchain_drift": false
            },
            {
              "name": "wasm-demo",
              "crate": "wasm-demo",
              "target": "wasm32-wasip1",
              "path": "/target/wasm-gate/ws-0123456789abcdef/opt/wasm-demo.wasm",
              "raw_path": "/target/wasm-gate/ws-0123456789abcdef/modules/wasm-demo/shipped.wasm",
              "raw_bytes": 2200000,
              "opt_bytes": 1100000,
              "gzip_bytes": 366666,
              "brotli_bytes": 275000,
              "budget_bytes": 1048576,
              "gzip_budget_bytes": null,
              "brotli_budget_bytes": null,
              "glue_budget_bytes": null,
              "memory_budget_bytes": null,
              "startup_budget_instructions": null,
              "run_budget_instructions": null,
              "baseline_bytes": 1000000,
              "allowed_growth_bytes": 10000,
              "status": "over-budget",
              "toolchain_drift": false
            },
            {
              "name": "tiny",
              "crate": "tiny",
              "target": "wasm32-wasip1",
              "path": "/target/wasm-gate/ws-0123456789abcdef/opt/tiny.wasm",
              "raw_path": "/target/wasm-gate/ws-0123456789abcdef/modules/tiny/shipped.wasm",
              "raw_bytes": 1800,
              "opt_bytes": 900,
              "gzip_bytes": 300,
              "brotli_bytes": 225,
              "budget_bytes": 4096,
              "gzip_budget_bytes": null,
              "brotli_budget_bytes": null,
              "glue_budget_bytes": null,
              "memory_budget_bytes": null,
              "startup_budget_instructions": null,
              "run_budget_instructions": null,
              "baseline_bytes": null,
              "allowed_growth_bytes": null,
              "status": "new",
              "toolchain_drift": false
            }
          ]
        }
    "#]]
    .assert_eq(&json(&rows(), Mode::Check).unwrap());
    let value: serde_json::Value =
        serde_json::from_str(&json(&rows(), Mode::Check).unwrap()).unwrap();
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
    let accepted = |rows: &[Row]| -> serde_json::Value {
        serde_json::from_str(&json(rows, Mode::Update).unwrap()).unwrap()
    };
    assert_eq!(
        accepted(&rows())["passed"],
        false,
        "--update never accepts an overrun"
    );
    assert_eq!(
        accepted(&[rows().remove(2)])["passed"],
        true,
        "--update accepts a first record"
    );
}
