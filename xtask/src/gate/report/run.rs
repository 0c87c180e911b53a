//! The second table of a size check: what one deterministic run of each artifact costs, beside its
//! run budgets and the baseline's figures.

use super::Align;
use crate::bytes::counts::{count_delta, human_count};
use crate::bytes::units::{delta, human};
use crate::gate::verdict::Row;

type Cell = fn(&Row) -> String;
/// A table's header (names and alignments) and its rows of cells.
type Cells = (Vec<(&'static str, Align)>, Vec<Vec<String>>);

/// The run table's header and rows; `None` when no artifact was run.
pub(super) fn cells(rows: &[Row]) -> Option<Cells> {
    let run: Vec<&Row> = rows
        .iter()
        .filter(|r| r.measurement.run.is_some())
        .collect();
    if run.is_empty() {
        return None;
    }
    let columns: [(&'static str, Align, Cell); 11] = [
        ("artifact", Align::Left, |r| r.measurement.name.clone()),
        ("startup", Align::Right, |r| {
            figure(r, |c| human_count(c.startup_instructions))
        }),
        ("instructions", Align::Right, |r| {
            figure(r, |c| human_count(c.instructions))
        }),
        ("initial memory", Align::Right, |r| {
            figure(r, |c| human(c.initial_memory))
        }),
        ("peak memory", Align::Right, |r| {
            figure(r, |c| human(c.peak_memory))
        }),
        ("startup budget", Align::Right, |r| {
            r.artifact
                .run_budgets
                .startup_instructions
                .map_or("-".to_owned(), human_count)
        }),
        ("run budget", Align::Right, |r| {
            r.artifact
                .run_budgets
                .instructions
                .map_or("-".to_owned(), human_count)
        }),
        ("memory budget", Align::Right, |r| {
            r.artifact
                .run_budgets
                .peak_memory
                .map_or("-".to_owned(), human)
        }),
        ("Δ instructions", Align::Right, |r| {
            match (r.baseline_run, &r.measurement.run) {
                (Some(old), Some(now)) => count_delta(old.instructions, now.instructions),
                _ => "-".to_owned(),
            }
        }),
        ("Δ peak memory", Align::Right, |r| {
            match (r.baseline_run, &r.measurement.run) {
                (Some(old), Some(now)) => delta(old.peak_memory, now.peak_memory),
                _ => "-".to_owned(),
            }
        }),
        ("compile / instantiate", Align::Right, |r| {
            figure(r, |c| {
                format!("{:.0} ms / {:.2} ms", c.compile_ms, c.instantiate_ms)
            })
        }),
    ];
    let header = columns
        .iter()
        .map(|(name, align, _)| (*name, *align))
        .collect();
    let body = run
        .iter()
        .map(|row| columns.iter().map(|(_, _, cell)| cell(row)).collect())
        .collect();
    Some((header, body))
}

fn figure(row: &Row, shown: impl Fn(&crate::pipeline::run_cost::RunCost) -> String) -> String {
    row.measurement.run.as_ref().map_or("-".to_owned(), shown)
}
