//! Rendering the judged rows: an aligned table, JSON for machines, Markdown for a CI summary.

use serde::Serialize;

use crate::size::{delta, human};
use crate::verdict::Row;

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

type Cell = fn(&Row) -> String;

/// The report's columns, in order; a new column is one more entry here.
fn columns() -> Vec<(&'static str, Align, Cell)> {
    vec![
        ("artifact", Align::Left, |r| r.measurement.name.clone()),
        ("raw", Align::Right, |r| human(r.measurement.raw_bytes)),
        ("optimised", Align::Right, |r| {
            human(r.measurement.opt_bytes)
        }),
        ("gzip", Align::Right, |r| human(r.measurement.gzip_bytes)),
        ("brotli", Align::Right, |r| {
            human(r.measurement.brotli_bytes)
        }),
        ("budget", Align::Right, |r| human(r.budget_bytes)),
        ("% of budget", Align::Right, |r| {
            format!(
                "{:.1}%",
                r.measurement.opt_bytes as f64 * 100.0 / r.budget_bytes.max(1) as f64
            )
        }),
        ("Δ vs baseline", Align::Right, |r| match r.baseline_bytes {
            Some(old) => delta(old, r.measurement.opt_bytes),
            None => "-".to_owned(),
        }),
        ("status", Align::Left, |r| r.status.label().to_owned()),
    ]
}

fn cells(rows: &[Row]) -> (Vec<(&'static str, Align)>, Vec<Vec<String>>) {
    let columns = columns();
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

/// A plain-text table with columns padded to their widest cell.
pub(crate) fn table(rows: &[Row]) -> String {
    let (header, body) = cells(rows);
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
            .zip(&header)
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

/// A GitHub-flavoured Markdown table, for `$GITHUB_STEP_SUMMARY`.
pub(crate) fn markdown(rows: &[Row]) -> String {
    let (header, body) = cells(rows);
    let mut out = String::from("### Wasm sizes\n\n|");
    for (name, _) in &header {
        out += &format!(" {name} |");
    }
    out += "\n|";
    for (_, align) in &header {
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
    artifacts: &'a [Row],
}

/// One JSON object: `{"passed": .., "artifacts": [..]}`, sizes in bytes.
pub(crate) fn json(rows: &[Row]) -> anyhow::Result<String> {
    let report = JsonReport {
        passed: !rows.iter().any(|r| r.status.failed()),
        artifacts: rows,
    };
    Ok(serde_json::to_string_pretty(&report)? + "\n")
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
