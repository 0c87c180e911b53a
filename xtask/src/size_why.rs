//! `cargo xtask size-why`: which functions, crates and sections the optimised bytes belong to.

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
        let shipped = pipeline::make(cx, artifact, Step::Build, Optimise::Yes)?;
        let module = std::fs::read(&shipped.path)
            .with_context(|| format!("read {}", shipped.path.display()))?;
        let shipped = attribute(&module, &artifact.crate_path_name())
            .with_context(|| format!("read the sections of {}", shipped.path.display()))?;
        let named = named_attribution(cx, artifact)?;
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
