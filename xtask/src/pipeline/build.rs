//! One cargo invocation per artifact, run in its crate's own directory; the module it reports is
//! copied where this workspace keeps it.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xshell::cmd;

use crate::files::atomic;
use crate::project::workspace::cargo_home;
use crate::project::{BuildKind, Context, Triple, Unit};

/// The wasm-release profile strips every custom section, but wasm-opt needs this one to know which
/// features to enable; it is kept through the link, then dropped by the optimiser.
pub const KEPT_SECTION: &str = "target_features";

/// Whether the module keeps its function names (the name section) through the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// As the profile says.
    AsProfile,
    /// Kept, whatever the profile strips: for attribution, and for finding std's panic handler.
    Kept,
}

/// Builds `unit` (a target of a crate, for a wasm triple with a profile) as the `kind` build of its
/// artifact, copies the module cargo reported to [`Workspace::raw_path`](crate::project::Workspace::raw_path) and
/// returns that path. Run in the crate's directory, so other members' features never unify into
/// it. `cargo rustc` passes its flags (the kept section, and names when kept) to the final unit
/// alone, so both builds of an artifact, and the artifacts that share a target dir, share every
/// dependency's build.
pub fn build(
    cx: &Context,
    unit: Unit<'_>,
    kind: BuildKind,
    names: Names,
) -> anyhow::Result<PathBuf> {
    let Unit {
        name,
        krate,
        target,
        triple,
        profile,
        features,
    } = unit;
    let sh = &cx.sh;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let package = krate;
    let manifest_dir = &cx.workspace.crates[package].manifest_dir;
    let _dir = sh.push_dir(manifest_dir);
    let _target = sh.push_env(
        "CARGO_TARGET_DIR",
        cx.workspace
            .artifact_target_dir(name, package, !features.is_default()),
    );
    eprintln!("building {name} in {}", manifest_dir.display());
    let selector = target.cargo_selector();
    let features = features.cargo_flags();
    let remap = remap_config(&cargo_home(), triple);
    let triple = triple.as_str();
    // A later `-C strip` wins over the profile's; stripping debug info alone keeps the names.
    let keep_names: &[&str] = match names {
        Names::AsProfile => &[],
        Names::Kept => &["-C", "strip=debuginfo"],
    };
    let stdout = cmd!(
        sh,
        "{cargo} rustc --package {package} {selector...} {features...} --target {triple} --profile {profile}
         --config {remap} --message-format=json-render-diagnostics
         -- -C link-arg=--keep-section={KEPT_SECTION} {keep_names...}"
    )
    .read()?;
    let built = reported_module(&stdout, &target.file_name())?.with_context(|| {
        format!(
            "cargo built {package} but reported no {}",
            target.file_name()
        )
    })?;
    let kept = cx.workspace.raw_path(name, kind);
    let bytes = std::fs::read(&built).with_context(|| format!("read {}", built.display()))?;
    atomic::write(&kept, &bytes)?;
    Ok(kept)
}

/// The module named `file_name` among the artifacts cargo's JSON messages report.
fn reported_module(stdout: &str, file_name: &str) -> anyhow::Result<Option<PathBuf>> {
    for message in cargo_metadata::Message::parse_stream(stdout.as_bytes()) {
        if let cargo_metadata::Message::CompilerArtifact(built) =
            message.context("parse cargo's output")?
        {
            if let Some(file) = built
                .filenames
                .iter()
                .find(|f| f.file_name() == Some(file_name))
            {
                return Ok(Some(file.clone().into()));
            }
        }
    }
    Ok(None)
}

/// What the cargo home is called in the modules: panic messages name source files by path, and a
/// dependency's path under the real cargo home would make a module's bytes, and so its size, depend
/// on where that is on the machine that built it.
pub const CARGO_HOME_IN_MODULES: &str = "/cargo";

/// A `--config` that remaps the cargo home (as given, and as the file system resolves it) to
/// [`CARGO_HOME_IN_MODULES`] in every crate of a wasm build. Target rustflags from the user's own
/// configuration are joined with it; a `RUSTFLAGS` variable replaces it, as it replaces them.
fn remap_config(cargo_home: &Path, triple: Triple) -> String {
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
    format!(
        "target.{}.rustflags=[{}]",
        triple.as_str(),
        flags.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cargo_home_is_remapped_as_given_and_quoted_for_toml() {
        let config = remap_config(Path::new("/nowhere/my \"cargo\" home"), Triple::Wasip1);
        // Parsed as cargo parses it, the flag is the path and the name, unquoted.
        let parsed: toml::Table = toml::from_str(&config.replacen('=', " = ", 1)).unwrap();
        let flags = &parsed["target"]["wasm32-wasip1"]["rustflags"];
        assert_eq!(
            flags[0].as_str(),
            Some(r#"--remap-path-prefix=/nowhere/my "cargo" home=/cargo"#)
        );
    }

    #[test]
    fn the_remap_is_configured_for_the_triple_built() {
        for (home, triple, start) in [
            (
                "/nowhere/my \"cargo\" home",
                Triple::Wasip1,
                "target.wasm32-wasip1.rustflags=[",
            ),
            (
                "/home/cargo",
                Triple::Unknown,
                "target.wasm32-unknown-unknown.rustflags=[",
            ),
        ] {
            let config = remap_config(Path::new(home), triple);
            assert!(config.starts_with(start), "{config}");
        }
    }
}
