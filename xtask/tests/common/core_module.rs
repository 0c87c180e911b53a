//! The optimised cortex-core module, built through the xtask and compiled once per test binary,
//! and fresh instances of it driven through the C ABI.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use xtask::runtime;
use xtask::runtime::cortex_abi::CortexAbi;

/// The optimised module's path, built and optimised once per test run through the xtask itself.
pub fn optimised_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| super::build_cortex_module("cortex-core"))
}

/// The optimised module's bytes.
pub fn optimised_bytes() -> Vec<u8> {
    super::read_module(optimised_path())
}

/// The optimised module, compiled once per test binary.
fn optimised_core() -> &'static (runtime::Runtime, wasmtime::Module) {
    static MODULE: OnceLock<(runtime::Runtime, wasmtime::Module)> = OnceLock::new();
    MODULE.get_or_init(|| {
        let module = optimised_bytes();
        let runtime = runtime::Runtime::new().unwrap();
        let compiled = runtime.compile("cortex-core", &module).unwrap();
        (runtime, compiled)
    })
}

/// A new instance of the optimised module, with a memory and stores of its own.
pub fn fresh() -> CortexAbi {
    let (runtime, module) = optimised_core();
    CortexAbi::new(
        "cortex-core",
        runtime.instantiate_module("cortex-core", module).unwrap(),
    )
    .unwrap()
}
