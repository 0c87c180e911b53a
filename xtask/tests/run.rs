//! `cargo xtask run`: exit codes, stdout passthrough, traps and missing artifacts, on small WAT programs.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::assert_holds;

/// Prints its first argument and a newline to stdout, "bye" to stderr, then exits with 7.
const ECHO: &str = r#"(module
    (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 32) "\nbye")
    (func $write (param $fd i32) (param $ptr i32) (param $len i32)
        (i32.store (i32.const 16) (local.get $ptr))
        (i32.store (i32.const 20) (local.get $len))
        (drop (call $fd_write (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24))))
    (func (export "_start") (local $arg i32) (local $len i32)
        (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
        (drop (call $args_get (i32.const 256) (i32.const 1024)))
        (local.set $arg (i32.load (i32.const 260)))
        (block $end (loop $next
            (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $arg) (local.get $len)))))
            (local.set $len (i32.add (local.get $len) (i32.const 1)))
            (br $next)))
        (call $write (i32.const 1) (local.get $arg) (local.get $len))
        (call $write (i32.const 1) (i32.const 32) (i32.const 1))
        (call $write (i32.const 2) (i32.const 33) (i32.const 3))
        (call $proc_exit (i32.const 7))))"#;

fn xtask(args: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap()
}

/// `xtask run` on the program `wat`, written to `<name>.wasm`, with `args` after its path.
fn run_program(name: &str, wat: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.wasm"));
    std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
    xtask(&[&["run", path.to_str().unwrap()], args].concat())
}

/// The stderr of `xtask run ARTIFACT`, which must be refused as a usage error (exit 2).
fn usage_error(artifact: &str) -> String {
    let output = xtask(&["run", artifact]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    stderr
}

#[test]
fn passes_arguments_streams_output_and_exits_with_the_programs_code() {
    let output = run_program("echo", ECHO, &["--", "hello, world"]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "hello, world\n");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("bye"),
        "stderr streams through too"
    );
    assert_eq!(output.status.code(), Some(7));
}

#[test]
fn a_program_returning_from_start_exits_with_zero() {
    let output = run_program(
        "quiet",
        r#"(module (memory (export "memory") 1) (func (export "_start")))"#,
        &[],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn a_trap_names_the_artifact_and_fails() {
    let output = run_program(
        "crasher",
        r#"(module (func (export "_start") unreachable))"#,
        &[],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`crasher` trapped") && stderr.contains("unreachable"),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(134));
}

#[test]
fn a_missing_artifact_is_a_usage_error() {
    let stderr = usage_error("no-such-artifact");
    assert_holds(
        &stderr,
        "no artifact `no-such-artifact` in size-budget.toml",
    );
    assert!(
        stderr.contains("wasm-demo"),
        "the error lists the artifacts there are: {stderr}"
    );
    let stderr = usage_error("/nonexistent/missing.wasm");
    assert_holds(&stderr, "cannot read /nonexistent/missing.wasm");
}

#[test]
fn a_library_artifact_is_not_runnable() {
    let stderr = usage_error("cortex-core");
    assert_holds(&stderr, "`cortex-core` is a library module");
}
