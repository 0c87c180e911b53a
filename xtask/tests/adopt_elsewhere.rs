//! The README's path for another workspace, end to end: the xtask binary run from the root of a
//! throwaway workspace outside this one, with a WASI binary and a wasm-bindgen library and no
//! `wasm-release` profile at first.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::git::git;
use common::{assert_holds, exited, stderr, stdout};

const BUDGET: &str = "[artifact.cli]\nbudget = \"1 MiB\"\n\n[artifact.greet]\nbudget = \"1 MiB\"\n";

const PROFILE: &str = "\n[profile.wasm-release]\ninherits = \"release\"\nopt-level = \"z\"\n\
                       lto = true\ncodegen-units = 1\npanic = \"abort\"\nstrip = true\n";

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A workspace of two members: `cli`, a WASI program, and `greet`, the wasm-bindgen fixture.
fn throwaway_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bindgen");
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"cli\", \"greet\"]\nresolver = \"2\"\n",
    );
    write(
        root,
        "cli/Cargo.toml",
        "[package]\nname = \"cli\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
    );
    write(
        root,
        "cli/src/main.rs",
        "fn main() {\n    println!(\"hello\");\n}\n",
    );
    write(
        root,
        "greet/Cargo.toml",
        "[package]\nname = \"greet\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\nwasm-bindgen = \"=0.2.100\"\n",
    );
    let lib = std::fs::read_to_string(fixture.join("src/lib.rs")).unwrap();
    write(root, "greet/src/lib.rs", &lib);
    // The fixture's lock pins wasm-bindgen; cargo adds the other member to it.
    std::fs::copy(fixture.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    let toolchain = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rust-toolchain.toml");
    std::fs::copy(toolchain, root.join("rust-toolchain.toml")).unwrap();
    write(root, "size-budget.toml", BUDGET);
    dir
}

/// The installed binary, run from the workspace's root; the target dir is the one the wasm-bindgen
/// tests share, so the CLI is installed there once.
fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root)
        .env(
            "CARGO_TARGET_DIR",
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bindgen"),
        )
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("WASM_BINDGEN")
        .output()
        .unwrap()
}

#[test]
fn another_workspace_gets_the_profile_error_then_records_checks_fails_a_growth_and_diffs() {
    let dir = throwaway_workspace();
    let root = dir.path();

    let output = xtask(root, &["size-check"]);
    exited(&output, 2);
    assert_holds(
        &stderr(&output),
        "[profile.wasm-release]\ninherits = \"release\"",
    );

    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    write(root, "Cargo.toml", &(manifest + PROFILE));
    let output = xtask(root, &["size-check", "--update"]);
    exited(&output, 0);
    let table = stdout(&output);
    assert!(
        table.lines().next().unwrap().contains("glue (gzip)"),
        "{table}"
    );
    assert!(
        table.contains("\ncli ") && table.contains("\ngreet "),
        "{table}"
    );
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "the size gate"]);

    let output = xtask(root, &["size-check"]);
    exited(&output, 0);

    // Formatting a float pulls in core's float printing: growth the gate fails and explains.
    write(
        root,
        "cli/src/main.rs",
        "fn main() {\n    println!(\"hello {}\", std::hint::black_box(1.5f64) * 2.0);\n}\n",
    );
    let output = xtask(root, &["size-check"]);
    exited(&output, 1);
    let err = stderr(&output);
    assert_holds(&err, "error: cli: grew beyond its tolerance");
    assert_holds(&err, "functions that grew most");

    let output = xtask(root, &["size-diff", "--base", "HEAD"]);
    exited(&output, 0);
    let diff = stdout(&output);
    assert!(diff.contains("cli") && diff.contains("f64"), "{diff}");
}
