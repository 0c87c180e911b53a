//! The optimised cortex-core-fs module (cortex-core with its file store), built through the xtask,
//! and instances of it granted one directory, their file calls counted and their fuel metered.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use xtask::runtime::cortex_abi::CortexAbi;
use xtask::runtime::wasi::{FileCalls, Host};
use xtask::runtime::Runtime;

/// The name the module knows its granted directory by.
pub const GUEST_DIR: &str = "/data";

/// `cortex_open_dir`'s flag: sync every write before the call returns (cortex_fs.h).
pub const OPEN_SYNC: i32 = 1;
/// `CORTEX_E_STORE_FILE` (cortex.h).
pub const E_STORE_FILE: i32 = -11;

/// The optimised module's path, built and optimised once per test run through the xtask itself.
pub fn optimised_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| super::build_cortex_module("cortex-core-fs"))
}

/// The optimised module, compiled once per test binary on an engine that meters fuel, so a test can
/// stop an instance at an instruction of its choosing.
fn compiled() -> &'static (Runtime, wasmtime::Module) {
    static MODULE: OnceLock<(Runtime, wasmtime::Module)> = OnceLock::new();
    MODULE.get_or_init(|| {
        let bytes = optimised_bytes();
        let runtime = Runtime::metered().unwrap();
        let module = runtime.compile("cortex-core-fs", &bytes).unwrap();
        (runtime, module)
    })
}

/// The module's bytes, for reading its imports.
pub fn optimised_bytes() -> Vec<u8> {
    super::read_module(optimised_path())
}

/// A fresh instance granted `dir` (as [`GUEST_DIR`]), and the counts of its file calls.
pub struct Granted {
    pub abi: CortexAbi,
    pub calls: FileCalls,
}

/// A fresh instance granted `dir`, with `fuel` wasm instructions to spend after instantiation.
pub fn granted(dir: &Path, fuel: u64) -> Granted {
    let (runtime, module) = compiled();
    let host = Host::deterministic(vec!["cortex-core-fs".to_owned()], 1 << 20)
        .with_dir(dir, GUEST_DIR)
        .unwrap();
    let calls = host.file_calls();
    let mut library = runtime
        .instantiate_in("cortex-core-fs", module, host)
        .unwrap();
    library.store.set_fuel(fuel).unwrap();
    let abi = CortexAbi::new("cortex-core-fs", library).unwrap();
    Granted { abi, calls }
}

/// The fuel an instance that should run to the end gets: far more than any test spends.
pub const UNLIMITED: u64 = 1 << 50;

/// `cortex_open_dir` on the UTF-8 `path`: its handle, or the error code it returned.
pub fn open_dir(abi: &mut CortexAbi, path: &str, flags: i32) -> anyhow::Result<i32> {
    let region = abi.put_region(path.as_bytes())?;
    abi.call("cortex_open_dir", (region.0, region.1, flags))
}
