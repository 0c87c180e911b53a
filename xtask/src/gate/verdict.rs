//! Judging a measurement against its budget and baseline: the verdict is data (which limits were
//! broken, by how much), turned into words only when a failure is reported.

use serde::Serialize;

use crate::bytes::units::delta;
use crate::failure::FailedCheck;
use crate::gate::baseline::{self, BaselineEntry};
use crate::pipeline::Measurement;
use crate::project::{budget, ArtifactBudget};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Within budget, and no growth beyond the tolerance.
    Ok,
    /// Smaller than the baseline.
    Shrunk,
    /// Not in the baseline yet.
    New,
    /// Grew beyond the tolerance over the baseline.
    Regressed,
    /// Over the hard ceiling in size-budget.toml.
    OverBudget,
}

impl Status {
    pub fn failed(self) -> bool {
        matches!(self, Status::Regressed | Status::OverBudget)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Shrunk => "shrunk",
            Status::New => "new",
            Status::Regressed => "REGRESSED",
            Status::OverBudget => "OVER BUDGET",
        }
    }
}

/// A limit the optimised size broke; an artifact can break both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
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
    /// Whether `size-check --update` accepts it: growth is accepted, a budget never is.
    pub fn accepted_by_update(self) -> bool {
        matches!(self, Breach::Regressed { .. })
    }

    /// The failed check, naming the artifact, the sizes and the way out.
    pub fn to_check(self, artifact: &str) -> FailedCheck {
        let (problem, fix) = match self {
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
                format!(
                    "run `cargo xtask size-check --update` and commit {} if the growth is intended",
                    baseline::FILE_NAME
                ),
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
    /// Over budget first, then regressed.
    pub breaches: Vec<Breach>,
}

impl Row {
    pub fn status(&self) -> Status {
        let breached = |over: bool| {
            self.breaches
                .iter()
                .any(|b| matches!(b, Breach::OverBudget { .. }) == over)
        };
        if breached(true) {
            Status::OverBudget
        } else if breached(false) {
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

pub fn judge(
    measurement: Measurement,
    artifact: &ArtifactBudget,
    baseline: Option<&BaselineEntry>,
) -> Row {
    let size = measurement.opt_bytes;
    let baseline_bytes = baseline.map(|b| b.opt_bytes);
    let allowed_growth_bytes = baseline_bytes.map(|old| artifact.tolerance.allowed_growth(old));
    let mut breaches = Vec::new();
    if size > artifact.budget_bytes {
        breaches.push(Breach::OverBudget {
            size,
            budget: artifact.budget_bytes,
        });
    }
    if let (Some(old), Some(allowed)) = (baseline_bytes, allowed_growth_bytes) {
        if size > old.saturating_add(allowed) {
            breaches.push(Breach::Regressed {
                size,
                baseline: old,
                allowed,
            });
        }
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

    fn base(opt_bytes: u64) -> BaselineEntry {
        BaselineEntry {
            opt_bytes,
            ..BaselineEntry::default()
        }
    }

    fn judged(size: u64, budget: u64, percent: f64, old: Option<u64>) -> Row {
        judge(
            Measurement::example("demo", size),
            &ArtifactBudget::example("demo", budget, percent),
            old.map(base).as_ref(),
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
