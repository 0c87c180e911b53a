//! The project the xtask works on: cargo's view of the workspace, `size-budget.toml`, and the
//! context every command starts from.

pub mod bindgen_cli;
pub mod budget;
pub mod build_dirs;
pub mod context;
pub mod git;
pub mod toolchain;
pub mod workspace;

pub use budget::{ArtifactBudget, PanicMode, SizeBudget, Tolerance, Unit};
pub use context::Context;
pub use workspace::{
    BuildKind, Triple, WasmCrate, WasmKind, WasmTarget, Workspace, WASM_PROFILE, WASM_TARGET,
};
