//! The optimised wasm-demo prints exactly what the unoptimised one prints and what the native build
//! prints, and all of them pass their checks.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use xtask::runtime;

#[test]
fn optimised_demo_prints_what_the_unoptimised_one_prints() {
    let gate = common::build_with_xtask("wasm-demo", "optimised module prints the same");
    let raw = std::fs::read(gate.join("modules/wasm-demo/shipped.wasm")).unwrap();
    let optimised = std::fs::read(gate.join("opt/wasm-demo.wasm")).unwrap();
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

/// The native demo binary of the workspace's test build: the one `examples/wasm-demo/tests/summary.rs`
/// runs, found by asking cargo for that build with the test build's own selection (see
/// [`common::NATIVE_DEMO_BUILD`]), so it is the very unit the test build compiled and nothing is
/// compiled again.
fn native_demo() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = common::succeeded(
        Command::new(cargo)
            .args(common::NATIVE_DEMO_BUILD)
            .args(["--quiet", "--message-format=json"])
            .current_dir(common::workspace_root())
            .env("CARGO_TARGET_DIR", common::workspace_target_dir()),
        "building the native demo",
    );
    let executables: Vec<PathBuf> = cargo_metadata::Message::parse_stream(&output.stdout[..])
        .filter_map(|message| match message.unwrap() {
            cargo_metadata::Message::CompilerArtifact(built)
                if built.target.name == "wasm-demo" && !built.profile.test =>
            {
                built.executable.map(PathBuf::from)
            }
            _ => None,
        })
        .collect();
    match &executables[..] {
        [demo] => demo.clone(),
        other => panic!("cargo reported {other:?} for the native wasm-demo, not one binary"),
    }
}

/// What the native demo prints when it passes its checks.
fn native_demo_stdout() -> Vec<u8> {
    let demo = native_demo();
    let what = format!("the native demo ({})", demo.display());
    common::succeeded(&mut Command::new(&demo), &what).stdout
}

#[test]
fn the_optimised_wasm_demo_prints_what_the_native_one_prints() {
    let gate = common::build_with_xtask("wasm-demo", "optimised module prints the same");
    let optimised = std::fs::read(gate.join("opt/wasm-demo.wasm")).unwrap();
    let runtime = runtime::Runtime::new().unwrap();
    let mode = runtime::Mode::Capture {
        limit: Duration::from_secs(120),
    };
    let wasm = runtime.run("wasm-demo", &optimised, &[], mode).unwrap();
    assert_eq!(wasm.code, 0, "{}", String::from_utf8_lossy(&wasm.stderr));
    let native = native_demo_stdout();
    assert!(!native.is_empty(), "the native demo printed nothing");
    assert_eq!(
        String::from_utf8_lossy(&wasm.stdout),
        String::from_utf8_lossy(&native),
        "the demo promises the same summary natively and on wasm32-wasip1"
    );
}
