//! Stands in for `runtime` in an xtask built without its `runtime` feature: the same calls, which
//! skip the behaviour check and say what is missing where a module would have to run.

use std::path::Path;

use crate::failure::ConfigError;
use crate::pipeline::run_cost::RunCost;
use crate::pipeline::Measurement;
use crate::project::{budget, ArtifactBudget};

/// What a behaviour check's run cost: never measured here.
#[derive(Debug, Clone, Copy)]
pub enum Metered {}

/// Skips the behaviour check, saying so.
pub fn verify(
    artifact: &ArtifactBudget,
    _measurement: &Measurement,
) -> anyhow::Result<Option<Metered>> {
    eprintln!(
        "{}: behaviour check skipped: this xtask was built without its `runtime` feature",
        artifact.name
    );
    Ok(None)
}

/// No run is measured here.
pub fn run_cost(
    _artifact: &ArtifactBudget,
    _path: &Path,
    _checked: Option<Metered>,
) -> anyhow::Result<Option<RunCost>> {
    Ok(None)
}

/// Refuses a run budget (exit 2, at its line), which only the embedded runtime could measure.
pub fn ensure_runs(artifacts: &[&ArtifactBudget]) -> anyhow::Result<()> {
    let Some(artifact) = artifacts.iter().find(|a| a.run_budgets.any()) else {
        return Ok(());
    };
    let at = artifact
        .run_budgets
        .set_at
        .clone()
        .unwrap_or_else(|| budget::FILE_NAME.to_owned());
    Err(ConfigError::new(
        format!(
            "{at}: artifact `{}` sets a run budget, which the embedded wasm runtime measures, and this xtask was built without its `runtime` feature",
            artifact.name
        ),
        "build the xtask with its default features (drop `--no-default-features`), or drop the artifact's `memory_budget`, `startup_budget` and `run_budget`",
    )
    .into())
}

/// The error of a command that needs the embedded runtime (exit 2).
pub fn ensure_available(command: &str) -> anyhow::Result<()> {
    Err(ConfigError::new(
        format!(
            "{command} needs the embedded wasm runtime, and this xtask was built without its `runtime` feature"
        ),
        "build the xtask with its default features (drop `--no-default-features`)",
    )
    .into())
}

pub fn run_command(_name: &str, _module: &[u8], _args: &[String]) -> anyhow::Result<i32> {
    ensure_available("`cargo xtask run`").map(|()| 0)
}

/// Never made here: `new` fails as [`ensure_available`] does.
#[derive(Debug)]
pub struct TimedProgram;

impl TimedProgram {
    pub fn new(_name: &str, _module: &[u8]) -> anyhow::Result<Self> {
        ensure_available("`cargo xtask bench`").map(|()| TimedProgram)
    }

    pub fn run(&self, _args: &[String], _dir: &Path) -> anyhow::Result<(i32, Vec<u8>, Vec<u8>)> {
        Ok((0, Vec::new(), Vec::new()))
    }

    /// What the program would call the directory it is granted.
    pub const GUEST_DIR: &'static str = "/scratch";
}
