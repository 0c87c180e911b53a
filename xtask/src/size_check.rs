//! `cargo xtask size-check`: measure every artifact, judge it against budget and baseline, report.

use crate::failure::GateFailure;
use crate::files::summary::append_step_summary;
use crate::flags;
use crate::gate::baseline::{self, Baseline, BaselineEntry};
use crate::gate::verdict::{self, Breach, Mode, Row};
use crate::gate::{growth, report};
use crate::pipeline::fingerprint::Toolchain;
use crate::pipeline::{self, Optimise, Step};
use crate::project::{budget, Context};
use crate::runtime;

impl flags::SizeCheck {
    pub fn run(self, cx: &Context) -> anyhow::Result<()> {
        let baseline_path = cx.root_file(baseline::FILE_NAME);
        let old_baseline = Baseline::load(&baseline_path)?;
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

        let mut rows = Vec::new();
        for artifact in &cx.budget.artifacts {
            let measurement = pipeline::make(cx, artifact, step, Optimise::Yes)?;
            eprintln!("{}", measurement.summary_line());
            runtime::verify(artifact, &measurement)?;
            rows.push(verdict::judge(measurement, artifact, old_baseline.as_ref()));
        }
        let toolchain = self::toolchain(cx, &mut rows, old_baseline.as_ref())?;
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

        if self.json {
            print!("{}", report::json(&rows, mode)?);
        } else {
            print!("{}", report::table(&rows));
        }
        append_step_summary(&report::markdown(&rows))?;

        if self.update {
            accepted(cx, &rows, step, toolchain)?.write(&baseline_path)?;
            eprintln!("updated {}", baseline_path.display());
        }

        // With --update, growth and first records are accepted; the budget is a ceiling either way.
        let mut checks = Vec::new();
        for row in &rows {
            let failing: Vec<Breach> = row.failing(mode).collect();
            let Some((last, first)) = failing.split_last() else {
                continue;
            };
            let name = &row.artifact.name;
            let drift = row.toolchain_drift;
            checks.extend(first.iter().map(|breach| breach.to_check(name, drift)));
            let mut last = last.to_check(name, drift);
            // What grew is said once, under the artifact's last failed check.
            if failing
                .iter()
                .any(|b| !matches!(b, Breach::NoBaseline { .. }))
            {
                let entry = old_baseline.as_ref().and_then(|b| b.artifacts.get(name));
                last.details = growth::explain(cx, &row.artifact, entry, step);
            }
            checks.push(last);
        }
        if !checks.is_empty() {
            return Err(GateFailure { checks }.into());
        }
        Ok(())
    }
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
