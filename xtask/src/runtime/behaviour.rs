//! After wasm-opt, the optimised module must behave as the unoptimised one did.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::failure::{FailedCheck, GateFailure};
use crate::files::stamp::{xtask_identity, Stamp};
use crate::pipeline::Measurement;
use crate::project::{ArtifactBudget, WasmKind};
use crate::runtime::abi_session;
use crate::runtime::check_export;
use crate::runtime::cortex_abi::CortexAbi;
use crate::runtime::engine::{Exit, Metered, Mode, Runtime, Trapped};

/// A check run that takes longer than this has most likely been miscompiled into a loop.
const LIMIT: Duration = Duration::from_secs(120);

/// Checks an optimised artifact: a binary against its unoptimised build (same stdout, same exit),
/// a library through its exports. A difference fails the artifact (exit 1). The check's run of the
/// optimised module is metered, and what it cost is returned; `None` when the check was skipped.
pub fn verify(artifact: &ArtifactBudget, measurement: &Measurement) -> Result<Option<Metered>> {
    if !measurement.is_optimised() {
        return Ok(None);
    }
    let started = Instant::now();
    let read = |path: &std::path::Path| {
        std::fs::read(path).with_context(|| format!("read {}", path.display()))
    };
    let (raw, optimised) = (read(&measurement.raw_path)?, read(&measurement.path)?);
    // The check export is an input too: naming another one is a check not yet made.
    let check = artifact.check.as_deref().unwrap_or_default();
    let stamp = Stamp::new(
        &measurement.path,
        "verified",
        &[
            &raw,
            &optimised,
            xtask_identity().as_bytes(),
            check.as_bytes(),
        ],
    );
    if stamp.is_current(&measurement.path) {
        eprintln!(
            "{}: behaviour check skipped (modules unchanged since they passed it)",
            artifact.name
        );
        return Ok(None);
    }
    let runtime = Runtime::metered()?;
    let (what, metered) = match artifact.target.kind {
        WasmKind::Bin => {
            let (code, metered) = check_command(&runtime, &artifact.name, &raw, &optimised)?;
            (
                format!("prints the same and exits with {code} as before wasm-opt"),
                metered,
            )
        }
        WasmKind::Cdylib => {
            let check = artifact.check.as_deref().map(|name| (name, raw.as_slice()));
            let (what, metered) = check_library(&runtime, &artifact.name, &optimised, check)?;
            (what, metered)
        }
    };
    stamp.record()?;
    eprintln!(
        "{}: optimised module {what} ({:.1}s)",
        artifact.name,
        started.elapsed().as_secs_f64()
    );
    Ok(metered)
}

/// A failed behaviour check: exit 1, like any check the gate exists for.
fn differs(problem: String) -> anyhow::Error {
    GateFailure::from(FailedCheck {
        problem,
        fix: None,
        details: String::new(),
    })
    .into()
}

/// The first line where two outputs part ways (1-based; `None` past the end of an output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDifference {
    pub line: usize,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub fn first_difference(before: &[u8], after: &[u8]) -> Option<LineDifference> {
    if before == after {
        return None;
    }
    let (before, after) = (
        String::from_utf8_lossy(before),
        String::from_utf8_lossy(after),
    );
    let (mut left, mut right) = (before.split_inclusive('\n'), after.split_inclusive('\n'));
    let mut line = 0;
    loop {
        line += 1;
        match (left.next(), right.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (a, b) => {
                let strip =
                    |l: Option<&str>| l.map(|l| l.strip_suffix('\n').unwrap_or(l).to_owned());
                let (before, after) = (strip(a), strip(b));
                // Lines that differ only in their newline keep it, so the two shown do differ.
                if before == after {
                    return Some(LineDifference {
                        line,
                        before: a.map(str::to_owned),
                        after: b.map(str::to_owned),
                    });
                }
                return Some(LineDifference {
                    line,
                    before,
                    after,
                });
            }
        }
    }
}

