//! The toolchain fingerprint: what turns source into the measured bytes (rustc, binaryen, the
//! wasm-opt passes and features, the `wasm-release` profile), recorded with the accepted sizes so a
//! new compiler's growth is told apart from a change's.

use std::collections::BTreeMap;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use xshell::cmd;

use crate::pipeline::optimise::OPTIONS_TAG;
use crate::project::bindgen_cli;
use crate::project::{Context, WASM_PROFILE};

/// The lock file the xtask was built with: it names the binaryen the `wasm-opt` crate links.
const XTASK_LOCK: &str = include_str!("../../../Cargo.lock");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toolchain {
    /// The `release:` line of `rustc -vV` and its commit hash: `1.95.0 (59807616e…)`.
    pub rustc: String,
    /// The binaryen version linked through the wasm-opt crate.
    pub binaryen: String,
    /// The wasm-opt passes and options the optimiser runs.
    pub wasm_opt_passes: String,
    /// Per artifact, the wasm features wasm-opt enables (from the module's `target_features`).
    #[serde(default)]
    pub wasm_features: BTreeMap<String, Vec<String>>,
    /// The `wasm-release` profile's settings, with what it inherits from `release` resolved.
    #[serde(default)]
    pub profile: BTreeMap<String, String>,
    /// The wasm-bindgen the workspace's Cargo.lock pins, when an artifact goes through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasm_bindgen: Option<String>,
}

impl Toolchain {
    /// Today's fingerprint; `wasm_features` are those of the artifacts just built.
    pub fn current(
        cx: &Context,
        wasm_features: BTreeMap<String, Vec<String>>,
    ) -> anyhow::Result<Self> {
        let sh = &cx.sh;
        let verbose = cmd!(sh, "rustc -vV")
            .quiet()
            .read()
            .context("run rustc -vV")?;
        let manifest = cx.root_file("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest)
            .with_context(|| format!("read {}", manifest.display()))?;
        Ok(Self {
            rustc: rustc_release(&verbose),
            binaryen: binaryen_version(XTASK_LOCK),
            wasm_opt_passes: OPTIONS_TAG.to_owned(),
            wasm_features,
            profile: profile_settings(&manifest),
            wasm_bindgen: wasm_bindgen_version(cx)?,
        })
    }

    /// What differs from `now`, one `what old -> new` line each; artifacts only one side knows are
    /// not drift (they were added or removed).
    pub fn changes(&self, now: &Toolchain) -> Vec<String> {
        let mut changes = Vec::new();
        let mut compare = |what: String, old: &str, new: &str| {
            if old != new {
                changes.push(format!("{what} {old} -> {new}"));
            }
        };
        compare("rustc".into(), &self.rustc, &now.rustc);
        compare("binaryen".into(), &self.binaryen, &now.binaryen);
        if let (Some(old), Some(new)) = (&self.wasm_bindgen, &now.wasm_bindgen) {
            compare("wasm-bindgen".into(), old, new);
        }
        compare(
            "wasm-opt passes".into(),
            &self.wasm_opt_passes,
            &now.wasm_opt_passes,
        );
        for (artifact, old) in &self.wasm_features {
            if let Some(new) = now.wasm_features.get(artifact) {
                let what = format!("wasm features of {artifact}");
                compare(
                    what,
                    &format!("[{}]", old.join(" ")),
                    &format!("[{}]", new.join(" ")),
                );
            }
        }
        let keys: std::collections::BTreeSet<&String> =
            self.profile.keys().chain(now.profile.keys()).collect();
        for key in keys {
            let value =
                |p: &BTreeMap<String, String>| p.get(key).cloned().unwrap_or("unset".into());
            let what = format!("[profile.{WASM_PROFILE}] {key}");
            compare(what, &value(&self.profile), &value(&now.profile));
        }
        changes
    }
}

/// The wasm-bindgen version Cargo.lock pins, when an artifact of the budget goes through it.
fn wasm_bindgen_version(cx: &Context) -> anyhow::Result<Option<String>> {
    if cx.budget.artifacts.iter().all(|a| a.bindgen.is_none()) {
        return Ok(None);
    }
    let path = cx.root_file("Cargo.lock");
    let lock =
        std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
    Ok(Some(bindgen_cli::locked_version(&path, &lock)?))
}

/// `1.95.0 (59807616e1234…)` from the output of `rustc -vV`.
fn rustc_release(verbose: &str) -> String {
    let field = |name: &str| {
        verbose
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
    };
    let release = field("release:").unwrap_or("unknown");
    match field("commit-hash:") {
        Some(hash) => format!("{release} ({hash})"),
        None => release.to_owned(),
    }
}

/// The binaryen version of the `wasm-opt-sys` crate in a lock file: its minor version (0.116.0 is
/// binaryen 116).
fn binaryen_version(lock: &str) -> String {
    let lock: toml::Table = match lock.parse() {
        Ok(lock) => lock,
        Err(_) => return "unknown".to_owned(),
    };
    let version = lock
        .get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(toml::Value::as_str) == Some("wasm-opt-sys"))
        .and_then(|p| p.get("version")?.as_str());
    match version {
        Some(version) => {
            let binaryen = version.split('.').nth(1).unwrap_or(version);
            format!("{binaryen} (wasm-opt-sys {version})")
        }
        None => "unknown".to_owned(),
    }
}

