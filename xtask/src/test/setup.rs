//! Provisioning a machine for `cargo xtask test`, one file per dependency beyond the wasm target:
//! [`libclang`], [`chromium`] and [`python_host`] each `ensure` theirs (found, installed where the
//! machine allows, or an error saying how to get it); [`cxx`] prefers clang++ and falls back to the
//! system's `c++`. [`apt`], [`echo`] and [`executables`] are what they share.

pub mod apt;
pub mod chromium;
pub mod cxx;
pub mod echo;
pub mod executables;
pub mod libclang;
pub mod python_host;
