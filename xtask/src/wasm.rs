//! `cargo xtask wasm`: build each artifact for its wasm target from its crate's directory (through
//! wasm-bindgen for a browser crate), then wasm-opt it.

use crate::flags;
use crate::pipeline::{self, Optimise, Step};
use crate::project::Context;
use crate::runtime;

impl flags::Wasm {
    pub fn run(self, cx: &Context) -> anyhow::Result<()> {
        let optimise = if self.no_opt {
            Optimise::No
        } else {
            Optimise::Yes
        };
        for artifact in cx.budget.select(&self.packages)? {
            let measurement = pipeline::make(cx, artifact, Step::Build, optimise)?;
            println!("{}", measurement.summary_line());
            println!("{}: {}", artifact.name, measurement.path.display());
            if measurement.glue.is_some() {
                pipeline::glue_check::verify(artifact, &measurement)?;
            } else {
                runtime::verify(artifact, &measurement)?;
            }
        }
        Ok(())
    }
}
