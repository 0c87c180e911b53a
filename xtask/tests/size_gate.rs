//! End to end: the real xtask binary builds, optimises and judges a fixture crate outside the workspace.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_holds, exited, stderr, stdout, TinyCrate};

const ROOMY_BUDGET: &str = "[tolerance]\npercent = 1.0\n\n[artifact.tiny]\nbudget = \"1 MiB\"\n";

/// The optimised size, measured by a passing run that records it as the baseline.
fn measured_size(fixture: &TinyCrate) -> u64 {
    let output = fixture.xtask(&["size-check", "--json", "--update"]);
    exited(&output, 0);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let tiny = &report["artifacts"][0];
    assert_eq!(tiny["name"], "tiny");
    tiny["opt_bytes"].as_u64().unwrap()
}

#[test]
fn fails_closed_without_a_baseline_then_update_records_one_and_passes() {
    let fixture = TinyCrate::new("size-gate/passes", ROOMY_BUDGET);
    let output = fixture.xtask(&["size-check"]);
    exited(&output, 1);
    let table = stdout(&output);
    assert!(table.starts_with("artifact"), "{table}");
    assert!(
        table.lines().nth(2).unwrap().starts_with("tiny ") && table.contains(" NEW (no baseline)"),
        "{table}"
    );
    let err = stderr(&output);
    assert_holds(
        &err,
        "error: tiny: size-baseline.json is missing, so its growth cannot be checked",
    );
    assert_holds(
        &err,
        "fix: run `cargo xtask size-check --update` and commit size-baseline.json",
    );

    let optimised = fixture.gate_dir().join("opt/tiny.wasm");
    let raw = fixture.gate_dir().join("modules/tiny/shipped.wasm");
    let (opt_len, raw_len) = (
        optimised.metadata().unwrap().len(),
        raw.metadata().unwrap().len(),
    );
    assert!(
        opt_len > 0 && opt_len < raw_len,
        "optimised {opt_len} B, raw {raw_len} B"
    );

    let output = fixture.xtask(&["size-check", "--update"]);
    exited(&output, 0);
    assert_holds(&stderr(&output), "wasm-opt skipped (input unchanged)");
    let baseline: serde_json::Value =
        serde_json::from_str(&fixture.read("size-baseline.json")).unwrap();
    assert_eq!(baseline["artifacts"]["tiny"]["opt_bytes"], opt_len);
    // Raw leaves out the target_features section that is kept only for the optimiser.
    let raw_bytes = baseline["artifacts"]["tiny"]["raw_bytes"].as_u64().unwrap();
    assert!(
        raw_bytes < raw_len && raw_bytes + 512 > raw_len,
        "raw {raw_bytes} B, file {raw_len} B"
    );

    let output = fixture.xtask(&["size-check", "--no-build"]);
    exited(&output, 0);
    assert_holds(&stdout(&output), "+0 B (+0.0%)  ok");

    // An artifact the baseline lacks fails too, and an entry the budget no longer lists is named.
    let recorded = fixture.read("size-baseline.json");
    fixture.write(
        "size-baseline.json",
        &recorded.replace("\"tiny\"", "\"gone\""),
    );
    let output = fixture.xtask(&["size-check", "--no-build"]);
    exited(&output, 1);
    let err = stderr(&output);
    assert_holds(
        &err,
        "error: tiny: size-baseline.json records no size for it",
    );
    assert_holds(
        &err,
        "note: size-baseline.json has an entry for `gone`, which size-budget.toml no longer lists",
    );
}

#[test]
fn budget_below_the_real_size_fails_with_1() {
    let fixture = TinyCrate::new("size-gate/over-budget", ROOMY_BUDGET);
    let size = measured_size(&fixture);
    fixture.write(
        "size-budget.toml",
        &format!("[artifact.tiny]\nbudget = {}\n", size - 1),
    );
    let output = fixture.xtask(&["size-check"]);
    exited(&output, 1);
    let expected = format!(
        "tiny: optimised size {size} B is over its budget of {} B by 1 B",
        size - 1
    );
    assert_holds(&stderr(&output), &expected);
    assert_holds(&stdout(&output), "OVER BUDGET");
}

