//! `fd_pread` and `fd_pwrite` on a file of the granted directory, driven from a WAT program: each
//! reads or writes at its offset and leaves the file's position where it was. Expected contents
//! follow from POSIX `pread`/`pwrite`, which preview1 names as their model.

use std::time::Duration;

use crate::runtime::engine::{Mode, Runtime};

/// Opens `f` (created), writes `abcdef`, writes `XY` at offset 2, writes `gh` at the position,
/// reads 3 bytes at offset 1, then prints what it read, how many bytes that was, and the errno of
/// each call in order (one byte each).
const PROGRAM: &str = r#"(module
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_pwrite" (func $pwrite (param i32 i32 i32 i64 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_pread" (func $pread (param i32 i32 i32 i64 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 300) "f")
    (data (i32.const 310) "abcdef")
    (data (i32.const 320) "XY")
    (data (i32.const 330) "gh")
    (global $errnos (mut i32) (i32.const 400))
    (func $note (param $errno i32)
        (i32.store8 (global.get $errnos) (local.get $errno))
        (global.set $errnos (i32.add (global.get $errnos) (i32.const 1))))
    ;; One iovec at 16 over `len` bytes at `ptr`.
    (func $iov (param $ptr i32) (param $len i32) (result i32)
        (i32.store (i32.const 16) (local.get $ptr))
        (i32.store (i32.const 20) (local.get $len))
        (i32.const 16))
    (func (export "_start") (local $fd i32)
        ;; The first granted directory is fd 3; oflags 1 creates the file.
        (call $note (call $open (i32.const 3) (i32.const 0) (i32.const 300) (i32.const 1)
            (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 8)))
        (local.set $fd (i32.load (i32.const 8)))
        (call $note (call $write (local.get $fd) (call $iov (i32.const 310) (i32.const 6)) (i32.const 1) (i32.const 12)))
        (call $note (call $pwrite (local.get $fd) (call $iov (i32.const 320) (i32.const 2)) (i32.const 1) (i64.const 2) (i32.const 12)))
        (call $note (call $write (local.get $fd) (call $iov (i32.const 330) (i32.const 2)) (i32.const 1) (i32.const 12)))
        (call $note (call $pread (local.get $fd) (call $iov (i32.const 500) (i32.const 3)) (i32.const 1) (i64.const 1) (i32.const 12)))
        (i32.store8 (i32.const 503) (i32.load (i32.const 12)))
        ;; stdout: the 3 bytes read, their count, then the five errnos.
        (drop (call $write (i32.const 1) (call $iov (i32.const 500) (i32.const 4)) (i32.const 1) (i32.const 12)))
        (drop (call $write (i32.const 1) (call $iov (i32.const 400) (i32.const 5)) (i32.const 1) (i32.const 12)))))"#;

#[test]
fn positioned_reads_and_writes_use_their_offset_and_keep_the_position() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat::parse_str(PROGRAM).unwrap();
    let runtime = Runtime::new().unwrap();
    let mode = Mode::Capture {
        limit: Duration::from_secs(30),
    };
    let host = Runtime::host("positioned", &[], mode)
        .with_dir(dir.path(), "/data")
        .unwrap();
    let compiled = runtime.compile("positioned", &module).unwrap();
    let exit = runtime.run_in("positioned", &compiled, host, mode).unwrap();
    assert_eq!(exit.code, 0, "{}", String::from_utf8_lossy(&exit.stderr));
    assert_eq!(exit.stdout, b"bXY\x03\0\0\0\0\0", "read, count, errnos");
    // `XY` replaced `cd` in place, and `gh` went where `abcdef` left the position.
    assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), b"abXYefgh");
}
