//! The layout rules of `src/`, checked on the source text: every import points down the layers that
//! `LAYERS` lists, no two files beside each other import each other (directly or round a circle), and
//! every file says what it is.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules by layer, lowest first; a module may use its own items and those of lower
/// layers only. The ids, the clock and the input rules sit below the model so `error` can name them.
const LAYERS: &[(&str, u8)] = &[
    ("ffi", 9),
    ("bus", 8),
    ("store", 7),
    ("graph", 6),
    ("event", 5),
    ("input", 4),
    ("kind_pattern", 4),
    ("error", 3),
    ("id", 2),
    ("hash_state", 1),
    ("clock", 0),
    ("heap", 0),
];

/// A module by its path below the crate root (`["store", "rocks", "keys"]`); the root is empty.
type ModulePath = Vec<String>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The module a file of `src/` defines: `a/b.rs` and `a/b/mod.rs` are `a::b`, `lib.rs` the root.
fn module_of(file: &Path) -> ModulePath {
    let relative = file.strip_prefix(src()).unwrap().with_extension("");
    let mut path: ModulePath = relative
        .components()
        .map(|c| c.as_os_str().to_str().unwrap().to_owned())
        .collect();
    if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
        path.pop();
    }
    path
}

/// The paths a use tree names, read from the start of `text` (`a::{b, c::d}` gives `a::b` and
/// `a::c::d`); stops at the first character that cannot continue it.
fn use_tree(text: &str) -> Vec<Vec<String>> {
    fn tree(text: &str, at: &mut usize) -> Vec<Vec<String>> {
        let bytes = text.as_bytes();
        let skip_space = |at: &mut usize| {
            while *at < bytes.len() && bytes[*at].is_ascii_whitespace() {
                *at += 1;
            }
        };
        skip_space(at);
        if bytes.get(*at) == Some(&b'{') {
            *at += 1;
            let mut paths = Vec::new();
            loop {
                paths.extend(tree(text, at));
                skip_space(at);
                match bytes.get(*at) {
                    Some(b',') => *at += 1,
                    Some(b'}') => {
                        *at += 1;
                        return paths;
                    }
                    _ => return paths,
                }
                skip_space(at);
                if bytes.get(*at) == Some(&b'}') {
                    *at += 1;
                    return paths;
                }
            }
        }
        let start = *at;
        while *at < bytes.len() && (bytes[*at].is_ascii_alphanumeric() || bytes[*at] == b'_') {
            *at += 1;
        }
        let name = &text[start..*at];
        if name.is_empty() {
            return vec![Vec::new()];
        }
        if text[*at..].starts_with("::") {
            *at += 2;
            return tree(text, at)
                .into_iter()
                .map(|mut rest| {
                    rest.insert(0, name.to_owned());
                    rest
                })
                .collect();
        }
        vec![vec![name.to_owned()]]
    }
    tree(text, &mut 0)
}

/// Every path a source text names through `crate::`, comments left out.
fn crate_paths(text: &str) -> Vec<ModulePath> {
    let mut used = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            let preceded = code[..at].chars().next_back();
            if preceded.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `$crate::` or a longer name ending in `crate`
            }
            used.extend(use_tree(&code[at + "crate::".len()..]));
        }
    }
    used
}

/// Every path a source text names through `super::`, resolved against `module` (the file's own
/// module), comments left out. Not read inside an inline `mod tests`, where `super` is the file's
/// own module rather than its parent.
fn super_paths(module: &ModulePath, text: &str) -> Vec<ModulePath> {
    let mut used = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("mod tests {") {
            break;
        }
        let mut rest = line.split("//").next().unwrap_or("");
        while let Some(at) = rest.find("super::") {
            let preceded = rest[..at].chars().next_back();
            let mut base = module.clone();
            let mut tail = &rest[at..];
            while let Some(after) = tail.strip_prefix("super::") {
                base.pop();
                tail = after;
            }
            if !preceded.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                used.extend(use_tree(tail).into_iter().map(|path| {
                    let mut full = base.clone();
                    full.extend(path);
                    full
                }));
            }
            rest = tail;
        }
    }
    used
}

