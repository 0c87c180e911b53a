//! A shard of a size check: which artifacts part I of N holds, and the file that carries its
//! outcomes to `size-check --merge`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use xshell::cmd;

use super::outcome::{Outcome, Stopped};
use crate::failure::FailedCheck;
use crate::flags::Shard;
use crate::gate::baseline;
use crate::pipeline::Measurement;
use crate::project::{budget, ArtifactBudget, Context};

/// Names the file's kind and version; a file without it is not a shard.
pub const FORMAT: &str = "cortex size-check shard v1";

/// The artifacts of `shard`: every `count`th of size-budget.toml's, from the `index`th. The same
/// budget always gives the same parts, whatever machine runs them.
pub fn select(artifacts: &[ArtifactBudget], shard: Shard) -> Vec<&ArtifactBudget> {
    artifacts
        .iter()
        .enumerate()
        .filter(|(i, _)| i % shard.count == shard.index - 1)
        .map(|(_, artifact)| artifact)
        .collect()
}

/// What a shard prints: which part it is, of which inputs, and its artifacts' outcomes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardFile {
    pub format: String,
    pub index: usize,
    pub count: usize,
    /// The commit checked out (`git rev-parse HEAD`), when the workspace is in git.
    pub commit: Option<String>,
    /// A SHA-256 of size-budget.toml and size-baseline.json, which the verdict depends on.
    pub inputs_sha256: String,
    pub artifacts: Vec<ShardArtifact>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardArtifact {
    pub name: String,
    pub measurement: Option<Measurement>,
    pub toolchain_drift: bool,
    pub checks: Vec<FailedCheck>,
    pub errors: Vec<Stopped>,
}

impl ShardFile {
    pub fn new(cx: &Context, shard: Shard, outcomes: &[Outcome]) -> anyhow::Result<Self> {
        Ok(Self {
            format: FORMAT.to_owned(),
            index: shard.index,
            count: shard.count,
            commit: commit(cx),
            inputs_sha256: inputs_sha256(cx)?,
            artifacts: outcomes
                .iter()
                .map(|o| ShardArtifact {
                    name: o.name.clone(),
                    measurement: o.row.as_ref().map(|r| r.measurement.clone()),
                    toolchain_drift: o.row.as_ref().is_some_and(|r| r.toolchain_drift),
                    checks: o.checks.clone(),
                    errors: o.errors.clone(),
                })
                .collect(),
        })
    }
}

/// The commit the workspace has checked out, or `None` outside git.
pub fn commit(cx: &Context) -> Option<String> {
    cmd!(cx.sh, "git rev-parse HEAD")
        .quiet()
        .ignore_stderr()
        .read()
        .ok()
        .map(|id| id.trim().to_owned())
}

/// A SHA-256 of the two files the verdict is judged by (a missing baseline hashes as missing).
pub fn inputs_sha256(cx: &Context) -> anyhow::Result<String> {
    let mut hasher = Sha256::new();
    for name in [budget::FILE_NAME, baseline::FILE_NAME] {
        hasher.update(name.as_bytes());
        match std::fs::read(cx.root_file(name)) {
            Ok(bytes) => {
                hasher.update(b"\0present\0");
                hasher.update((bytes.len() as u64).to_le_bytes());
                hasher.update(&bytes);
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                hasher.update(b"\0missing\0");
            }
            Err(err) => return Err(anyhow::Error::from(err).context(format!("read {name}"))),
        }
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_artifact_is_in_exactly_one_shard_and_the_parts_are_stable() {
        let names: Vec<String> = (0..7).map(|i| format!("a{i}")).collect();
        let artifacts: Vec<ArtifactBudget> = names
            .iter()
            .map(|n| ArtifactBudget::example(n, 1024, 1.0))
            .collect();
        let part = |index, count| -> Vec<String> {
            select(&artifacts, Shard { index, count })
                .iter()
                .map(|a| a.name.clone())
                .collect()
        };
        assert_eq!(part(1, 3), ["a0", "a3", "a6"]);
        assert_eq!(part(2, 3), ["a1", "a4"]);
        assert_eq!(part(3, 3), ["a2", "a5"]);
        assert_eq!(part(1, 1), names);
        // More shards than artifacts: the last ones are empty, not an error.
        assert!(part(9, 9).is_empty());
    }
}
