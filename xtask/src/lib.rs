//! `cargo xtask`: wasm builds of the workspace's crates and the size gate over them.
//!
//! The modules are layered; every import points down this list, never up or sideways into a
//! module that imports back:
//!
//! 1. the commands, one file each, reading like `--help`: [`wasm`], [`size_check`], [`size_diff`],
//!    [`run`], [`size_why`], [`size_history`], [`bench`], [`bench_gate`], [`test`] (their flags in
//!    [`flags`]);
//! 2. the subsystems they share: the size [`gate`], over the [`diff`] engine (what changed
//!    between two builds, and the base side built at a git ref), over byte [`attribution`] and the embedded [`runtime`] with the
//!    behaviour check;
//! 3. the artifact [`pipeline`]: build, optimise, measure, the toolchain fingerprint;
//! 4. the [`project`]: cargo's view of the workspace, `size-budget.toml`, git, the context;
//! 5. the basics: [`bytes`], [`files`], the typed [`failure`]s with their exit codes, and the
//!    number of cases the property tests run ([`fuzz`]).

pub mod flags;

pub mod bench;
pub mod bench_gate;
pub mod run;
pub mod size_check;
pub mod size_diff;
pub mod size_history;
pub mod size_why;
pub mod test;
pub mod wasm;

pub mod attribution;
pub mod diff;
pub mod gate;
#[cfg(not(feature = "runtime"))]
pub mod no_runtime;
#[cfg(not(feature = "runtime"))]
pub use no_runtime as runtime;
#[cfg(feature = "runtime")]
pub mod runtime;

pub mod pipeline;

pub mod project;

pub mod bytes;
pub mod failure;
pub mod files;
pub mod fuzz;