/// Every module path a file of `module` names, absolute or relative.
fn used_paths(module: &ModulePath, text: &str) -> Vec<ModulePath> {
    let mut used = crate_paths(text);
    used.extend(super_paths(module, text));
    used
}

/// The longest module among `modules` that `path` starts with (a path names an item in it).
fn resolve(path: &[String], modules: &BTreeSet<ModulePath>) -> ModulePath {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains(prefix))
        .unwrap_or_default()
}

/// What the top-level `module`'s source `text` uses that does not point down, one line each.
fn upward_uses(module: &str, text: &str) -> Vec<String> {
    let layers: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let Some(&from) = layers.get(module) else {
        return vec![format!("module `{module}` has no layer in tests/tidy.rs")];
    };
    let mut wrong: Vec<String> = crate_paths(text)
        .into_iter()
        .filter_map(|path| {
            let used = path.first()?.clone();
            match layers.get(used.as_str()) {
                Some(&to) if used == module || to < from => None,
                Some(&to) => Some(format!(
                    "`{module}` (layer {from}) uses `{used}` (layer {to})"
                )),
                None => Some(format!(
                    "`{module}` uses `crate::{used}`, which has no layer (name the module it lives in)"
                )),
            }
        })
        .collect();
    wrong.dedup();
    wrong
}

/// The edges between modules beside each other that file-level imports make: a file of `a::b::x`
/// using `a::c::y` is `a::b` -> `a::c`. A module using its own parent or child is no such edge.
fn sibling_edges(uses: &[(ModulePath, ModulePath)]) -> BTreeMap<ModulePath, BTreeSet<ModulePath>> {
    let mut edges: BTreeMap<ModulePath, BTreeSet<ModulePath>> = BTreeMap::new();
    for (from, to) in uses {
        let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        if common == from.len() || common == to.len() {
            continue;
        }
        edges
            .entry(from[..=common].to_vec())
            .or_default()
            .insert(to[..=common].to_vec());
    }
    edges
}

