//! `cargo xtask test`: install what the tests need (the wasm target, libclang for RocksDB's
//! bindings, clang++ for its C++, Chromium, the Python host that drives cortex-core's module), then
//! run the whole suite with cargo-nextest, or `cargo test` without it, and exit with the runner's code.
//!
//! Only the wasm target, libclang and clang++ are needed to build the tests; Chromium and the Python
//! host are installed while the tests build (the downloads wait on the network, the build on the
//! CPU), and the tests run once both are done.

pub mod setup;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use anyhow::Context as _;
use xshell::{cmd, Shell};

use crate::failure::{self, AlreadyReported};
use crate::flags;
use crate::project::Context;

use setup::echo::Echo;
use setup::executables::runs_cleanly;
use setup::{chromium, cxx, libclang, python_host};

impl flags::Test {
    pub fn run(self, cx: &Context) -> anyhow::Result<()> {
        // What the build needs: rustc's wasm target, and libclang, which bindgen loads while
        // RocksDB compiles.
        cx.ensure_wasm_target()?;
        libclang::ensure(&cx.sh)?;
        let cxx_dir = cxx::prefer_clang(&cx.sh, &cx.workspace.target_dir)?;
        if self.setup_only {
            chromium::ensure(&cx.sh, Echo::Live)?;
            python_host::ensure(&cx.sh, &cx.workspace.target_dir, Echo::Live)?;
            eprintln!("everything the tests need is installed");
            return Ok(());
        }

        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let runner = if has_nextest(&cx.sh, &cargo) {
            Runner::Nextest
        } else {
            eprintln!(
                "cargo-nextest is not installed; running `cargo test` \
                 (`cargo install --locked cargo-nextest` for the faster runner)"
            );
            Runner::CargoTest
        };
        let root = cx.sh.current_dir();
        let target_dir = &cx.workspace.target_dir;
        let path = cxx_dir.as_deref().map(cxx::path_with).transpose()?;
        let command = |step| {
            let mut command = runner.command(&cargo, step, &self.args, &root);
            if let Some(path) = &path {
                command.env("PATH", path);
            }
            command
        };
        let (built, setup) = std::thread::scope(|scope| {
            let setup = scope.spawn(|| install_for_the_run(root.clone(), target_dir));
            let built = status(command(Step::Build));
            let setup = setup
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (built, setup)
        });
        ready_to_run(built?, setup)?;
        let ran = status(command(Step::Run))?;
        match failure_code(ran) {
            None => Ok(()),
            // The runner printed its own summary.
            Some(code) => Err(AlreadyReported { code }.into()),
        }
    }
}

/// The test runner: cargo-nextest, or `cargo test` without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Runner {
    Nextest,
    CargoTest,
}

/// Building the tests, or running them (which finds them built).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Build,
    Run,
}

impl Runner {
    /// The runner's arguments for `step`: the whole workspace, then the user's arguments, which
    /// reach both steps so both build the same thing.
    fn args(self, step: Step, user: &[String]) -> Vec<String> {
        let mut args: Vec<String> = match self {
            Runner::Nextest => vec!["nextest".into(), "run".into()],
            Runner::CargoTest => vec!["test".into()],
        };
        args.push("--workspace".into());
        if step == Step::Build {
            // Before the user's arguments, which may end in `-- <test binary arguments>`.
            args.push("--no-run".into());
        }
        args.extend(user.iter().cloned());
        args
    }

    fn command(self, cargo: &str, step: Step, user: &[String], root: &Path) -> Command {
        let mut command = Command::new(cargo);
        command.args(self.args(step, user)).current_dir(root);
        command
    }
}

/// Runs `command` with the terminal as its own. Not through xshell: its commands do not hand back
/// the exit code, which is ours to return.
fn status(mut command: Command) -> anyhow::Result<ExitStatus> {
    command.status().with_context(|| {
        format!(
            "run {} {:?}",
            command.get_program().to_string_lossy(),
            command.get_args().collect::<Vec<_>>()
        )
    })
}

/// The code to exit with after the runner exited with `status`, or `None` when it succeeded; a
/// signal has no code, which counts as a failure.
fn failure_code(status: ExitStatus) -> Option<u8> {
    if status.success() {
        return None;
    }
    Some(
        status
            .code()
            .and_then(|code| u8::try_from(code).ok())
            .filter(|&code| code != 0)
            .unwrap_or(1),
    )
}

/// What the set-up beside the build came to, and what its commands printed meanwhile.
#[derive(Debug)]
struct Setup {
    result: anyhow::Result<()>,
    log: String,
}

/// Installs what only running the tests needs (Chromium, the Python host), keeping the installers'
/// output out of the build's.
fn install_for_the_run(root: PathBuf, target_dir: &Path) -> Setup {
    let log = RefCell::new(String::new());
    let result = Shell::new().map_err(anyhow::Error::from).and_then(|sh| {
        sh.change_dir(root);
        chromium::ensure(&sh, Echo::Kept(&log))?;
        python_host::ensure(&sh, target_dir, Echo::Kept(&log))
    });
    Setup {
        result,
        log: log.into_inner(),
    }
}

/// Whether the tests can run after the build exited with `built` and the set-up came to `setup`.
/// A failed build stops with the runner's code (having said why the set-up failed too, if it did);
/// a failed set-up stops with its own error, after what its commands printed.
fn ready_to_run(built: ExitStatus, setup: Setup) -> anyhow::Result<()> {
    let setup_failed = match setup.result {
        Ok(()) => None,
        Err(err) => {
            eprint!("{}", setup.log);
            Some(err)
        }
    };
    match (failure_code(built), setup_failed) {
        (None, None) => Ok(()),
        (None, Some(err)) => Err(err),
        (Some(code), failed) => {
            if let Some(err) = failed {
                eprint!("{}", failure::render(&err));
            }
            Err(AlreadyReported { code }.into())
        }
    }
}

fn has_nextest(sh: &Shell, cargo: &str) -> bool {
    runs_cleanly(cmd!(sh, "{cargo} nextest --version"))
}

#[cfg(test)]
mod tests;
