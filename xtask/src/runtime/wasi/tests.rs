//! The WASI calls served by the xtask, driven from WAT programs; expected values come from the
//! preview1 specification (errno numbers, struct layouts) and from the deterministic contract.

use std::time::Duration;

use super::{link, Exited, Host};
use crate::runtime::engine::{Exit, Mode, Runtime, Trapped};

/// Runs `body` as `_start` of a module importing the calls named in `imports` (WAT import lines),
/// with one page of memory; output captured, clocks and randomness fixed.
fn run(imports: &str, body: &str, args: &[&str]) -> anyhow::Result<Exit> {
    let module = wat::parse_str(format!(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
            {imports}
            (memory (export "memory") 1)
            ;; Writes `len` bytes at `ptr` to stdout through an iovec at 0.
            (func $print (param $ptr i32) (param $len i32)
                (i32.store (i32.const 0) (local.get $ptr))
                (i32.store (i32.const 4) (local.get $len))
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
            (func (export "_start") {body}))"#
    ))?;
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    Runtime::new()?.run(
        "probe",
        &module,
        &args,
        Mode::Capture {
            limit: Duration::from_secs(30),
        },
    )
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

#[test]
fn arguments_start_with_the_artifact_name() {
    let exit = run(
        r#"(import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
           (import "wasi_snapshot_preview1" "args_get" (func $get (param i32 i32) (result i32)))"#,
        "(drop (call $sizes (i32.const 16) (i32.const 20)))
         (drop (call $get (i32.const 64) (i32.const 256)))
         (call $print (i32.const 16) (i32.const 8))
         (call $print (i32.const 64) (i32.mul (i32.load (i32.const 16)) (i32.const 4)))
         (call $print (i32.const 256) (i32.load (i32.const 20)))",
        &["one", "two"],
    )
    .unwrap();
    let argv = b"probe\0one\0two\0";
    let mut expected = Vec::new();
    expected.extend(3u32.to_le_bytes());
    expected.extend((argv.len() as u32).to_le_bytes());
    for offset in [0u32, 6, 10] {
        expected.extend((256 + offset).to_le_bytes());
    }
    expected.extend(argv);
    assert_eq!(exit.stdout, expected);
}

const CLOCK: &str = r#"(import "wasi_snapshot_preview1" "clock_time_get" (func $now (param i32 i64 i32) (result i32)))"#;

#[test]
fn deterministic_clocks_are_fixed_and_step() {
    let exit = run(
        CLOCK,
        "(drop (call $now (i32.const 0) (i64.const 1) (i32.const 16)))
         (drop (call $now (i32.const 1) (i64.const 1) (i32.const 24)))
         (drop (call $now (i32.const 1) (i64.const 1) (i32.const 32)))
         (call $print (i32.const 16) (i32.const 24))
         (call $proc_exit (call $now (i32.const 9) (i64.const 1) (i32.const 40)))",
        &[],
    )
    .unwrap();
    // 2026-01-01T00:00:00Z: 56 years after the epoch, 14 of them leap years.
    let new_year_2026 = (56 * 365 + 14) * 86_400 * 1_000_000_000u64;
    assert_eq!(u64_at(&exit.stdout, 0), new_year_2026);
    assert_eq!(
        u64_at(&exit.stdout, 16) - u64_at(&exit.stdout, 8),
        1_000_000
    );
    assert_eq!(exit.code, 28, "an unknown clock id is EINVAL");
}

#[test]
fn a_timer_passes_its_timeout_on_the_monotonic_clock() {
    // One relative clock subscription of 5 ms (userdata 77) at 128; the event lands at 512.
    let exit = run(
        &format!(
            r#"{CLOCK}
            (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))"#
        ),
        "(drop (call $now (i32.const 1) (i64.const 1) (i32.const 16)))
         (i64.store (i32.const 128) (i64.const 77))
         (i32.store8 (i32.const 136) (i32.const 0))
         (i32.store (i32.const 144) (i32.const 1))
         (i64.store (i32.const 152) (i64.const 5000000))
         (i32.store16 (i32.const 168) (i32.const 0))
         (i32.store (i32.const 40) (call $poll (i32.const 128) (i32.const 512) (i32.const 1) (i32.const 44)))
         (drop (call $now (i32.const 1) (i64.const 1) (i32.const 24)))
         (call $print (i32.const 16) (i32.const 16))
         (call $print (i32.const 40) (i32.const 8))
         (call $print (i32.const 512) (i32.const 11))",
        &[],
    )
    .unwrap();
    let out = &exit.stdout;
    // The timeout, plus the step the second reading takes.
    assert_eq!(u64_at(out, 8) - u64_at(out, 0), 5_000_000 + 1_000_000);
    assert_eq!(
        &out[16..24],
        &[0, 0, 0, 0, 1, 0, 0, 0],
        "errno 0, one event"
    );
    assert_eq!(u64_at(out, 24), 77, "the event carries the userdata");
    assert_eq!(&out[32..35], &[0, 0, 0], "no error, type clock");
}

