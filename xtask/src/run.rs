//! `cargo xtask run`: run an artifact's optimised module (or any `.wasm` file) in the embedded runtime.

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::failure::ConfigError;
use crate::flags;
use crate::pipeline::{self, Optimise, Step};
use crate::project::{budget, Context, WasmKind};
use crate::runtime;

impl flags::Run {
    /// Runs the module, then exits with its exit code.
    pub fn run(self, cx: &Context) -> Result<()> {
        runtime::ensure_available("`cargo xtask run`")?;
        let (name, module) = self.module(cx)?;
        let code = runtime::run_command(&name, &module, &self.args)?;
        std::process::exit(code)
    }

    /// The artifact's name and its optimised module (made first when missing or stale), or a `.wasm` file.
    fn module(&self, cx: &Context) -> Result<(String, Vec<u8>)> {
        if self.artifact.ends_with(".wasm") {
            let path = Path::new(&self.artifact);
            let module = std::fs::read(path).map_err(|err| {
                ConfigError::new(
                    format!("cannot read {}: {err}", path.display()),
                    format!(
                        "pass an existing .wasm file or an artifact of {}",
                        budget::FILE_NAME
                    ),
                )
            })?;
            let name = path.file_stem().map_or_else(
                || self.artifact.clone(),
                |s| s.to_string_lossy().into_owned(),
            );
            return Ok((name, module));
        }
        let artifact = cx.budget.find(&self.artifact)?;
        if artifact.target.kind != WasmKind::Bin {
            let runnable: Vec<&str> = cx.budget.runnable().map(|a| a.name.as_str()).collect();
            return Err(ConfigError::new(
                format!(
                    "`{}` is a library module (cdylib) with no `_start` to run",
                    artifact.name
                ),
                if runnable.is_empty() {
                    format!("add a binary artifact to {}", budget::FILE_NAME)
                } else {
                    format!("run a binary artifact: {}", runnable.join(", "))
                },
            )
            .into());
        }
        // Cargo and the optimiser's content stamp make this a no-op when the module is up to date.
        let measurement = pipeline::make(cx, artifact, Step::Build, Optimise::Yes)?;
        eprintln!("running {}", measurement.path.display());
        let module = std::fs::read(&measurement.path)
            .with_context(|| format!("read {}", measurement.path.display()))?;
        Ok((artifact.name.clone(), module))
    }
}
