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
/// A table's header (names and alignments) and its rows of cells.
type Cells = (Vec<(&'static str, Align)>, Vec<Vec<String>>);

/// The report's columns, in order; a new column is one more entry here. The glue column shows
/// only when an artifact is built through wasm-bindgen.
fn columns(rows: &[Row]) -> Vec<(&'static str, Align, Cell)> {
    let glue: Option<(&'static str, Align, Cell)> = rows
        .iter()
        .any(|r| r.measurement.glue.is_some())
        .then_some(("glue (gzip)", Align::Right, |r| {
            or_dash(r.measurement.glue.as_ref(), |glue| {
                format!("{} ({})", human(glue.bytes), human(glue.gzip_bytes))
            })
        }));
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
            or_dash(r.artifact.gzip_budget_bytes, human)
        }),
        ("brotli budget", Align::Right, |r| {
            or_dash(r.artifact.brotli_budget_bytes, human)
        }),
        ("% of budget", Align::Right, |r| {
            format!(
                "{:.1}%",
                r.measurement.opt_bytes as f64 * 100.0 / r.artifact.budget_bytes.max(1) as f64
            )
        }),
        ("Δ vs baseline", Align::Right, |r| {
            or_dash(r.baseline_bytes, |old| delta(old, r.measurement.opt_bytes))
        }),
        ("status", Align::Left, |r| r.status_label()),
    ];
    if let Some(glue) = glue {
        columns.insert(5, glue);
    }
    columns
}

fn cells(rows: &[Row]) -> Cells {
    cells_by(&columns(rows), rows)
}

/// The header of `columns`, and under it a line of their cells for each of `rows`.
fn cells_by<'r>(
    columns: &[(&'static str, Align, Cell)],
    rows: impl IntoIterator<Item = &'r Row>,
) -> Cells {
    let header = columns
        .iter()
        .map(|(name, align, _)| (*name, *align))
        .collect();
    let body = rows
        .into_iter()
        .map(|row| columns.iter().map(|(_, _, cell)| cell(row)).collect())
        .collect();
    (header, body)
}

/// `value` as `shown` shows it, or `-` when there is none.
fn or_dash<T>(value: Option<T>, shown: impl FnOnce(T) -> String) -> String {
    value.map_or_else(|| "-".to_owned(), shown)
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
mod tests;
