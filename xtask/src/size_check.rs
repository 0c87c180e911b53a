//! `cargo xtask size-check`: measure every artifact, judge it against budget and baseline, report.

use std::io::Write;

use anyhow::Context as _;

use crate::failure::{FailedCheck, GateFailure};
use crate::flags;
use crate::gate::baseline::{self, Baseline, BaselineEntry};
use crate::gate::verdict::{self, Row};
use crate::gate::{growth, report};
use crate::pipeline::{self, Optimise, Step};
use crate::project::Context;
use crate::runtime;

impl flags::SizeCheck {
    pub fn run(self, cx: &Context) -> anyhow::Result<()> {
        let baseline_path = cx.root_file(baseline::FILE_NAME);
        let old_baseline = Baseline::load(&baseline_path)?;
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
            rows.push(verdict::judge(
                measurement,
                artifact,
                old_baseline.artifacts.get(&artifact.name),
            ));
        }

        if self.json {
            print!("{}", report::json(&rows)?);
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

        // With --update the growth is accepted; the budget is a ceiling either way.
        let mut checks = Vec::new();
        for row in &rows {
            let breaches: Vec<_> = row
                .breaches
                .iter()
                .filter(|breach| !(self.update && breach.accepted_by_update()))
                .collect();
            let Some((last, first)) = breaches.split_last() else {
                continue;
            };
            let name = &row.artifact.name;
            checks.extend(first.iter().map(|breach| breach.to_check(name)));
            // What grew is said once, under the artifact's last failed check.
            let entry = old_baseline.artifacts.get(name);
            checks.push(FailedCheck {
                details: growth::explain(cx, &row.artifact, entry, step),
                ..last.to_check(name)
            });
        }
        if !checks.is_empty() {
            return Err(GateFailure { checks }.into());
        }
        if let Some(new) = rows
            .iter()
            .find(|r| r.baseline_bytes.is_none())
            .filter(|_| !self.update)
        {
            eprintln!(
                "note: {} has no baseline yet; run `cargo xtask size-check --update` and commit {}",
                new.artifact.name,
                baseline::FILE_NAME
            );
        }
        Ok(())
    }
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
