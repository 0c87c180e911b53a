//! The behaviour check of a wasm-bindgen artifact: its optimised module, loaded through its own JS
//! glue, must instantiate without an exception: `web` glue in headless Chromium (Node's V8 where no
//! Chromium is found, saying so), `nodejs` glue in Node. Glue neither can load alone, or a machine
//! without the engine, is said to be skipped, with why and how to get the check.

use std::path::{Path, PathBuf};

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
                 which the gate does not drive; `web` glue is checked in headless Chromium, `nodejs` in Node",
                target.as_str()
            );
            return Ok(());
        }
    };
    let read =
        |path: &Path| std::fs::read(path).with_context(|| format!("read {}", path.display()));
    let (module, js) = (read(&measurement.path)?, read(&glue.path)?);
    let browser = (target == BindgenTarget::Web).then(chromium).flatten();
    let engine = if browser.is_some() {
        "headless Chromium"
    } else {
        "Node"
    };
    let stamp = Stamp::new(
        &measurement.path,
        "loaded",
        &[
            &module,
            &js,
            target.as_str().as_bytes(),
            engine.as_bytes(),
            xtask_identity().as_bytes(),
        ],
    );
    if stamp.is_current(&measurement.path) {
        eprintln!("{name}: behaviour check skipped (module and glue unchanged since they loaded in {engine})");
        return Ok(());
    }
    if let Some(browser) = browser {
        let outcome = load_in_chromium(&browser, &glue.path, &measurement.path, scratch.path())?;
        return conclude(name, outcome, &glue.path, engine, target, &stamp);
    }
    if target == BindgenTarget::Web {
        eprintln!(
            "{name}: no headless Chromium found (looked for ${CHROMIUM_ENV}, then {} on PATH), so the \
             web glue is loaded in Node's V8 instead; `cargo xtask test --setup-only` installs Chromium",
            CHROMIUM_NAMES.join(", ")
        );
    }
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
    let outcome = if output.status.success() {
        Ok(())
    } else {
        let message = String::from_utf8_lossy(&output.stderr);
        let first = message
            .lines()
            .find(|line| line.contains("Error"))
            .unwrap_or_else(|| message.lines().next().unwrap_or("(no message)"));
        Err(first.trim().to_owned())
    };
    conclude(name, outcome, &glue.path, engine, target, &stamp)
}

/// The environment variable that names the browser, as for the tests' browser.
const CHROMIUM_ENV: &str = "CORTEX_CHROMIUM";

/// Executables that run Chromium or Chrome headless, most likely first.
const CHROMIUM_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The browser: `$CORTEX_CHROMIUM`, else the first of [`CHROMIUM_NAMES`] on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(CHROMIUM_ENV) {
        return Some(PathBuf::from(path)).filter(|path| path.is_file());
    }
    let path = std::env::var_os("PATH")?;
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    CHROMIUM_NAMES
        .iter()
        .find_map(|name| dirs.iter().map(|dir| dir.join(name)).find(|c| c.is_file()))
}

/// Loads the glue as a page of `scratch` whose module script imports it and instantiates the module
/// synchronously (`initSync` with its bytes written into the page), so it has run, and written
/// `loaded` or the exception into the body, before the page's load event, when the browser prints it.
/// An awaited fetch could still be pending then. A glue that does not evaluate leaves `pending`.
fn load_in_chromium(
    browser: &Path,
    glue: &Path,
    module: &Path,
    scratch: &Path,
) -> anyhow::Result<Result<(), String>> {
    let bytes = std::fs::read(module).with_context(|| format!("read {}", module.display()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let page = scratch.join("check.html");
    std::fs::write(
        &page,
        format!(
            "<!doctype html><html><body>pending<script type=\"module\">\n\
             import {{ initSync }} from {};\n\
             try {{\n  \
             const bytes = new Uint8Array(\"{hex}\".match(/../g).map((h) => parseInt(h, 16)));\n  \
             initSync({{ module: bytes }});\n  \
             document.body.textContent = \"loaded\";\n\
             }} catch (e) {{ document.body.textContent = \"error: \" + e; }}\n\
             </script></body></html>\n",
            js_string(Path::new(&format!("file://{}", glue.display()))),
        ),
    )
    .with_context(|| format!("write {}", page.display()))?;
    let profile = scratch.join("profile");
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .with_context(|| format!("run {}", browser.display()))?;
    let dom = String::from_utf8_lossy(&output.stdout);
    let body = dom
        .split_once("<body>")
        .and_then(|(_, rest)| rest.split_once("</body>"))
        .map_or("", |(body, _)| body.trim());
    Ok(match body {
        "loaded" => Ok(()),
        "" => Err(format!("the browser printed no page ({})", output.status)),
        "pending" => Err("the glue did not evaluate (its import failed)".to_owned()),
        other => Err(other.strip_prefix("error: ").unwrap_or(other).to_owned()),
    })
}

/// Reports the check: an exception fails the artifact (exit 1), a clean load is stamped.
fn conclude(
    name: &str,
    outcome: Result<(), String>,
    glue: &Path,
    engine: &str,
    target: BindgenTarget,
    stamp: &Stamp,
) -> anyhow::Result<()> {
    if let Err(message) = outcome {
        return Err(GateFailure::from(FailedCheck {
            problem: format!(
                "`{name}`'s optimised module does not load through its glue in {engine}: {message}"
            ),
            fix: Some(format!(
                "load {} by hand to see the whole error; if the unoptimised module loads, the optimiser broke it",
                glue.display()
            )),
            details: String::new(),
        })
        .into());
    }
    stamp.record()?;
    eprintln!(
        "{name}: optimised module loads through its {} glue in {engine}",
        target.as_str()
    );
    Ok(())
}

/// `path` as a JS string literal.
fn js_string(path: &Path) -> String {
    serde_json::Value::String(path.display().to_string()).to_string()
}
