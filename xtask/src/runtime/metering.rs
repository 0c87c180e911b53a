//! The measuring run: one deterministic run of an optimised module in the embedded runtime, with
//! the wasm instructions it executes counted (fuel) and its linear memory read, so what a module
//! costs to run can be budgeted as its bytes are. It is the behaviour check's own run of the
//! optimised module on a metering engine: a command's `_start` to exit; a library that speaks the
//! cortex-core ABI, the session; any other library, its instantiation. The host gives it fixed
//! clocks, randomness and arguments, so two runs give the same figures.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use wasmtime::{ExternType, Module, Store};

use crate::files::stamp::{xtask_identity, Stamp};
use crate::pipeline::run_cost::RunCost;
use crate::project::{ArtifactBudget, Triple, WasmKind};
use crate::runtime::behaviour::check_library;
use crate::runtime::engine::{Metered, Mode, Runtime, CAPTURE_LIMIT};
use crate::runtime::wasi::Host;

/// A measuring run that takes longer than this has most likely been miscompiled into a loop.
const LIMIT: Duration = Duration::from_secs(120);
/// How many times instantiation is timed; the median is reported. Compilation is timed once: each
/// optimising compile of a module of this size takes a few hundred milliseconds of one core.
const TIMINGS: usize = 5;
/// Bytes in a page of wasm linear memory.
const PAGE: u64 = 64 * 1024;

/// What one deterministic run of `artifact`'s optimised module (at `path`) costs, remembered
/// beside it by content; `None` for a module the embedded runtime does not run (a browser one).
/// `checked` is what the behaviour check's run of it cost, when the check ran; otherwise the
/// module is run here.
pub fn measure(
    artifact: &ArtifactBudget,
    path: &Path,
    checked: Option<Metered>,
) -> Result<Option<RunCost>> {
    if artifact.triple != Triple::Wasip1 {
        return Ok(None);
    }
    let module = std::fs::read(path).with_context(|| format!("read {}", path.display()))?;
    // A library's run includes its check export, so naming another one is another run.
    let check = artifact.check.as_deref().unwrap_or_default();
    let stamp = Stamp::new(
        path,
        "run-cost",
        &[
            b"run cost v1",
            xtask_identity().as_bytes(),
            &module,
            check.as_bytes(),
        ],
    );
    if let Some(cost) = stamp
        .recorded_value()
        .and_then(|value| serde_json::from_str(value.trim()).ok())
    {
        return Ok(Some(cost));
    }
    let cost = match checked {
        Some(metered) => cost_of(&artifact.name, &module, metered),
        None => run(
            &artifact.name,
            artifact.target.kind,
            &module,
            artifact.check.as_deref(),
        ),
    }
    .with_context(|| format!("measure what running `{}` costs", artifact.name))?;
    stamp.record_value(&(serde_json::to_string(&cost)? + "\n"))?;
    Ok(Some(cost))
}

/// Runs `module` once, metered, as the behaviour check runs it (calling the library's `check`
/// export, when it names one), and times its compilation and instantiation.
pub fn run(artifact: &str, kind: WasmKind, module: &[u8], check: Option<&str>) -> Result<RunCost> {
    let runtime = Runtime::metered()?;
    let metered = match kind {
        WasmKind::Bin => {
            let compiled = runtime.compile(artifact, module)?;
            runtime
                .run_compiled(artifact, &compiled, &[], Mode::Capture { limit: LIMIT })?
                .metered
        }
        // The check compares the module with itself here: the behaviour check compared it with
        // the unoptimised one.
        WasmKind::Cdylib => {
            check_library(&runtime, artifact, module, check.map(|name| (name, module)))?.1
        }
    }
    .context("the measuring run's engine meters no fuel")?;
    cost_of(artifact, module, metered)
}

/// The figures of a metered run of `module`, with its declared memory and its timings.
fn cost_of(artifact: &str, module: &[u8], metered: Metered) -> Result<RunCost> {
    let (initial_memory, compile_ms, instantiate_ms) = timings(artifact, module)?;
    Ok(RunCost {
        startup_instructions: metered.startup,
        instructions: metered.total,
        initial_memory,
        peak_memory: metered.memory,
        compile_ms,
        instantiate_ms,
    })
}

/// The linear memory the module declares it starts with: its first memory's minimum, in bytes.
fn initial_memory(module: &Module) -> u64 {
    let declared = module
        .exports()
        .map(|export| export.ty())
        .chain(module.imports().map(|import| import.ty()))
        .find_map(|ty| match ty {
            ExternType::Memory(memory) => Some(memory.minimum()),
            _ => None,
        });
    declared.unwrap_or(0) * PAGE
}

/// The declared memory, the wall time in milliseconds of compiling the module for speed, and the
/// median of instantiating it.
fn timings(artifact: &str, module: &[u8]) -> Result<(u64, f64, f64)> {
    let runtime = Runtime::optimising()?;
    let started = Instant::now();
    let compiled = runtime.compile(artifact, module)?;
    let compile = started.elapsed();
    let linker = runtime.linker(&compiled)?;
    let mut instantiations = Vec::with_capacity(TIMINGS);
    for _ in 0..TIMINGS {
        let host = Host::deterministic(vec![artifact.to_owned()], CAPTURE_LIMIT);
        let mut store = Store::new(compiled.engine(), host);
        let started = Instant::now();
        linker
            .instantiate(&mut store, &compiled)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("instantiate `{artifact}`"))?;
        instantiations.push(started.elapsed());
    }
    Ok((
        initial_memory(&compiled),
        compile.as_secs_f64() * 1e3,
        median_ms(&mut instantiations),
    ))
}

fn median_ms(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests;