/// The settings of `[profile.wasm-release]` over those of `[profile.release]` it inherits, as TOML.
fn profile_settings(manifest: &str) -> BTreeMap<String, String> {
    let Ok(manifest) = manifest.parse::<toml::Table>() else {
        return BTreeMap::new();
    };
    let profile = |name: &str| {
        manifest
            .get("profile")
            .and_then(|p| p.get(name))
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default()
    };
    let wasm = profile(WASM_PROFILE);
    let inherited = wasm.get("inherits").and_then(toml::Value::as_str);
    let mut settings = BTreeMap::new();
    for table in [inherited.map(profile).unwrap_or_default(), wasm] {
        for (key, value) in table {
            if key != "inherits" {
                settings.insert(key, value.to_string());
            }
        }
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rustc_binaryen_and_the_resolved_profile() {
        let verbose = "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\ncommit-hash: 59807616e1234\nrelease: 1.95.0\n";
        assert_eq!(rustc_release(verbose), "1.95.0 (59807616e1234)");
        let lock = "[[package]]\nname = \"wasm-opt\"\nversion = \"0.116.1\"\n\n[[package]]\nname = \"wasm-opt-sys\"\nversion = \"0.116.0\"\n";
        assert_eq!(binaryen_version(lock), "116 (wasm-opt-sys 0.116.0)");
        let manifest = "[profile.release]\nlto = true\nopt-level = \"z\"\n\n[profile.wasm-release]\ninherits = \"release\"\nopt-level = \"s\"\nstrip = true\n";
        let settings = profile_settings(manifest);
        let pairs: Vec<(&str, &str)> = settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [("lto", "true"), ("opt-level", "\"s\""), ("strip", "true")]
        );
    }

    #[test]
    fn changes_name_old_and_new_values_and_ignore_new_artifacts() {
        let old = Toolchain {
            rustc: "1.95.0 (aaa)".into(),
            binaryen: "116".into(),
            wasm_opt_passes: "-Oz".into(),
            wasm_features: [("core".into(), vec!["mutable-globals".into()])].into(),
            profile: [("lto".into(), "true".into())].into(),
            wasm_bindgen: Some("0.2.100".into()),
        };
        assert_eq!(old.changes(&old), Vec::<String>::new());
        let mut new = old.clone();
        new.rustc = "1.96.0 (bbb)".into();
        new.wasm_features.insert(
            "core".into(),
            vec!["bulk-memory".into(), "mutable-globals".into()],
        );
        new.wasm_features.insert("demo".into(), vec![]);
        new.profile.insert("strip".into(), "true".into());
        new.wasm_bindgen = Some("0.2.101".into());
        assert_eq!(
            old.changes(&new),
            [
                "rustc 1.95.0 (aaa) -> 1.96.0 (bbb)",
                "wasm-bindgen 0.2.100 -> 0.2.101",
                "wasm features of core [mutable-globals] -> [bulk-memory mutable-globals]",
                "[profile.wasm-release] strip unset -> true",
            ]
        );
    }
}
