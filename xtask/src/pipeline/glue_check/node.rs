//! Loading glue in Node: `nodejs` glue where wasm-bindgen wrote it; `web` and `bundler` glue (ES
//! modules in `.js` files) from a copy whose `package.json` says so, `bundler` glue with Node's
//! support for importing a `.wasm` as an ES module; `no-modules` glue run as a classic script.

use std::path::Path;

use anyhow::Context as _;

use super::engine::{js_string, Package};
use crate::files::atomic;
use crate::project::budget::BindgenTarget;

/// The flag under which Node imports a `.wasm` file as an ES module, as a bundler does for
/// `bundler` glue (`import * as wasm from "./<name>_bg.wasm"`).
pub const WASM_MODULES_FLAG: &str = "--experimental-wasm-modules";

/// Runs a script in Node that loads `package` and then runs `body`; its last line of output.
pub fn load(package: Package<'_>, body: &str, scratch: &Path) -> anyhow::Result<String> {
    let module = js_string(&package.module.display().to_string());
    let read_module = format!("(await import(\"node:fs\")).readFileSync({module})");
    let load = match package.target {
        BindgenTarget::Web => format!(
            "  const glue = await import({});\n  glue.initSync({{ module: {read_module} }});\n",
            js_string(&as_es_modules(package, scratch)?.display().to_string()),
        ),
        // The entry imports the module itself, and the module the rest of the glue.
        BindgenTarget::Bundler => format!(
            "  const glue = await import({});\n",
            js_string(&as_es_modules(package, scratch)?.display().to_string()),
        ),
        BindgenTarget::NoModules => format!(
            "  const fs = await import(\"node:fs\");\n  \
             const source = fs.readFileSync({}, \"utf8\");\n  \
             const glue = (await import(\"node:vm\")).runInThisContext(source + \"\\n;wasm_bindgen\");\n  \
             glue.initSync({{ module: {read_module} }});\n",
            js_string(&package.entry().display().to_string()),
        ),
        BindgenTarget::Nodejs => format!(
            "  const loaded = await import({});\n  const glue = loaded.default ?? loaded;\n",
            js_string(&package.entry().display().to_string())
        ),
    };
    let script = format!(
        "const report = (text) => console.log(text);\ntry {{\n{load}{body}}} catch (e) {{ report(\"error: \" + e); }}\n"
    );
    let mut node = std::process::Command::new("node");
    if package.target == BindgenTarget::Bundler {
        node.arg(WASM_MODULES_FLAG);
    }
    let output = node
        .args(["--input-type=module", "-e", &script])
        .output()
        .context("run node")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    Ok(stdout.lines().last().unwrap_or("").to_owned())
}

/// A copy of `package` in `scratch`, each file at its place relative to the entry, with a
/// `package.json` that makes Node read its `.js` files as ES modules (as wasm-pack's does); the
/// copy's entry.
fn as_es_modules(package: Package<'_>, scratch: &Path) -> anyhow::Result<std::path::PathBuf> {
    let dir = scratch.join("package");
    let from = package.entry().parent().unwrap_or(Path::new("."));
    // A file elsewhere than under the entry's directory (none is) goes at the copy's top.
    let place = |file: &Path| {
        file.strip_prefix(from)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| file.file_name().unwrap_or_default().into())
    };
    for file in package
        .glue
        .iter()
        .map(|file| &**file)
        .chain([package.module])
    {
        let to = dir.join(place(file));
        let bytes = std::fs::read(file).with_context(|| format!("read {}", file.display()))?;
        atomic::write(&to, &bytes)?;
    }
    atomic::write(&dir.join("package.json"), b"{ \"type\": \"module\" }\n")?;
    Ok(dir.join(place(package.entry())))
}