#[test]
fn growth_beyond_tolerance_fails_with_1_and_says_how_to_accept_it() {
    let fixture = TinyCrate::new("size-gate/regressed", ROOMY_BUDGET);
    let size = measured_size(&fixture);
    let old = size * 9 / 10;
    fixture.write(
        "size-baseline.json",
        &format!(r#"{{"artifacts": {{"tiny": {{"raw_bytes": 1, "opt_bytes": {old}, "gzip_bytes": 1}}}}}}"#),
    );
    let output = fixture.xtask(&["size-check"]);
    exited(&output, 1);
    let err = stderr(&output);
    assert_holds(
        &err,
        &format!(
            "tiny: grew beyond its tolerance: {old} B -> {size} B, +{} B",
            size - old
        ),
    );
    assert_holds(&err, "run `cargo xtask size-check --update`");

    // Shrinking never fails.
    fixture.write(
        "size-baseline.json",
        &format!(
            r#"{{"artifacts": {{"tiny": {{"raw_bytes": 1, "opt_bytes": {}, "gzip_bytes": 1}}}}}}"#,
            size * 2
        ),
    );
    let output = fixture.xtask(&["size-check", "--no-build"]);
    exited(&output, 0);
    assert_holds(&stdout(&output), "shrunk");
}

#[test]
fn malformed_budget_file_fails_with_2_naming_file_and_line() {
    let fixture = TinyCrate::new(
        "size-gate/malformed",
        "[tolerance]\npercent = 1.0\n\n[artifact.tiny]\nbudget = \"12 parsecs\"\n",
    );
    let output = fixture.xtask(&["size-check"]);
    exited(&output, 2);
    let err = stderr(&output);
    assert_holds(
        &err,
        "size-budget.toml:5: artifact `tiny`: budget `12 parsecs` is not a size",
    );

    fixture.write(
        "size-budget.toml",
        "[artifact.tiny]\nbudget = 1\nceiling = 2\n",
    );
    let output = fixture.xtask(&["size-check"]);
    exited(&output, 2);
    assert_holds(
        &stderr(&output),
        "size-budget.toml:3: unknown field `ceiling`",
    );
}

#[test]
fn a_changed_toolchain_is_reported_as_drift_and_update_records_the_new_one() {
    let fixture = TinyCrate::new("size-gate/drift", ROOMY_BUDGET);
    let size = measured_size(&fixture);
    let mut baseline: serde_json::Value =
        serde_json::from_str(&fixture.read("size-baseline.json")).unwrap();
    // The compiler that runs here, asked independently.
    let verbose = std::process::Command::new("rustc")
        .arg("-vV")
        .current_dir(fixture.dir.path())
        .output()
        .unwrap();
    let verbose = String::from_utf8(verbose.stdout).unwrap();
    let release = verbose
        .lines()
        .find_map(|l| l.strip_prefix("release: "))
        .unwrap();
    let recorded = baseline["toolchain"]["rustc"].as_str().unwrap().to_owned();
    assert!(recorded.starts_with(&format!("{release} (")), "{recorded}");
    baseline["toolchain"]["rustc"] = "1.0.0 (0000000)".into();
    baseline["artifacts"]["tiny"]["opt_bytes"] = (size / 2).into();
    fixture.write("size-baseline.json", &baseline.to_string());

    let output = fixture.xtask(&["size-check", "--no-build"]);
    exited(&output, 1);
    let err = stderr(&output);
    assert_holds(
        &err,
        &format!("toolchain changed since the baseline: rustc 1.0.0 (0000000) -> {recorded}"),
    );
    assert_holds(&err, "tiny: grew beyond its tolerance under a changed toolchain (toolchain drift, not a code regression)");
    assert_holds(&stdout(&output), "REGRESSED (toolchain drift)");

    let output = fixture.xtask(&["size-check", "--no-build", "--update"]);
    exited(&output, 0);
    let baseline: serde_json::Value =
        serde_json::from_str(&fixture.read("size-baseline.json")).unwrap();
    assert_eq!(baseline["toolchain"]["rustc"], recorded.as_str());
    let output = fixture.xtask(&["size-check", "--no-build"]);
    exited(&output, 0);
    assert!(
        !stderr(&output).contains("toolchain changed"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn each_compressed_budget_fails_alone_naming_its_metric() {
    let fixture = TinyCrate::new("size-gate/compressed", ROOMY_BUDGET);
    measured_size(&fixture);
    let output = fixture.xtask(&["size-check", "--no-build", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let tiny = &report["artifacts"][0];
    let (gzip, brotli) = (
        tiny["gzip_bytes"].as_u64().unwrap(),
        tiny["brotli_bytes"].as_u64().unwrap(),
    );
    for (metric, size, other) in [("gzip", gzip, "brotli"), ("brotli", brotli, "gzip")] {
        fixture.write(
            "size-budget.toml",
            &format!(
                "[artifact.tiny]\nbudget = \"1 MiB\"\n{metric}_budget = {}\n{other}_budget = \"1 MiB\"\n",
                size - 1
            ),
        );
        let output = fixture.xtask(&["size-check", "--no-build", "--json"]);
        exited(&output, 1);
        let err = stderr(&output);
        let expected = format!(
            "error: tiny: {metric} size {size} B is over its {metric} budget of {} B by 1 B",
            size - 1
        );
        assert_holds(&err, &expected);
        assert_eq!(
            err.matches("error: ").count(),
            1,
            "only {metric} fails: {err}"
        );
        assert_holds(&err, &format!("raise `{metric}_budget`"));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let row = &report["artifacts"][0];
        assert_eq!(row[format!("{metric}_budget_bytes")], size - 1);
        assert_eq!(row[format!("{other}_budget_bytes")], 1 << 20);
        assert_eq!(row["status"], "over-budget");
    }
}

#[test]
fn exports_keep_only_what_they_name_and_a_pattern_naming_nothing_fails_with_2() {
    let fixture = TinyCrate::new(
        "size-gate/exports",
        &format!("{ROOMY_BUDGET}exports = [\"_start\", \"memory\"]\n"),
    );
    let output = fixture.xtask(&["size-check", "--update"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let optimised = fixture.gate_dir().join("opt/tiny.wasm");
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&std::fs::read(&optimised).unwrap()) {
        if let wasmparser::Payload::ExportSection(reader) = payload.unwrap() {
            exports.extend(reader.into_iter().map(|e| e.unwrap().name.to_owned()));
        }
    }
    exports.sort();
    assert_eq!(exports, ["_start", "memory"]);

    fixture.write(
        "size-budget.toml",
        &format!("{ROOMY_BUDGET}exports = [\"_start\", \"tiny_*\"]\n"),
    );
    let output = fixture.xtask(&["size-check"]);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("export pattern \"tiny_*\" matches nothing the module exports (")
            && stderr.contains("_start"),
        "{stderr}"
    );
    assert_holds(&stderr, "fix: list what the module exports");
}
