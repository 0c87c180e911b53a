//! `size-baseline.json`: the last accepted sizes, committed so growth shows up in review.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::failure::ConfigError;
use crate::pipeline::fingerprint::Toolchain;
use crate::pipeline::run_cost::RunFigures;

pub const FILE_NAME: &str = "size-baseline.json";

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Baseline {
    /// What built the accepted sizes; a baseline from before it was recorded has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<Toolchain>,
    #[serde(default)]
    pub artifacts: BTreeMap<String, BaselineEntry>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub struct BaselineEntry {
    pub raw_bytes: u64,
    pub opt_bytes: u64,
    pub gzip_bytes: u64,
    /// Absent in a baseline from before brotli sizes were recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brotli_bytes: Option<u64>,
    /// wasm-bindgen's JS glue, raw bytes, for an artifact built through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glue_bytes: Option<u64>,
    /// What one deterministic run costs, for an artifact the embedded runtime runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunFigures>,
    /// Optimised code bytes per crate, when the size attribution recorded them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub crates: BTreeMap<String, u64>,
    /// Optimised code bytes per function, when the size attribution recorded them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub functions: BTreeMap<String, u64>,
    /// Fields this version does not know, kept so a rewrite does not drop them.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Baseline {
    /// The baseline at `path`, or `None` when there is no such file (which the gate treats as a
    /// failure of every artifact, so deleting the file cannot switch the gate off).
    pub fn load(path: &Path) -> anyhow::Result<Option<Baseline>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err).with_context(|| format!("read {}", path.display())),
        };
        let baseline = serde_json::from_str(&text).map_err(|err| {
            ConfigError::new(
                format!("{}:{}: {err}", path.display(), err.line()),
                "repair the file or regenerate it with `cargo xtask size-check --update`",
            )
        })?;
        Ok(Some(baseline))
    }

    /// Pretty JSON with a trailing newline, written atomically.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let mut json = serde_json::to_string_pretty(self).context("serialise the baseline")?;
        json.push('\n');
        crate::files::atomic::write(path, json.as_bytes())
    }
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let text = r#"{"artifacts": {"demo": {"raw_bytes": 10, "opt_bytes": 8, "gzip_bytes": 5,
            "crates": {"std": 6}, "zstd_bytes": 4}}}"#;
        let baseline: Baseline = serde_json::from_str(text).unwrap();
        let demo = &baseline.artifacts["demo"];
        assert_eq!(
            (demo.raw_bytes, demo.opt_bytes, demo.gzip_bytes),
            (10, 8, 5)
        );
        assert_eq!(demo.crates["std"], 6);
        let again: Baseline =
            serde_json::from_str(&serde_json::to_string(&baseline).unwrap()).unwrap();
        assert_eq!(again.artifacts["demo"].extra["zstd_bytes"], 4);
    }

    #[test]
    fn missing_file_is_none_and_write_then_load_is_identity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        assert_eq!(Baseline::load(&path).unwrap(), None);
        let mut baseline = Baseline::default();
        baseline.artifacts.insert(
            "x".into(),
            BaselineEntry {
                raw_bytes: 3,
                opt_bytes: 2,
                gzip_bytes: 1,
                ..Default::default()
            },
        );
        baseline.write(&path).unwrap();
        assert_eq!(Baseline::load(&path).unwrap(), Some(baseline));
    }

    #[test]
    fn malformed_file_is_a_config_error_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "{\n  \"artifacts\": [\n").unwrap();
        let err = Baseline::load(&path).unwrap_err();
        assert_eq!(
            crate::failure::exit_code(&err),
            std::process::ExitCode::from(2)
        );
        assert!(err.to_string().contains("size-baseline.json:"), "{err}");
    }
}
