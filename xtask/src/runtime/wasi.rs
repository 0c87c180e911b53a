//! The WASI host of the embedded runtime: the `wasi-host` crate (`xtask/wasi-host/`), compiled
//! optimised even in the dev profile so that a timed module measures itself rather than the host.

pub use wasi_host::{link, served_names, Exited, FileCalls, Host, MODULE};

#[cfg(test)]
mod tests;
