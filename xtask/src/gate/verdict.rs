//! Judging a measurement against its budget and baseline: the verdict is data (which limits were
//! broken, by how much), turned into words only when a failure is reported.

use serde::Serialize;

use crate::gate::baseline::Baseline;
use crate::pipeline::run_cost::RunFigures;
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

/// A figure the gate holds to a ceiling and to the baseline's tolerance: the optimised bytes
/// always, wasm-bindgen's glue whenever there is one, the others when size-budget.toml gives them a
/// budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Optimised,
    Gzip,
    Brotli,
    /// wasm-bindgen's JS glue, raw.
    Glue,
    /// The linear memory a run reached.
    PeakMemory,
    /// Instructions a run executed before its first output (or through its first call).
    Startup,
    /// Instructions a whole run executed.
    Instructions,
}

impl Metric {
    /// The key of its ceiling in size-budget.toml.
    pub fn budget_key(self) -> &'static str {
        match self {
            Metric::Optimised => "budget",
            Metric::Gzip => "gzip_budget",
            Metric::Brotli => "brotli_budget",
            Metric::Glue => "glue_budget",
            Metric::PeakMemory => "memory_budget",
            Metric::Startup => "startup_budget",
            Metric::Instructions => "run_budget",
        }
    }

    fn size_label(self) -> &'static str {
        match self {
            Metric::Optimised => "optimised size",
            Metric::Gzip => "gzip size",
            Metric::Brotli => "brotli size",
            Metric::Glue => "JS glue size",
            Metric::PeakMemory => "peak memory",
            Metric::Startup => "startup instructions",
            Metric::Instructions => "instructions run",
        }
    }

    fn budget_label(self) -> &'static str {
        match self {
            Metric::Optimised => "budget",
            Metric::Gzip => "gzip budget",
            Metric::Brotli => "brotli budget",
            Metric::Glue => "glue budget",
            Metric::PeakMemory => "memory budget",
            Metric::Startup => "startup budget",
            Metric::Instructions => "run budget",
        }
    }

    /// A count of instructions rather than of bytes.
    pub fn is_count(self) -> bool {
        matches!(self, Metric::Startup | Metric::Instructions)
    }

    /// `1234 B`, or `1234` for a count.
    fn amount(self, value: u64) -> String {
        if self.is_count() {
            value.to_string()
        } else {
            format!("{value} B")
        }
    }

    /// Growth that still passes over `old` under `tolerance`: its `bytes` floor holds bytes only.
    pub fn allowed_growth(self, tolerance: &budget::Tolerance, old: u64) -> u64 {
        if self.is_count() {
            budget::Tolerance {
                bytes: None,
                ..*tolerance
            }
            .allowed_growth(old)
        } else {
            tolerance.allowed_growth(old)
        }
    }
}

/// A limit a gated size broke, or the missing record it is held against; an artifact can break
/// several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    /// size-baseline.json records no size for it (or does not exist), so growth cannot be judged.
    NoBaseline { file_missing: bool },
    /// size-baseline.json records the artifact, but not this figure, which has a budget now.
    NoRecord { metric: Metric },
    /// The figure has a budget and was not measured (its run did not happen).
    Unmeasured { metric: Metric },
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
        !matches!(self, Breach::OverBudget { .. } | Breach::Unmeasured { .. })
    }

    /// The figure it concerns; `None` for a missing baseline entry, which concerns them all.
    pub fn metric(self) -> Option<Metric> {
        match self {
            Breach::OverBudget { metric, .. }
            | Breach::Regressed { metric, .. }
            | Breach::NoRecord { metric }
            | Breach::Unmeasured { metric } => Some(metric),
            Breach::NoBaseline { .. } => None,
        }
    }

    /// The figure it concerns, when it is one of the module's sizes (and so its growth has a
    /// breakdown by crate and function to show).
    pub fn concerns_bytes(self) -> bool {
        self.metric().is_some_and(|metric| {
            matches!(metric, Metric::Optimised | Metric::Gzip | Metric::Brotli)
        })
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
    /// What the baseline records of a run of it, when it does.
    pub baseline_run: Option<RunFigures>,
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
    // Each metric: its size now, its ceiling, and its size in the baseline (when recorded).
    let run = measurement.run.as_ref().map(|run| run.figures());
    let old_run = entry.and_then(|b| b.run);
    // A figure of the run: `figure` of the run now and of the one the baseline records.
    let run_metric = |metric, figure: fn(RunFigures) -> u64, budget| {
        (metric, run.map(figure), budget, old_run.map(figure))
    };
    let budgets = &artifact.run_budgets;
    let sizes = [
        (
            Metric::Optimised,
            Some(measurement.opt_bytes),
            Some(artifact.budget_bytes),
            baseline_bytes,
        ),
        (
            Metric::Gzip,
            Some(measurement.gzip_bytes),
            artifact.gzip_budget_bytes,
            entry.map(|b| b.gzip_bytes),
        ),
        (
            Metric::Brotli,
            Some(measurement.brotli_bytes),
            artifact.brotli_budget_bytes,
            entry.and_then(|b| b.brotli_bytes),
        ),
        (
            Metric::Glue,
            measurement.glue.as_ref().map(|g| g.bytes),
            artifact.glue_budget_bytes,
            entry.and_then(|b| b.glue_bytes),
        ),
        run_metric(Metric::PeakMemory, |r| r.peak_memory, budgets.peak_memory),
        run_metric(
            Metric::Startup,
            |r| r.startup_instructions,
            budgets.startup_instructions,
        ),
        run_metric(
            Metric::Instructions,
            |r| r.instructions,
            budgets.instructions,
        ),
    ];
    let mut breaches = Vec::new();
    let mut regressions = Vec::new();
    for (metric, size, budget, old) in sizes {
        // The module's bytes and its glue are always gated; the other figures when budgeted.
        let gated = matches!(metric, Metric::Optimised | Metric::Glue) || budget.is_some();
        if !gated {
            continue;
        }
        let Some(size) = size else {
            if budget.is_some() {
                breaches.push(Breach::Unmeasured { metric });
            }
            continue;
        };
        if let Some(budget) = budget.filter(|budget| size > *budget) {
            breaches.push(Breach::OverBudget {
                metric,
                size,
                budget,
            });
        }
        match old {
            Some(old) => {
                let allowed = metric.allowed_growth(&artifact.tolerance, old);
                if size > old.saturating_add(allowed) {
                    regressions.push(Breach::Regressed {
                        metric,
                        size,
                        baseline: old,
                        allowed,
                    });
                }
            }
            None if entry.is_some() && metric != Metric::Optimised => {
                regressions.push(Breach::NoRecord { metric });
            }
            None => {}
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
        baseline_run: old_run,
        breaches,
        toolchain_drift: false,
    }
}

mod words;

#[cfg(test)]
mod run_tests;
#[cfg(test)]
mod tests;
