//! A host in another language: `python_host/host.py` drives the optimised cortex-core module
//! through its C ABI with Python's `wasmtime` package (events, graph, bus, bad input), from the
//! virtualenv that `cargo xtask test` makes. Without that virtualenv this test fails, naming the
//! command that makes it.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::core_module::optimised_path;
use xtask::test::setup::python_host;

/// The workspace's target directory, where `cargo xtask test` makes the host.
fn target_dir() -> &'static Path {
    common::workspace_target_dir()
}

#[test]
fn a_python_host_drives_the_optimised_module_through_the_abi() {
    let target = target_dir();
    let python = python_host::python(target);
    assert!(
        python.is_file(),
        "the Python host is missing ({} does not exist): run `cargo xtask test --setup-only`, \
         or by hand: `{}`",
        python.display(),
        python_host::install_command(target)
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python_host/host.py");
    let output = Command::new(&python)
        .arg(&script)
        .arg(optimised_path())
        .output()
        .unwrap();
    let (stdout, stderr) = (common::stdout(&output), common::stderr(&output));
    assert!(
        output.status.success(),
        "the Python host failed:\n{stdout}{stderr}\n(if wasmtime is missing: `{}`)",
        python_host::install_command(target)
    );
    // Each scenario says so when its checks passed; a script that stopped early would not.
    for scenario in ["ok: events", "ok: graph", "ok: bus", "ok: bad input"] {
        assert!(
            stdout.contains(scenario),
            "the host never reported `{scenario}`:\n{stdout}{stderr}"
        );
    }
}

/// `python_host/host_fs.py` drives the optimised cortex-core-fs module granted a directory
/// (`WasiConfig.preopen_dir`): events and a node written by one instance are read back by another,
/// and paths outside the directory are refused.
#[test]
fn a_python_host_keeps_a_store_in_a_granted_directory() {
    let target = target_dir();
    let python = python_host::python(target);
    assert!(
        python.is_file(),
        "the Python host is missing ({} does not exist): run `cargo xtask test --setup-only`",
        python.display(),
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python_host/host_fs.py");
    let parent = tempfile::tempdir().unwrap();
    let granted = parent.path().join("granted");
    std::fs::create_dir(&granted).unwrap();
    let output = Command::new(&python)
        .arg(&script)
        .arg(common::fs_module::optimised_path())
        .arg(&granted)
        .output()
        .unwrap();
    let (stdout, stderr) = (common::stdout(&output), common::stderr(&output));
    assert!(
        output.status.success(),
        "the Python host failed:\n{stdout}{stderr}"
    );
    for scenario in ["ok: fs write", "ok: fs reopen", "ok: fs bad paths"] {
        assert!(
            stdout.contains(scenario),
            "the host never reported `{scenario}`:\n{stdout}{stderr}"
        );
    }
    assert!(granted.join("store/events.log").is_file());
}
