//! What the wasm tests share: one artifact built and optimised through the xtask itself.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `xtask wasm -p <package>` from the workspace root into a target dir the tests own (warm on
/// reruns), asserts it succeeded and that the xtask verified the optimised module itself (`verified` is
/// the line it prints for that), and returns that target dir.
pub fn build_with_xtask(package: &str, verified: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasm-builds");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["wasm", "-p", package])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "xtask wasm -p {package} failed:\n{stderr}"
    );
    let skipped =
        format!("{package}: behaviour check skipped (modules unchanged since they passed it)");
    assert!(
        stderr.contains(&format!("{package}: {verified}")) || stderr.contains(&skipped),
        "the xtask checks it itself (or did for these very modules):\n{stderr}"
    );
    target
}