/// The circles among `edges`: each strongly connected group of more than one module, sorted.
fn circles(edges: &BTreeMap<ModulePath, BTreeSet<ModulePath>>) -> Vec<Vec<ModulePath>> {
    let reaches = |from: &ModulePath| -> BTreeSet<ModulePath> {
        let mut seen = BTreeSet::new();
        let mut next = vec![from.clone()];
        while let Some(module) = next.pop() {
            for to in edges.get(&module).into_iter().flatten() {
                if seen.insert(to.clone()) {
                    next.push(to.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&ModulePath, BTreeSet<ModulePath>> =
        edges.keys().map(|m| (m, reaches(m))).collect();
    let mut found: BTreeSet<Vec<ModulePath>> = BTreeSet::new();
    for (module, reached) in &reach {
        let group: Vec<ModulePath> = reached
            .iter()
            .filter(|other| reach.get(other).is_some_and(|back| back.contains(*module)))
            .cloned()
            .collect();
        if group.len() > 1 {
            found.insert(group);
        }
    }
    found.into_iter().collect()
}

fn show(path: &ModulePath) -> String {
    path.join("::")
}

/// Every file of `src/` with its module and text.
fn sources() -> Vec<(PathBuf, ModulePath, String)> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    assert!(files.len() > 40, "found only {files:?}");
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            (file.clone(), module_of(&file), text)
        })
        .collect()
}

#[test]
fn every_import_points_down_the_layers() {
    let mut wrong = Vec::new();
    for (file, module, text) in sources() {
        if let Some(top) = module.first() {
            wrong.extend(
                upward_uses(top, &text)
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
fn no_files_beside_each_other_import_each_other() {
    let sources = sources();
    let modules: BTreeSet<ModulePath> = sources.iter().map(|(_, m, _)| m.clone()).collect();
    let mut uses = Vec::new();
    let mut by_edge: BTreeMap<(ModulePath, ModulePath), BTreeSet<String>> = BTreeMap::new();
    for (file, module, text) in &sources {
        for path in used_paths(module, text) {
            let to = resolve(&path, &modules);
            let single = sibling_edges(&[(module.clone(), to.clone())]);
            for (from, tos) in single {
                for to in tos {
                    by_edge
                        .entry((from.clone(), to))
                        .or_default()
                        .insert(file.strip_prefix(src()).unwrap().display().to_string());
                }
            }
            uses.push((module.clone(), to));
        }
    }
    let found = circles(&sibling_edges(&uses));
    let report: Vec<String> = found
        .iter()
        .map(|group| {
            let names: Vec<String> = group.iter().map(show).collect();
            let mut lines = vec![format!("circle: {}", names.join(" <-> "))];
            for ((from, to), files) in &by_edge {
                if group.contains(from) && group.contains(to) {
                    let files: Vec<&str> = files.iter().map(String::as_str).collect();
                    lines.push(format!(
                        "  {} -> {} (in {})",
                        show(from),
                        show(to),
                        files.join(", ")
                    ));
                }
            }
            lines.join("\n")
        })
        .collect();
    assert!(
        report.is_empty(),
        "modules that import each other; move what both need into a module below them:\n{}",
        report.join("\n")
    );
}

#[test]
fn every_file_says_what_it_is() {
    for (file, _, text) in sources() {
        assert!(
            text.starts_with("//!"),
            "{}: begins without a `//!` line saying what it is",
            file.display()
        );
    }
}

#[test]
fn the_checks_read_use_trees_and_relative_paths() {
    assert_eq!(
        use_tree("{a::b, c::{d, e}, f}; g"),
        [vec!["a", "b"], vec!["c", "d"], vec!["c", "e"], vec!["f"]]
    );
    let module: ModulePath = vec!["store".into(), "rocks".into(), "events".into()];
    let text = "use super::keys::{self, EVENTS};\nuse crate::{error::Error, kind_pattern};\n\
                let x = super::super::validate::check(); // crate::ffi\n\
                mod tests {\n    use super::*;\n}";
    let used: Vec<String> = used_paths(&module, text).iter().map(show).collect();
    assert_eq!(
        used,
        [
            "error::Error",
            "kind_pattern",
            "store::rocks::keys::self",
            "store::rocks::keys::EVENTS",
            "store::validate::check",
        ]
    );
}

#[test]
fn the_checks_see_upward_uses_and_circles() {
    assert_eq!(
        upward_uses("event", "use crate::{error::Error, id::NodeId};"),
        Vec::<String>::new()
    );
    assert_eq!(
        upward_uses("error", "MissingNode(crate::event::NodeId)"),
        ["`error` (layer 3) uses `event` (layer 5)"]
    );
    assert_eq!(
        upward_uses("input", "use crate::kind_pattern::KindPattern;"),
        ["`input` (layer 4) uses `kind_pattern` (layer 4)"],
        "nor a module beside it"
    );
    assert_eq!(
        upward_uses("graph", "crate::NodeId::from_name(\"n\")"),
        ["`graph` uses `crate::NodeId`, which has no layer (name the module it lives in)"]
    );
    let path = |p: &str| -> ModulePath { p.split("::").map(str::to_owned).collect() };
    let uses = [
        (path("store::rocks::kinds"), path("store::rocks::events")),
        (
            path("store::rocks::events::read"),
            path("store::rocks::kinds"),
        ),
        (path("store::rocks::events"), path("store::rocks")),
        (path("store::rocks::graph"), path("store::rocks::keys")),
    ];
    assert_eq!(
        circles(&sibling_edges(&uses)),
        [vec![
            path("store::rocks::events"),
            path("store::rocks::kinds")
        ]],
        "a child's import counts for its parent; one of a parent does not"
    );
}
