//! The named copy: an artifact built with its symbols and optimised like the shipped module, but
//! keeping the name section, so its bytes can be attributed to functions.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::{attribute, Attribution};
use crate::pipeline::{build, optimise};
use crate::project::{ArtifactBudget, BuildKind, Context};

/// Builds the named copy of `artifact` (beside the shipped build, sharing its dependencies) and
/// returns the path of its optimised module.
pub fn named_copy(cx: &Context, artifact: &ArtifactBudget) -> Result<PathBuf> {
    eprintln!("{}: building a copy with names kept", artifact.name);
    cx.ensure_wasm_target()?;
    let raw = build::build(
        cx,
        &artifact.name,
        &artifact.krate,
        &artifact.target,
        BuildKind::Named,
        build::Names::Kept,
    )
    .with_context(|| format!("build {} with names kept", artifact.name))?;
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
