//! `cargo xtask size-history`: the accepted sizes at every commit that changed
//! `size-baseline.json`, read from git, as a table, JSON, or an SVG chart with the budget drawn in.

mod git;
mod series;
mod svg;
mod table;

use crate::failure::ConfigError;
use crate::flags;
use crate::gate::baseline;
use crate::project::Context;

pub use git::{History, Sizes};
pub use series::{series, Point, Series};

impl flags::SizeHistory {
    pub fn run(self, cx: &Context) -> anyhow::Result<()> {
        let history = git::read(&cx.sh, &cx.workspace.root)?;
        eprintln!("{}", history.seen_line());
        let artifacts = self.artifacts(cx, &history)?;
        let series = series(&history, &artifacts);
        if self.json {
            print!("{}", table::json(&history, &series)?);
        } else {
            print!("{}", table::table(&history, &series));
        }
        if let Some(path) = &self.svg {
            crate::files::atomic::write(path, svg::chart(&series).as_bytes())?;
            eprintln!("chart written to {}", path.display());
        }
        Ok(())
    }

    /// The artifacts to show with their budget today: those named with `-p` (an artifact or crate of
    /// size-budget.toml, or an artifact some committed baseline records), else every one the
    /// history records, in the budget's order and then by name.
    fn artifacts(
        &self,
        cx: &Context,
        history: &History,
    ) -> anyhow::Result<Vec<(String, Option<u64>)>> {
        let recorded = |name: &str| {
            history
                .commits
                .iter()
                .any(|c| c.artifacts.contains_key(name))
        };
        let budget_of = |name: &str| {
            cx.budget
                .artifacts
                .iter()
                .find(|a| a.name == name)
                .map(|a| a.budget_bytes)
        };
        let mut names: Vec<String> = Vec::new();
        if self.packages.is_empty() {
            names.extend(
                cx.budget
                    .artifacts
                    .iter()
                    .filter(|a| recorded(&a.name))
                    .map(|a| a.name.clone()),
            );
            for commit in &history.commits {
                names.extend(commit.artifacts.keys().cloned());
            }
        }
        for name in &self.packages {
            match cx.budget.select(std::slice::from_ref(name)) {
                Ok(picked) => names.extend(picked.into_iter().map(|a| a.name.clone())),
                Err(_) if recorded(name) => names.push(name.clone()),
                Err(err) => {
                    return Err(ConfigError::new(
                        format!(
                            "{}, nor in any committed {}",
                            err.message,
                            baseline::FILE_NAME
                        ),
                        err.fix,
                    )
                    .into())
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        names.retain(|name| seen.insert(name.clone()));
        Ok(names
            .into_iter()
            .map(|name| {
                let budget = budget_of(&name);
                (name, budget)
            })
            .collect())
    }
}
