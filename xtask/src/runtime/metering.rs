//! The measuring run: one deterministic run of an optimised module in the embedded runtime, with
//! the wasm instructions it executes counted (fuel) and its linear memory read, so what a module
//! costs to run can be budgeted as its bytes are. A command runs its `_start` to exit; a library
//! that speaks the cortex-core ABI, the behaviour check's session; any other library, its
//! instantiation. The host gives the run fixed clocks, randomness and arguments, so two runs give
//! the same figures.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use wasmtime::{ExternType, Instance, Module, Store};

use crate::files::stamp::{xtask_identity, Stamp};
use crate::pipeline::run_cost::RunCost;
use crate::project::{ArtifactBudget, Triple, WasmKind};
use crate::runtime::abi_session;
use crate::runtime::cortex_abi::CortexAbi;
use crate::runtime::engine::{describe, Library, Mode, Runtime, Trapped, CAPTURE_LIMIT};
use crate::runtime::wasi::{Exited, Host};

/// The fuel a run starts with: far more than any run the gate makes, so running out is a
/// runaway module rather than a budget.
const FUEL: u64 = 1 << 50;
/// A measuring run that takes longer than this has most likely been miscompiled into a loop.
const LIMIT: Duration = Duration::from_secs(120);
/// How many times compilation and instantiation are timed; the median is reported.
const TIMINGS: usize = 5;
/// Bytes in a page of wasm linear memory.
const PAGE: u64 = 64 * 1024;

/// What one deterministic run of `artifact`'s optimised module (at `path`) costs, remembered
/// beside it by content; `None` for a module the embedded runtime does not run (a browser one).
pub fn measure(artifact: &ArtifactBudget, path: &Path) -> Result<Option<RunCost>> {
    if artifact.triple != Triple::Wasip1 {
        return Ok(None);
    }
    let module = std::fs::read(path).with_context(|| format!("read {}", path.display()))?;
    let stamp = Stamp::new(
        path,
        "run-cost",
        &[b"run cost v1", xtask_identity().as_bytes(), &module],
    );
    if let Some(cost) = stamp
        .recorded_value()
        .and_then(|value| serde_json::from_str(value.trim()).ok())
    {
        return Ok(Some(cost));
    }
    let cost = run(&artifact.name, artifact.target.kind, &module)
        .with_context(|| format!("measure what running `{}` costs", artifact.name))?;
    stamp.record_value(&(serde_json::to_string(&cost)? + "\n"))?;
    Ok(Some(cost))
}

/// Runs `module` once, metered, and times its compilation and instantiation.
pub fn run(artifact: &str, kind: WasmKind, module: &[u8]) -> Result<RunCost> {
    let runtime = Runtime::metered()?;
    let compiled = runtime.compile(artifact, module)?;
    let initial_memory = initial_memory(&compiled);
    let figures = match kind {
        WasmKind::Bin => run_command(&runtime, artifact, &compiled)?,
        WasmKind::Cdylib => run_library(&runtime, artifact, &compiled, module)?,
    };
    let (compile_ms, instantiate_ms) = timings(artifact, module)?;
    Ok(RunCost {
        startup_instructions: figures.startup,
        instructions: figures.total,
        initial_memory,
        peak_memory: figures.memory,
        compile_ms,
        instantiate_ms,
    })
}

/// The counts of one run: instructions through startup and in all, and the memory at its end.
struct Counted {
    startup: u64,
    total: u64,
    memory: u64,
}

