//! `cargo xtask size-check`: measure every artifact, judge it against budget and baseline, report.

use std::io::Write;

use anyhow::Context;

use crate::baseline::{Baseline, BaselineEntry};
use crate::failure::GateFailure;
use crate::verdict::{self, Row};
use crate::wasm::{self, Step};
use crate::workspace::Workspace;
use crate::{baseline, behaviour, flags, growth, report};

impl flags::SizeCheck {
    pub(crate) fn run(self) -> anyhow::Result<()> {
        let ws = Workspace::discover()?;
        let budget = wasm::load_budget(&ws)?;
        let baseline_path = ws.root.join(baseline::FILE_NAME);
        let old_baseline = Baseline::load(&baseline_path)?;
        let sh = wasm::workspace_shell(&ws)?;
        let step = if self.no_build {
            Step::Reuse
        } else {
            Step::Build
        };
        if step == Step::Build {
            wasm::ensure_wasm_target(&sh)?;
        }

        let mut rows = Vec::new();
        for artifact in &budget.artifacts {
            let measurement = wasm::make(&sh, &ws, artifact, step, true)?;
            eprintln!("{}", wasm::summary_line(&measurement, true));
            behaviour::verify(artifact, &measurement)?;
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
            let mut new_baseline = accepted(&rows);
            for artifact in &budget.artifacts {
                match (step, new_baseline.artifacts.get_mut(&artifact.name)) {
                    (Step::Build, Some(entry)) => growth::record(&sh, &ws, artifact, entry)?,
                    _ => eprintln!(
                        "note: no per-crate breakdown of {} recorded with --no-build",
                        artifact.name
                    ),
                }
            }
            new_baseline.write(&baseline_path)?;
            eprintln!("updated {}", baseline_path.display());
        }

        // With --update the growth is accepted; the budget is a ceiling either way.
        let mut failed = 0;
        for (row, artifact) in rows.iter().zip(&budget.artifacts) {
            let messages: Vec<String> = verdict::failures(std::slice::from_ref(row))
                .into_iter()
                .filter(|message| !self.update || message.contains("over its budget"))
                .collect();
            for message in &messages {
                eprintln!("error: {message}");
            }
            if !messages.is_empty() {
                failed += messages.len();
                let entry = old_baseline.artifacts.get(&artifact.name);
                eprint!("{}", growth::explain(&sh, &ws, artifact, entry, step));
            }
        }
        if failed > 0 {
            return Err(GateFailure(format!("{failed} size check(s) failed")).into());
        }
        if let Some(new) = rows
            .iter()
            .find(|r| r.baseline_bytes.is_none())
            .filter(|_| !self.update)
        {
            eprintln!(
                "note: {} has no baseline yet; run `cargo xtask size-check --update` and commit {}",
                new.measurement.name,
                baseline::FILE_NAME
            );
        }
        Ok(())
    }
}

/// The baseline after `--update`: the measured sizes of every artifact in the budget.
fn accepted(rows: &[Row]) -> Baseline {
    let mut new = Baseline::default();
    for row in rows {
        let m = &row.measurement;
        let entry = BaselineEntry {
            raw_bytes: m.raw_bytes,
            opt_bytes: m.opt_bytes,
            gzip_bytes: m.gzip_bytes,
            ..BaselineEntry::default()
        };
        new.artifacts.insert(m.name.clone(), entry);
    }
    new
}
