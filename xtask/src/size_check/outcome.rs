//! What a size check concludes about each artifact (its row, the checks it failed, the errors that
//! stopped it) and how a run reports that: one run's artifacts, or the shards of one merged.

use serde::{Deserialize, Serialize};

use crate::failure::{self, AlreadyReported, ConfigError, FailedCheck, GateFailure};
use crate::files::summary::append_step_summary;
use crate::gate::report;
use crate::gate::verdict::{Mode, Row};

/// One artifact's part of the verdict.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    /// Its measurement, judged; `None` when it was stopped before it could be measured.
    pub row: Option<Row>,
    /// What it failed: a behaviour check, a budget, the baseline's tolerance (with what grew).
    pub checks: Vec<FailedCheck>,
    /// What stopped its check (a build or optimiser error), as it is printed.
    pub errors: Vec<Stopped>,
}

/// An error that stopped an artifact's check, kept as its text and whether it is a usage or
/// configuration error (exit 2), so a shard can carry it to the merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stopped {
    pub text: String,
    pub config: bool,
}

impl Stopped {
    pub fn of(err: &anyhow::Error) -> Self {
        Self {
            text: format!("{err:#}"),
            config: err.chain().any(|cause| cause.is::<ConfigError>()),
        }
    }
}

/// Sorts what a failure of an artifact's measuring or behaviour check says into checks it failed
/// and errors that stopped it.
pub fn sort_failure(err: anyhow::Error, checks: &mut Vec<FailedCheck>, errors: &mut Vec<Stopped>) {
    match err.downcast::<GateFailure>() {
        Ok(gate) => checks.extend(gate.checks),
        Err(err) => errors.push(Stopped::of(&err)),
    }
}

/// Prints the report of `outcomes` (the table, or JSON with `json`; the Markdown table to the CI
/// step summary) and returns the run's failure: the failed checks (exit 1), or, when an artifact
/// was stopped, every error printed and exit 2 if any was a configuration error, 1 otherwise.
pub fn conclude(outcomes: &[Outcome], mode: Mode, json: bool) -> anyhow::Result<()> {
    let rows: Vec<Row> = outcomes.iter().filter_map(|o| o.row.clone()).collect();
    if json {
        print!("{}", report::json(&rows, mode)?);
    } else {
        print!("{}", report::table(&rows));
    }
    append_step_summary(&report::markdown(&rows))?;

    let checks: Vec<FailedCheck> = outcomes.iter().flat_map(|o| o.checks.clone()).collect();
    let errors: Vec<&Stopped> = outcomes.iter().flat_map(|o| &o.errors).collect();
    if errors.is_empty() {
        if checks.is_empty() {
            return Ok(());
        }
        return Err(GateFailure { checks }.into());
    }
    if !checks.is_empty() {
        eprint!("{}", failure::render(&GateFailure { checks }.into()));
    }
    for error in &errors {
        eprintln!("error: {}", error.text);
    }
    let code = if errors.iter().any(|e| e.config) {
        2
    } else {
        1
    };
    Err(AlreadyReported { code }.into())
}
