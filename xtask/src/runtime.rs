//! The embedded WASI preview1 runtime (wasmtime), so running an artifact needs nothing installed,
//! and what runs on it: `cargo xtask run`, the behaviour check after wasm-opt, and the scripted
//! session through the cortex-core C ABI, whose typed client is [`cortex_abi`]. Built only with the
//! xtask's `runtime` feature; without it, `no_runtime` answers the same calls.

pub mod abi_session;
pub mod behaviour;
pub mod check_export;
pub mod cortex_abi;
pub mod engine;
#[cfg(test)]
mod fixtures;
pub mod metering;
#[cfg(test)]
mod tests;
pub mod wasi;

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;

pub use behaviour::verify;
pub use engine::{Exit, Library, Mode, Runtime, Trapped};
pub use metering::measure as run_cost;

/// The exit status of a trapped module, as for a process killed by SIGABRT (128 + 6).
pub const TRAP_EXIT: i32 = 134;

/// Succeeds: this xtask has the runtime that measures a run, whatever budgets `artifacts` set.
pub fn ensure_runs(_artifacts: &[&crate::project::ArtifactBudget]) -> anyhow::Result<()> {
    Ok(())
}

/// Succeeds: this xtask has the runtime that `command` needs.
pub fn ensure_available(_command: &str) -> anyhow::Result<()> {
    Ok(())
}

/// Runs a command module with our stdout and stderr and returns its exit code; a trap is reported
/// on stderr and gives [`TRAP_EXIT`].
pub fn run_command(name: &str, module: &[u8], args: &[String]) -> anyhow::Result<i32> {
    let outcome = Runtime::new()?.run(name, module, args, Mode::Stream);
    let _ = std::io::stdout().flush();
    match outcome {
        Ok(exit) => Ok(exit.code),
        Err(error) => match error.downcast_ref::<Trapped>() {
            Some(trapped) => {
                eprintln!("error: {trapped}");
                Ok(TRAP_EXIT)
            }
            None => Err(error),
        },
    }
}

/// A command module that times itself, compiled once for speed, to be run as often as wanted: each
/// run a fresh instance with real clocks and its output captured.
#[derive(Debug)]
pub struct TimedProgram {
    name: String,
    runtime: Runtime,
    module: wasmtime::Module,
}

impl TimedProgram {
    pub fn new(name: &str, module: &[u8]) -> anyhow::Result<Self> {
        let runtime = Runtime::optimising()?;
        let module = runtime.compile(name, module)?;
        Ok(Self {
            name: name.to_owned(),
            runtime,
            module,
        })
    }

    /// Runs it with `args`, granted `dir` as [`TimedProgram::GUEST_DIR`]: its exit code, stdout
    /// and stderr. A trap is an error.
    pub fn run(&self, args: &[String], dir: &Path) -> anyhow::Result<(i32, Vec<u8>, Vec<u8>)> {
        let host = Runtime::host(&self.name, args, Mode::Timed)
            .with_dir(dir, Self::GUEST_DIR)
            .with_context(|| format!("grant {} to `{}`", dir.display(), self.name))?;
        let exit = self
            .runtime
            .run_in(&self.name, &self.module, host, Mode::Timed)?;
        Ok((exit.code, exit.stdout, exit.stderr))
    }

    /// What the program calls the directory it is granted.
    pub const GUEST_DIR: &'static str = "/scratch";
}
