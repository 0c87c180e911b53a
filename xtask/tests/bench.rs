//! `cargo xtask bench`: the real suite, natively and in the embedded runtime, at its quick sizes;
//! the JSON's shape and arithmetic, and the errors a user can cause.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use common::assert_holds;

use std::process::{Command, Output};

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("bench")
        .args(args)
        .current_dir(common::workspace_root())
        .env("CARGO_TARGET_DIR", common::workspace_target_dir())
        .output()
        .unwrap()
}

#[test]
fn json_gives_both_rates_and_their_ratio_for_each_scenario_filtered() {
    // "query" is part of two names: both run, each in processes and instances of its own.
    let output = bench(&["--json", "--quick", "--filter", "query"]);
    let stderr = common::stderr(&output);
    assert!(output.status.success(), "bench failed:\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&common::stdout(&output)).unwrap();
    let object = json.as_object().unwrap();
    assert_eq!(object.keys().collect::<Vec<_>>(), ["scenarios"]);
    let scenarios = json["scenarios"].as_array().unwrap();
    let names: Vec<&str> = scenarios
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["kind_query_page", "node_query_page"], "{json}");
    for row in scenarios {
        let row = row.as_object().unwrap();
        let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "name",
                "native_peak_bytes",
                "native_per_sec",
                "ratio",
                "wasm_peak_bytes",
                "wasm_per_sec"
            ]
        );
        // Linear memory grows by whole 64 KiB pages; Linux reports the native high-water mark.
        let wasm_peak = row["wasm_peak_bytes"].as_u64().unwrap();
        assert!(wasm_peak > 0 && wasm_peak % 65536 == 0, "{json}");
        assert!(row["native_peak_bytes"].as_u64().unwrap() > 0, "{json}");
        let native = row["native_per_sec"].as_f64().unwrap();
        let wasm = row["wasm_per_sec"].as_f64().unwrap();
        let ratio = row["ratio"].as_f64().unwrap();
        for figure in [native, wasm, ratio] {
            assert!(figure.is_finite() && figure > 0.0, "{json}");
        }
        // The ratio from the two printed figures, computed here.
        let expected = wasm / native;
        assert!(
            (ratio - expected).abs() <= expected * 1e-9,
            "ratio {ratio}, wasm / native {expected}"
        );
    }
    // One line of progress per scenario: each ran on its own.
    for name in names {
        assert_holds(
            &stderr,
            &format!("running {name} natively, then in the embedded runtime"),
        );
    }
}

#[test]
fn a_filter_that_matches_nothing_names_the_scenarios() {
    let output = bench(&["--quick", "--filter", "no-such-scenario"]);
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_holds(
        &stderr,
        "error: no scenario matches --filter no-such-scenario",
    );
    assert_holds(&stderr, "fix: filter by a part of a name: bus_publish,");
    assert!(common::stdout(&output).is_empty());
}
