//! End to end: wasm-bindgen's glue of every kind, on the fixture `fixtures/bindgen`, ships beside
//! the optimised module with the crate's JS snippets, is counted whole, and loads in the engine
//! its kind runs in, a `check` export answering as before wasm-opt.
#![allow(clippy::unwrap_used)]

mod bindgen_fixture;
mod common;

use std::path::{Path, PathBuf};

use bindgen_fixture::{BindgenCrate, BUDGET};
use common::{assert_holds, exited};
use xtask::pipeline::measure::{brotli_len, gzip_len};

/// The fixture with its JS snippets, checked through them.
const WITH_SNIPPETS: &str =
    "[artifact.greet]\nbudget = \"64 KiB\"\nfeatures = [\"snippets\"]\ncheck = \"tagged\"\n";

/// Every file under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(next) = dirs.pop() {
        for path in std::fs::read_dir(&next).unwrap().map(|e| e.unwrap().path()) {
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    files
}

/// A directory that stands for `PATH` without the executable `missing`: a link to every other
/// file of `PATH`'s directories, the first of each name.
fn path_without(missing: &str) -> tempfile::TempDir {
    let links = tempfile::tempdir().unwrap();
    let path = std::env::var_os("PATH").unwrap();
    for dir in std::env::split_paths(&path) {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let link = links.path().join(entry.file_name());
            if entry.file_name() != missing && !link.exists() {
                let _ = std::os::unix::fs::symlink(entry.path(), link);
            }
        }
    }
    links
}

/// The glue `names` (relative to `by_hand`) ship in `package` as wasm-bindgen wrote them, and the
/// report's glue sizes are theirs summed, each compressed on its own.
fn assert_glue_is(report: &serde_json::Value, by_hand: &Path, package: &Path, names: &[PathBuf]) {
    let (mut bytes, mut gzip, mut brotli) = (0, 0, 0);
    for name in names {
        let written = std::fs::read(by_hand.join(name)).unwrap();
        let shipped = std::fs::read(package.join(name)).unwrap_or_default();
        assert!(
            shipped == written,
            "{} ships beside the module",
            name.display()
        );
        bytes += written.len() as u64;
        gzip += gzip_len(&written).unwrap();
        brotli += brotli_len(&written).unwrap();
    }
    let glue = &report["artifacts"][0]["glue"];
    assert_eq!(glue["bytes"], bytes, "{glue}");
    assert_eq!(glue["gzip_bytes"], gzip, "{glue}");
    assert_eq!(glue["brotli_bytes"], brotli, "{glue}");
}

#[test]
fn snippets_ship_beside_the_glue_are_counted_and_load_with_web_and_bundler_glue() {
    let fixture = BindgenCrate::new(WITH_SNIPPETS);
    let (report, err) = fixture.size_check_json();
    let package = fixture.gate_dir().join("opt/greet");

    // One snippet of each kind: the inline one and the crate's file.
    let by_hand = fixture.bind_by_hand("web");
    let snippets = files_under(&by_hand.path().join("snippets"));
    assert_eq!(snippets.len(), 2, "{snippets:?}");
    assert!(
        snippets.iter().any(|s| s.ends_with("inline0.js"))
            && snippets.iter().any(|s| s.ends_with("js/tag.js")),
        "{snippets:?}"
    );
    let mut names = vec![PathBuf::from("greet.js")];
    names.extend(snippets.iter().map(|s| Path::new("snippets").join(s)));
    assert_glue_is(&report, by_hand.path(), &package, &names);
    // The page loaded them: the check goes through both.
    assert_holds(&err, "through its web glue in ");
    assert_holds(&err, "and `tagged()` returns <42> as before wasm-opt");

    // Without a browser, Node imports the web glue, its snippets beside it.
    let nowhere = fixture.dir.path().join("no-chromium-here");
    let output = fixture.xtask(
        &["size-check", "--no-build"],
        &[("CORTEX_CHROMIUM", &nowhere)],
    );
    assert_holds(&exited(&output, 0), "greet: optimised module loads through its web glue in Node, and `tagged()` returns <42> as before wasm-opt");

    // Bundler glue: the entry, the `_bg.js` it and the module import, and the snippets the module
    // imports, loaded in Node importing the module as an ES module.
    fixture.write_budget(&format!(
        "{WITH_SNIPPETS}bindgen = {{ target = \"bundler\" }}\n"
    ));
    let (report, err) = fixture.size_check_json();
    let by_hand = fixture.bind_by_hand("bundler");
    let mut names = vec![PathBuf::from("greet.js"), PathBuf::from("greet_bg.js")];
    names.extend(snippets.iter().map(|s| Path::new("snippets").join(s)));
    assert_glue_is(&report, by_hand.path(), &package, &names);
    assert_holds(&err, "greet: optimised module loads through its bundler glue in Node, and `tagged()` returns <42> as before wasm-opt");

    // Without `node`, the bundler glue's check is said to be skipped, why, and how to get it.
    let without_node = path_without("node");
    let output = fixture.xtask(
        &["size-check", "--no-build"],
        &[("PATH", without_node.path())],
    );
    let err = exited(&output, 0);
    assert_holds(&err, "greet: behaviour check skipped: no `node` to load the glue in (its entry imports the module as an ES module");
    assert_holds(&err, "Node.js comes from https://nodejs.org");
}

#[test]
fn no_modules_glue_loads_as_a_classic_script_in_a_page_and_in_node_without_one() {
    let budget = format!("{BUDGET}bindgen = {{ target = \"no-modules\" }}\ncheck = \"checksum\"\n");
    let fixture = BindgenCrate::new(&budget);
    let output = fixture.xtask(&["size-check", "--update"], &[]);
    // In headless Chromium, which `cargo xtask test` installs; as the browser tests, this one
    // fails rather than skips without it.
    assert_holds(&exited(&output, 0), "greet: optimised module loads through its no-modules glue in headless Chromium, and `checksum()` returns 338350 as before wasm-opt");

    // No browser: Node runs the classic script, and says it stands in for one.
    let nowhere = fixture.dir.path().join("no-chromium-here");
    let output = fixture.xtask(
        &["size-check", "--no-build"],
        &[("CORTEX_CHROMIUM", &nowhere)],
    );
    let err = exited(&output, 0);
    assert_holds(
        &err,
        "so the no-modules glue is loaded in Node's V8 instead",
    );
    assert_holds(&err, "greet: optimised module loads through its no-modules glue in Node, and `checksum()` returns 338350 as before wasm-opt");

    // The check's export is looked up on the global the script sets.
    fixture.write_budget(&format!(
        "{BUDGET}bindgen = {{ target = \"no-modules\" }}\ncheck = \"no_such_export\"\n"
    ));
    let output = fixture.xtask(&["size-check", "--no-build"], &[]);
    assert_holds(
        &exited(&output, 2),
        "check `no_such_export` is not a function its glue exports",
    );
}
