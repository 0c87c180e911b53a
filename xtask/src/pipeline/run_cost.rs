//! What an artifact costs to run, beside what it costs to send: the figures of one deterministic
//! run in the embedded runtime, which the gate holds as it holds bytes.

use serde::{Deserialize, Serialize};

/// One measuring run's figures. Instructions are wasm instructions executed (the runtime's fuel);
/// memory is linear memory in bytes, whole 64 KiB pages.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RunCost {
    /// Instantiation and, for a command, everything before its first write to stdout; for a
    /// library, instantiation and its first export call.
    pub startup_instructions: u64,
    /// The whole run: a command's `_start` to its exit, a library's session of calls.
    pub instructions: u64,
    /// The linear memory the module declares it starts with.
    pub initial_memory: u64,
    /// The linear memory when the run ended, its peak: wasm memory grows and never shrinks.
    pub peak_memory: u64,
    /// Compiling the module as a production embedder would (cranelift, optimising), in
    /// milliseconds, once on this machine. Reported, never gated.
    pub compile_ms: f64,
    /// Instantiating the compiled module, in milliseconds: the median of five. Reported, never
    /// gated.
    pub instantiate_ms: f64,
}

/// A gated figure of a run: what `memory_budget`, `startup_budget` and `run_budget` hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunFigures {
    pub startup_instructions: u64,
    pub instructions: u64,
    pub initial_memory: u64,
    pub peak_memory: u64,
}

impl RunCost {
    /// The figures that are deterministic, as the baseline records them.
    pub fn figures(&self) -> RunFigures {
        RunFigures {
            startup_instructions: self.startup_instructions,
            instructions: self.instructions,
            initial_memory: self.initial_memory,
            peak_memory: self.peak_memory,
        }
    }
}
