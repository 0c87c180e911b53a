//! The wasm-bindgen step of a browser artifact: cargo's module in, the `_bg.wasm` the glue loads
//! and the JS glue out, skipped when the module and the CLI are those of the last run.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xshell::{cmd, Shell};

use crate::files::stamp::Stamp;
use crate::project::bindgen_cli::BindgenCli;
use crate::project::budget::BindgenTarget;

/// What wasm-bindgen writes for a module: the module the glue loads, and the glue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    pub wasm: PathBuf,
    /// The JS glue: the file a page or bundler imports (`<stem>.js`), then the one it imports in
    /// turn where the glue is split (`<stem>_bg.js`, as for a bundler), then the crate's JS
    /// snippets (see [`snippets`]).
    pub glue: Vec<PathBuf>,
}

/// The directory beside the glue that holds the JS a crate brings along: wasm-bindgen copies each
/// `#[wasm_bindgen(inline_js = …)]` and `#[wasm_bindgen(module = "/…")]` there, as
/// `snippets/<crate>-<hash>/inline0.js` or under the module's own path, and the glue (or, for
/// bundler glue, the module) imports them.
pub const SNIPPETS: &str = "snippets";

impl Bound {
    /// The files wasm-bindgen wrote into `dir` for `--out-name stem`.
    pub fn in_dir(dir: &Path, stem: &str) -> Bound {
        let split = dir.join(format!("{stem}_bg.js"));
        let mut glue = vec![dir.join(format!("{stem}.js"))];
        glue.extend(split.exists().then_some(split));
        glue.extend(snippets(dir));
        Bound {
            wasm: dir.join(format!("{stem}_bg.wasm")),
            glue,
        }
    }
}

/// Every file under `dir`'s [`SNIPPETS`] directory, sorted; none where there is no such directory.
pub fn snippets(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.join(SNIPPETS)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|entry| entry.path()) {
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Runs `cli` on `input` into `dir` with glue for `target` (`--out-name stem`, no TypeScript, which
/// does not ship; `--no-demangle`, so the names a build keeps stay the symbols that attribution and
/// the panic handler's lookup read), unless the stamp says it already ran on these bytes with this CLI. Returns the
/// files and whether it ran.
pub fn bind(
    sh: &Shell,
    cli: &BindgenCli,
    input: &Path,
    dir: &Path,
    stem: &str,
    target: BindgenTarget,
) -> anyhow::Result<(Bound, bool)> {
    let bound = Bound::in_dir(dir, stem);
    let module = std::fs::read(input).with_context(|| format!("read {}", input.display()))?;
    let options = format!(
        "wasm-bindgen {} --target {} --no-typescript --no-demangle --out-name {stem}",
        cli.version,
        target.as_str()
    );
    let stamp = Stamp::new(&bound.wasm, "input-sha256", &[options.as_bytes(), &module]);
    if stamp.is_current(&bound.wasm) && bound.glue.iter().all(|file| file.exists()) {
        return Ok((bound, false));
    }
    // A run that stops half-way must not leave an old stamp vouching for new files, nor glue of
    // another target be counted with this one's.
    let _ = std::fs::remove_file(bound.wasm.with_extension("wasm.input-sha256"));
    for file in &bound.glue {
        let _ = std::fs::remove_file(file);
    }
    let _ = std::fs::remove_dir_all(dir.join(SNIPPETS));
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let (program, target) = (&cli.path, target.as_str());
    cmd!(
        sh,
        "{program} {input} --out-dir {dir} --out-name {stem} --target {target} --no-typescript --no-demangle"
    )
    .quiet()
    .run()
    .with_context(|| format!("wasm-bindgen {}", input.display()))?;
    stamp.record()?;
    Ok((Bound::in_dir(dir, stem), true))
}
