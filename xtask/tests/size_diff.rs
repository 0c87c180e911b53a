//! `size-diff` end to end: the `tiny` fixture crate made into a git repository, with commits that add
//! and remove a function, a commit without the size gate and one that does not build.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::function_body::body_bytes;
use common::git::{git, init_repository};
use common::{assert_holds, exited, stderr, stdout, TinyCrate, WITH_CHECKSUM};

const BUDGET: &str = "[artifact.tiny]\nbudget = \"1 MiB\"\n";

fn json(output: &std::process::Output) -> serde_json::Value {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The change listed for `name` in the report's only artifact.
fn function<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let functions = report["artifacts"][0]["functions"].as_array().unwrap();
    functions
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("{name} not among {functions:#?}"))
}

/// Functions plus sections make up the file's Δ, and the file sizes are those of the modules.
fn assert_adds_up(report: &serde_json::Value, before_module: &Path, after_module: &Path) {
    let artifact = &report["artifacts"][0];
    let field = |side: &str| artifact[side]["opt_bytes"].as_i64().unwrap();
    assert_eq!(
        field("before"),
        before_module.metadata().unwrap().len() as i64
    );
    assert_eq!(
        field("after"),
        after_module.metadata().unwrap().len() as i64
    );
    let delta =
        |v: &serde_json::Value| v["after"].as_i64().unwrap() - v["before"].as_i64().unwrap();
    let functions: i64 = artifact["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(delta)
        .sum();
    let sections: i64 = artifact["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(delta)
        .sum();
    assert_eq!(
        functions + sections,
        field("after") - field("before"),
        "{artifact:#}"
    );
}

#[test]
fn size_diff_shows_added_and_removed_functions_with_deltas_that_add_up() {
    let fixture = TinyCrate::new("size-diff", BUDGET);
    let dir = fixture.dir.path();
    let original = fixture.read("src/main.rs");
    init_repository(
        dir,
        &["Cargo.toml", "src", "rust-toolchain.toml"],
        "before the size gate",
    );
    git(dir, &["tag", "no-gate"]);
    git(dir, &["add", "size-budget.toml"]);
    git(dir, &["commit", "-qm", "size gate"]);
    git(dir, &["checkout", "-q", "-b", "broken"]);
    fixture.write("src/main.rs", "fn main() { this does not compile }\n");
    git(dir, &["commit", "-qam", "broken"]);
    git(dir, &["checkout", "-q", "-"]);
    fixture.write("src/main.rs", WITH_CHECKSUM);
    git(dir, &["commit", "-qam", "a checksum"]);

    // HEAD adds a function; the base is its parent.
    let summary = dir.join("summary.md");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["size-diff", "--base", "HEAD~1", "--json"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &fixture.target_dir)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let report = json(&output);
    assert_eq!(report["base"]["ref"], "HEAD~1");
    let parent = report["base"]["commit"].as_str().unwrap().to_owned();
    assert_eq!(parent.len(), 40);
    let named = fixture.gate_dir().join("opt/named/tiny.wasm");
    let bytes = body_bytes(&named, "checksum_of_words");
    let added = function(&report, "tiny::checksum_of_words");
    assert_eq!(
        (
            &added["crate"],
            &added["before"],
            added["after"].as_u64(),
            &added["change"]
        ),
        (&"tiny".into(), &0.into(), Some(bytes), &"added".into())
    );
    let base_module = fixture
        .target_dir
        .join(format!("size-diff/{parent}/wasm-opt/tiny.wasm"));
    let head_module = fixture.gate_dir().join("opt/tiny.wasm");
    assert_adds_up(&report, &base_module, &head_module);
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert_holds(&markdown, "### Size diff: tiny");
    assert_holds(
        &markdown,
        &format!("| `tiny::checksum_of_words` | `tiny` | added | 0 | {bytes} | +{bytes} |"),
    );

    // The same base again: nothing is built for it.
    let output = fixture.xtask(&["size-diff", "--base", "HEAD~1"]);
    exited(&output, 0);
    let err = stderr(&output);
    assert_holds(&err, "sizes remembered, nothing to build");
    assert!(!err.contains("): building tiny"), "{err}");
    let text = stdout(&output);
    assert!(
        text.lines()
            .any(|l| l.contains("added") && l.contains("tiny::checksum_of_words (tiny)")),
        "{text}"
    );

    // The working tree, not committed, takes the function out again.
    fixture.write("src/main.rs", &original);
    let report = json(&fixture.xtask(&["size-diff", "--json"]));
    let removed = function(&report, "tiny::checksum_of_words");
    assert_eq!(
        (&removed["before"], &removed["after"], &removed["change"]),
        (&bytes.into(), &0.into(), &"removed".into())
    );
    let head = report["base"]["commit"].as_str().unwrap();
    let base_module = fixture
        .target_dir
        .join(format!("size-diff/{head}/wasm-opt/tiny.wasm"));
    assert_adds_up(&report, &base_module, &head_module);

    // Refs it cannot compare with: exit 2, naming the ref.
    for (reference, expected) in [
        ("no-such-ref", "unknown git ref `no-such-ref`"),
        ("no-gate", "base `no-gate` ("),
        ("broken", "base `broken` ("),
    ] {
        let output = fixture.xtask(&["size-diff", "--base", reference]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{reference}: {err}");
        assert!(err.contains(expected), "{reference}: {err}");
    }
    let err = stderr(&fixture.xtask(&["size-diff", "--base", "no-gate"]));
    assert_holds(&err, "has no size-budget.toml");
    let err = stderr(&fixture.xtask(&["size-diff", "--base", "broken"]));
    assert_holds(&err, "does not build tiny");
}
