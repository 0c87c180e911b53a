//! The JS engines a wasm-bindgen module is loaded in: headless Chromium for `web` and `no-modules`
//! glue, Node for `nodejs` and `bundler` glue (and for the others where no Chromium is found), each
//! given a script that loads the glue and the module, calls the artifact's `check` export when it
//! names one, and reports.

use std::path::{Path, PathBuf};

use super::{chromium, node};
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

/// A module and the glue that loads it, side by side as wasm-bindgen writes them.
#[derive(Debug, Clone, Copy)]
pub struct Package<'a> {
    pub target: BindgenTarget,
    /// The glue's files: the one imported first, then the rest, all under the first's directory.
    pub glue: &'a [PathBuf],
    /// The module, beside the first glue file under the name the glue loads it by.
    pub module: &'a Path,
}

impl Package<'_> {
    /// The file a page or a script loads first.
    pub fn entry(&self) -> &Path {
        self.glue.first().map_or(Path::new(""), PathBuf::as_path)
    }
}

impl Engine {
    pub fn label(&self) -> &'static str {
        match self {
            Engine::Chromium(_) => "headless Chromium",
            Engine::Node => "Node",
        }
    }

    /// Loads `package`'s module through its glue, and calls `check` when given; `scratch` holds
    /// what the engine needs besides (a page, a copy of the package).
    pub fn load(
        &self,
        package: Package<'_>,
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
        let scratch = tempfile::tempdir_in(scratch)?;
        let printed = match self {
            Engine::Chromium(browser) => chromium::load(browser, package, &body, scratch.path())?,
            Engine::Node => node::load(package, &body, scratch.path())?,
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

/// `text` as a JS string literal.
pub fn js_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}
