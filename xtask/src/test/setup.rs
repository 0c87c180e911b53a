//! Provisioning a machine for `cargo xtask test`: one `ensure` per dependency the tests have beyond
//! the wasm target, each finding it, installing it where the machine allows, or saying how to get it.

pub mod apt;
pub mod chromium;
pub mod cxx;
pub mod echo;
pub mod executables;
pub mod libclang;
pub mod python_host;
