//! One cargo invocation per artifact, run in its crate's own directory.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use xshell::cmd;

use crate::project::{BuildKind, Context, WasmTarget, WASM_PROFILE, WASM_TARGET};

/// The wasm-release profile strips every custom section, but wasm-opt needs this one to know which
/// features to enable; it is kept through the link, then dropped by the optimiser.
pub const KEPT_SECTION: &str = "target_features";

/// Builds `target` of crate `krate` for wasm32-wasip1 as the artifact `name` and returns the module
/// cargo wrote. Run in the crate's directory, so other members' features never unify into it, and
/// in the artifact's own target directory; `cargo rustc` passes the linker flag to the final
/// artifact alone, so dependencies are not rebuilt.
pub fn build(
    cx: &Context,
    name: &str,
    krate: &str,
    target: &WasmTarget,
    kind: BuildKind,
) -> anyhow::Result<PathBuf> {
    let sh = &cx.sh;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let package = krate;
    let krate = &cx.workspace.crates[package];
    let _dir = sh.push_dir(&krate.manifest_dir);
    let _target = sh.push_env(
        "CARGO_TARGET_DIR",
        cx.workspace.artifact_target_dir(name, kind),
    );
    eprintln!("building {name} in {}", krate.manifest_dir.display());
    let selector = target.cargo_selector();
    let remap = remap_config(&cargo_home());
    let stdout = cmd!(
        sh,
        "{cargo} rustc --package {package} {selector...} --target {WASM_TARGET} --profile {WASM_PROFILE}
         --config {remap} --message-format=json-render-diagnostics
         -- -C link-arg=--keep-section={KEPT_SECTION}"
    )
    .read()?;
    let expected = target.file_name();
    for message in cargo_metadata::Message::parse_stream(stdout.as_bytes()) {
        if let cargo_metadata::Message::CompilerArtifact(built) =
            message.context("parse cargo's output")?
        {
            if let Some(file) = built
                .filenames
                .iter()
                .find(|f| f.file_name() == Some(expected.as_str()))
            {
                return Ok(file.clone().into());
            }
        }
    }
    bail!("cargo built {package} but reported no {expected}")
}

/// What the cargo home is called in the modules: panic messages name source files by path, and a
/// dependency's path under the real cargo home would make a module's bytes, and so its size, depend
/// on where that is on the machine that built it.
pub const CARGO_HOME_IN_MODULES: &str = "/cargo";

/// The cargo home: `CARGO_HOME`, or `.cargo` in the home directory.
fn cargo_home() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home),
        None => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(".cargo"),
    }
}

/// A `--config` that remaps the cargo home (as given, and as the file system resolves it) to
/// [`CARGO_HOME_IN_MODULES`] in every crate of a wasm build. Target rustflags from the user's own
/// configuration are joined with it; a `RUSTFLAGS` variable replaces it, as it replaces them.
fn remap_config(cargo_home: &Path) -> String {
    let mut homes = vec![cargo_home.to_path_buf()];
    if let Ok(resolved) = cargo_home.canonicalize() {
        if resolved != cargo_home {
            homes.push(resolved);
        }
    }
    let flags: Vec<String> = homes
        .iter()
        .map(|home| {
            let flag = format!(
                "--remap-path-prefix={}={CARGO_HOME_IN_MODULES}",
                home.display()
            );
            toml::Value::String(flag).to_string()
        })
        .collect();
    format!("target.{WASM_TARGET}.rustflags=[{}]", flags.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cargo_home_is_remapped_as_given_and_quoted_for_toml() {
        let config = remap_config(Path::new("/nowhere/my \"cargo\" home"));
        assert!(
            config.starts_with("target.wasm32-wasip1.rustflags=["),
            "{config}"
        );
        // Parsed as cargo parses it, the flag is the path and the name, unquoted.
        let parsed: toml::Table = toml::from_str(&config.replacen('=', " = ", 1)).unwrap();
        let flags = &parsed["target"]["wasm32-wasip1"]["rustflags"];
        assert_eq!(
            flags[0].as_str(),
            Some(r#"--remap-path-prefix=/nowhere/my "cargo" home=/cargo"#)
        );
    }
}
