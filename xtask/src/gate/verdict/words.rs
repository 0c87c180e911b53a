//! A breach in words: the failed check a run prints, naming the artifact, the figure, the sizes
//! and the way out.

use super::{Breach, Metric};
use crate::bytes::counts::count_delta;
use crate::bytes::units::delta;
use crate::failure::FailedCheck;
use crate::gate::baseline;
use crate::project::budget;

impl Breach {
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
            Breach::NoRecord { metric } => (
                format!(
                    "{artifact}: {} records no {} for it, so its growth cannot be checked",
                    baseline::FILE_NAME,
                    metric.size_label()
                ),
                record,
            ),
            Breach::Unmeasured { metric } => (
                format!(
                    "{artifact}: {} has a budget and was not measured: the run that measures it did not happen",
                    metric.size_label()
                ),
                "fix what stopped the run (reported above), or drop `".to_owned()
                    + metric.budget_key()
                    + "`",
            ),
            Breach::OverBudget {
                metric,
                size,
                budget,
            } => (
                format!(
                    "{artifact}: {} {} is over its {} of {} by {}{drift}",
                    metric.size_label(),
                    metric.amount(size),
                    metric.budget_label(),
                    metric.amount(budget),
                    metric.amount(size - budget)
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
                let change = if metric.is_count() {
                    count_delta(baseline, size)
                } else {
                    delta(baseline, size)
                };
                (
                    format!(
                        "{artifact}: {what}grew beyond its tolerance{drift}: {} -> {}, {change} (tolerance +{})",
                        metric.amount(baseline),
                        metric.amount(size),
                        metric.amount(allowed)
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