#[test]
fn seeded_randomness_repeats_between_runs() {
    let random = || {
        run(
            r#"(import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))"#,
            "(drop (call $random (i32.const 64) (i32.const 13)))
             (call $print (i32.const 64) (i32.const 16))",
            &[],
        )
        .unwrap()
        .stdout
    };
    let first = random();
    assert_eq!(first, random());
    assert_eq!(
        &first[13..],
        &[0, 0, 0],
        "only the 13 bytes asked for are written"
    );
    assert!(
        first[..13].iter().filter(|&&b| b == 0).count() < 4,
        "{first:?}"
    );
}

#[test]
fn a_pointer_outside_memory_is_efault_not_a_trap() {
    // An iovec whose buffer runs past the end of the one 64 KiB page.
    let exit = run(
        "",
        "(i32.store (i32.const 0) (i32.const 65530))
         (i32.store (i32.const 4) (i32.const 100))
         (call $proc_exit (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))",
        &[],
    )
    .unwrap();
    assert_eq!((exit.code, exit.stdout.len()), (21, 0), "EFAULT is 21");
    let exit = run(
        "",
        "(call $proc_exit (call $fd_write (i32.const 7) (i32.const 0) (i32.const 0) (i32.const 8)))",
        &[],
    )
    .unwrap();
    assert_eq!(
        exit.code, 8,
        "a descriptor other than stdout and stderr is EBADF"
    );
}

/// Stdin is empty (a read of it succeeds with 0 bytes, its end); other descriptors are EBADF.
#[test]
fn stdin_reads_as_empty_and_other_descriptors_are_ebadf() {
    const READ: &str = r#"(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))"#;
    // One 16-byte buffer at 64, an iovec at 0, the count of bytes read at 8 (set to 99 first).
    let exit = run(
        READ,
        "(i32.store (i32.const 0) (i32.const 64))
         (i32.store (i32.const 4) (i32.const 16))
         (i32.store (i32.const 8) (i32.const 99))
         (i32.store (i32.const 12) (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
         (call $print (i32.const 8) (i32.const 8))",
        &[],
    )
    .unwrap();
    assert_eq!(
        exit.stdout,
        [0, 0, 0, 0, 0, 0, 0, 0],
        "0 bytes read, errno 0"
    );
    let exit = run(
        READ,
        "(call $proc_exit (call $read (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 8)))",
        &[],
    )
    .unwrap();
    assert_eq!(exit.code, 8, "EBADF is 8");
}

#[test]
fn other_wasi_calls_answer_enosys_or_trap_naming_the_call() {
    let exit = run(
        r#"(import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))"#,
        "(call $proc_exit (call $accept (i32.const 3) (i32.const 0) (i32.const 0)))",
        &[],
    )
    .unwrap();
    assert_eq!(exit.code, 52, "ENOSYS is 52");
    let error = run(
        r#"(import "wasi_snapshot_preview1" "made_up" (func $made_up))"#,
        "(call $made_up)",
        &[],
    )
    .unwrap_err();
    let trapped = error.downcast_ref::<Trapped>().expect("a trap");
    assert!(trapped.reason.contains("`made_up`"), "{}", trapped.reason);
}

/// Without a granted directory there is no descriptor 3: opening a path under it is `EBADF` (8),
/// and asking for its preopen is too, which ends a program's search for preopens.
#[test]
fn without_a_granted_directory_file_calls_find_no_descriptor() {
    let exit = run(
        r#"(import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
           (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))"#,
        "(call $proc_exit (i32.or
            (i32.shl (call $prestat (i32.const 3) (i32.const 16)) (i32.const 8))
            (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0))))",
        &[],
    )
    .unwrap();
    assert_eq!(exit.code, 8 << 8 | 8, "EBADF is 8");
}

/// Output past the capture limit is refused with `ENOTSUP` (58 in preview1); what fitted is kept.
#[test]
fn captured_output_stops_at_its_limit() {
    let module = wat::parse_str(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 64) "abcdef")
            (func $write (param $ptr i32) (param $len i32) (result i32)
                (i32.store (i32.const 0) (local.get $ptr))
                (i32.store (i32.const 4) (local.get $len))
                (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
            ;; Exits with the three errnos, one a byte: "abc", then "de" (5 bytes in all), then "f".
            (func (export "_start")
                (call $proc_exit (i32.or (i32.or
                    (i32.shl (call $write (i32.const 64) (i32.const 3)) (i32.const 16))
                    (i32.shl (call $write (i32.const 67) (i32.const 2)) (i32.const 8)))
                    (call $write (i32.const 69) (i32.const 1))))))"#,
    )
    .unwrap();
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, module).unwrap();
    let mut linker = wasmtime::Linker::new(&engine);
    link(&mut linker, &module).unwrap();
    let host = Host::deterministic(vec!["probe".to_owned()], 5);
    let mut store = wasmtime::Store::new(&engine, host);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .unwrap();
    let error = start.call(&mut store, ()).unwrap_err();
    assert_eq!(error.downcast_ref::<Exited>(), Some(&Exited(58)));
    assert_eq!(store.data_mut().take_output().0, b"abcde");
}

mod positioned;
