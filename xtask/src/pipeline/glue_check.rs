//! The behaviour check of a wasm-bindgen artifact: its optimised module, loaded through its own JS
//! glue, must instantiate without an exception, and an export the artifact names in `check` must
//! return what it returned before wasm-opt. `web` and `no-modules` glue load in headless Chromium
//! (Node's V8 where no Chromium is found, saying so), `nodejs` and `bundler` glue in Node. A machine
//! without the engine is said to be skipped, with why and how to get the check.

mod chromium;
mod engine;
mod node;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xshell::{cmd, Shell};

use crate::failure::{ConfigError, FailedCheck, GateFailure};
use crate::files::stamp::{xtask_identity, Stamp};
use crate::pipeline::{bindgen, Measurement};
use crate::project::budget::BindgenTarget;
use crate::project::ArtifactBudget;
use engine::{Engine, Loaded, Package, CHROMIUM_ENV, CHROMIUM_NAMES};

/// Where Node.js comes from, for a machine without it.
const GET_NODE: &str =
    "Node.js comes from https://nodejs.org or your distribution's `nodejs` package";

/// Loads the optimised module of `artifact` through its glue; an exception or a `check` that
/// answers otherwise than before wasm-opt fails it (exit 1).
pub fn verify(artifact: &ArtifactBudget, measurement: &Measurement) -> anyhow::Result<()> {
    let (Some(glue), Some(target)) = (&measurement.glue, artifact.bindgen) else {
        return Ok(());
    };
    let name = &artifact.name;
    let in_a_page = matches!(target, BindgenTarget::Web | BindgenTarget::NoModules);
    let engine = match in_a_page {
        true => engine::chromium().map_or(Engine::Node, Engine::Chromium),
        false => Engine::Node,
    };
    if engine == Engine::Node {
        let sh = Shell::new().context("create a shell")?;
        if cmd!(sh, "node --version")
            .quiet()
            .ignore_stderr()
            .read()
            .is_err()
        {
            let why = match target {
                BindgenTarget::Web | BindgenTarget::NoModules => format!(
                    "no headless Chromium or `node` to load the glue in; \
                     `cargo xtask test --setup-only` installs Chromium, and {GET_NODE}"
                ),
                BindgenTarget::Nodejs => format!("no `node` to load the glue in; {GET_NODE}"),
                BindgenTarget::Bundler => format!(
                    "no `node` to load the glue in (its entry imports the module as an ES module, \
                     which Node does with `{}` and a page only through a bundler); {GET_NODE}",
                    node::WASM_MODULES_FLAG
                ),
            };
            eprintln!("{name}: behaviour check skipped: {why}");
            return Ok(());
        }
        if in_a_page {
            eprintln!(
                "{name}: no headless Chromium found (looked for ${CHROMIUM_ENV}, then {} on PATH), so \
                 the {} glue is loaded in Node's V8 instead; `cargo xtask test --setup-only` installs Chromium",
                CHROMIUM_NAMES.join(", "),
                target.as_str()
            );
        }
    }
    // The glue's files as wasm-bindgen wrote them beside the unoptimised module, and as they ship
    // beside the optimised one.
    let here = Path::new(".");
    let raw_dir = measurement.raw_path.parent().unwrap_or(here);
    let stem = glue.path.file_stem().unwrap_or_default().to_string_lossy();
    let raw_glue = bindgen::Bound::in_dir(raw_dir, &stem).glue;
    let shipped_dir = measurement.path.parent().unwrap_or(here);
    let shipped_glue: Vec<PathBuf> = raw_glue
        .iter()
        .map(|file| shipped_dir.join(file.strip_prefix(raw_dir).unwrap_or(file)))
        .collect();
    let read =
        |path: &Path| std::fs::read(path).with_context(|| format!("read {}", path.display()));
    let check = artifact.check.as_deref();
    let mut inputs = vec![
        read(&measurement.path)?,
        read(&measurement.raw_path)?,
        target.as_str().as_bytes().to_vec(),
        engine.label().as_bytes().to_vec(),
        check.unwrap_or_default().as_bytes().to_vec(),
        xtask_identity().into_bytes(),
    ];
    for file in &shipped_glue {
        inputs.push(
            file.strip_prefix(shipped_dir)
                .unwrap_or(file)
                .as_os_str()
                .as_encoded_bytes()
                .to_vec(),
        );
        inputs.push(read(file)?);
    }
    let inputs: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
    let stamp = Stamp::new(&measurement.path, "loaded", &inputs);
    if stamp.is_current(&measurement.path) {
        eprintln!(
            "{name}: behaviour check skipped (module and glue unchanged since they loaded in {})",
            engine.label()
        );
        return Ok(());
    }
    let scratch = tempfile::tempdir().context("create a temporary directory")?;
    let shipped = Package {
        target,
        glue: &shipped_glue,
        module: &measurement.path,
    };
    let after = engine.load(shipped, check, scratch.path())?;
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
            let raw = Package {
                target,
                glue: &raw_glue,
                module: &measurement.raw_path,
            };
            let before = engine.load(raw, check, scratch.path())?;
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
