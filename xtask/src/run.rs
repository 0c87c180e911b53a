//! `cargo xtask run`: run an artifact's optimised module (or any `.wasm` file) in the embedded runtime.

#[cfg(feature = "runtime")]
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::budget::{self, ArtifactBudget, SizeBudget};
use crate::failure::ConfigError;
use crate::flags;
use crate::wasm::{self, Step};
use crate::workspace::{WasmKind, Workspace};

#[cfg(feature = "runtime")]
/// The exit status of a trapped module, as for a process killed by SIGABRT (128 + 6).
const TRAP_EXIT: i32 = 134;

impl flags::Run {
    pub(crate) fn run(self) -> Result<()> {
        if !cfg!(feature = "runtime") {
            return Err(missing_runtime("`cargo xtask run`"));
        }
        let (name, module) = self.module()?;
        execute(&name, &module, &self.args)
    }

    /// The artifact's name and its optimised module (made first when missing or stale), or a `.wasm` file.
    fn module(&self) -> Result<(String, Vec<u8>)> {
        if self.artifact.ends_with(".wasm") {
            let path = PathBuf::from(&self.artifact);
            let module = std::fs::read(&path).map_err(|err| {
                ConfigError(format!(
                    "cannot read {}: {err}\n  fix: pass an existing .wasm file or an artifact of {}",
                    path.display(),
                    budget::FILE_NAME
                ))
            })?;
            let name = path.file_stem().map_or_else(
                || self.artifact.clone(),
                |s| s.to_string_lossy().into_owned(),
            );
            return Ok((name, module));
        }
        let ws = Workspace::discover()?;
        let budget = wasm::load_budget(&ws)?;
        let artifact = find(&budget, &self.artifact)?;
        if artifact.target.kind != WasmKind::Bin {
            return Err(ConfigError(format!(
                "`{}` is a library module (cdylib) with no `_start` to run\n  fix: run a binary artifact: {}",
                artifact.name,
                runnable(&budget)
            ))
            .into());
        }
        let sh = wasm::workspace_shell(&ws)?;
        wasm::ensure_wasm_target(&sh)?;
        // Cargo and the optimiser's content hash make this a no-op when the module is up to date.
        let measurement = wasm::make(&sh, &ws, artifact, Step::Build, true)?;
        eprintln!("running {}", measurement.path.display());
        let module = std::fs::read(&measurement.path)
            .with_context(|| format!("read {}", measurement.path.display()))?;
        Ok((artifact.name.clone(), module))
    }
}

/// Runs the module with our stdout and stderr, then exits with its exit code.
#[cfg(feature = "runtime")]
fn execute(name: &str, module: &[u8], args: &[String]) -> Result<()> {
    use crate::runtime::{Mode, Runtime, Trapped};

    let outcome = Runtime::new()?.run(name, module, args, Mode::Stream);
    let _ = std::io::stdout().flush();
    match outcome {
        Ok(exit) => std::process::exit(exit.code),
        Err(error) => match error.downcast_ref::<Trapped>() {
            Some(trapped) => {
                eprintln!("error: {trapped}");
                std::process::exit(TRAP_EXIT)
            }
            None => Err(error),
        },
    }
}

#[cfg(not(feature = "runtime"))]
fn execute(_name: &str, _module: &[u8], _args: &[String]) -> Result<()> {
    Err(missing_runtime("`cargo xtask run`"))
}

/// The error of a command that needs the embedded runtime in an xtask built without it (exit 2).
pub(crate) fn missing_runtime(command: &str) -> anyhow::Error {
    ConfigError(format!(
        "{command} needs the embedded wasm runtime, and this xtask was built without its `runtime` feature\n  \
         fix: build the xtask with its default features (drop `--no-default-features`)"
    ))
    .into()
}

/// The artifact of size-budget.toml called `name` (or built from the crate `name`).
pub(crate) fn find<'a>(budget: &'a SizeBudget, name: &str) -> Result<&'a ArtifactBudget> {
    let found = budget
        .artifacts
        .iter()
        .find(|a| a.name == name)
        .or_else(|| budget.artifacts.iter().find(|a| a.krate == name));
    found.ok_or_else(|| {
        let known: Vec<&str> = budget.artifacts.iter().map(|a| a.name.as_str()).collect();
        ConfigError(format!(
            "no artifact `{name}` in {}\n  fix: use one of: {}",
            budget::FILE_NAME,
            known.join(", ")
        ))
        .into()
    })
}

fn runnable(budget: &SizeBudget) -> String {
    let bins: Vec<&str> = budget
        .artifacts
        .iter()
        .filter(|a| a.target.kind == WasmKind::Bin)
        .map(|a| a.name.as_str())
        .collect();
    if bins.is_empty() {
        "none in size-budget.toml".to_owned()
    } else {
        bins.join(", ")
    }
}
