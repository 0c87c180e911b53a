//! Judging a measurement against its budget and baseline: the verdict is data (which limits were
//! broken, by how much), turned into words only when a failure is reported.

use serde::Serialize;

use crate::bytes::units::delta;
use crate::failure::FailedCheck;
use crate::gate::baseline::{self, Baseline};
use crate::pipeline::Measurement;
use crate::project::{budget, ArtifactBudget};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Within budget, and no growth beyond the tolerance.
    Ok,
    /// Smaller than the baseline.
    Shrunk,
    /// Not in the baseline yet: a failure until `size-check --update` records it.
    New,
    /// Grew beyond the tolerance over the baseline.
    Regressed,
    /// Over the hard ceiling in size-budget.toml.
    OverBudget,
}

impl Status {
    pub fn failed(self) -> bool {
        matches!(self, Status::New | Status::Regressed | Status::OverBudget)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Shrunk => "shrunk",
            Status::New => "NEW (no baseline)",
            Status::Regressed => "REGRESSED",
            Status::OverBudget => "OVER BUDGET",
        }
    }
}

/// A size the gate holds to a ceiling and to the baseline's tolerance: the optimised bytes always,
/// the gzip and brotli bytes when size-budget.toml gives them a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Optimised,
    Gzip,
    Brotli,
}

impl Metric {
    /// The key of its ceiling in size-budget.toml.
    pub fn budget_key(self) -> &'static str {
        match self {
            Metric::Optimised => "budget",
            Metric::Gzip => "gzip_budget",
            Metric::Brotli => "brotli_budget",
        }
    }

    fn size_label(self) -> &'static str {
        match self {
            Metric::Optimised => "optimised size",
            Metric::Gzip => "gzip size",
            Metric::Brotli => "brotli size",
        }
    }

    fn budget_label(self) -> &'static str {
        match self {
            Metric::Optimised => "budget",
            Metric::Gzip => "gzip budget",
            Metric::Brotli => "brotli budget",
        }
    }
}

/// A limit a gated size broke, or the missing record it is held against; an artifact can break
/// several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    /// size-baseline.json records no size for it (or does not exist), so growth cannot be judged.
    NoBaseline { file_missing: bool },
    /// Over a hard ceiling of size-budget.toml.
    OverBudget {
        metric: Metric,
        size: u64,
        budget: u64,
    },
    /// Grown past the tolerance over size-baseline.json.
    Regressed {
        metric: Metric,
        size: u64,
        baseline: u64,
        allowed: u64,
    },
}

impl Breach {
    /// Whether `size-check --update` accepts it: growth and a first record are, a budget never is.
    pub fn accepted_by_update(self) -> bool {
        !matches!(self, Breach::OverBudget { .. })
    }

    /// The failed check, naming the artifact, the metric, the sizes and the way out. Under
    /// `toolchain_drift` a size change is the compiler's or optimiser's, and says so.
    pub fn to_check(self, artifact: &str, toolchain_drift: bool) -> FailedCheck {
        let record = format!(
            "run `cargo xtask size-check --update` and commit {}",
            baseline::FILE_NAME
        );
        let drift = if toolchain_drift {
            " under a changed toolchain (toolchain drift, not a code regression)"
        } else {
            ""
        };
        let (problem, fix) = match self {
            Breach::NoBaseline { file_missing: true } => (
                format!(
                    "{artifact}: {} is missing, so its growth cannot be checked",
                    baseline::FILE_NAME
                ),
                format!("{record} (restore it from git if it was deleted by mistake)"),
            ),
            Breach::NoBaseline {
                file_missing: false,
            } => (
                format!(
                    "{artifact}: {} records no size for it, so its growth cannot be checked",
                    baseline::FILE_NAME
                ),
                record,
            ),
            Breach::OverBudget {
                metric,
                size,
                budget,
            } => (
                format!(
                    "{artifact}: {} {size} B is over its {} of {budget} B by {} B{drift}",
                    metric.size_label(),
                    metric.budget_label(),
                    size - budget
                ),
                format!(
                    "make it smaller, or raise `{}` under [artifact.{artifact}] in {} if the growth is intended",
                    metric.budget_key(),
                    budget::FILE_NAME
                ),
            ),
            Breach::Regressed {
                metric,
                size,
                baseline,
                allowed,
            } => {
                let what = match metric {
                    Metric::Optimised => String::new(),
                    other => format!("{} ", other.size_label()),
                };
                let accept = if toolchain_drift {
                    format!("{record} to accept the new toolchain's sizes")
                } else {
                    format!("{record} if the growth is intended")
                };
                (
                    format!(
                        "{artifact}: {what}grew beyond its tolerance{drift}: {baseline} B -> {size} B, {} (tolerance +{allowed} B)",
                        delta(baseline, size)
                    ),
                    accept,
                )
            }
        };
        FailedCheck {
            problem,
            fix: Some(fix),
            details: String::new(),
        }
    }
}

