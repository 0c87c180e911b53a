//! The behaviour check of a wasm-bindgen artifact: its optimised module, loaded through its own JS
//! glue, must instantiate without an exception, and an export the artifact names in `check` must
//! return what it returned before wasm-opt. `web` glue loads in headless Chromium (Node's V8 where no
//! Chromium is found, saying so), `nodejs` glue in Node. Glue neither can load alone, or a machine
//! without the engine, is said to be skipped, with why and how to get the check.

mod engine;

use std::path::Path;

use anyhow::Context as _;
use xshell::{cmd, Shell};

use crate::failure::{ConfigError, FailedCheck, GateFailure};
use crate::files::stamp::{xtask_identity, Stamp};
use crate::pipeline::Measurement;
use crate::project::budget::BindgenTarget;
use crate::project::ArtifactBudget;
use engine::{Engine, Loaded, CHROMIUM_ENV, CHROMIUM_NAMES};

/// Loads the optimised module of `artifact` through its glue; an exception or a `check` that
/// answers otherwise than before wasm-opt fails it (exit 1).
pub fn verify(artifact: &ArtifactBudget, measurement: &Measurement) -> anyhow::Result<()> {
    let (Some(glue), Some(target)) = (&measurement.glue, artifact.bindgen) else {
        return Ok(());
    };
    let name = &artifact.name;
    let engine = match target {
        BindgenTarget::Web => engine::chromium().map_or(Engine::Node, Engine::Chromium),
        BindgenTarget::Nodejs => Engine::Node,
        BindgenTarget::Bundler | BindgenTarget::NoModules => {
            eprintln!(
                "{name}: behaviour check skipped: `{}` glue loads only in a bundler or a page, \
                 which the gate does not drive; `web` glue is checked in headless Chromium, `nodejs` in Node",
                target.as_str()
            );
            return Ok(());
        }
    };
    if engine == Engine::Node {
        let sh = Shell::new().context("create a shell")?;
        if cmd!(sh, "node --version")
            .quiet()
            .ignore_stderr()
            .read()
            .is_err()
        {
            eprintln!(
                "{name}: behaviour check skipped: no headless Chromium or `node` to load the glue in; \
                 `cargo xtask test --setup-only` installs Chromium, and Node.js comes from \
                 https://nodejs.org or your distribution's `nodejs` package"
            );
            return Ok(());
        }
        if target == BindgenTarget::Web {
            eprintln!(
                "{name}: no headless Chromium found (looked for ${CHROMIUM_ENV}, then {} on PATH), so \
                 the web glue is loaded in Node's V8 instead; `cargo xtask test --setup-only` installs Chromium",
                CHROMIUM_NAMES.join(", ")
            );
        }
    }
    let read =
        |path: &Path| std::fs::read(path).with_context(|| format!("read {}", path.display()));
    let check = artifact.check.as_deref();
    let stamp = Stamp::new(
        &measurement.path,
        "loaded",
        &[
            &read(&measurement.path)?,
            &read(&measurement.raw_path)?,
            &read(&glue.path)?,
            target.as_str().as_bytes(),
            engine.label().as_bytes(),
            check.unwrap_or_default().as_bytes(),
            xtask_identity().as_bytes(),
        ],
    );
    if stamp.is_current(&measurement.path) {
        eprintln!(
            "{name}: behaviour check skipped (module and glue unchanged since they loaded in {})",
            engine.label()
        );
        return Ok(());
    }
    let scratch = tempfile::tempdir().context("create a temporary directory")?;
    let after = engine.load(target, &glue.path, &measurement.path, check, scratch.path())?;
    let fail = |problem: String| -> anyhow::Error {
        GateFailure::from(FailedCheck {
            problem,
            fix: Some(format!(
                "load {} by hand to see the whole error; if the unoptimised module behaves, the optimiser broke it",
                glue.path.display()
            )),
            details: String::new(),
        })
        .into()
    };
    let what = match (after, check) {
        (Loaded::Threw(message), _) => {
            return Err(fail(format!(
                "`{name}`'s optimised module does not load through its glue in {}: {message}",
                engine.label()
            )))
        }
        (Loaded::NoSuchExport, Some(export)) => {
            return Err(ConfigError::new(
                format!("artifact `{name}`: check `{export}` is not a function its glue exports"),
                "set `check` in size-budget.toml to an exported function of no arguments that \
                 returns a string or a number, or drop it",
            )
            .into())
        }
        (Loaded::Fine(Some(result)), Some(export)) => {
            // The glue wasm-bindgen wrote beside the unoptimised module is the same glue.
            let raw_dir = measurement.raw_path.parent().unwrap_or(Path::new("."));
            let raw_glue = raw_dir.join(glue.path.file_name().unwrap_or_default());
            let before = engine.load(
                target,
                &raw_glue,
                &measurement.raw_path,
                check,
                scratch.path(),
            )?;
            if before != Loaded::Fine(Some(result.clone())) {
                return Err(fail(format!(
                    "`{name}` behaves differently after wasm-opt: `{export}()` returns {result}, and before wasm-opt {before:?}"
                )));
            }
            format!("and `{export}()` returns {result} as before wasm-opt")
        }
        _ => String::new(),
    };
    stamp.record()?;
    eprintln!(
        "{name}: optimised module loads through its {} glue in {}{}{what}",
        target.as_str(),
        engine.label(),
        if what.is_empty() { "" } else { ", " }
    );
    Ok(())
}
