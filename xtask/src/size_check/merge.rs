//! `size-check --merge`: the shard files of one run read back, checked to be exactly the parts of
//! this checkout's budget at one commit, and judged as one unsharded run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::outcome::Outcome;
use super::shard::{self, ShardFile};
use crate::failure::ConfigError;
use crate::flags::Shard;
use crate::gate::baseline::Baseline;
use crate::gate::verdict;
use crate::project::{budget, Context};

const FIX_FILES: &str =
    "pass the files `cargo xtask size-check --shard I/N` printed, one per shard of one run";

/// The outcomes of every artifact, in size-budget.toml's order, from the shard files at `paths`.
pub fn outcomes(
    cx: &Context,
    paths: &[PathBuf],
    baseline: Option<&Baseline>,
) -> anyhow::Result<Vec<Outcome>> {
    let files = paths
        .iter()
        .map(|path| read(path).map(|file| (path.as_path(), file)))
        .collect::<Result<Vec<_>, _>>()?;
    let by_index = check_set(&files)?;

    let inputs = shard::inputs_sha256(cx)?;
    let commit = shard::commit(cx);
    let mut outcomes = Vec::new();
    for (index, (path, file)) in &by_index {
        if file.inputs_sha256 != inputs {
            return Err(ConfigError::new(
                format!(
                    "{} was judged against another {} or {} than this checkout's",
                    path.display(),
                    budget::FILE_NAME,
                    crate::gate::baseline::FILE_NAME
                ),
                "merge in the checkout the shards ran in, at the same commit",
            )
            .into());
        }
        if file.commit.is_some() && commit.is_some() && file.commit != commit {
            return Err(ConfigError::new(
                format!(
                    "{} was measured at commit {}, and this checkout is at {}",
                    path.display(),
                    file.commit.as_deref().unwrap_or("?"),
                    commit.as_deref().unwrap_or("?")
                ),
                "merge in a checkout of the commit the shards measured",
            )
            .into());
        }
        let part = Shard {
            index: *index,
            count: file.count,
        };
        let expected: Vec<&str> = shard::select(&cx.budget.artifacts, part)
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        let held: Vec<&str> = file.artifacts.iter().map(|a| a.name.as_str()).collect();
        if held != expected {
            return Err(ConfigError::new(
                format!(
                    "{} holds [{}], and shard {index}/{} of {} is [{}]",
                    path.display(),
                    held.join(", "),
                    file.count,
                    budget::FILE_NAME,
                    expected.join(", ")
                ),
                FIX_FILES,
            )
            .into());
        }
        for held in &file.artifacts {
            let artifact = cx.budget.find(&held.name)?;
            let row = held.measurement.clone().map(|measurement| {
                let mut row = verdict::judge(measurement, artifact, baseline);
                row.toolchain_drift = held.toolchain_drift;
                row
            });
            outcomes.push(Outcome {
                name: held.name.clone(),
                row,
                checks: held.checks.clone(),
                errors: held.errors.clone(),
            });
        }
    }
    // Back into size-budget.toml's order, as one run lists them.
    let order: BTreeMap<&str, usize> = cx
        .budget
        .artifacts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.name.as_str(), i))
        .collect();
    outcomes.sort_by_key(|o| order.get(o.name.as_str()).copied());
    Ok(outcomes)
}

/// Reads one shard file, refusing anything that is not one.
fn read(path: &Path) -> anyhow::Result<ShardFile> {
    let text = std::fs::read_to_string(path).map_err(|err| {
        ConfigError::new(format!("cannot read {}: {err}", path.display()), FIX_FILES)
    })?;
    let not_ours = |why: String| {
        ConfigError::new(
            format!("{} is not a size-check shard file: {why}", path.display()),
            FIX_FILES,
        )
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|err| not_ours(format!("not JSON ({err})")))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(shard::FORMAT) => {}
        Some(other) => {
            return Err(
                not_ours(format!("its format is `{other}`, not `{}`", shard::FORMAT)).into(),
            )
        }
        None => {
            return Err(not_ours(format!("it has no `\"format\": \"{}\"`", shard::FORMAT)).into())
        }
    }
    let file: ShardFile =
        serde_json::from_value(value).map_err(|err| not_ours(format!("{err}")))?;
    if file.index == 0 || file.index > file.count {
        return Err(not_ours(format!(
            "it calls itself shard {}/{}",
            file.index, file.count
        ))
        .into());
    }
    Ok(file)
}

/// The files by shard index, once each and all of them, from one run of the same shard count.
fn check_set<'a>(
    files: &'a [(&'a Path, ShardFile)],
) -> Result<BTreeMap<usize, &'a (&'a Path, ShardFile)>, ConfigError> {
    let Some((first_path, first)) = files.first() else {
        return Err(ConfigError::new(
            "--merge was given no shard files",
            FIX_FILES,
        ));
    };
    let mut by_index = BTreeMap::new();
    for entry in files {
        let (path, file) = entry;
        if file.count != first.count {
            return Err(ConfigError::new(
                format!(
                    "{} is shard {}/{}, and {} is of {} shards",
                    path.display(),
                    file.index,
                    file.count,
                    first_path.display(),
                    first.count
                ),
                FIX_FILES,
            ));
        }
        if file.commit != first.commit || file.inputs_sha256 != first.inputs_sha256 {
            return Err(ConfigError::new(
                format!(
                    "{} and {} come from different commits or budget files",
                    path.display(),
                    first_path.display()
                ),
                FIX_FILES,
            ));
        }
        if let Some((other, _)) = by_index.insert(file.index, entry) {
            return Err(ConfigError::new(
                format!(
                    "{} and {} are both shard {}/{}",
                    other.display(),
                    path.display(),
                    file.index,
                    file.count
                ),
                "pass each shard's file once",
            ));
        }
    }
    let missing: Vec<String> = (1..=first.count)
        .filter(|i| !by_index.contains_key(i))
        .map(|i| format!("{i}/{}", first.count))
        .collect();
    if !missing.is_empty() {
        return Err(ConfigError::new(
            format!("shard {} missing from --merge", missing.join(", ")),
            FIX_FILES,
        ));
    }
    Ok(by_index)
}
