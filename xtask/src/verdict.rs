//! Judging a measurement against its budget and baseline, and the failure messages that follow.

use serde::Serialize;

use crate::baseline::BaselineEntry;
use crate::budget::{self, ArtifactBudget};
use crate::size::delta;
use crate::wasm::Measurement;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Status {
    /// Within budget, and no growth beyond the tolerance.
    Ok,
    /// Smaller than the baseline.
    Shrunk,
    /// Not in the baseline yet.
    New,
    /// Grew beyond the tolerance over the baseline.
    Regressed,
    /// Over the hard ceiling in size-budget.toml.
    OverBudget,
}

impl Status {
    pub(crate) fn failed(self) -> bool {
        matches!(self, Status::Regressed | Status::OverBudget)
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Shrunk => "shrunk",
            Status::New => "new",
            Status::Regressed => "REGRESSED",
            Status::OverBudget => "OVER BUDGET",
        }
    }
}

/// A measurement with what it was judged against.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    #[serde(flatten)]
    pub(crate) measurement: Measurement,
    pub(crate) budget_bytes: u64,
    pub(crate) baseline_bytes: Option<u64>,
    /// Growth over the baseline that still passes.
    pub(crate) allowed_growth_bytes: Option<u64>,
    pub(crate) status: Status,
    /// Also over budget when `status` says regressed, or the reverse: each gets its own message.
    #[serde(skip)]
    pub(crate) over_budget: bool,
    #[serde(skip)]
    pub(crate) regressed: bool,
}

pub(crate) fn judge(
    measurement: Measurement,
    budget: &ArtifactBudget,
    baseline: Option<&BaselineEntry>,
) -> Row {
    let size = measurement.opt_bytes;
    let over_budget = size > budget.budget_bytes;
    let baseline_bytes = baseline.map(|b| b.opt_bytes);
    let allowed_growth_bytes = baseline_bytes.map(|old| budget.tolerance.allowed_growth(old));
    let regressed = match (baseline_bytes, allowed_growth_bytes) {
        (Some(old), Some(allowed)) => size > old.saturating_add(allowed),
        _ => false,
    };
    let status = if over_budget {
        Status::OverBudget
    } else if regressed {
        Status::Regressed
    } else {
        match baseline_bytes {
            None => Status::New,
            Some(old) if size < old => Status::Shrunk,
            Some(_) => Status::Ok,
        }
    };
    Row {
        measurement,
        budget_bytes: budget.budget_bytes,
        baseline_bytes,
        allowed_growth_bytes,
        status,
        over_budget,
        regressed,
    }
}

/// One message per failed check, naming the artifact, the sizes, and the way out.
pub(crate) fn failures(rows: &[Row]) -> Vec<String> {
    let mut messages = Vec::new();
    for row in rows {
        let name = &row.measurement.name;
        let size = row.measurement.opt_bytes;
        if row.over_budget {
            messages.push(format!(
                "{name}: optimised size {size} B is over its budget of {} B by {} B\n  \
                 fix: make it smaller, or raise `budget` under [artifact.{name}] in {} if the growth is intended",
                row.budget_bytes,
                size - row.budget_bytes,
                budget::FILE_NAME
            ));
        }
        if let (true, Some(old), Some(allowed)) =
            (row.regressed, row.baseline_bytes, row.allowed_growth_bytes)
        {
            messages.push(format!(
                "{name}: grew beyond its tolerance: {old} B -> {size} B, {} (tolerance +{allowed} B)\n  \
                 fix: run `cargo xtask size-check --update` and commit {} if the growth is intended",
                delta(old, size),
                crate::baseline::FILE_NAME
            ));
        }
    }
    messages
}

#[cfg(test)]
#[path = "verdict_tests.rs"]
pub(crate) mod tests;
