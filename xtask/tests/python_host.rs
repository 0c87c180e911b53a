//! A host in another language: `python_host/host.py` drives the optimised cortex-core module
//! through its C ABI with Python's `wasmtime` package (events, graph, bus, bad input), from the
//! virtualenv that `cargo xtask test` makes. Without that virtualenv this test fails, naming the
//! command that makes it.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use common::core_module::optimised_path;
use xtask::test::setup::python_host;

/// Runs the Python host's `script` (under `tests/python_host/`) with `args`, from the virtualenv
/// that `cargo xtask test` makes, and checks it succeeded and reported every one of `scenarios`
/// (each scenario says so when its checks passed; a script that stopped early would not).
fn run_host(script: &str, args: &[&OsStr], scenarios: &[&str]) {
    // The workspace's target directory, where `cargo xtask test` makes the host.
    let target = common::workspace_target_dir();
    let python = python_host::python(target);
    assert!(
        python.is_file(),
        "the Python host is missing ({} does not exist): run `cargo xtask test --setup-only`, \
         or by hand: `{}`",
        python.display(),
        python_host::install_command(target)
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python_host")
        .join(script);
    let output = Command::new(&python)
        .arg(&script)
        .args(args)
        .output()
        .unwrap();
    let (stdout, stderr) = (common::stdout(&output), common::stderr(&output));
    assert!(
        output.status.success(),
        "the Python host failed:\n{stdout}{stderr}\n(if wasmtime is missing: `{}`)",
        python_host::install_command(target)
    );
    for scenario in scenarios {
        assert!(
            stdout.contains(scenario),
            "the host never reported `{scenario}`:\n{stdout}{stderr}"
        );
    }
}

#[test]
fn a_python_host_drives_the_optimised_module_through_the_abi() {
    run_host(
        "host.py",
        &[optimised_path().as_os_str()],
        &["ok: events", "ok: graph", "ok: bus", "ok: bad input"],
    );
}

/// `python_host/host_fs.py` drives the optimised cortex-core-fs module granted a directory
/// (`WasiConfig.preopen_dir`): events and a node written by one instance are read back by another,
/// and paths outside the directory are refused.
#[test]
fn a_python_host_keeps_a_store_in_a_granted_directory() {
    let parent = tempfile::tempdir().unwrap();
    let granted = parent.path().join("granted");
    std::fs::create_dir(&granted).unwrap();
    run_host(
        "host_fs.py",
        &[
            common::fs_module::optimised_path().as_os_str(),
            granted.as_os_str(),
        ],
        &["ok: fs write", "ok: fs reopen", "ok: fs bad paths"],
    );
    assert!(granted.join("store/events.log").is_file());
}
