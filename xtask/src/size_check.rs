//! `cargo xtask size-check`: measure every artifact (or a shard of them), judge each against budget
//! and baseline, report; or judge the shards of one run together (`--merge`).

mod measure;
mod merge;
mod outcome;
mod shard;

use crate::failure::{ConfigError, FailedCheck};
use crate::flags;
use crate::gate::baseline::{self, Baseline, BaselineEntry};
use crate::gate::growth;
use crate::gate::verdict::{self, Breach, Mode, Row};
use crate::pipeline::fingerprint::Toolchain;
use crate::pipeline::Step;
use crate::project::{budget, Context};

use outcome::{sort_failure, Outcome};

impl flags::SizeCheck {
    pub fn run(self, cx: &Context) -> anyhow::Result<()> {
        let baseline_path = cx.root_file(baseline::FILE_NAME);
        let old_baseline = Baseline::load(&baseline_path)?;
        if !self.merge.is_empty() {
            let outcomes = merge::outcomes(cx, &self.merge, old_baseline.as_ref())?;
            return outcome::conclude(&outcomes, Mode::Check, self.json);
        }
        let mode = if self.update {
            Mode::Update
        } else {
            Mode::Check
        };
        let step = if self.no_build {
            Step::Reuse
        } else {
            Step::Build
        };
        let selected = match self.shard {
            Some(part) => shard::select(&cx.budget.artifacts, part),
            None => cx.budget.artifacts.iter().collect(),
        };
        let jobs = self.jobs.map_or_else(measure::default_jobs, usize::from);
        crate::runtime::ensure_runs(&selected)?;

        let measured = measure::all(cx, &selected, step, jobs);
        let mut rows = Vec::new();
        let mut failures = Vec::new();
        for (artifact, measured) in selected.iter().zip(measured) {
            if let Some(measurement) = measured.measurement {
                eprintln!("{}", measurement.summary_line());
                rows.push(verdict::judge(measurement, artifact, old_baseline.as_ref()));
            }
            failures.push(measured.failure);
        }
        let toolchain = if rows.is_empty() {
            None
        } else {
            Some(self::toolchain(cx, &mut rows, old_baseline.as_ref())?)
        };
        if self.shard.is_none() {
            for stale in stale_entries(cx, old_baseline.as_ref()) {
                let then = match mode {
                    Mode::Update => "dropping it",
                    Mode::Check => "`cargo xtask size-check --update` drops it",
                };
                eprintln!(
                    "note: {} has an entry for `{stale}`, which {} no longer lists; {then}",
                    baseline::FILE_NAME,
                    budget::FILE_NAME
                );
            }
        }

        let failed_to_measure_or_behave = failures.iter().any(Option::is_some);
        // Each artifact's outcome, in the budget's order: its behaviour check first, then its sizes.
        let mut rows = rows.into_iter().peekable();
        let mut outcomes = Vec::new();
        for (artifact, failure) in selected.iter().zip(failures) {
            let row = rows.next_if(|row| row.artifact.name == artifact.name);
            let (mut checks, mut errors) = (Vec::new(), Vec::new());
            if let Some(err) = failure {
                sort_failure(err, &mut checks, &mut errors);
            }
            if let Some(row) = &row {
                checks.extend(breaches(cx, row, old_baseline.as_ref(), step, mode));
            }
            outcomes.push(Outcome {
                name: artifact.name.clone(),
                row,
                checks,
                errors,
            });
        }

        if let Some(part) = self.shard {
            let file = shard::ShardFile::new(cx, part, &outcomes)?;
            print!("{}", serde_json::to_string_pretty(&file)? + "\n");
            return Ok(());
        }
        if self.update {
            if failed_to_measure_or_behave {
                // A module that did not build or behave is not accepted; the baseline stays as it was.
                return outcome::conclude(&outcomes, mode, self.json);
            }
            let rows: Vec<Row> = outcomes.iter().filter_map(|o| o.row.clone()).collect();
            let toolchain = toolchain.ok_or_else(|| {
                ConfigError::new(
                    format!("{} lists no artifacts to record", budget::FILE_NAME),
                    "add an `[artifact.NAME]` table",
                )
            })?;
            accepted(cx, &rows, step, toolchain)?.write(&baseline_path)?;
            eprintln!("updated {}", baseline_path.display());
        }
        outcome::conclude(&outcomes, mode, self.json)
    }
}

