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

/// Makes `dir` a fresh detached worktree of the repository at `commit`, replacing what is there:
/// its files are newer than any build of another commit, so cargo never takes one for the other.
pub fn fresh_worktree(sh: &Shell, dir: &Path, commit: &str) -> anyhow::Result<()> {
    if dir.exists() {
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
