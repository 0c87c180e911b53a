//! `size-history` on a git repository the test writes: the sizes and growth at each commit that
//! changed the baseline, a broken baseline skipped, a shallow clone, the errors outside git, and
//! the SVG chart parsed by a real browser with one point per commit.
#![allow(clippy::unwrap_used)]

mod browser;
mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{assert_holds, exited, stderr, stdout, TinyCrate};
use serde_json::{json, Value};

fn git(dir: &Path, args: &[&str], day: u32) {
    let date = format!("2026-11-{day:02}T12:00:00Z");
    let output = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "size history")
        .env("GIT_AUTHOR_EMAIL", "history@example.invalid")
        .env("GIT_COMMITTER_NAME", "size history")
        .env("GIT_COMMITTER_EMAIL", "history@example.invalid")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
}

fn commit(tiny: &TinyCrate, file: &str, contents: &str, subject: &str, day: u32) {
    tiny.write(file, contents);
    git(tiny.dir.path(), &["add", "-A"], day);
    git(tiny.dir.path(), &["commit", "-q", "-m", subject], day);
}

fn baseline(artifacts: &[(&str, u64, u64, Option<u64>)]) -> String {
    let mut all = serde_json::Map::new();
    for &(name, opt, gzip, brotli) in artifacts {
        let mut entry = json!({"raw_bytes": opt * 2, "opt_bytes": opt, "gzip_bytes": gzip});
        if let Some(brotli) = brotli {
            entry["brotli_bytes"] = brotli.into();
        }
        all.insert(name.to_owned(), entry);
    }
    serde_json::to_string_pretty(&json!({ "artifacts": all })).unwrap()
}

fn xtask_in(dir: &Path, tiny: &TinyCrate, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &tiny.target_dir)
        .output()
        .unwrap()
}

fn json_of(output: &Output) -> Value {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    serde_json::from_str(&stdout(output)).unwrap()
}

#[test]
fn the_history_lists_each_baseline_commit_skips_a_broken_one_and_charts_them() {
    let tiny = TinyCrate::new("size-history-tiny", "[artifact.tiny]\nbudget = \"1 MiB\"\n");

    let outside = tiny.xtask(&["size-history"]);
    exited(&outside, 2);
    assert!(
        stderr(&outside).contains("is not in a git repository")
            && stderr(&outside).contains("fix: "),
        "{}",
        stderr(&outside)
    );

    git(tiny.dir.path(), &["init", "-q"], 1);
    commit(
        &tiny,
        ".gitignore",
        "/Cargo.lock\n",
        "the crate, no baseline yet",
        1,
    );
    let none = tiny.xtask(&["size-history"]);
    exited(&none, 2);
    assert_holds(&stderr(&none), "holds size-baseline.json");

    let file = "size-baseline.json";
    commit(
        &tiny,
        file,
        &baseline(&[("tiny", 1000, 500, None)]),
        "first sizes",
        2,
    );
    commit(
        &tiny,
        file,
        &baseline(&[("tiny", 1200, 560, Some(480)), ("gone", 300, 200, None)]),
        "tiny grows, gone arrives",
        3,
    );
    commit(
        &tiny,
        file,
        "{\n  \"artifacts\": {\n    \"tiny\": [\n",
        "a broken baseline",
        4,
    );
    commit(&tiny, "notes.txt", "unrelated\n", "an unrelated change", 5);
    commit(
        &tiny,
        file,
        &baseline(&[("tiny", 1100, 530, Some(470))]),
        "tiny shrinks",
        6,
    );

    let output = tiny.xtask(&["size-history", "--json"]);
    let history = json_of(&output);
    assert!(
        stderr(&output).contains("changed in 4 of the 6 commits")
            && stderr(&output).contains("1 skipped"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        (history["commits_seen"].clone(), history["shallow"].clone()),
        (json!(4), json!(false))
    );
    let tiny_points = &history["artifacts"][0]["points"];
    assert_eq!(history["artifacts"][0]["artifact"], "tiny");
    assert_eq!(history["artifacts"][0]["budget_bytes"], 1 << 20);
    let shown: Vec<Value> = tiny_points
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            json!([
                p["subject"],
                p["date"],
                p["opt_bytes"],
                p["opt_delta"],
                p["brotli_bytes"]
            ])
        })
        .collect();
    assert_eq!(
        shown,
        [
            json!(["first sizes", "2026-11-02", 1000, null, null]),
            json!(["tiny grows, gone arrives", "2026-11-03", 1200, 200, 480]),
            json!(["tiny shrinks", "2026-11-06", 1100, -100, 470]),
        ]
    );
    assert_eq!(history["artifacts"][1]["artifact"], "gone");
    assert_eq!(history["artifacts"][1]["budget_bytes"], Value::Null);
    assert_eq!(history["skipped"][0]["subject"], "a broken baseline");
    assert!(
        history["skipped"][0]["error"]
            .as_str()
            .unwrap()
            .contains("does not parse: line"),
        "{history}"
    );

    let table = stdout(&tiny.xtask(&["size-history", "-p", "tiny"]));
    assert!(table.starts_with("tiny (budget 1.00 MiB)\n"), "{table}");
    assert!(
        !table.contains("\ngone ("),
        "-p picks one artifact: {table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.contains(" 1200 ") && l.contains(" +200 ")),
        "{table}"
    );
    assert!(
        table.contains("skipped:\n") && table.contains("a broken baseline"),
        "{table}"
    );
    let unknown = tiny.xtask(&["size-history", "-p", "nosuch"]);
    exited(&unknown, 2);

    // The chart, parsed by the browser as SVG: one point per commit of each artifact, the budget line.
    let svg = tiny.path("history.svg");
    let written = tiny.xtask(&["size-history", "--svg", svg.to_str().unwrap()]);
    exited(&written, 0);
    let mut browser = browser::Browser::launch(1000, 700);
    browser.open(&svg);
    assert_eq!(
        browser.eval("[document.documentElement.namespaceURI, document.documentElement.localName, document.getElementsByTagName('parsererror').length]"),
        json!(["http://www.w3.org/2000/svg", "svg", 0])
    );
    let points = browser.eval(
        "Object.fromEntries([...document.querySelectorAll('g.artifact')].map(g => [g.dataset.artifact, \
         [[...g.querySelectorAll('circle.point')].map(c => c.dataset.commit), g.querySelectorAll('line.budget').length]]))",
    );
    let commits = |artifact: usize| -> Vec<Value> {
        history["artifacts"][artifact]["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["commit"].clone())
            .collect()
    };
    assert_eq!(
        points,
        json!({"tiny": [commits(0), 1], "gone": [commits(1), 0]})
    );

    // A shallow clone of the last two commits: the boundary commit carries the broken baseline.
    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", tiny.dir.path().display());
    git(
        Path::new("/"),
        &[
            "clone",
            "-q",
            "--depth",
            "2",
            &url,
            shallow.path().to_str().unwrap(),
        ],
        7,
    );
    let output = xtask_in(shallow.path(), &tiny, &["size-history", "--json"]);
    let history = json_of(&output);
    assert_holds(&stderr(&output), "the clone is shallow");
    assert_eq!(
        (
            history["shallow"].clone(),
            history["commits_in_clone"].clone(),
            history["commits_seen"].clone()
        ),
        (json!(true), json!(2), json!(2))
    );
    assert_eq!(history["artifacts"][0]["points"][0]["opt_bytes"], 1100);
    assert_eq!(
        history["artifacts"][0]["points"][0]["opt_delta"],
        Value::Null
    );
    assert_eq!(history["skipped"][0]["subject"], "an unrelated change");
}
