//! `cargo xtask size-why`: which functions, crates and sections the optimised bytes belong to, as a
//! listing or (`--html`) as a report page.

pub mod html;
mod listing;

use anyhow::{Context as _, Result};

use crate::attribution::{attribute, named_attribution};
use crate::flags;
use crate::pipeline::{self, Optimise, Step};
use crate::project::Context;

use listing::{render, Shipped};

impl flags::SizeWhy {
    pub fn run(self, cx: &Context) -> Result<()> {
        let artifact = cx.budget.find(&self.artifact)?;
        let measurement = pipeline::make(cx, artifact, Step::Build, Optimise::Yes)?;
        let module = std::fs::read(&measurement.path)
            .with_context(|| format!("read {}", measurement.path.display()))?;
        let shipped = attribute(&module, &artifact.crate_path_name())
            .with_context(|| format!("read the sections of {}", measurement.path.display()))?;
        let named = named_attribution(cx, artifact)?;
        if let Some(path) = self.html {
            let path = path.unwrap_or_else(|| {
                cx.workspace
                    .target_dir
                    .join("size-report")
                    .join(format!("{}.html", artifact.name))
            });
            let sizes = html::Sizes {
                opt_bytes: measurement.opt_bytes,
                gzip_bytes: measurement.gzip_bytes,
                brotli_bytes: measurement.brotli_bytes,
                budget_bytes: artifact.budget_bytes,
            };
            let data = html::ReportData::new(&artifact.name, sizes, &named, &shipped);
            html::write(&path, &data)?;
            eprintln!("{}: report written to {}", artifact.name, path.display());
            return Ok(());
        }
        let shipped = Shipped {
            file: shipped.file,
            code: shipped.code,
        };
        print!(
            "{}",
            render(&artifact.name, &named, shipped, self.top, self.by)
        );
        Ok(())
    }
}
