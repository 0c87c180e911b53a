//! `cargo xtask size-check`: measure every artifact, judge it against budget and baseline, report.

use std::io::Write;

use anyhow::Context as _;

use crate::failure::GateFailure;
use crate::flags;
use crate::gate::baseline::{self, Baseline, BaselineEntry};
use crate::gate::verdict::{self, Breach, Mode, Row};
use crate::gate::{growth, report};
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
        if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&summary)
                .context("open $GITHUB_STEP_SUMMARY")?;
            file.write_all(report::markdown(&rows).as_bytes())
                .context("append to $GITHUB_STEP_SUMMARY")?;
        }

        if self.update {
            accepted(cx, &rows, step)?.write(&baseline_path)?;
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
            checks.extend(first.iter().map(|breach| breach.to_check(name)));
            let mut last = last.to_check(name);
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
/// per-crate breakdown when the artifacts were built in this run.
fn accepted(cx: &Context, rows: &[Row], step: Step) -> anyhow::Result<Baseline> {
    let mut new = Baseline::default();
    for row in rows {
        let m = &row.measurement;
        let mut entry = BaselineEntry {
            raw_bytes: m.raw_bytes,
            opt_bytes: m.opt_bytes,
            gzip_bytes: m.gzip_bytes,
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
