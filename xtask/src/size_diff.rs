//! `cargo xtask size-diff`: what the working tree did to each artifact's bytes since a git ref.

use anyhow::Context as _;

use crate::diff::{self, base, ArtifactDiff, Report, Side};
use crate::files::summary::append_step_summary;
use crate::flags;
use crate::project::Context;

impl flags::SizeDiff {
    pub fn run(self, cx: &Context) -> anyhow::Result<()> {
        let artifacts = cx.budget.select(&self.packages)?;
        let (reference, before) = base::sides(cx, &self.base, &artifacts)?;
        let mut diffs = Vec::new();
        for (artifact, before) in artifacts.iter().zip(&before) {
            let after = Side::measure(cx, artifact)
                .with_context(|| format!("measure {} in the working tree", artifact.name))?;
            diffs.push(ArtifactDiff::between(
                &artifact.name,
                &artifact.krate,
                before.as_ref(),
                &after,
            ));
        }
        let report = Report {
            base: reference,
            artifacts: diffs,
        };
        if self.json {
            print!("{}", diff::json::render(&report)?);
        } else {
            print!("{}", diff::text::render(&report, self.top));
        }
        append_step_summary(&diff::markdown::render(&report, self.top))
    }
}
