//! What the toolchain must have before a wasm build: the standard library of each wasm target.

use std::path::PathBuf;

use anyhow::Context;
use xshell::{cmd, Shell};

use crate::failure::ConfigError;
use crate::project::workspace::Triple;

/// Installs the standard library of `triple` through rustup when it is missing; without rustup,
/// looks for it in the sysroot and says how to get it.
pub fn ensure_target(sh: &Shell, triple: Triple) -> anyhow::Result<()> {
    let triple = triple.as_str();
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
            .join(triple)
            .exists()
        {
            return Ok(());
        }
        return Err(ConfigError::new(
            format!("the {triple} standard library is not installed and rustup is not available"),
            format!(
                "run `rustup target add {triple}` (install rustup from https://rustup.rs), \
                 or install your distribution's rust-std package for {triple}"
            ),
        )
        .into());
    };
    if installed.lines().any(|line| line.trim() == triple) {
        return Ok(());
    }
    eprintln!("installing the {triple} target: rustup target add {triple}");
    cmd!(sh, "rustup target add {triple}")
        .run()
        .with_context(|| format!("rustup target add {triple}"))?;
    Ok(())
}
