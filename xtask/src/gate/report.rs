//! Rendering the judged rows: an aligned table, JSON for machines, Markdown for a CI summary.

use serde::Serialize;

use crate::bytes::units::{delta, human};
use crate::gate::verdict::{Mode, Row, Status};
use crate::pipeline::run_cost::RunFigures;
use crate::pipeline::Measurement;

mod run;

#[derive(Clone, Copy)]
pub(super) enum Align {
    Left,
    Right,
}

type Cell = fn(&Row) -> String;

/// The report's columns, in order; a new column is one more entry here. The glue column shows
/// only when an artifact is built through wasm-bindgen.
fn columns(rows: &[Row]) -> Vec<(&'static str, Align, Cell)> {
    let glue: Option<(&'static str, Align, Cell)> = rows
        .iter()
        .any(|r| r.measurement.glue.is_some())
        .then_some(
            ("glue (gzip)", Align::Right, |r| match &r.measurement.glue {
                Some(glue) => format!("{} ({})", human(glue.bytes), human(glue.gzip_bytes)),
                None => "-".to_owned(),
            }),
        );
    let mut columns: Vec<(&'static str, Align, Cell)> = vec![
        ("artifact", Align::Left, |r| r.measurement.name.clone()),
        ("raw", Align::Right, |r| human(r.measurement.raw_bytes)),
        ("optimised", Align::Right, |r| {
            human(r.measurement.opt_bytes)
        }),
        ("gzip", Align::Right, |r| human(r.measurement.gzip_bytes)),
        ("brotli", Align::Right, |r| {
            human(r.measurement.brotli_bytes)
        }),
        ("budget", Align::Right, |r| human(r.artifact.budget_bytes)),
        ("gzip budget", Align::Right, |r| {
            r.artifact.gzip_budget_bytes.map_or("-".to_owned(), human)
        }),
        ("brotli budget", Align::Right, |r| {
            r.artifact.brotli_budget_bytes.map_or("-".to_owned(), human)
        }),
        ("% of budget", Align::Right, |r| {
            format!(
                "{:.1}%",
                r.measurement.opt_bytes as f64 * 100.0 / r.artifact.budget_bytes.max(1) as f64
            )
        }),
        ("Δ vs baseline", Align::Right, |r| match r.baseline_bytes {
            Some(old) => delta(old, r.measurement.opt_bytes),
            None => "-".to_owned(),
        }),
        ("status", Align::Left, |r| r.status_label()),
    ];
    if let Some(glue) = glue {
        columns.insert(5, glue);
    }
    columns
}

fn cells(rows: &[Row]) -> (Vec<(&'static str, Align)>, Vec<Vec<String>>) {
    let columns = columns(rows);
    let header = columns
        .iter()
        .map(|(name, align, _)| (*name, *align))
        .collect();
    let body = rows
        .iter()
        .map(|row| columns.iter().map(|(_, _, cell)| cell(row)).collect())
        .collect();
    (header, body)
}

/// A plain-text table with columns padded to their widest cell; under it, when any artifact was
/// run, the table of what its run cost.
pub fn table(rows: &[Row]) -> String {
    let (header, body) = cells(rows);
    let mut out = render_text(&header, body);
    if let Some((header, body)) = run::cells(rows) {
        out += "\n";
        out += &render_text(&header, body);
    }
    out
}

/// Columns padded to their widest cell, under a header and a rule.
pub(super) fn render_text(header: &[(&'static str, Align)], body: Vec<Vec<String>>) -> String {
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            body.iter()
                .map(|r| r[i].chars().count())
                .chain([name.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(header)
            .zip(&widths)
            .map(|((cell, (_, align)), width)| {
                let pad = " ".repeat(width - cell.chars().count());
                match align {
                    Align::Left => format!("{cell}{pad}"),
                    Align::Right => format!("{pad}{cell}"),
                }
            })
            .collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(header.iter().map(|(name, _)| name.to_string()).collect());
    out += &line(widths.iter().map(|w| "-".repeat(*w)).collect());
    for row in body {
        out += &line(row);
    }
    out
}

/// A GitHub-flavoured Markdown table, for `$GITHUB_STEP_SUMMARY`; the run table under it when any
/// artifact was run.
pub fn markdown(rows: &[Row]) -> String {
    let (header, body) = cells(rows);
    let mut out = render_markdown("Wasm sizes", &header, body);
    if let Some((header, body)) = run::cells(rows) {
        out += "\n";
        out += &render_markdown("What a run costs", &header, body);
    }
    out
}

fn render_markdown(
    title: &str,
    header: &[(&'static str, Align)],
    body: Vec<Vec<String>>,
) -> String {
    let mut out = format!("### {title}\n\n|");
    for (name, _) in header {
        out += &format!(" {name} |");
    }
    out += "\n|";
    for (_, align) in header {
        out += match align {
            Align::Left => " :--- |",
            Align::Right => " ---: |",
        };
    }
    out += "\n";
    for row in body {
        out += "|";
        for cell in row {
            out += &format!(" {} |", cell.replace('|', "\\|"));
        }
        out += "\n";
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    passed: bool,
    artifacts: Vec<JsonRow<'a>>,
}

/// One artifact in the JSON report: the measurement, what it was judged against, and the status.
#[derive(Serialize)]
struct JsonRow<'a> {
    #[serde(flatten)]
    measurement: &'a Measurement,
    budget_bytes: u64,
    gzip_budget_bytes: Option<u64>,
    brotli_budget_bytes: Option<u64>,
    glue_budget_bytes: Option<u64>,
    memory_budget_bytes: Option<u64>,
    startup_budget_instructions: Option<u64>,
    run_budget_instructions: Option<u64>,
    baseline_bytes: Option<u64>,
    allowed_growth_bytes: Option<u64>,
    /// What the baseline records of a run, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_run: Option<RunFigures>,
    status: Status,
    /// The toolchain differs from the baseline's, so a size change is its doing.
    toolchain_drift: bool,
}

/// One JSON object: `{"passed": .., "artifacts": [..]}`, sizes in bytes; `passed` as the run in
/// `mode` decides it (with `--update`, growth and first records are accepted).
pub fn json(rows: &[Row], mode: Mode) -> anyhow::Result<String> {
    let report = JsonReport {
        passed: rows.iter().all(|r| r.failing(mode).next().is_none()),
        artifacts: rows
            .iter()
            .map(|row| JsonRow {
                measurement: &row.measurement,
                budget_bytes: row.artifact.budget_bytes,
                gzip_budget_bytes: row.artifact.gzip_budget_bytes,
                brotli_budget_bytes: row.artifact.brotli_budget_bytes,
                glue_budget_bytes: row.artifact.glue_budget_bytes,
                memory_budget_bytes: row.artifact.run_budgets.peak_memory,
                startup_budget_instructions: row.artifact.run_budgets.startup_instructions,
                run_budget_instructions: row.artifact.run_budgets.instructions,
                baseline_bytes: row.baseline_bytes,
                allowed_growth_bytes: row.allowed_growth_bytes,
                baseline_run: row.baseline_run,
                status: row.status(),
                toolchain_drift: row.toolchain_drift,
            })
            .collect(),
    };
    Ok(serde_json::to_string_pretty(&report)? + "\n")
}

/// Snapshot tests: a change of format is a visible diff here.
#[cfg(test)]
mod tests {
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
}
