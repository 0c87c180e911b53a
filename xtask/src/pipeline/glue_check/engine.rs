//! The JS engines a wasm-bindgen module is loaded in: headless Chromium for `web` glue, Node for
//! `nodejs` glue (and for `web` glue where no Chromium is found), each given a script that loads
//! the glue and the module, calls the artifact's `check` export when it names one, and reports.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::project::budget::BindgenTarget;

/// The environment variable that names the browser, as for the tests' browser.
pub const CHROMIUM_ENV: &str = "CORTEX_CHROMIUM";

/// Executables that run Chromium or Chrome headless, most likely first.
pub const CHROMIUM_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    Chromium(PathBuf),
    Node,
}

/// What a load came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// Instantiated; the `check` export's result, as JS's `String()` gives it, when one was named.
    Fine(Option<String>),
    /// Instantiated, and the glue exports no function by the name `check` gives.
    NoSuchExport,
    /// An exception, or the glue did not evaluate: the engine's message.
    Threw(String),
}

impl Engine {
    pub fn label(&self) -> &'static str {
        match self {
            Engine::Chromium(_) => "headless Chromium",
            Engine::Node => "Node",
        }
    }

    /// Loads `module` through `glue` (the glue of `target`, beside the module for `nodejs`), and
    /// calls `check` when given.
    pub fn load(
        &self,
        target: BindgenTarget,
        glue: &Path,
        module: &Path,
        check: Option<&str>,
        scratch: &Path,
    ) -> anyhow::Result<Loaded> {
        let check = serde_json::to_string(&check)?;
        // Reports `loaded`, `loaded:<result>`, `no-export` or `error: <message>`.
        let body = format!(
            "  const name = {check};\n  \
             if (name === null) report(\"loaded\");\n  \
             else if (typeof glue[name] !== \"function\") report(\"no-export\");\n  \
             else report(\"loaded:\" + String(glue[name]()));\n"
        );
        let printed = match self {
            Engine::Chromium(browser) => in_chromium(browser, glue, module, &body, scratch)?,
            Engine::Node => in_node(target, glue, module, &body, scratch)?,
        };
        Ok(match printed.trim() {
            "loaded" => Loaded::Fine(None),
            "no-export" => Loaded::NoSuchExport,
            "pending" => Loaded::Threw("the glue did not evaluate (its import failed)".into()),
            "" => Loaded::Threw("the engine printed nothing".into()),
            other => match other.strip_prefix("loaded:") {
                Some(value) => Loaded::Fine(Some(value.to_owned())),
                None => Loaded::Threw(other.strip_prefix("error: ").unwrap_or(other).to_owned()),
            },
        })
    }
}

/// The browser: `$CORTEX_CHROMIUM`, else the first of [`CHROMIUM_NAMES`] on `PATH`.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(CHROMIUM_ENV) {
        return Some(PathBuf::from(path)).filter(|path| path.is_file());
    }
    let path = std::env::var_os("PATH")?;
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    CHROMIUM_NAMES
        .iter()
        .find_map(|name| dirs.iter().map(|dir| dir.join(name)).find(|c| c.is_file()))
}

/// A page whose module script imports the glue and instantiates the module synchronously
/// (`initSync` with its bytes written into the page), so it has run, and reported into the body,
/// before the page's load event, when the browser prints it. An awaited fetch could still be
/// pending then. A glue that does not evaluate leaves `pending`.
fn in_chromium(
    browser: &Path,
    glue: &Path,
    module: &Path,
    body: &str,
    scratch: &Path,
) -> anyhow::Result<String> {
    let bytes = std::fs::read(module).with_context(|| format!("read {}", module.display()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let page = scratch.join("check.html");
    std::fs::write(
        &page,
        format!(
            "<!doctype html><html><body>pending<script type=\"module\">\n\
             import * as glue from {};\n\
             const report = (text) => {{ document.body.textContent = text; }};\n\
             try {{\n  \
             const bytes = new Uint8Array(\"{hex}\".match(/../g).map((h) => parseInt(h, 16)));\n  \
             glue.initSync({{ module: bytes }});\n{body}\
             }} catch (e) {{ report(\"error: \" + e); }}\n\
             </script></body></html>\n",
            js_string(&format!("file://{}", glue.display())),
        ),
    )
    .with_context(|| format!("write {}", page.display()))?;
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            scratch.join("profile").display()
        ))
        .arg(format!("file://{}", page.display()))
        .output()
        .with_context(|| format!("run {}", browser.display()))?;
    let dom = String::from_utf8_lossy(&output.stdout);
    Ok(dom
        .split_once("<body>")
        .and_then(|(_, rest)| rest.split_once("</body>"))
        .map_or("", |(body, _)| body)
        .to_owned())
}

/// A script for Node: `nodejs` glue instantiates the module beside it as it is imported; `web` glue
/// (an ES module in a `.js` file, which Node reads as one only named `.mjs`) through `initSync`.
fn in_node(
    target: BindgenTarget,
    glue: &Path,
    module: &Path,
    body: &str,
    scratch: &Path,
) -> anyhow::Result<String> {
    let load = match target {
        BindgenTarget::Web => {
            let copy = scratch.join("glue.mjs");
            std::fs::copy(glue, &copy).with_context(|| format!("copy {}", glue.display()))?;
            format!(
                "  const glue = await import({});\n  \
                 glue.initSync({{ module: (await import(\"node:fs\")).readFileSync({}) }});\n",
                js_string(&copy.display().to_string()),
                js_string(&module.display().to_string())
            )
        }
        _ => format!(
            "  const loaded = await import({});\n  const glue = loaded.default ?? loaded;\n",
            js_string(&glue.display().to_string())
        ),
    };
    let script = format!(
        "const report = (text) => console.log(text);\ntry {{\n{load}{body}}} catch (e) {{ report(\"error: \" + e); }}\n"
    );
    let output = std::process::Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .output()
        .context("run node")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    Ok(stdout.lines().last().unwrap_or("").to_owned())
}

/// `text` as a JS string literal.
fn js_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}
