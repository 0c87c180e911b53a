//! Fuzzing `size-baseline.json` loading: the repository's own baseline and smaller valid ones,
//! mutated as text, are loaded from a file. Nothing panics: a baseline comes back, or a
//! `ConfigError` (exit code 2) whose cause is one line naming the file and a line of it, with the
//! fix. A baseline that loads writes back to a file that loads the same, and the gate can judge
//! measurements against it and render its reports.
//!
//! The property runs [`crate::fuzz::DEFAULT_CASES`] cases in the normal suite; `CORTEX_FUZZ_CASES=N`
//! runs N instead: `CORTEX_FUZZ_CASES=20000 cargo test -p xtask --lib baseline::fuzz`.

use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::failure::{exit_code, render};
use crate::gate::growth::{self, Breakdown};
use crate::gate::report;
use crate::gate::verdict::{judge, Mode};
use crate::pipeline::Measurement;
use crate::project::budget::fuzz::names_a_line_of;
use crate::project::budget::fuzz::text::{run_mutants, Vocabulary};
use crate::project::ArtifactBudget;

/// Valid baselines with and without the optional maps, and the repository's own. Shrinking
/// prefers the first, so a failure is shown on the smallest seed that shows it.
const SEEDS: &[&str] = &[
    r#"{
  "artifacts": {
    "demo": {
      "raw_bytes": 10,
      "opt_bytes": 8,
      "gzip_bytes": 5,
      "crates": {
        "std": 6
      },
      "brotli_bytes": 4
    }
  }
}
"#,
    "{\n  \"artifacts\": {}\n}\n",
    include_str!("../../../../size-baseline.json"),
];

// Kept in rows: one item to a line would make the table longer than the test.
#[rustfmt::skip]
const JSON: Vocabulary = Vocabulary {
    values: &[
        "-1", "0", "18446744073709551615", "18446744073709551616", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "1.5", "1e2", "1e400", "-0", "01", "0x10",
        "NaN", "Infinity", "\"12\"", "null", "true", "[]", "{}", "[1]", "{\"a\": 1}",
    ],
    strings: &[
        "artifacts", "raw_bytes", "opt_bytes", "gzip_bytes", "crates", "functions", "demo",
        "cortex-core", "wasm-demo", "std", "", "ü", "☃", "\\u0000", "\\ud800", "\\udc00",
        "\\n", "\\", "\\x", "\\u12",
    ],
    keys: &["artifacts", "raw_bytes", "x", ""],
    lines: &[
        "{", "}", "[", "]", ",", "\"x\": 1,", "\"raw_bytes\": -1,",
        "\"opt_bytes\": 18446744073709551616,", "\"crates\": [],", "\"functions\": {\"f\": 1.5},",
        "\"artifacts\": null,", "\"demo\": {\"raw_bytes\": 1, \"opt_bytes\": 1, \"gzip_bytes\": 1},",
        "\"cortex-core\": {},", "\"opt_bytes\": 1, \"opt_bytes\": 2,", "// comment", "",
    ],
};

/// The checks of a failed load of `text` from `path`: a configuration error (exit code 2) whose
/// cause names the file and a line of it, with a fix, each on one line.
fn check_error(path: &Path, text: &str, err: anyhow::Error) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        exit_code(&err),
        std::process::ExitCode::from(2),
        "{:#}",
        err
    );
    let Some(ConfigError { message, fix }) = err.downcast_ref::<ConfigError>() else {
        return Err(TestCaseError::fail(format!("not a ConfigError: {err:#}")));
    };
    prop_assert!(!fix.trim().is_empty(), "no fix for {message:?}");
    prop_assert!(!message.contains(['\n', '\r']), "cause {message:?}");
    prop_assert!(!fix.contains(['\n', '\r']), "fix {fix:?}");
    names_a_line_of(message, &path.display().to_string(), text)?;
    prop_assert_eq!(render(&err), format!("error: {message}\n  fix: {fix}\n"));
    Ok(())
}

/// What the gate does with a baseline that loaded: writes it back (`--update`), judges
/// measurements against it, renders the reports and says what grew since it.
fn use_baseline(baseline: &Baseline, dir: &Path) -> Result<(), TestCaseError> {
    let failed = |err: anyhow::Error| TestCaseError::fail(format!("{err:#}"));
    let rewritten = dir.join("rewritten.json");
    baseline.write(&rewritten).map_err(failed)?;
    let reloaded = Baseline::load(&rewritten).map_err(failed)?;
    prop_assert_eq!(reloaded.as_ref(), Some(baseline));
    let rows: Vec<_> = ["cortex-core", "wasm-demo", "demo"]
        .into_iter()
        .map(|name| {
            let artifact = ArtifactBudget::example(name, 769 << 10, 1.0);
            judge(
                Measurement::example(name, 118_471),
                &artifact,
                Some(baseline),
            )
        })
        .collect();
    for row in &rows {
        for breach in row.failing(Mode::Check) {
            prop_assert!(!breach
                .to_check(&row.artifact.name, false)
                .problem
                .is_empty());
        }
    }
    report::table(&rows);
    report::markdown(&rows);
    report::json(&rows, Mode::Check).map_err(failed)?;
    for entry in baseline.artifacts.values() {
        growth::report(&breakdown(entry), &measured(), 5);
    }
    Ok(())
}

/// The per-crate and per-function sizes a baseline entry records.
fn breakdown(entry: &BaselineEntry) -> Breakdown {
    Breakdown {
        crates: entry.crates.clone(),
        functions: entry.functions.clone(),
    }
}

/// A breakdown as measured now, for the growth report to compare a baseline with.
fn measured() -> Breakdown {
    let sizes = |entries: &[(&str, u64)]| entries.iter().map(|&(k, v)| (k.to_owned(), v)).collect();
    Breakdown {
        crates: sizes(&[("core", 25_935), ("std", 12_407), ("cortex_core", 27_502)]),
        functions: sizes(&[("cortex_append", 4_511), ("dlmalloc", 5_914)]),
    }
}

#[test]
fn mutated_baselines_load_or_fail_with_a_config_error() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(FILE_NAME);
    for seed in SEEDS {
        std::fs::write(&path, seed).expect("write a seed");
        let loaded = Baseline::load(&path).expect("every seed is a valid baseline");
        assert!(loaded.is_some());
    }
    // Mutants that still load are the ones that exercise everything after the parser: at least
    // 1 in 10.
    run_mutants(SEEDS, JSON, "loaded", (1, 10), |text| {
        std::fs::write(&path, &text)?;
        match Baseline::load(&path) {
            Ok(Some(baseline)) => {
                use_baseline(&baseline, dir.path())?;
                Ok(true)
            }
            Ok(None) => Err(TestCaseError::fail("the file was there")),
            Err(err) => {
                check_error(&path, &text, err)?;
                Ok(false)
            }
        }
    });
}

#[test]
fn growth_report_takes_any_size_a_baseline_loads() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(FILE_NAME);
    let text = r#"{"artifacts": {"demo": {"raw_bytes": 1, "opt_bytes": 1, "gzip_bytes": 1,
        "crates": {"core": 9223372036854775808}}}}"#;
    std::fs::write(&path, text).expect("write the baseline");
    let baseline = Baseline::load(&path).unwrap().expect("the file is there");
    let report = growth::report(&breakdown(&baseline.artifacts["demo"]), &measured(), 5);
    assert!(report.contains("std"), "{report}");
}
