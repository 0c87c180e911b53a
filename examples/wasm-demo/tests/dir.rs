//! `--dir PATH`, natively: a second run on the same directory finds the events the first one left.

use std::path::Path;
use std::process::Command;

/// The `dir` line of a run of the demo on `dir`.
fn dir_line(dir: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_wasm-demo"))
        .arg("--dir")
        .arg(dir)
        .output()
        .expect("run wasm-demo");
    let stdout = String::from_utf8(output.stdout).expect("utf-8 stdout");
    assert!(output.status.success(), "{}:\n{stdout}", output.status);
    let line = stdout.lines().find(|line| line.starts_with("dir "));
    line.expect("a dir line")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_second_run_finds_what_the_first_left() {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("demo-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(dir_line(&dir), "dir found=0 appended=96 left=96");
    assert_eq!(dir_line(&dir), "dir found=96 appended=96 left=192");
    std::fs::remove_dir_all(&dir).expect("remove the directory");
}

#[test]
fn a_bad_argument_is_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_wasm-demo"))
        .arg("--dri")
        .output()
        .expect("run wasm-demo");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("usage: wasm-demo [--dir PATH]"), "{stderr}");
}
