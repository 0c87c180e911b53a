//! Unit tests of judging sizes against budget and baseline.

use std::path::PathBuf;
use std::time::Duration;

use super::*;
use crate::budget::Tolerance;
use crate::workspace::{WasmKind, WasmTarget};

pub(crate) fn measurement(name: &str, opt_bytes: u64) -> Measurement {
    Measurement {
        name: name.into(),
        krate: name.into(),
        path: PathBuf::from(format!("/target/wasm-opt/{name}.wasm")),
        raw_path: PathBuf::from(format!("/target/wasm32-wasip1/wasm-release/{name}.wasm")),
        raw_bytes: opt_bytes * 2,
        opt_bytes,
        gzip_bytes: opt_bytes / 3,
        brotli_bytes: opt_bytes / 4,
        build_time: Duration::ZERO,
        opt_time: Duration::ZERO,
        optimiser_ran: true,
    }
}

fn budget(budget_bytes: u64, percent: f64) -> ArtifactBudget {
    ArtifactBudget {
        name: "demo".into(),
        krate: "demo".into(),
        target: WasmTarget {
            name: "demo".into(),
            kind: WasmKind::Bin,
        },
        budget_bytes,
        tolerance: Tolerance {
            percent: Some(percent),
            bytes: None,
        },
    }
}

fn base(opt_bytes: u64) -> BaselineEntry {
    BaselineEntry {
        opt_bytes,
        ..BaselineEntry::default()
    }
}

#[test]
fn statuses_follow_budget_then_tolerance() {
    let judge_at = |size, old: Option<u64>| {
        judge(
            measurement("demo", size),
            &budget(10_000, 1.0),
            old.map(base).as_ref(),
        )
        .status
    };
    assert_eq!(judge_at(9_000, None), Status::New);
    assert_eq!(judge_at(9_000, Some(9_000)), Status::Ok);
    assert_eq!(
        judge_at(9_090, Some(9_000)),
        Status::Ok,
        "exactly the tolerance passes"
    );
    assert_eq!(judge_at(9_091, Some(9_000)), Status::Regressed);
    assert_eq!(judge_at(8_000, Some(9_000)), Status::Shrunk);
    assert_eq!(
        judge_at(10_000, Some(10_000)),
        Status::Ok,
        "exactly the budget passes"
    );
    assert_eq!(judge_at(10_001, None), Status::OverBudget);
    assert_eq!(judge_at(10_001, Some(1)), Status::OverBudget);
}

#[test]
fn shrinking_never_fails_even_far_beyond_tolerance() {
    let row = judge(
        measurement("demo", 10),
        &budget(10_000, 0.0),
        Some(&base(9_000)),
    );
    assert!(!row.status.failed());
    assert!(failures(&[row]).is_empty());
}

#[test]
fn failure_messages_name_artifact_sizes_and_fix() {
    let row = judge(
        measurement("demo", 12_000),
        &budget(11_000, 1.0),
        Some(&base(10_000)),
    );
    let messages = failures(&[row]);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(
        messages[0],
        "demo: optimised size 12000 B is over its budget of 11000 B by 1000 B\n  \
         fix: make it smaller, or raise `budget` under [artifact.demo] in size-budget.toml if the growth is intended"
    );
    assert_eq!(
        messages[1],
        "demo: grew beyond its tolerance: 10000 B -> 12000 B, +2000 B (+20.0%) (tolerance +100 B)\n  \
         fix: run `cargo xtask size-check --update` and commit size-baseline.json if the growth is intended"
    );
}
