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

/// A limit the optimised size broke, or the missing record it is held against; an artifact can
/// break several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    /// size-baseline.json records no size for it (or does not exist), so growth cannot be judged.
    NoBaseline { file_missing: bool },
    /// Over the hard ceiling of size-budget.toml.
    OverBudget { size: u64, budget: u64 },
    /// Grown past the tolerance over size-baseline.json.
    Regressed {
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

    /// The failed check, naming the artifact, the sizes and the way out.
    pub fn to_check(self, artifact: &str) -> FailedCheck {
        let record = format!(
            "run `cargo xtask size-check --update` and commit {}",
            baseline::FILE_NAME
        );
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
            Breach::OverBudget { size, budget } => (
                format!(
                    "{artifact}: optimised size {size} B is over its budget of {budget} B by {} B",
                    size - budget
                ),
                format!(
                    "make it smaller, or raise `budget` under [artifact.{artifact}] in {} if the growth is intended",
                    budget::FILE_NAME
                ),
            ),
            Breach::Regressed {
                size,
                baseline,
                allowed,
            } => (
                format!(
                    "{artifact}: grew beyond its tolerance: {baseline} B -> {size} B, {} (tolerance +{allowed} B)",
                    delta(baseline, size)
                ),
                format!("{record} if the growth is intended"),
            ),
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

/// Judges `measurement` against its budget and against `baseline` (`None`: there is no baseline file).
pub fn judge(
    measurement: Measurement,
    artifact: &ArtifactBudget,
    baseline: Option<&Baseline>,
) -> Row {
    let size = measurement.opt_bytes;
    let entry = baseline.and_then(|b| b.artifacts.get(&artifact.name));
    let baseline_bytes = entry.map(|b| b.opt_bytes);
    let allowed_growth_bytes = baseline_bytes.map(|old| artifact.tolerance.allowed_growth(old));
    let mut breaches = Vec::new();
    if size > artifact.budget_bytes {
        breaches.push(Breach::OverBudget {
            size,
            budget: artifact.budget_bytes,
        });
    }
    match (baseline_bytes, allowed_growth_bytes) {
        (Some(old), Some(allowed)) if size > old.saturating_add(allowed) => {
            breaches.push(Breach::Regressed {
                size,
                baseline: old,
                allowed,
            });
        }
        (Some(_), _) => {}
        (None, _) => breaches.push(Breach::NoBaseline {
            file_missing: baseline.is_none(),
        }),
    }
    Row {
        artifact: artifact.clone(),
        measurement,
        baseline_bytes,
        allowed_growth_bytes,
        breaches,
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
        let check = no_file.breaches[0].to_check("demo").to_string();
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
                    size: 12_000,
                    budget: 11_000
                },
                Breach::Regressed {
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
            .map(|b| b.to_check("demo").to_string())
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
}
