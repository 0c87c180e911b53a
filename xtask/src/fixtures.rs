//! WASI programs written as WAT for the tests, and the embedded runtime's tests on them.

use std::time::Duration;

use crate::runtime::{Mode, Runtime, Trapped};

/// A WASI command that writes `text` to stdout, then exits with `code` (`None`: returns from `_start`).
pub(crate) fn command(text: &str, code: Option<i32>) -> Vec<u8> {
    let exit = code.map_or_else(String::new, |code| {
        format!("(call $proc_exit (i32.const {code}))")
    });
    let text: String = text.bytes().map(|b| format!("\\{b:02x}")).collect();
    let len = text.len() / 3;
    wat::parse_str(format!(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 64) "{text}")
            (func (export "_start")
                (i32.store (i32.const 0) (i32.const 64))
                (i32.store (i32.const 4) (i32.const {len}))
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                {exit}))"#
    ))
    .expect("valid fixture")
}

pub(crate) fn trapping() -> Vec<u8> {
    wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#)
        .expect("valid")
}

fn capture() -> Mode {
    Mode::Capture {
        limit: Duration::from_secs(30),
    }
}

#[test]
fn captures_stdout_and_the_exit_code() {
    let runtime = Runtime::new().unwrap();
    let exit = runtime
        .run("hello", &command("hello\nworld\n", Some(3)), &[], capture())
        .unwrap();
    assert_eq!(
        (exit.code, exit.stdout.as_slice()),
        (3, &b"hello\nworld\n"[..])
    );
    let exit = runtime
        .run("hello", &command("done\n", None), &[], capture())
        .unwrap();
    assert_eq!(
        (exit.code, exit.stdout.as_slice()),
        (0, &b"done\n"[..]),
        "returning from _start exits with 0"
    );
}

#[test]
fn a_trap_is_an_error_naming_the_artifact() {
    let runtime = Runtime::new().unwrap();
    let error = runtime
        .run("crasher", &trapping(), &[], capture())
        .unwrap_err();
    let trapped = error.downcast_ref::<Trapped>().expect("a Trapped error");
    assert_eq!(trapped.artifact, "crasher");
    assert!(
        error.to_string().starts_with("`crasher` trapped: ")
            && error.to_string().contains("unreachable"),
        "{error}"
    );
}

#[test]
fn an_endless_loop_stops_at_the_limit() {
    let module = wat::parse_str(r#"(module (func (export "_start") (loop $l (br $l))))"#).unwrap();
    let runtime = Runtime::new().unwrap();
    let error = runtime
        .run(
            "spin",
            &module,
            &[],
            Mode::Capture {
                limit: Duration::from_millis(200),
            },
        )
        .unwrap_err();
    assert!(
        error.to_string().contains("did not finish within"),
        "{error}"
    );
}

#[test]
fn a_library_without_start_is_not_a_command() {
    let module =
        wat::parse_str(r#"(module (func (export "f") (result i32) i32.const 1))"#).unwrap();
    let runtime = Runtime::new().unwrap();
    let error = runtime.run("lib", &module, &[], capture()).unwrap_err();
    assert!(format!("{error:#}").contains("no `_start`"), "{error:#}");
    assert!(runtime.instantiate("lib", &module).is_ok());
}
