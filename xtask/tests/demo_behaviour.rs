//! The optimised wasm-demo prints exactly what the unoptimised one prints, and both pass their checks.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use xtask::runtime;

#[test]
fn optimised_demo_prints_what_the_unoptimised_one_prints() {
    let target = common::build_with_xtask("wasm-demo", "optimised module prints the same");
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