/// The checks `row` fails in `mode`, what grew said once under the last of them.
fn breaches(
    cx: &Context,
    row: &Row,
    baseline: Option<&Baseline>,
    step: Step,
    mode: Mode,
) -> Vec<FailedCheck> {
    // With --update, growth and first records are accepted; the budget is a ceiling either way.
    let failing: Vec<Breach> = row.failing(mode).collect();
    let Some((last, first)) = failing.split_last() else {
        return Vec::new();
    };
    let name = &row.artifact.name;
    let drift = row.toolchain_drift;
    let mut checks: Vec<FailedCheck> = first
        .iter()
        .map(|breach| breach.to_check(name, drift))
        .collect();
    let mut last = last.to_check(name, drift);
    // What grew in the module's bytes says nothing of a run's cost.
    if failing.iter().any(|b| b.concerns_bytes()) {
        let entry = baseline.and_then(|b| b.artifacts.get(name));
        last.details = growth::explain(cx, &row.artifact, entry, step);
    }
    checks.push(last);
    checks
}

/// Today's toolchain fingerprint; when it differs from the baseline's, says so (naming old and new
/// values) and marks every row, so its size changes are reported as toolchain drift.
fn toolchain(
    cx: &Context,
    rows: &mut [Row],
    baseline: Option<&Baseline>,
) -> anyhow::Result<Toolchain> {
    let features = rows
        .iter()
        .map(|row| (row.artifact.name.clone(), row.measurement.features.clone()))
        .collect();
    let now = Toolchain::current(cx, features)?;
    match baseline.map(|b| b.toolchain.as_ref()) {
        Some(Some(old)) => {
            let changes = old.changes(&now);
            if !changes.is_empty() {
                eprintln!(
                    "toolchain changed since the baseline: {}\n\
                     size changes below are toolchain drift, not code regressions; budgets still apply",
                    changes.join("; ")
                );
                for row in rows.iter_mut() {
                    row.toolchain_drift = true;
                }
            }
        }
        Some(None) => eprintln!(
            "note: {} records no toolchain, so toolchain drift cannot be told apart; \
             `cargo xtask size-check --update` records it",
            baseline::FILE_NAME
        ),
        None => {}
    }
    Ok(now)
}

/// The artifacts the baseline records that the budget no longer lists.
fn stale_entries<'a>(cx: &Context, baseline: Option<&'a Baseline>) -> Vec<&'a str> {
    let Some(baseline) = baseline else {
        return Vec::new();
    };
    baseline
        .artifacts
        .keys()
        .filter(|name| !cx.budget.artifacts.iter().any(|a| &a.name == *name))
        .map(String::as_str)
        .collect()
}

/// The baseline after `--update`: the measured sizes of every artifact in the budget, with the
/// per-crate breakdown when the artifacts were built in this run, and the toolchain that built them.
fn accepted(
    cx: &Context,
    rows: &[Row],
    step: Step,
    toolchain: Toolchain,
) -> anyhow::Result<Baseline> {
    let mut new = Baseline {
        toolchain: Some(toolchain),
        ..Baseline::default()
    };
    for row in rows {
        let m = &row.measurement;
        let mut entry = BaselineEntry {
            raw_bytes: m.raw_bytes,
            opt_bytes: m.opt_bytes,
            gzip_bytes: m.gzip_bytes,
            brotli_bytes: Some(m.brotli_bytes),
            glue_bytes: m.glue.as_ref().map(|glue| glue.bytes),
            run: m.run.as_ref().map(|run| run.figures()),
            ..BaselineEntry::default()
        };
        match step {
            Step::Build => growth::record(cx, &row.artifact, &mut entry)?,
            Step::Reuse => eprintln!(
                "note: no per-crate breakdown of {} recorded with --no-build",
                row.artifact.name
            ),
        }
        new.artifacts.insert(m.name.clone(), entry);
    }
    Ok(new)
}
