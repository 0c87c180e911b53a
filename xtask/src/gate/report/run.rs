//! The second table of a size check: what one deterministic run of each artifact costs, beside its
//! run budgets and the baseline's figures.

use super::{cells_by, or_dash, Align, Cell, Cells};
use crate::bytes::counts::{count_delta, human_count};
use crate::bytes::units::{delta, human};
use crate::gate::verdict::Row;
use crate::pipeline::run_cost::{RunCost, RunFigures};

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
            or_dash(r.artifact.run_budgets.startup_instructions, human_count)
        }),
        ("run budget", Align::Right, |r| {
            or_dash(r.artifact.run_budgets.instructions, human_count)
        }),
        ("memory budget", Align::Right, |r| {
            or_dash(r.artifact.run_budgets.peak_memory, human)
        }),
        ("Δ instructions", Align::Right, |r| {
            change(r, |old, now| {
                count_delta(old.instructions, now.instructions)
            })
        }),
        ("Δ peak memory", Align::Right, |r| {
            change(r, |old, now| delta(old.peak_memory, now.peak_memory))
        }),
        ("compile / instantiate", Align::Right, |r| {
            figure(r, |c| {
                format!("{:.0} ms / {:.2} ms", c.compile_ms, c.instantiate_ms)
            })
        }),
    ];
    Some(cells_by(&columns, run))
}

/// A figure of the row's run as `shown` shows it, `-` when it was not run.
fn figure(row: &Row, shown: impl FnOnce(&RunCost) -> String) -> String {
    or_dash(row.measurement.run.as_ref(), shown)
}

/// The change from the baseline's run to this one as `shown` shows it, `-` without either.
fn change(row: &Row, shown: impl FnOnce(RunFigures, &RunCost) -> String) -> String {
    match (row.baseline_run, &row.measurement.run) {
        (Some(old), Some(now)) => shown(old, now),
        _ => "-".to_owned(),
    }
}
