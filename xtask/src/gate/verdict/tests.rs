//! Tests of the verdicts: budgets of each gated metric, the tolerance, drift, and the failure messages.

use super::*;

use crate::gate::baseline::BaselineEntry;

/// A baseline file that records `opt_bytes` for `demo`, or records nothing.
fn base(opt_bytes: Option<u64>) -> Baseline {
    let mut baseline = Baseline::default();
    if let Some(opt_bytes) = opt_bytes {
        let entry = BaselineEntry {
            opt_bytes,
            ..BaselineEntry::default()
        };
        baseline.artifacts.insert("demo".into(), entry);
    }
    baseline
}

fn judged(size: u64, budget: u64, percent: f64, old: Option<u64>) -> Row {
    judge(
        Measurement::example("demo", size),
        &ArtifactBudget::example("demo", budget, percent),
        Some(&base(old)),
    )
}

#[test]
fn statuses_follow_budget_then_tolerance() {
    let judge_at = |size, old: Option<u64>| judged(size, 10_000, 1.0, old).status();
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
fn no_record_fails_closed_and_says_whether_the_file_is_there() {
    let artifact = ArtifactBudget::example("demo", 10_000, 1.0);
    let no_entry = judge(
        Measurement::example("demo", 10),
        &artifact,
        Some(&base(None)),
    );
    assert_eq!(no_entry.status(), Status::New);
    assert!(
        no_entry.status().failed(),
        "an artifact with no baseline fails"
    );
    assert_eq!(
        no_entry.breaches,
        [Breach::NoBaseline {
            file_missing: false
        }]
    );
    let no_file = judge(Measurement::example("demo", 10), &artifact, None);
    assert_eq!(
        no_file.breaches,
        [Breach::NoBaseline { file_missing: true }]
    );
    assert!(no_file.breaches[0].accepted_by_update());
    let check = no_file.breaches[0].to_check("demo", false).to_string();
    assert_eq!(
        check,
        "demo: size-baseline.json is missing, so its growth cannot be checked\n  \
         fix: run `cargo xtask size-check --update` and commit size-baseline.json \
         (restore it from git if it was deleted by mistake)"
    );
    let over = judge(Measurement::example("demo", 10_001), &artifact, None);
    assert_eq!(
        over.breaches.len(),
        2,
        "over budget and unrecorded: {over:?}"
    );
    assert_eq!(over.status(), Status::OverBudget);
}

#[test]
fn shrinking_never_fails_even_far_beyond_tolerance() {
    let row = judged(10, 10_000, 0.0, Some(9_000));
    assert!(!row.status().failed());
    assert!(row.breaches.is_empty());
}

#[test]
fn both_limits_are_breaches_and_only_growth_is_accepted_by_update() {
    let row = judged(12_000, 11_000, 1.0, Some(10_000));
    assert_eq!(
        row.breaches,
        [
            Breach::OverBudget {
                metric: Metric::Optimised,
                size: 12_000,
                budget: 11_000
            },
            Breach::Regressed {
                metric: Metric::Optimised,
                size: 12_000,
                baseline: 10_000,
                allowed: 100
            }
        ]
    );
    let accepted: Vec<bool> = row
        .breaches
        .iter()
        .map(|b| b.accepted_by_update())
        .collect();
    assert_eq!(accepted, [false, true]);
}

#[test]
fn failure_messages_name_artifact_sizes_and_fix() {
    let row = judged(12_000, 11_000, 1.0, Some(10_000));
    let messages: Vec<String> = row
        .breaches
        .iter()
        .map(|b| b.to_check("demo", false).to_string())
        .collect();
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

/// A demo of 10 000 optimised bytes (so 3 333 gzip, 2 500 brotli) with roomy budgets except
/// the ones set by `limit`.
fn compressed(limit: impl Fn(&mut ArtifactBudget)) -> Row {
    let mut artifact = ArtifactBudget::example("demo", 20_000, 1.0);
    artifact.gzip_budget_bytes = Some(5_000);
    artifact.brotli_budget_bytes = Some(5_000);
    limit(&mut artifact);
    let mut baseline = base(Some(10_000));
    let entry = baseline.artifacts.get_mut("demo").unwrap();
    (entry.gzip_bytes, entry.brotli_bytes) = (3_333, Some(2_500));
    judge(
        Measurement::example("demo", 10_000),
        &artifact,
        Some(&baseline),
    )
}

#[test]
fn each_compressed_budget_fails_alone_and_names_its_metric() {
    let within = compressed(|_| {});
    assert!(within.breaches.is_empty(), "{:?}", within.breaches);
    let gzip = compressed(|a| a.gzip_budget_bytes = Some(3_332));
    assert_eq!(
        gzip.breaches,
        [Breach::OverBudget {
            metric: Metric::Gzip,
            size: 3_333,
            budget: 3_332
        }]
    );
    assert_eq!(gzip.status(), Status::OverBudget);
    assert_eq!(
        gzip.breaches[0].to_check("demo", false).to_string(),
        "demo: gzip size 3333 B is over its gzip budget of 3332 B by 1 B\n  \
         fix: make it smaller, or raise `gzip_budget` under [artifact.demo] in size-budget.toml if the growth is intended"
    );
    let brotli = compressed(|a| a.brotli_budget_bytes = Some(2_499));
    assert_eq!(
        brotli.breaches,
        [Breach::OverBudget {
            metric: Metric::Brotli,
            size: 2_500,
            budget: 2_499
        }]
    );
    assert!(brotli.breaches[0]
        .to_check("demo", false)
        .problem
        .starts_with("demo: brotli size 2500 B is over its brotli budget of 2499 B"));
    let unset = compressed(|a| {
        a.gzip_budget_bytes = None;
        a.brotli_budget_bytes = None;
    });
    assert!(unset.breaches.is_empty());
}

#[test]
fn the_tolerance_applies_to_each_gated_compressed_size() {
    let mut baseline = base(Some(10_000));
    let entry = baseline.artifacts.get_mut("demo").unwrap();
    // 3 333 gzip bytes now: 3 300 + 1% (33) passes, 3 299 + 32 does not.
    entry.gzip_bytes = 3_299;
    entry.brotli_bytes = Some(2_500);
    let mut artifact = ArtifactBudget::example("demo", 20_000, 1.0);
    artifact.gzip_budget_bytes = Some(5_000);
    let row = judge(
        Measurement::example("demo", 10_000),
        &artifact,
        Some(&baseline),
    );
    assert_eq!(
        row.breaches,
        [Breach::Regressed {
            metric: Metric::Gzip,
            size: 3_333,
            baseline: 3_299,
            allowed: 32
        }]
    );
    assert!(row.breaches[0]
        .to_check("demo", false)
        .problem
        .starts_with("demo: gzip size grew beyond its tolerance: 3299 B -> 3333 B"));
    artifact.gzip_budget_bytes = None;
    let ungated = judge(
        Measurement::example("demo", 10_000),
        &artifact,
        Some(&baseline),
    );
    assert!(
        ungated.breaches.is_empty(),
        "without a gzip budget gzip is not gated"
    );
}

#[test]
fn under_toolchain_drift_a_change_is_labelled_drift() {
    let mut row = judged(9_500, 10_000, 1.0, Some(9_000));
    row.toolchain_drift = true;
    assert_eq!(row.status_label(), "REGRESSED (toolchain drift)");
    assert!(row.breaches[0]
        .to_check("demo", true)
        .problem
        .starts_with("demo: grew beyond its tolerance under a changed toolchain (toolchain drift, not a code regression): 9000 B -> 9500 B"));
    let unchanged = Row {
        toolchain_drift: true,
        ..judged(9_000, 10_000, 1.0, Some(9_000))
    };
    assert_eq!(unchanged.status_label(), "ok");
}
