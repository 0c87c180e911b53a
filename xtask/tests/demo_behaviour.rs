//! The optimised wasm-demo prints exactly what the unoptimised one prints, and both pass their checks.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
#[path = "../src/runtime.rs"]
mod runtime;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

#[test]
fn optimised_demo_prints_what_the_unoptimised_one_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasm-builds");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["wasm", "-p", "wasm-demo"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "xtask wasm -p wasm-demo failed:\n{stderr}"
    );
    assert!(
        (stderr.contains("wasm-demo: optimised module prints the same")
            || stderr.contains(
                "wasm-demo: behaviour check skipped (modules unchanged since they passed it)"
            )),
        "the xtask checks it itself (or did for these very modules):\n{stderr}"
    );

    let raw = std::fs::read(target.join("wasm32-wasip1/wasm-release/wasm-demo.wasm")).unwrap();
    let optimised = std::fs::read(target.join("wasm-opt/wasm-demo.wasm")).unwrap();
    assert_ne!(
        raw, optimised,
        "wasm-opt changed nothing; the comparison would prove nothing"
    );
    let runtime = runtime::Runtime::new().unwrap();
    let mode = runtime::Mode::Capture {
        limit: Duration::from_secs(120),
    };
    let before = runtime.run("wasm-demo", &raw, &[], mode).unwrap();
    let after = runtime.run("wasm-demo", &optimised, &[], mode).unwrap();
    assert_eq!(
        before.code,
        0,
        "the demo's own checks failed:\n{}",
        String::from_utf8_lossy(&before.stderr)
    );
    assert!(!before.stdout.is_empty(), "the demo printed nothing");
    assert_eq!(
        String::from_utf8_lossy(&after.stdout),
        String::from_utf8_lossy(&before.stdout)
    );
    assert_eq!(after.code, before.code);
}
