//! The WASI preview1 calls that Rust's `wasm32-wasip1` std makes, served to the xtask's embedded
//! wasmtime.
//!
//! Our artifacts import a handful of functions (arguments, environment, clocks, `fd_read` of an
//! empty stdin, `fd_write`, `poll_oneoff` for timers, `random_get`, `proc_exit`), and cortex-core
//! built with its file store the file calls `std::fs` makes. Those are served on one directory a
//! host may grant ([`Host::with_dir`]), every path confined to it. A general WASI host would bring
//! sockets and the component model, and minutes of compile time, for calls these modules never
//! make; every other preview1 import links to a stub that answers `ENOSYS`, as a host without that
//! capability would.
//!
//! A crate of its own so that the root Cargo.toml can compile it optimised in the dev profile: the
//! host functions, and wasmtime's call glue generic over them, are instantiated here, and
//! unoptimised each WASI call would be several times slower than a release embedder's.
//! The helpers a host function calls from another file are `#[inline]`, so each call compiles
//! into the host function as it would within one file.

mod confine;
mod errno;
mod files;
mod host;
mod memory;
mod poll;
mod serve;
mod served;
mod served_files;

use std::fmt;

use anyhow::Context as _;
use wasmtime::{ExternType, Linker, Module, Val};

use errno::ENOSYS;
pub use files::FileCalls;
pub use host::Host;

/// The import module every preview1 function lives in.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// The module called `proc_exit(code)`: how a WASI program ends with a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exited(pub i32);

impl fmt::Display for Exited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exited with status {}", self.0)
    }
}

impl std::error::Error for Exited {}

/// The preview1 functions this host serves for real; a module's other imports get stubs.
pub fn served_names() -> impl Iterator<Item = &'static str> {
    served::NAMES.iter().chain(served_files::NAMES).copied()
}

/// Links every preview1 function `module` imports: the ones this host serves for real, and for any
/// other a stub that answers `ENOSYS` (or traps, naming the call, where the function returns no
/// errno).
pub fn link(linker: &mut Linker<Host>, module: &Module) -> anyhow::Result<()> {
    served::add(linker).map_err(anyhow::Error::from)?;
    served_files::add(linker).map_err(anyhow::Error::from)?;
    for import in module.imports() {
        let (MODULE, ExternType::Func(ty)) = (import.module(), import.ty()) else {
            continue;
        };
        let name = import.name();
        if served::NAMES.contains(&name) || served_files::NAMES.contains(&name) {
            continue;
        }
        let call = name.to_owned();
        linker
            .func_new(
                MODULE,
                name,
                ty,
                move |_, _, results: &mut [Val]| match results {
                    [errno] => {
                        *errno = Val::I32(ENOSYS);
                        Ok(())
                    }
                    _ => wasmtime::bail!(
                        "the module called wasi `{call}`, which this runtime does not provide"
                    ),
                },
            )
            .map_err(anyhow::Error::from)
            .with_context(|| format!("link the wasi import `{name}`"))?;
    }
    Ok(())
}
