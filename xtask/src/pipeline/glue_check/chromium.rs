//! Loading glue in headless Chromium: a page that loads the glue from its own directory, as a
//! module script (`web`) or a classic one (`no-modules`), and prints what came of it.

use std::path::Path;

use anyhow::Context as _;

use super::engine::{js_string, Package};
use crate::files::markup::unescape;
use crate::project::budget::BindgenTarget;

/// A page that instantiates the module synchronously (`initSync` with its bytes written into the
/// page), so it has run, and reported into the body, before the page's load event, when the
/// browser prints it. An awaited fetch could still be pending then. A glue that does not evaluate
/// leaves `pending`. `web` glue is an ES module the page's module script imports; `no-modules`
/// glue a classic script that sets the global `wasm_bindgen`.
pub fn load(
    browser: &Path,
    package: Package<'_>,
    body: &str,
    scratch: &Path,
) -> anyhow::Result<String> {
    let module = package.module;
    let bytes = std::fs::read(module).with_context(|| format!("read {}", module.display()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let entry = format!("file://{}", package.entry().display());
    let (glue, script, bind) = match package.target {
        BindgenTarget::NoModules => (
            format!("<script src={}></script>", js_string(&entry)),
            "<script>",
            "const glue = wasm_bindgen;\n".to_owned(),
        ),
        _ => (
            String::new(),
            "<script type=\"module\">",
            format!("import * as glue from {};\n", js_string(&entry)),
        ),
    };
    let page = scratch.join("check.html");
    std::fs::write(
        &page,
        format!(
            "<!doctype html><html><body>pending{glue}{script}\n\
             {bind}\
             const report = (text) => {{ document.body.textContent = text; }};\n\
             try {{\n  \
             const bytes = new Uint8Array(\"{hex}\".match(/../g).map((h) => parseInt(h, 16)));\n  \
             glue.initSync({{ module: bytes }});\n{body}\
             }} catch (e) {{ report(\"error: \" + e); }}\n\
             </script></body></html>\n",
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
    let body = dom
        .split_once("<body>")
        .and_then(|(_, rest)| rest.split_once("</body>"))
        .map_or("", |(body, _)| body);
    // The DOM is printed with `&`, `<`, `>` and no-break spaces escaped, which a `check` result
    // may hold.
    Ok(unescape(body))
}
