//! The named copy: an artifact built with its symbols and optimised like the shipped module, but
//! keeping the name section, so its bytes can be attributed to functions.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::{attribute, Attribution};
use crate::pipeline::{bindgen, build, optimise};
use crate::project::{ArtifactBudget, BuildKind, Context};

/// Builds the named copy of `artifact` (beside the shipped build, sharing its dependencies) and
/// returns the path of its optimised module.
pub fn named_copy(cx: &Context, artifact: &ArtifactBudget) -> Result<PathBuf> {
    eprintln!("{}: building a copy with names kept", artifact.name);
    cx.ensure_target(artifact.triple)?;
    let raw = build::build(cx, artifact.unit(), BuildKind::Named, build::Names::Kept)
        .with_context(|| format!("build {} with names kept", artifact.name))?;
    // What ships of a browser crate is what wasm-bindgen makes of the module; names stay through it.
    let raw = match artifact.bindgen {
        None => raw,
        Some(target) => {
            let cli = cx.bindgen_cli()?;
            let dir = cx.workspace.bindgen_dir(&artifact.name, BuildKind::Named);
            bindgen::bind(
                &cx.sh,
                &cli,
                &raw,
                &dir,
                &artifact.target.file_stem(),
                target,
            )
            .with_context(|| format!("run wasm-bindgen on {} with names kept", artifact.name))?
            .0
            .wasm
        }
    };
    let out = cx
        .workspace
        .opt_dir
        .join("named")
        .join(format!("{}.wasm", artifact.name));
    optimise::optimise_if_changed(
        &raw,
        &out,
        optimise::Names::Keep,
        artifact.exports.as_deref(),
        artifact.panic,
    )
    .with_context(|| format!("optimise {} with names kept", artifact.name))?;
    Ok(out)
}

/// Code bytes by function and crate, from the named copy of `artifact`.
pub fn named_attribution(cx: &Context, artifact: &ArtifactBudget) -> Result<Attribution> {
    let path = named_copy(cx, artifact)?;
    let module = std::fs::read(&path).with_context(|| format!("read {}", path.display()))?;
    attribute(&module, &artifact.crate_path_name())
        .with_context(|| format!("read the sections of {}", path.display()))
}