/// A measurement with what it was judged against and the verdict.
#[derive(Debug, Clone)]
pub struct Row {
    pub artifact: ArtifactBudget,
    pub measurement: Measurement,
    pub baseline_bytes: Option<u64>,
    /// Growth over the baseline that still passes.
    pub allowed_growth_bytes: Option<u64>,
    /// Over budget first, then regressed or not in the baseline.
    pub breaches: Vec<Breach>,
    /// The toolchain differs from the one that built the baseline, so a size change is its doing.
    pub toolchain_drift: bool,
}

/// Whether the run accepts what it measures (`size-check --update`) or holds it to the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Update,
}

impl Row {
    /// The breaches that fail the run in `mode`.
    pub fn failing(&self, mode: Mode) -> impl Iterator<Item = Breach> + '_ {
        self.breaches
            .iter()
            .copied()
            .filter(move |breach| !(mode == Mode::Update && breach.accepted_by_update()))
    }

    /// The status as the table shows it: a size change under a changed toolchain says so.
    pub fn status_label(&self) -> String {
        let status = self.status();
        let changed = self
            .baseline_bytes
            .is_some_and(|old| old != self.measurement.opt_bytes);
        if self.toolchain_drift && changed {
            format!("{} (toolchain drift)", status.label())
        } else {
            status.label().to_owned()
        }
    }

    pub fn status(&self) -> Status {
        let breached = |wanted: fn(&Breach) -> bool| self.breaches.iter().any(wanted);
        if breached(|b| matches!(b, Breach::OverBudget { .. })) {
            Status::OverBudget
        } else if breached(|b| matches!(b, Breach::Regressed { .. })) {
            Status::Regressed
        } else {
            match self.baseline_bytes {
                None => Status::New,
                Some(old) if self.measurement.opt_bytes < old => Status::Shrunk,
                Some(_) => Status::Ok,
            }
        }
    }
}

/// Judges `measurement` against its budgets and against `baseline` (`None`: there is no baseline
/// file). The optimised size is always gated; gzip and brotli when they have a budget.
pub fn judge(
    measurement: Measurement,
    artifact: &ArtifactBudget,
    baseline: Option<&Baseline>,
) -> Row {
    let entry = baseline.and_then(|b| b.artifacts.get(&artifact.name));
    let baseline_bytes = entry.map(|b| b.opt_bytes);
    let allowed_growth_bytes = baseline_bytes.map(|old| artifact.tolerance.allowed_growth(old));
    // Each gated metric: its size now, its ceiling, and its size in the baseline (when recorded).
    let gated = [
        (
            Metric::Optimised,
            measurement.opt_bytes,
            Some(artifact.budget_bytes),
            baseline_bytes,
        ),
        (
            Metric::Gzip,
            measurement.gzip_bytes,
            artifact.gzip_budget_bytes,
            entry.map(|b| b.gzip_bytes),
        ),
        (
            Metric::Brotli,
            measurement.brotli_bytes,
            artifact.brotli_budget_bytes,
            entry.and_then(|b| b.brotli_bytes),
        ),
    ];
    let gated = gated
        .into_iter()
        .filter(|(metric, _, budget, _)| *metric == Metric::Optimised || budget.is_some());
    let mut breaches = Vec::new();
    let mut regressions = Vec::new();
    for (metric, size, budget, old) in gated {
        if let Some(budget) = budget.filter(|budget| size > *budget) {
            breaches.push(Breach::OverBudget {
                metric,
                size,
                budget,
            });
        }
        if let Some(old) = old {
            let allowed = artifact.tolerance.allowed_growth(old);
            if size > old.saturating_add(allowed) {
                regressions.push(Breach::Regressed {
                    metric,
                    size,
                    baseline: old,
                    allowed,
                });
            }
        }
    }
    breaches.extend(regressions);
    if baseline_bytes.is_none() {
        breaches.push(Breach::NoBaseline {
            file_missing: baseline.is_none(),
        });
    }
    Row {
        artifact: artifact.clone(),
        measurement,
        baseline_bytes,
        allowed_growth_bytes,
        breaches,
        toolchain_drift: false,
    }
}

#[cfg(test)]
mod tests {
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
}