/// Runs a command module unoptimised and optimised; fails the artifact when the unoptimised one
/// does not exit with 0, or when the optimised one's stdout or exit code differ. Returns that code,
/// and what the optimised run cost when `runtime` meters it.
pub fn check_command(
    runtime: &Runtime,
    artifact: &str,
    unoptimised: &[u8],
    optimised: &[u8],
) -> Result<(i32, Option<Metered>)> {
    let mode = Mode::Capture { limit: LIMIT };
    // A program that fails on its own proves nothing by failing the same way after wasm-opt.
    let before = match runtime.run(artifact, unoptimised, &[], mode) {
        Ok(before) if before.code == 0 => before,
        Ok(before) => {
            return Err(differs(format!(
                "`{artifact}` fails before wasm-opt: the unoptimised module exits with {}{}",
                before.code,
                last_words(&before.stderr)
            )))
        }
        Err(error) => {
            let Some(trapped) = error.downcast_ref::<Trapped>() else {
                return Err(error.context(format!(
                    "run the unoptimised `{artifact}` to compare the optimised one with it"
                )));
            };
            return Err(differs(format!(
                "`{artifact}` fails before wasm-opt: the unoptimised module trapped ({}){}",
                trapped.reason,
                last_words(&trapped.stderr)
            )));
        }
    };
    let after = match runtime.run(artifact, optimised, &[], mode) {
        Ok(after) => after,
        Err(error) => {
            let Some(trapped) = error.downcast_ref::<Trapped>() else {
                return Err(error);
            };
            return Err(differs(format!(
                "`{artifact}` behaves differently after wasm-opt: the optimised module trapped ({}) where \
                 the unoptimised one exited with {}{}",
                trapped.reason,
                before.code,
                last_words(&trapped.stderr)
            )));
        }
    };
    compare(artifact, &before, &after)?;
    Ok((before.code, after.metered))
}

fn compare(artifact: &str, before: &Exit, after: &Exit) -> Result<()> {
    let shown = |line: &Option<String>| match line {
        Some(text) => format!("{text:?}"),
        None => "(no such line: the output ends before it)".to_owned(),
    };
    if let Some(diff) = first_difference(&before.stdout, &after.stdout) {
        return Err(differs(format!(
            "`{artifact}` behaves differently after wasm-opt: stdout line {} differs\n  unoptimised: {}\n  optimised:   {}",
            diff.line,
            shown(&diff.before),
            shown(&diff.after),
        )));
    }
    if before.code != after.code {
        return Err(differs(format!(
            "`{artifact}` behaves differently after wasm-opt: the unoptimised module exits with {}, the optimised \
             one with {}{}",
            before.code,
            after.code,
            last_words(&after.stderr)
        )));
    }
    Ok(())
}

/// The last line a failing module wrote to stderr, often its panic message.
fn last_words(stderr: &[u8]) -> String {
    let stderr = String::from_utf8_lossy(stderr);
    match stderr.lines().rev().find(|line| !line.trim().is_empty()) {
        Some(line) => format!("\n  its stderr ends with: {}", line.trim()),
        None => String::new(),
    }
}

/// Instantiates the optimised library module; with `check` (an export's name and the unoptimised
/// module), calls that export on both, whose results must agree; and when the module speaks the
/// cortex-core ABI, drives it through the scripted session. Returns what was checked, for the
/// progress line, and what the optimised module's run cost when `runtime` meters it (startup ends as
/// its first export call returns: the check's, else the session's first).
pub fn check_library(
    runtime: &Runtime,
    artifact: &str,
    optimised: &[u8],
    check: Option<(&str, &[u8])>,
) -> Result<(String, Option<Metered>)> {
    let mut library = runtime.instantiate(artifact, optimised)?;
    let mut checked = Vec::new();
    let mut after_check = None;
    if let Some((name, unoptimised)) = check {
        let after = check_export::call(artifact, &mut library, name)?;
        after_check = library.store.get_fuel().ok();
        let mut before_library = runtime.instantiate(artifact, unoptimised)?;
        let before = check_export::call(artifact, &mut before_library, name)?;
        if before != after {
            return Err(differs(format!(
                "`{artifact}` behaves differently after wasm-opt: `{name}` returned {before} before and {after} after"
            )));
        }
        checked.push(format!("`{name}` returns {after} as before wasm-opt"));
    }
    if !abi_session::speaks_cortex_abi(optimised)? {
        let metered = library.store.get_fuel().ok().map(|left| {
            let memory = library
                .instance
                .get_memory(&mut library.store, "memory")
                .map_or(0, |memory| memory.data_size(&library.store) as u64);
            Metered::of(left, after_check, memory)
        });
        let what = match checked.pop() {
            Some(check) => format!("instantiates and {check}"),
            None => "instantiates".to_owned(),
        };
        return Ok((what, metered));
    }
    let mut abi = CortexAbi::new(artifact, library)?;
    abi_session::run(&mut abi).map_err(|error| {
        if error.is::<Trapped>() {
            return error;
        }
        differs(format!(
            "the optimised `{artifact}` fails the cortex-core ABI session: {error:#}"
        ))
    })?;
    let metered = abi.fuel().map(|(left, after_first)| {
        Metered::of(left, after_check.or(after_first), abi.memory_len() as u64)
    });
    checked.push("passes the cortex-core ABI session".to_owned());
    Ok((checked.join(" and "), metered))
}
