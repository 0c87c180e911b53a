//! Git run in a test's fixture repository, as a throwaway author, failing the test when it fails.

use std::path::Path;
use std::process::Command;

use super::stderr;

/// `git ARGS` in `dir`; the test fails with git's stderr when it does.
pub fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
}

/// Makes `dir` a git repository whose first commit, `message`, holds `files` and a `.gitignore`
/// that keeps `Cargo.lock` out.
pub fn init_repository(dir: &Path, files: &[&str], message: &str) {
    std::fs::write(dir.join(".gitignore"), "Cargo.lock\n").unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &[&["add", ".gitignore"], files].concat());
    git(dir, &["commit", "-qm", message]);
}
