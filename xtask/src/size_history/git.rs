//! `size-baseline.json` at every commit that changed it, read from git: the commits of HEAD's
//! history that this clone has (a shallow clone has fewer, and says so).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use xshell::{cmd, Shell};

use crate::failure::ConfigError;
use crate::gate::baseline::{self, Baseline};
use crate::pipeline::run_cost::RunFigures;

/// The accepted sizes over time, oldest commit first.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct History {
    /// Commits of HEAD's history in this clone.
    pub commits_in_clone: usize,
    /// Whether the clone is shallow, so older commits are missing.
    pub shallow: bool,
    pub commits: Vec<Commit>,
    /// Commits whose baseline was there but did not parse (or was deleted), skipped.
    pub unreadable: Vec<Unreadable>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Commit {
    pub commit: String,
    /// Committer date, `YYYY-MM-DD`.
    pub date: String,
    pub subject: String,
    pub artifacts: BTreeMap<String, Sizes>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Sizes {
    pub opt_bytes: u64,
    pub gzip_bytes: u64,
    /// Only baselines that record it have it.
    pub brotli_bytes: Option<u64>,
    /// wasm-bindgen's JS glue, for an artifact built through it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub glue_bytes: Option<u64>,
    /// What a run cost, in baselines that record it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<RunFigures>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Unreadable {
    pub commit: String,
    pub date: String,
    pub subject: String,
    pub error: String,
}

impl History {
    /// Every commit seen, readable or not.
    pub fn commits_seen(&self) -> usize {
        self.commits.len() + self.unreadable.len()
    }

    /// One line for stderr: how much history there was to read.
    pub fn seen_line(&self) -> String {
        let mut line = format!(
            "{} changed in {} of the {} commits of HEAD's history in this clone",
            baseline::FILE_NAME,
            self.commits_seen(),
            self.commits_in_clone
        );
        if !self.unreadable.is_empty() {
            line += &format!(
                " ({} skipped: no baseline that parses)",
                self.unreadable.len()
            );
        }
        if self.shallow {
            line += "; the clone is shallow, so older commits are not here \
                     (`git fetch --unshallow` brings them)";
        }
        line
    }
}

/// Reads the history of the baseline at the workspace root `root`.
pub fn read(sh: &Shell, root: &Path) -> anyhow::Result<History> {
    let not_a_repo = |why: String| {
        ConfigError::new(
            format!(
                "{} is not in a git repository ({why}), so there is no history of {}",
                root.display(),
                baseline::FILE_NAME
            ),
            "run it in a clone of the repository (a shallow clone will do; it reads the commits it has)",
        )
    };
    let top = cmd!(sh, "git -C {root} rev-parse --show-toplevel")
        .quiet()
        .ignore_stderr()
        .read()
        .map_err(|err| not_a_repo(err.to_string()))?;
    let top = PathBuf::from(top.trim());
    let relative = relative_path(root, &top).join(baseline::FILE_NAME);
    let relative = relative.to_string_lossy().into_owned();
    let shallow = cmd!(sh, "git -C {top} rev-parse --is-shallow-repository")
        .quiet()
        .read()
        .is_ok_and(|answer| answer.trim() == "true");
    let no_commit = || {
        ConfigError::new(
            format!(
                "no commit of HEAD's history in {} holds {relative}",
                top.display()
            ),
            format!(
                "record the sizes with `cargo xtask size-check --update` and commit {}",
                baseline::FILE_NAME
            ),
        )
    };
    // A repository without commits has no HEAD to count from.
    let Ok(count) = cmd!(sh, "git -C {top} rev-list --count HEAD")
        .quiet()
        .ignore_stderr()
        .read()
    else {
        return Err(no_commit().into());
    };
    let format = "--format=%H%x1f%cs%x1f%s";
    let log = cmd!(sh, "git -C {top} log {format} -- {relative}")
        .quiet()
        .read()?;
    let mut history = History {
        commits_in_clone: count.trim().parse().unwrap_or(0),
        shallow,
        commits: Vec::new(),
        unreadable: Vec::new(),
    };
    // `git log` lists the newest first; the history reads oldest first.
    for line in log.lines().rev() {
        let mut fields = line.splitn(3, '\x1f');
        let (Some(commit), Some(date), Some(subject)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let spec = format!("{commit}:{relative}");
        let text = cmd!(sh, "git -C {top} show {spec}")
            .quiet()
            .ignore_stderr()
            .read();
        let parsed = match text {
            Ok(text) => parse(&text),
            Err(_) => Err(format!("{} was deleted", baseline::FILE_NAME)),
        };
        match parsed {
            Ok(artifacts) => history.commits.push(Commit {
                commit: commit.to_owned(),
                date: date.to_owned(),
                subject: subject.to_owned(),
                artifacts,
            }),
            Err(error) => history.unreadable.push(Unreadable {
                commit: commit.to_owned(),
                date: date.to_owned(),
                subject: subject.to_owned(),
                error,
            }),
        }
    }
    if history.commits.is_empty() {
        let mut err = no_commit();
        if !history.unreadable.is_empty() {
            err.message = format!(
                "no commit of HEAD's history holds a {relative} that parses ({} tried)",
                history.unreadable.len()
            );
        }
        return Err(err.into());
    }
    Ok(history)
}

/// The sizes a committed baseline records, or why it cannot be read.
pub fn parse(text: &str) -> Result<BTreeMap<String, Sizes>, String> {
    let baseline: Baseline = serde_json::from_str(text).map_err(|err| {
        format!(
            "{} does not parse: line {}: {err}",
            baseline::FILE_NAME,
            err.line()
        )
    })?;
    Ok(baseline
        .artifacts
        .into_iter()
        .map(|(name, entry)| {
            let sizes = Sizes {
                opt_bytes: entry.opt_bytes,
                gzip_bytes: entry.gzip_bytes,
                brotli_bytes: entry.brotli_bytes,
                glue_bytes: entry.glue_bytes,
                run: entry.run,
            };
            (name, sizes)
        })
        .collect())
}

/// `root` relative to the repository's top, comparing the paths as the file system resolves them.
fn relative_path(root: &Path, top: &Path) -> PathBuf {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    canonical(root)
        .strip_prefix(canonical(top))
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_baseline_gives_its_sizes_and_brotli_only_where_recorded() {
        let text = r#"{"artifacts": {
            "a": {"raw_bytes": 9, "opt_bytes": 8, "gzip_bytes": 5, "brotli_bytes": 4},
            "b": {"raw_bytes": 3, "opt_bytes": 2, "gzip_bytes": 1, "crates": {"std": 2}}}}"#;
        let sizes = parse(text).unwrap();
        assert_eq!(
            sizes["a"],
            Sizes {
                opt_bytes: 8,
                gzip_bytes: 5,
                brotli_bytes: Some(4),
                glue_bytes: None,
                run: None,
            }
        );
        assert_eq!(sizes["b"].brotli_bytes, None);
    }

    #[test]
    fn a_broken_baseline_says_where() {
        let err =
            parse("{\n  \"artifacts\": {\n    \"a\": {\"opt_bytes\": \"eight\"}\n").unwrap_err();
        assert!(
            err.starts_with("size-baseline.json does not parse: line 3: "),
            "{err}"
        );
    }
}
