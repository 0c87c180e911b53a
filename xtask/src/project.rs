//! The project the xtask works on: cargo's view of the workspace, `size-budget.toml`, and the
//! context every command starts from.

pub mod apt;
pub mod budget;
pub mod chromium;
pub mod context;
pub mod cxx;
pub mod echo;
pub mod executables;
pub mod git;
pub mod libclang;
pub mod python_host;
pub mod toolchain;
pub mod workspace;

pub use budget::{ArtifactBudget, PanicMode, SizeBudget, Tolerance};
pub use context::Context;
pub use workspace::{
    BuildKind, WasmCrate, WasmKind, WasmTarget, Workspace, WASM_PROFILE, WASM_TARGET,
};
