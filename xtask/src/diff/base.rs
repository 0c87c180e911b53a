//! The base side of a diff: the artifacts of a commit, built in a git worktree kept under the target
//! directory (sharing its dependency builds), and remembered by commit id. `size-diff` compares the
//! working tree with it, and `size-why --html --base` colours its report by it.

use std::path::PathBuf;

use anyhow::Context as _;

use super::{BaseRef, Side};
use crate::failure::ConfigError;
use crate::files::stamp::Stamp;
use crate::pipeline::fingerprint::Toolchain;
use crate::project::{budget, git, ArtifactBudget, Context};

/// Bumped when what a remembered side holds changes.
const SIDE_FORMAT: &str = "size-diff side v1";

/// The ref resolved, and each artifact's side at that commit (`None` where the base does not list
/// it). Builds nothing for an artifact whose side at this commit is remembered.
pub fn sides(
    cx: &Context,
    reference: &str,
    artifacts: &[&ArtifactBudget],
) -> anyhow::Result<(BaseRef, Vec<Option<Side>>)> {
    let commit = git::resolve(&cx.sh, reference)?;
    let base = BaseRef {
        reference: reference.to_owned(),
        commit: commit.clone(),
    };
    let prefix = git::prefix(&cx.sh)?;
    let budget_path = format!("{prefix}{}", budget::FILE_NAME);
    if !git::has_file(&cx.sh, &commit, &budget_path) {
        return Err(ConfigError::new(
            format!(
                "base `{reference}` ({commit}) has no {budget_path}, so it lists no artifacts to compare with"
            ),
            "pass a later commit with `--base REF`, one that has the size gate",
        )
        .into());
    }
    let dir = cx.workspace.target_dir.join("size-diff").join(&commit);
    // What the side depends on beyond the commit: the compiler and the optimiser.
    let tools = Toolchain::current(cx, Default::default())?;
    let key = format!(
        "{SIDE_FORMAT}\n{}\n{}\n{}",
        tools.rustc, tools.binaryen, tools.wasm_opt_passes
    );
    let stamp = |artifact: &ArtifactBudget| {
        Stamp::new(
            &dir.join(&artifact.name),
            "side.json",
            &[key.as_bytes(), commit.as_bytes()],
        )
    };
    let remembered = |artifact: &ArtifactBudget| -> Option<Option<Side>> {
        serde_json::from_str(&stamp(artifact).recorded_value()?).ok()
    };
    let mut sides: Vec<Option<Option<Side>>> = artifacts.iter().map(|a| remembered(a)).collect();
    if sides.iter().all(Option::is_some) {
        eprintln!("base {}: sizes remembered, nothing to build", base.label());
    } else {
        let base_cx = checkout(cx, &base, &dir)?;
        for (artifact, side) in artifacts.iter().zip(sides.iter_mut()) {
            if side.is_some() {
                continue;
            }
            let measured = measure(&base_cx, &base, artifact)?;
            let json = serde_json::to_string(&measured).context("serialise a base side")?;
            stamp(artifact).record_value(&json)?;
            *side = Some(measured);
        }
    }
    Ok((base, sides.into_iter().flatten().collect()))
}

/// The base checked out in a worktree at `<dir>/checkout`, as a context whose builds go to the
/// working tree's target directory: into one build directory all bases share (so dependencies
/// compile once for all of them), apart from the working tree's own (which the workspace's crates of
/// another commit would otherwise displace), with modules of its own. Sharing is sound because each
/// base is checked out afresh before it builds: its sources are newer than any other base's build,
/// so cargo never takes another commit's unit for fresh.
fn checkout(cx: &Context, base: &BaseRef, dir: &std::path::Path) -> anyhow::Result<Context> {
    let checkout: PathBuf = dir.join("checkout");
    eprintln!(
        "base {}: checking out in {}",
        base.label(),
        checkout.display()
    );
    git::fresh_worktree(&cx.sh, &checkout, &base.commit)
        .with_context(|| format!("check out base `{}`", base.reference))?;
    let prefix = git::prefix(&cx.sh)?;
    let root = checkout.join(prefix);
    let mut base_cx = Context::load_in(&root).map_err(|err| {
        ConfigError::new(
            format!("base `{}` ({}): {err:#}", base.reference, base.commit),
            "pass another base with `--base REF`",
        )
    })?;
    let target_dir = &cx.workspace.target_dir;
    base_cx.workspace.target_dir = target_dir.clone();
    base_cx.workspace.gate_dir = target_dir.join("size-diff").join("wasm-gate");
    base_cx.workspace.opt_dir = dir.join("wasm-opt");
    base_cx.workspace.module_dir = dir.join("modules");
    Ok(base_cx)
}

/// The base's side of `artifact`, or `None` when the base does not list it.
fn measure(
    base_cx: &Context,
    base: &BaseRef,
    artifact: &ArtifactBudget,
) -> anyhow::Result<Option<Side>> {
    let Some(then) = base_cx
        .budget
        .artifacts
        .iter()
        .find(|a| a.name == artifact.name)
    else {
        eprintln!(
            "base {}: {} does not list {}; all of it counts as added",
            base.label(),
            budget::FILE_NAME,
            artifact.name
        );
        return Ok(None);
    };
    eprintln!("base {}: building {}", base.label(), artifact.name);
    let side = Side::measure(base_cx, then).map_err(|err| {
        ConfigError::new(
            format!(
                "base `{}` ({}) does not build {}: {err:#}",
                base.reference, base.commit, artifact.name
            ),
            "pass a base that builds with `--base REF`",
        )
    })?;
    Ok(Some(side))
}
