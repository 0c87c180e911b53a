//! End to end: what a run costs, measured and gated by the real xtask on a copy of the `tiny`
//! fixture: more memory fails `memory_budget`, work moved before the first output fails
//! `startup_budget` and not `run_budget`, and two measuring runs give the same figures.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_holds, stderr, TinyCrate};

/// Prints a line, then spins a loop whose every step the optimiser must keep, then prints its
/// result: most of its instructions come after its first output.
const WORK_LATE: &str = r#"//! Spins after its first line.
fn spin(n: u64) -> u64 {
    let mut h = 0u64;
    for i in 0..n {
        h = std::hint::black_box(h.wrapping_mul(31).wrapping_add(i));
    }
    h
}

fn main() {
    println!("start");
    let h = spin(std::hint::black_box(200_000));
    println!("{h}");
}
"#;

/// Figures of the artifact in a `size-check --json` report.
fn run_figures(report: &serde_json::Value) -> serde_json::Value {
    let run = report["artifacts"][0]["run"].clone();
    assert!(run.is_object(), "no run figures in {report}");
    run
}

fn check_json(fixture: &TinyCrate, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let output = fixture.xtask(args);
    let report = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code(), report, stderr(&output))
}

/// Runs the gate on `WORK_LATE` with `from` replaced by `to`, which must fail it; the report and
/// the stderr.
fn fails_with_work_late_changed(
    fixture: &TinyCrate,
    from: &str,
    to: &str,
) -> (serde_json::Value, String) {
    assert!(WORK_LATE.contains(from), "{from:?} is not in WORK_LATE");
    fixture.write("src/main.rs", &WORK_LATE.replace(from, to));
    let (code, report, err) = check_json(fixture, &["size-check", "--json"]);
    assert_eq!(code, Some(1), "{err}");
    (report, err)
}

fn budget(memory: &str, startup: &str, run: &str) -> String {
    format!(
        "[tolerance]\npercent = 1.0\n\n[artifact.tiny]\nbudget = \"1 MiB\"\n\
         memory_budget = {memory}\nstartup_budget = {startup}\nrun_budget = {run}\n"
    )
}

#[test]
fn run_budgets_catch_more_memory_and_work_moved_to_startup() {
    let fixture = TinyCrate::new(
        "run-budgets/gate",
        &budget("\"64 MiB\"", "\"100 M\"", "\"100 M\""),
    );
    fixture.write("src/main.rs", WORK_LATE);
    let (code, report, err) = check_json(&fixture, &["size-check", "--json", "--update"]);
    assert_eq!(code, Some(0), "{err}");
    let first = run_figures(&report);
    let (startup, total, peak) = (
        first["startup_instructions"].as_u64().unwrap(),
        first["instructions"].as_u64().unwrap(),
        first["peak_memory"].as_u64().unwrap(),
    );
    assert!(
        startup * 10 < total,
        "the loop runs after the first line: {first}"
    );

    // A second measuring run, in a new process, of the same module gives the same figures.
    for entry in std::fs::read_dir(fixture.gate_dir().join("opt")).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".run-cost") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let (code, report, err) = check_json(&fixture, &["size-check", "--json"]);
    assert_eq!(code, Some(0), "{err}");
    let again = run_figures(&report);
    for figure in [
        "startup_instructions",
        "instructions",
        "initial_memory",
        "peak_memory",
    ] {
        assert_eq!(first[figure], again[figure], "{figure}: {first} {again}");
    }

    // Budgets at today's figures, startup with room to spare.
    fixture.write(
        "size-budget.toml",
        &budget(
            &peak.to_string(),
            &(startup * 2).to_string(),
            &(total + total / 20).to_string(),
        ),
    );

    // The same work, all of it before the first line.
    let (report, err) = fails_with_work_late_changed(
        &fixture,
        "    println!(\"start\");\n    let h = spin(std::hint::black_box(200_000));\n",
        "    let h = spin(std::hint::black_box(200_000));\n    println!(\"start\");\n",
    );
    let moved = run_figures(&report);
    assert_holds(&err, "error: tiny: startup instructions ");
    assert_holds(&err, " is over its startup budget of ");
    assert!(
        !err.contains("instructions run"),
        "the whole run stays within its budget and tolerance: {moved}\n{err}"
    );
    assert!(
        !err.contains("size-baseline.json records no per-crate breakdown"),
        "a run's cost has no byte breakdown to show: {err}"
    );

    // Eight more MiB held at once.
    let (_, err) = fails_with_work_late_changed(
        &fixture,
        "    println!(\"{h}\");\n",
        "    let held = std::hint::black_box(vec![h as u8; 8 << 20]);\n    println!(\"{h} {}\", held[12345]);\n",
    );
    assert_holds(&err, "error: tiny: peak memory ");
    assert_holds(&err, " is over its memory budget of ");
    assert_holds(
        &err,
        "fix: make it smaller, or raise `memory_budget` under [artifact.tiny]",
    );
}
