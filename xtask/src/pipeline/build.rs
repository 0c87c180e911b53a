//! One cargo invocation per artifact, run in its crate's own directory.

use std::path::PathBuf;

use anyhow::{bail, Context as _};
use xshell::cmd;

use crate::project::{ArtifactBudget, BuildKind, Context, WASM_PROFILE, WASM_TARGET};

/// The wasm-release profile strips every custom section, but wasm-opt needs this one to know which
/// features to enable; it is kept through the link, then dropped by the optimiser.
pub const KEPT_SECTION: &str = "target_features";

/// Builds `artifact` for wasm32-wasip1 and returns the module cargo wrote. Run in the crate's
/// directory, so other members' features never unify into it, and in the artifact's own target
/// directory; `cargo rustc` passes the linker flag to the final artifact alone, so dependencies are
/// not rebuilt.
pub fn build(cx: &Context, artifact: &ArtifactBudget, kind: BuildKind) -> anyhow::Result<PathBuf> {
    let sh = &cx.sh;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let krate = &cx.workspace.crates[&artifact.krate];
    let _dir = sh.push_dir(&krate.manifest_dir);
    let _target = sh.push_env(
        "CARGO_TARGET_DIR",
        cx.workspace.artifact_target_dir(&artifact.name, kind),
    );
    eprintln!(
        "building {} in {}",
        artifact.name,
        krate.manifest_dir.display()
    );
    let selector = artifact.target.cargo_selector();
    let package = &artifact.krate;
    let stdout = cmd!(
        sh,
        "{cargo} rustc --package {package} {selector...} --target {WASM_TARGET} --profile {WASM_PROFILE}
         --message-format=json-render-diagnostics -- -C link-arg=--keep-section={KEPT_SECTION}"
    )
    .read()?;
    let expected = artifact.target.file_name();
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
    bail!("cargo built {} but reported no {expected}", artifact.krate)
}
