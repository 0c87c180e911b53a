//! What the toolchain must have before a wasm build: the wasm32-wasip1 standard library.

use std::path::PathBuf;

use anyhow::Context;
use xshell::{cmd, Shell};

use crate::failure::ConfigError;
use crate::project::workspace::WASM_TARGET;

/// Installs the wasm32-wasip1 standard library through rustup when it is missing; without rustup,
/// looks for it in the sysroot and says how to get it.
pub fn ensure_wasm_target(sh: &Shell) -> anyhow::Result<()> {
    let Ok(installed) = cmd!(sh, "rustup target list --installed")
        .quiet()
        .ignore_stderr()
        .read()
    else {
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
        let sysroot = cmd!(sh, "{rustc} --print sysroot")
            .quiet()
            .read()
            .context("run rustc --print sysroot")?;
        if PathBuf::from(sysroot.trim())
            .join("lib/rustlib")
            .join(WASM_TARGET)
            .exists()
        {
            return Ok(());
        }
        return Err(ConfigError::new(
            format!(
                "the {WASM_TARGET} standard library is not installed and rustup is not available"
            ),
            format!(
                "run `rustup target add {WASM_TARGET}` (install rustup from https://rustup.rs), \
                 or install your distribution's rust-std package for {WASM_TARGET}"
            ),
        )
        .into());
    };
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    eprintln!("installing the {WASM_TARGET} target: rustup target add {WASM_TARGET}");
    cmd!(sh, "rustup target add {WASM_TARGET}")
        .run()
        .with_context(|| format!("rustup target add {WASM_TARGET}"))?;
    Ok(())
}
