//! Tests of the run budgets' verdicts: memory in bytes, instructions in counts, each against its
//! ceiling and the baseline's tolerance.

use super::*;

use crate::gate::baseline::BaselineEntry;
use crate::pipeline::run_cost::RunCost;
use crate::project::budget::{RunBudgets, Tolerance};

const BASE: RunFigures = RunFigures {
    startup_instructions: 1_000,
    instructions: 100_000,
    initial_memory: 65_536,
    peak_memory: 10 * 65_536,
};

fn cost(startup: u64, total: u64, peak: u64) -> RunCost {
    RunCost {
        startup_instructions: startup,
        instructions: total,
        initial_memory: 65_536,
        peak_memory: peak,
        compile_ms: 1.0,
        instantiate_ms: 0.1,
    }
}

/// `demo` judged with a run of `run` against `budgets` and a baseline recording `recorded`.
fn judged(run: Option<RunCost>, budgets: RunBudgets, recorded: Option<RunFigures>) -> Row {
    let mut baseline = Baseline::default();
    baseline.artifacts.insert(
        "demo".into(),
        BaselineEntry {
            opt_bytes: 1_000,
            run: recorded,
            ..BaselineEntry::default()
        },
    );
    let artifact = ArtifactBudget {
        run_budgets: budgets,
        tolerance: Tolerance {
            percent: Some(1.0),
            bytes: Some(4096),
        },
        ..ArtifactBudget::example("demo", 10_000, 1.0)
    };
    judge(
        Measurement {
            run,
            ..Measurement::example("demo", 1_000)
        },
        &artifact,
        Some(&baseline),
    )
}

const ALL: RunBudgets = RunBudgets {
    peak_memory: Some(16 * 65_536),
    startup_instructions: Some(2_000),
    instructions: Some(200_000),
    set_at: None,
};

/// What each breach of `row` says is wrong.
fn problems(row: &Row) -> Vec<String> {
    row.breaches
        .iter()
        .map(|b| b.to_check("demo", false).problem)
        .collect()
}

#[test]
fn a_run_within_every_budget_and_tolerance_passes() {
    let row = judged(Some(cost(1_010, 101_000, 10 * 65_536)), ALL, Some(BASE));
    assert_eq!(row.breaches, []);
    assert_eq!(row.status(), Status::Ok);
}

#[test]
fn more_memory_fails_the_memory_budget_naming_it() {
    let row = judged(Some(cost(1_000, 100_000, 17 * 65_536)), ALL, Some(BASE));
    assert_eq!(
        problems(&row),
        [
            "demo: peak memory 1114112 B is over its memory budget of 1048576 B by 65536 B",
            "demo: peak memory grew beyond its tolerance: 655360 B -> 1114112 B, +458752 B (+70.0%) (tolerance +6553 B)",
        ]
    );
    let fix = row.breaches[0].to_check("demo", false).fix.unwrap();
    assert!(
        fix.contains("raise `memory_budget` under [artifact.demo]"),
        "{fix}"
    );
}

#[test]
fn work_moved_to_startup_fails_the_startup_budget_and_not_the_run_budget() {
    let row = judged(Some(cost(50_000, 100_000, 10 * 65_536)), ALL, Some(BASE));
    assert!(
        row.breaches
            .iter()
            .all(|b| matches!(b, Breach::OverBudget { .. } | Breach::Regressed { .. })),
        "{:?}",
        row.breaches
    );
    let metrics: Vec<_> = row.breaches.iter().map(|b| b.metric()).collect();
    assert_eq!(metrics, [Some(Metric::Startup), Some(Metric::Startup)]);
    assert_eq!(
        problems(&row)[0],
        "demo: startup instructions 50000 is over its startup budget of 2000 by 48000"
    );
}

#[test]
fn the_bytes_floor_of_the_tolerance_does_not_hold_instructions() {
    // 4096 B of tolerance would let 4,096 more instructions pass; 1% of 100,000 is 1,000.
    let row = judged(Some(cost(1_000, 101_001, 10 * 65_536)), ALL, Some(BASE));
    assert_eq!(
        row.breaches,
        [Breach::Regressed {
            metric: Metric::Instructions,
            size: 101_001,
            baseline: 100_000,
            allowed: 1_000
        }]
    );
    assert!(problems(&row)[0].ends_with("100000 -> 101001, +1001 (+1.0%) (tolerance +1000)"));
}

#[test]
fn an_unbudgeted_run_is_reported_and_not_gated() {
    let row = judged(
        Some(cost(90_000, 900_000, 90 * 65_536)),
        RunBudgets::default(),
        Some(BASE),
    );
    assert_eq!(row.breaches, []);
}

#[test]
fn a_budget_without_a_record_or_a_run_fails_closed() {
    let row = judged(Some(cost(1_000, 100_000, 65_536)), ALL, None);
    assert_eq!(
        row.breaches,
        [
            Breach::NoRecord {
                metric: Metric::PeakMemory
            },
            Breach::NoRecord {
                metric: Metric::Startup
            },
            Breach::NoRecord {
                metric: Metric::Instructions
            },
        ]
    );
    assert!(row.breaches.iter().all(|b| b.accepted_by_update()));
    let row = judged(None, ALL, Some(BASE));
    assert_eq!(row.breaches.len(), 3);
    assert!(row
        .breaches
        .iter()
        .all(|b| matches!(b, Breach::Unmeasured { .. }) && !b.accepted_by_update()));
}
