//! The git repository around the workspace: resolving a ref to a commit, and a worktree checked out
//! at a commit (the base that `size-diff` builds).

use std::path::Path;

use anyhow::Context as _;
use xshell::{cmd, Shell};

use crate::failure::ConfigError;

/// The commit id `reference` names in the repository at the shell's directory.
pub fn resolve(sh: &Shell, reference: &str) -> Result<String, ConfigError> {
    let spec = format!("{reference}^{{commit}}");
    cmd!(sh, "git rev-parse --verify --quiet {spec}")
        .quiet()
        .ignore_stderr()
        .read()
        .map(|commit| commit.trim().to_owned())
        .ok()
        .filter(|commit| !commit.is_empty())
        .ok_or_else(|| {
            ConfigError::new(
                format!("unknown git ref `{reference}`: it names no commit of this repository"),
                "pass a branch, tag or commit with `--base REF` (fetch it first, e.g. `git fetch origin main`; \
                 a shallow clone needs `git fetch --unshallow`)",
            )
        })
}

/// Whether `commit` has a file at `path` (relative to the repository root).
pub fn has_file(sh: &Shell, commit: &str, path: &str) -> bool {
    let object = format!("{commit}:{path}");
    cmd!(sh, "git cat-file -e {object}")
        .quiet()
        .ignore_stderr()
        .run()
        .is_ok()
}

/// The path of the workspace root relative to the repository root (empty when they are the same).
pub fn prefix(sh: &Shell) -> anyhow::Result<String> {
    let prefix = cmd!(sh, "git rev-parse --show-prefix")
        .quiet()
        .read()
        .context("git rev-parse --show-prefix")?;
    Ok(prefix.trim().to_owned())
}

/// Makes `dir` a detached worktree of the repository at `commit`, reusing it when it already is one.
pub fn worktree_at(sh: &Shell, dir: &Path, commit: &str) -> anyhow::Result<()> {
    if dir.exists() {
        let _at = sh.push_dir(dir);
        let head = cmd!(sh, "git rev-parse HEAD")
            .quiet()
            .ignore_stderr()
            .read();
        let toplevel = cmd!(sh, "git rev-parse --show-toplevel")
            .quiet()
            .ignore_stderr()
            .read();
        let is_checkout = toplevel.is_ok_and(|top| Path::new(top.trim()) == dir);
        if is_checkout && head.is_ok_and(|head| head.trim() == commit) {
            return Ok(());
        }
    }
    if dir.exists() {
        // Left behind by an interrupted run: start it again.
        let _ = cmd!(sh, "git worktree remove --force {dir}")
            .quiet()
            .ignore_stderr()
            .run();
        if dir.exists() {
            std::fs::remove_dir_all(dir).with_context(|| format!("remove {}", dir.display()))?;
        }
    }
    // A worktree whose directory was deleted stays registered until pruned.
    cmd!(sh, "git worktree prune")
        .quiet()
        .run()
        .context("git worktree prune")?;
    cmd!(sh, "git worktree add --force --detach {dir} {commit}")
        .quiet()
        .ignore_stdout()
        .ignore_stderr()
        .run()
        .with_context(|| format!("git worktree add {} {commit}", dir.display()))?;
    Ok(())
}