/// A command from instantiation to its exit; startup ends at its first write to stdout.
fn run_command(runtime: &Runtime, artifact: &str, module: &Module) -> Result<Counted> {
    let (mut store, instance) = instantiate(runtime, artifact, module)?;
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .map_err(anyhow::Error::from)
        .with_context(|| format!("`{artifact}` has no `_start` export; is it a binary?"))?;
    let _timer = runtime.deadline(&mut store, LIMIT);
    if let Err(error) = start.call(&mut store, ()) {
        if error.downcast_ref::<Exited>().is_none() {
            let (_, stderr) = store.data_mut().take_output();
            return Err(Trapped {
                artifact: artifact.to_owned(),
                reason: describe(&error, Mode::Capture { limit: LIMIT }),
                stderr,
            }
            .into());
        }
    }
    let left = fuel_left(&store)?;
    let total = FUEL - left;
    // A command that never writes to stdout spends its whole run starting.
    let startup = store
        .data()
        .fuel_at_first_stdout()
        .map_or(total, |at| FUEL - at);
    Ok(Counted {
        startup,
        total,
        memory: memory_now(&mut store, &instance),
    })
}

/// A library: instantiated, then driven through the cortex-core ABI session when it speaks it;
/// startup ends when its first export call returns.
fn run_library(
    runtime: &Runtime,
    artifact: &str,
    module: &Module,
    bytes: &[u8],
) -> Result<Counted> {
    let (mut store, instance) = instantiate(runtime, artifact, module)?;
    if let Ok(init) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        init.call(&mut store, ()).map_err(|error| Trapped {
            artifact: artifact.to_owned(),
            reason: describe(&error, Mode::Stream),
            stderr: Vec::new(),
        })?;
    }
    if !abi_session::speaks_cortex_abi(bytes)? {
        let total = FUEL - fuel_left(&store)?;
        return Ok(Counted {
            startup: total,
            total,
            memory: memory_now(&mut store, &instance),
        });
    }
    let mut abi = CortexAbi::new(artifact, Library { store, instance })?;
    abi_session::run(&mut abi)
        .with_context(|| format!("drive `{artifact}` through the cortex-core ABI session"))?;
    let (left, after_first) = abi
        .fuel()
        .context("the measuring run's store meters no fuel")?;
    let total = FUEL - left;
    Ok(Counted {
        startup: after_first.map_or(total, |at| FUEL - at),
        total,
        memory: abi.memory_len() as u64,
    })
}

/// A store with a fixed world and [`FUEL`], and the module instantiated in it (its start function
/// run, and counted).
fn instantiate(
    runtime: &Runtime,
    artifact: &str,
    module: &Module,
) -> Result<(Store<Host>, Instance)> {
    let host = Host::deterministic(vec![artifact.to_owned()], CAPTURE_LIMIT);
    let mut store = Store::new(module.engine(), host);
    store
        .set_fuel(FUEL)
        .map_err(anyhow::Error::from)
        .context("give the measuring run its fuel")?;
    store.set_epoch_deadline(1);
    let instance = runtime
        .linker(module)?
        .instantiate(&mut store, module)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("instantiate `{artifact}`"))?;
    Ok((store, instance))
}

fn fuel_left(store: &Store<Host>) -> Result<u64> {
    store
        .get_fuel()
        .map_err(anyhow::Error::from)
        .context("read the measuring run's fuel")
}

/// The bytes of the instance's exported memory now (0 without one).
fn memory_now(store: &mut Store<Host>, instance: &Instance) -> u64 {
    instance
        .get_memory(&mut *store, "memory")
        .map_or(0, |memory| memory.data_size(&*store) as u64)
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

/// Median wall times, in milliseconds, of compiling the module for speed and of instantiating it.
fn timings(artifact: &str, module: &[u8]) -> Result<(f64, f64)> {
    let runtime = Runtime::optimising()?;
    let mut compiles = Vec::with_capacity(TIMINGS);
    let mut compiled = None;
    for _ in 0..TIMINGS {
        let started = Instant::now();
        compiled = Some(runtime.compile(artifact, module)?);
        compiles.push(started.elapsed());
    }
    let compiled = compiled.context("no compilation was timed")?;
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
    Ok((median_ms(&mut compiles), median_ms(&mut instantiations)))
}

fn median_ms(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests;
