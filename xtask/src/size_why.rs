//! `cargo xtask size-why`: which functions, crates and sections the optimised bytes belong to, as a
//! listing or (`--html`) as a report page, coloured by growth since a commit with `--base`.

mod growth;
pub mod html;
mod listing;

use anyhow::Result;

use crate::diff::{self, Attributed};
use crate::failure::ConfigError;
use crate::flags;
use crate::project::Context;

use growth::Growth;
use listing::{render, Shipped};

impl flags::SizeWhy {
    pub fn run(self, cx: &Context) -> Result<()> {
        if let (Some(base), None) = (&self.base, &self.html) {
            return Err(ConfigError::new(
                format!("`--base {base}` colours the HTML report, and no `--html` was given"),
                format!(
                    "add `--html` (`cargo xtask size-why {} --html --base {base}`), or use \
                     `cargo xtask size-diff --base {base}` for a text diff",
                    self.artifact
                ),
            )
            .into());
        }
        let artifact = cx.budget.find(&self.artifact)?;
        let built = Attributed::build(cx, artifact)?;
        if let Some(path) = self.html {
            let path = path.unwrap_or_else(|| {
                cx.workspace
                    .target_dir
                    .join("size-report")
                    .join(format!("{}.html", artifact.name))
            });
            let sizes = html::Sizes {
                opt_bytes: built.sizes.opt_bytes,
                gzip_bytes: built.sizes.gzip_bytes,
                brotli_bytes: built.sizes.brotli_bytes,
                budget_bytes: artifact.budget_bytes,
            };
            let mut data =
                html::ReportData::new(&artifact.name, sizes, &built.named, &built.shipped);
            if let Some(reference) = &self.base {
                let (base, before) = diff::base::sides(cx, reference, &[artifact])?;
                let before = before.into_iter().next().flatten().unwrap_or_default();
                let growth = Growth::between(&built.named, &before, &built.side());
                let base = html::Base {
                    label: base.reference,
                    opt_bytes: before.sizes.opt_bytes,
                };
                data.compare_with(base, |kind, name| growth.of(kind, name));
            }
            html::write(&path, &data)?;
            eprintln!("{}: report written to {}", artifact.name, path.display());
            return Ok(());
        }
        let shipped = Shipped {
            file: built.shipped.file,
            code: built.shipped.code,
        };
        print!(
            "{}",
            render(&artifact.name, &built.named, shipped, self.top, self.by)
        );
        Ok(())
    }
}
