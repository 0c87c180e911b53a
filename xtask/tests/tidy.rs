//! The layout rules of `src/`, checked on the source text: every import points down the layers
//! that `lib.rs` lists, no file is compiled twice through `#[path]`, and every file says what it is.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The top-level modules by layer; a module may use its own items and those of lower layers only.
const LAYERS: &[(&str, u8)] = &[
    ("wasm", 6),
    ("size_check", 6),
    ("size_diff", 6),
    ("run", 6),
    ("size_why", 6),
    ("size_history", 6),
    ("bench", 6),
    ("bench_gate", 6),
    ("test", 6),
    ("gate", 5),
    ("diff", 4),
    ("attribution", 3),
    ("runtime", 3),
    ("no_runtime", 3),
    ("pipeline", 2),
    ("project", 1),
    ("flags", 0),
    ("bytes", 0),
    ("files", 0),
    ("failure", 0),
    ("fuzz", 0),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().unwrap() != "fixtures" {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a file of `src/` belongs to (`None` for the crate roots).
fn module_of(file: &Path) -> Option<String> {
    let first = file.strip_prefix(src()).unwrap().components().next()?;
    let name = first
        .as_os_str()
        .to_str()?
        .trim_end_matches(".rs")
        .to_owned();
    (name != "lib" && name != "main").then_some(name)
}

/// The top-level modules a source text names through `crate::…`, comments left out.
fn used_modules(text: &str) -> Vec<String> {
    let mut used = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                // `use crate::{a::b, c};`
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|item| item.trim().split("::").next().unwrap_or(""))
                    .collect(),
                None => vec![rest
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("")],
            };
            used.extend(
                names
                    .into_iter()
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    used
}

/// What `module`'s source `text` uses that does not point down, one line each.
fn upward_uses(module: &str, text: &str) -> Vec<String> {
    let layers: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let Some(&from) = layers.get(module) else {
        return vec![format!("module `{module}` has no layer in tests/tidy.rs")];
    };
    used_modules(text)
        .into_iter()
        .filter_map(|used| match layers.get(used.as_str()) {
            Some(&to) if used == module || to < from => None,
            Some(&to) => Some(format!(
                "`{module}` (layer {from}) uses `{used}` (layer {to})"
            )),
            None => Some(format!(
                "`{module}` uses `crate::{used}`, which has no layer"
            )),
        })
        .collect()
}

#[test]
fn every_import_points_down_the_layers() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    assert!(files.len() > 20, "found only {files:?}");
    let mut wrong = Vec::new();
    for file in &files {
        if let Some(module) = module_of(file) {
            let text = std::fs::read_to_string(file).unwrap();
            let found = upward_uses(&module, &text);
            wrong.extend(
                found
                    .into_iter()
                    .map(|w| format!("{}: {w}", file.display())),
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that do not point down:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_layer_check_sees_upward_and_unknown_uses() {
    let text = "use crate::{gate::report, failure};\nlet x = crate::pipeline::make; // crate::wasm";
    assert_eq!(used_modules(text), ["gate", "failure", "pipeline"]);
    assert_eq!(upward_uses("size_check", text), Vec::<String>::new());
    assert_eq!(
        upward_uses("pipeline", text),
        ["`pipeline` (layer 2) uses `gate` (layer 5)"],
        "a use of its own module is fine, of a higher one is not"
    );
    assert_eq!(
        upward_uses("files", "crate::files::atomic::write(); crate::bytes::x"),
        ["`files` (layer 0) uses `bytes` (layer 0)"],
        "nor of a module beside it"
    );
    assert_eq!(
        upward_uses("pipeline", "crate::helpers::x()"),
        ["`pipeline` uses `crate::helpers`, which has no layer"]
    );
    assert_eq!(
        upward_uses("helpers", ""),
        ["module `helpers` has no layer in tests/tidy.rs"]
    );
}

#[test]
fn no_source_file_is_compiled_twice_and_each_says_what_it_is() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("tests"), &mut files);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            !text
                .lines()
                .any(|line| line.trim_start().starts_with("#[path")),
            "{}: `#[path]` compiles a file a second time; import it from the lib instead",
            file.display()
        );
        assert!(
            text.starts_with("//!"),
            "{}: begins without a `//!` line saying what it is",
            file.display()
        );
    }
}

/// The lines of a source file before its inline `#[cfg(test)] mod tests { … }`, the code a reader
/// of the file reads; a `#[cfg(test)] mod tests;` that names another file does not end it.
fn code_lines(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .position(|pair| {
            pair[0].trim() == "#[cfg(test)]"
                && pair[1].trim_start().starts_with("mod ")
                && pair[1].trim_end().ends_with('{')
        })
        .unwrap_or(lines.len())
}

#[test]
fn no_source_file_is_over_400_lines_before_its_tests() {
    const MOST: usize = 400;
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for crate_dir in ["cortex-core", "xtask", "xtask/wasi-host"] {
        rust_files(&workspace.join(crate_dir).join("src"), &mut files);
    }
    for example in std::fs::read_dir(workspace.join("examples")).unwrap() {
        rust_files(&example.unwrap().path().join("src"), &mut files);
    }
    let sources: Vec<&PathBuf> = files
        .iter()
        .filter(|file| {
            let inside = file.strip_prefix(workspace).unwrap();
            file.file_name().unwrap() != "tests.rs"
                && !inside.components().any(|part| part.as_os_str() == "tests")
        })
        .collect();
    assert!(sources.len() > 100, "found only {} sources", sources.len());
    let long: Vec<String> = sources
        .iter()
        .filter_map(|file| {
            let lines = code_lines(&std::fs::read_to_string(file).unwrap());
            (lines > MOST).then(|| format!("{}: {lines} lines", file.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "source files over {MOST} lines before their tests; split each along a seam into a folder \
         of its own:\n{}",
        long.join("\n")
    );
}

#[test]
fn code_lines_stop_at_an_inline_test_module_only() {
    let text = "//! a\n#[cfg(test)]\nmod tests;\nfn f() {}\n#[cfg(test)]\nmod tests {\n    x\n}\n";
    assert_eq!(code_lines(text), 4);
    assert_eq!(code_lines("//! a\nfn f() {}\n"), 2);
}
