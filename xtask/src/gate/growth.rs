//! Per-crate and per-function code sizes kept in the baseline, and what grew since.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::attribution::{named_attribution, Attribution};
use crate::diff::{changes, Change};
use crate::gate::baseline::{self, BaselineEntry};
use crate::pipeline::Step;
use crate::project::{ArtifactBudget, Context};

/// How many of the largest functions the baseline keeps; smaller ones only count in their crate.
const KEPT_FUNCTIONS: usize = 100;

/// Code bytes by crate and by function (the largest ones), measured on the named copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub crates: BTreeMap<String, u64>,
    pub functions: BTreeMap<String, u64>,
}

impl Breakdown {
    pub fn of(attribution: &Attribution) -> Self {
        let crates = attribution.by_crate().into_iter().collect();
        let mut functions = BTreeMap::new();
        // Names can repeat (closures, shims); their bytes add up.
        for function in &attribution.functions {
            *functions.entry(function.name.clone()).or_default() += function.bytes;
        }
        let mut largest: Vec<(String, u64)> = functions.into_iter().collect();
        largest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        largest.truncate(KEPT_FUNCTIONS);
        Self {
            crates,
            functions: largest.into_iter().collect(),
        }
    }
}

/// Records the artifact's breakdown in its baseline entry (`size-check --update`).
pub fn record(
    cx: &Context,
    artifact: &ArtifactBudget,
    entry: &mut BaselineEntry,
) -> anyhow::Result<()> {
    let Breakdown { crates, functions } = Breakdown::of(&named_attribution(cx, artifact)?);
    entry.crates = crates;
    entry.functions = functions;
    Ok(())
}

/// The lines under a size-check failure: what grew since the baseline, from a named build.
pub fn explain(
    cx: &Context,
    artifact: &ArtifactBudget,
    entry: Option<&BaselineEntry>,
    step: Step,
) -> String {
    let Some(entry) = entry.filter(|entry| !entry.crates.is_empty()) else {
        return format!(
            "  {} records no per-crate breakdown of {} to compare with; `cargo xtask size-check --update` records one\n",
            baseline::FILE_NAME,
            artifact.name
        );
    };
    if step == Step::Reuse {
        return "  run without --no-build to see which crates and functions grew\n".to_owned();
    }
    match named_attribution(cx, artifact) {
        Ok(now) => {
            let before = Breakdown {
                crates: entry.crates.clone(),
                functions: entry.functions.clone(),
            };
            report(&before, &Breakdown::of(&now), 5)
        }
        Err(err) => format!("  could not attribute the growth: {err:#}\n"),
    }
}

/// The `top` entries of each map that grew the most (largest growth first), by the diff engine.
pub fn grown(
    before: &BTreeMap<String, u64>,
    after: &BTreeMap<String, u64>,
    top: usize,
) -> Vec<Change> {
    let mut grown: Vec<Change> = changes(before, after)
        .into_iter()
        .filter(|change| change.delta() > 0)
        .collect();
    // The engine orders by |Δ|; with shrinkage left out that is largest growth first.
    grown.truncate(top);
    grown
}

/// The lines printed under a size-check failure.
pub fn report(before: &Breakdown, after: &Breakdown, top: usize) -> String {
    let mut out = String::new();
    for (what, changes) in [
        ("crates", grown(&before.crates, &after.crates, top)),
        ("functions", grown(&before.functions, &after.functions, top)),
    ] {
        if changes.is_empty() {
            let _ = writeln!(out, "  no {what} grew since the baseline");
            continue;
        }
        let _ = writeln!(out, "  {what} that grew most since the baseline:");
        for change in changes {
            let note = if change.before == 0 {
                "  (new, or below the baseline's largest functions)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    {:>+9} B  {:>9} -> {:>9}  {}{note}",
                change.delta(),
                change.before,
                change.after,
                change.name
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, u64)]) -> BTreeMap<String, u64> {
        entries.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn lists_what_grew_most_first_and_leaves_out_what_shrank() {
        let before = map(&[("core", 100), ("tokio", 500), ("std", 300)]);
        let after = map(&[("core", 180), ("tokio", 900), ("std", 200), ("serde", 50)]);
        let names: Vec<_> = grown(&before, &after, 10)
            .into_iter()
            .map(|c| (c.name, c.before, c.after))
            .collect();
        assert_eq!(
            names,
            [
                ("tokio".to_owned(), 500, 900),
                ("core".to_owned(), 100, 180),
                ("serde".to_owned(), 0, 50)
            ]
        );
        assert_eq!(grown(&before, &after, 1).len(), 1);
    }

    #[test]
    fn report_names_crates_and_functions() {
        let before = Breakdown {
            crates: map(&[("tokio", 500)]),
            functions: map(&[("tokio::spawn", 100)]),
        };
        let after = Breakdown {
            crates: map(&[("tokio", 900)]),
            functions: map(&[("tokio::spawn", 250)]),
        };
        let report = report(&before, &after, 5);
        let expected = concat!(
            "  crates that grew most since the baseline:\n",
            "         +400 B        500 ->       900  tokio\n",
            "  functions that grew most since the baseline:\n",
            "         +150 B        100 ->       250  tokio::spawn\n",
        );
        assert_eq!(report, expected);
    }
}
