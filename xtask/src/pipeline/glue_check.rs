//! The behaviour check of a wasm-bindgen artifact: its optimised module, loaded through its own JS
//! glue in Node's V8, must instantiate without an exception. Glue Node cannot load, or a machine
//! without Node, is said to be skipped, with why and how to get the check.

use std::path::Path;

use anyhow::Context as _;
use xshell::{cmd, Shell};

use crate::failure::{FailedCheck, GateFailure};
use crate::files::stamp::{xtask_identity, Stamp};
use crate::pipeline::Measurement;
use crate::project::budget::BindgenTarget;
use crate::project::ArtifactBudget;

/// Loads the optimised module of `artifact` through its glue; an exception fails it (exit 1).
pub fn verify(artifact: &ArtifactBudget, measurement: &Measurement) -> anyhow::Result<()> {
    let (Some(glue), Some(target)) = (&measurement.glue, artifact.bindgen) else {
        return Ok(());
    };
    let name = &artifact.name;
    // The web glue is an ES module in a `.js` file, which Node reads as one only named `.mjs`.
    let scratch = tempfile::tempdir().context("create a temporary directory")?;
    let script = match target {
        BindgenTarget::Nodejs => format!("await import({});\n", js_string(&glue.path)),
        // The web glue's `initSync` takes the module's bytes, which is how it loads without fetch.
        BindgenTarget::Web => {
            let copy = scratch.path().join("glue.mjs");
            std::fs::copy(&glue.path, &copy)
                .with_context(|| format!("copy {}", glue.path.display()))?;
            format!(
                "const glue = await import({});\n\
                 glue.initSync({{ module: (await import('node:fs')).readFileSync({}) }});\n",
                js_string(&copy),
                js_string(&measurement.path)
            )
        }
        BindgenTarget::Bundler | BindgenTarget::NoModules => {
            eprintln!(
                "{name}: behaviour check skipped: `{}` glue loads only in a bundler or a page, \
                 which the gate does not drive; `bindgen = {{ target = \"web\" }}` or \"nodejs\" is checked in Node",
                target.as_str()
            );
            return Ok(());
        }
    };
    let sh = Shell::new().context("create a shell")?;
    if cmd!(sh, "node --version")
        .quiet()
        .ignore_stderr()
        .read()
        .is_err()
    {
        eprintln!(
            "{name}: behaviour check skipped: no `node` on PATH to load the glue in; \
             install Node.js (https://nodejs.org, or your distribution's `nodejs` package)"
        );
        return Ok(());
    }
    let read =
        |path: &Path| std::fs::read(path).with_context(|| format!("read {}", path.display()));
    let (module, js) = (read(&measurement.path)?, read(&glue.path)?);
    let stamp = Stamp::new(
        &measurement.path,
        "loaded",
        &[
            &module,
            &js,
            target.as_str().as_bytes(),
            xtask_identity().as_bytes(),
        ],
    );
    if stamp.is_current(&measurement.path) {
        eprintln!("{name}: behaviour check skipped (module and glue unchanged since they loaded)");
        return Ok(());
    }
    let output = std::process::Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .output()
        .context("run node")?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        let first = message
            .lines()
            .find(|line| line.contains("Error"))
            .unwrap_or_else(|| message.lines().next().unwrap_or("(no message)"));
        return Err(GateFailure::from(FailedCheck {
            problem: format!(
                "`{name}`'s optimised module does not load through its glue in Node: {}",
                first.trim()
            ),
            fix: Some(format!(
                "load {} by hand to see the whole error; if the unoptimised module loads, the optimiser broke it",
                glue.path.display()
            )),
            details: String::new(),
        })
        .into());
    }
    stamp.record()?;
    eprintln!(
        "{name}: optimised module loads through its {} glue in Node",
        target.as_str()
    );
    Ok(())
}

/// `path` as a JS string literal.
fn js_string(path: &Path) -> String {
    serde_json::Value::String(path.display().to_string()).to_string()
}
