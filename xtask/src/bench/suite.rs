//! The bench suite built twice, natively in the `bench` profile and as the wasm module that ships
//! (`wasm-release`, then wasm-opt -Oz through the artifact pipeline), and run on each target.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use xshell::cmd;

use crate::failure::{ConfigError, FailedCheck, GateFailure};
use crate::pipeline::{build, optimise};
use crate::project::budget::Features;
use crate::project::{BuildKind, Context, Triple, Unit, WasmKind, WasmTarget, WASM_PROFILE};
use crate::runtime;

/// The workspace member that holds the scenarios.
pub const CRATE: &str = "bench-suite";

/// The suite's binary target. It ships nowhere, so it is not in size-budget.toml: the pipeline
/// builds it by crate and target, as it builds an artifact.
fn wasm_target(cx: &Context) -> anyhow::Result<WasmTarget> {
    let krate = cx.workspace.crates.get(CRATE).ok_or_else(|| {
        ConfigError::new(
            format!("the workspace has no `{CRATE}` crate"),
            "restore examples/bench-suite and its entry in the root Cargo.toml's members",
        )
    })?;
    krate
        .targets
        .iter()
        .find(|t| t.kind == WasmKind::Bin)
        .cloned()
        .with_context(|| format!("`{CRATE}` has no binary target"))
}

/// Builds the native suite in the `bench` profile (opt-level 3, thin LTO) and returns its program.
pub fn build_native(cx: &Context) -> anyhow::Result<PathBuf> {
    let sh = &cx.sh;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let krate = &cx.workspace.crates[CRATE];
    let _dir = sh.push_dir(&krate.manifest_dir);
    eprintln!("building {CRATE} natively (bench profile)");
    let stdout = cmd!(
        sh,
        "{cargo} build --package {CRATE} --bin {CRATE} --profile bench --message-format=json-render-diagnostics"
    )
    .read()
    .with_context(|| format!("build {CRATE} natively"))?;
    for message in cargo_metadata::Message::parse_stream(stdout.as_bytes()) {
        if let cargo_metadata::Message::CompilerArtifact(built) =
            message.context("parse cargo's output")?
        {
            if let Some(executable) = built.executable {
                return Ok(executable.into());
            }
        }
    }
    bail!("cargo built {CRATE} but reported no executable")
}

/// Builds the suite for wasm32-wasip1 as modules ship, optimises it with wasm-opt -Oz, and returns
/// the optimised module's bytes.
pub fn build_wasm(cx: &Context) -> anyhow::Result<Vec<u8>> {
    let target = wasm_target(cx)?;
    cx.ensure_wasm_target()?;
    let unit = Unit {
        name: CRATE,
        krate: CRATE,
        target: &target,
        triple: Triple::Wasip1,
        profile: WASM_PROFILE,
        features: &Features::default(),
    };
    let raw = build::build(cx, unit, BuildKind::Shipped, build::Names::AsProfile)
        .with_context(|| format!("build {CRATE} for wasm"))?;
    let optimised = cx.workspace.optimised_path(CRATE);
    optimise::optimise_if_changed(
        &raw,
        &optimised,
        optimise::Names::Strip,
        None,
        crate::project::PanicMode::Print,
    )
    .with_context(|| format!("optimise {CRATE}"))?;
    std::fs::read(&optimised).with_context(|| format!("read {}", optimised.display()))
}

/// Runs the native suite with `args` and a scratch directory of its own (`--dir`, removed after
/// it), and returns its stdout.
pub fn run_native(program: &Path, args: &[String]) -> anyhow::Result<String> {
    let scratch = tempfile::tempdir().context("make a scratch directory for the suite")?;
    let output = std::process::Command::new(program)
        .args(args)
        .arg("--dir")
        .arg(scratch.path())
        .output()
        .with_context(|| format!("run {}", program.display()))?;
    finished(
        "native",
        output.status.code().unwrap_or(1),
        &output.stdout,
        &output.stderr,
    )
}

/// The wasm suite compiled for the embedded runtime, once for all the runs of `run_wasm`.
pub fn load_wasm(module: &[u8]) -> anyhow::Result<runtime::TimedProgram> {
    runtime::TimedProgram::new(CRATE, module)
}

/// Runs the wasm suite with `args` in a fresh instance granted a scratch directory of its own
/// (`--dir`, removed after it), and returns its stdout.
pub fn run_wasm(suite: &runtime::TimedProgram, args: &[String]) -> anyhow::Result<String> {
    let scratch = tempfile::tempdir().context("make a scratch directory for the suite")?;
    let mut args = args.to_vec();
    args.extend([
        "--dir".to_owned(),
        runtime::TimedProgram::GUEST_DIR.to_owned(),
    ]);
    let (code, stdout, stderr) = suite.run(&args, scratch.path())?;
    finished("wasm", code, &stdout, &stderr)
}

/// The suite's stdout when it exited 0; otherwise a failure quoting the last line of its stderr.
fn finished(target: &str, code: i32, stdout: &[u8], stderr: &[u8]) -> anyhow::Result<String> {
    if code != 0 {
        let stderr = String::from_utf8_lossy(stderr);
        let cause = stderr.lines().last().unwrap_or("(no message)").to_owned();
        return Err(GateFailure::from(FailedCheck {
            problem: format!("the {target} bench suite exited with {code}: {cause}"),
            fix: Some(format!(
                "run examples/{CRATE} alone (`cargo run -p {CRATE} -- --quick`) and fix the scenario it names"
            )),
            details: String::new(),
        })
        .into());
    }
    String::from_utf8(stdout.to_vec())
        .with_context(|| format!("the {target} suite's output is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_suite_is_a_gate_failure_quoting_its_last_stderr_line() {
        let err = finished(
            "wasm",
            1,
            b"a 1 2\n",
            b"starting\nbench-suite: traversal: no node\n",
        )
        .unwrap_err();
        let failure = err.downcast_ref::<GateFailure>().unwrap();
        assert_eq!(
            failure.checks[0].problem,
            "the wasm bench suite exited with 1: bench-suite: traversal: no node"
        );
        assert_eq!(
            crate::failure::exit_code(&err),
            std::process::ExitCode::from(1)
        );
        assert_eq!(finished("native", 0, b"a 1 2\n", b"").unwrap(), "a 1 2\n");
    }
}
