//! The measuring run on WAT programs whose counts and memory follow from their text.

use super::*;
use crate::runtime::engine::Trapped;

/// A command that spins a loop `before` times, writes one byte to stdout (when `write`), spins
/// `after` times, then grows its memory by `grow` pages.
fn command(before: u32, after: u32, grow: u32, write: bool) -> Vec<u8> {
    let write = if write {
        "(drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))"
    } else {
        ""
    };
    wat::parse_str(format!(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 2)
            (data (i32.const 0) "\10\00\00\00\01\00\00\00")
            (data (i32.const 16) "x")
            (func $spin (param $n i32)
                (if (i32.eqz (local.get $n)) (then (return)))
                (loop $l
                    (br_if $l (i32.ne (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0)))))
            (func (export "_start")
                (call $spin (i32.const {before}))
                {write}
                (call $spin (i32.const {after}))
                (drop (memory.grow (i32.const {grow})))))"#
    ))
    .expect("valid fixture")
}

fn measured(module: &[u8]) -> RunCost {
    run("fixture", WasmKind::Bin, module, None).unwrap()
}

#[test]
fn two_runs_give_the_same_figures() {
    let module = command(1_000, 2_000, 3, true);
    let (a, b) = (measured(&module), measured(&module));
    assert_eq!(a.figures(), b.figures());
    // The timings are real, so they differ from run to run; they are there.
    assert!(a.compile_ms > 0.0 && a.instantiate_ms > 0.0, "{a:?}");
}

#[test]
fn memory_is_the_declared_pages_and_the_pages_grown() {
    let cost = measured(&command(10, 10, 3, true));
    assert_eq!(cost.initial_memory, 2 * 65_536);
    assert_eq!(cost.peak_memory, 5 * 65_536);
}

#[test]
fn work_moved_before_the_first_output_is_startup_and_the_total_stays() {
    let late = measured(&command(100, 10_000, 0, true));
    let early = measured(&command(10_000, 100, 0, true));
    assert_eq!(
        late.instructions, early.instructions,
        "the same work in all"
    );
    // 9,900 loop iterations moved before the write, each a handful of instructions.
    let moved = early.startup_instructions - late.startup_instructions;
    assert!(
        (9_900 * 5..=9_900 * 10).contains(&moved),
        "{moved} instructions moved: {late:?} {early:?}"
    );
    assert!(late.startup_instructions < late.instructions);
}

#[test]
fn a_command_that_never_writes_to_stdout_spends_its_whole_run_starting() {
    let cost = measured(&command(500, 500, 1, false));
    assert_eq!(cost.startup_instructions, cost.instructions);
    assert!(cost.instructions > 1_000, "{cost:?}");
}

#[test]
fn a_library_without_the_cortex_abi_costs_its_instantiation() {
    let module = wat::parse_str(
        r#"(module (memory (export "memory") 3)
            (global $g (mut i32) (i32.const 0))
            (func $init (global.set $g (i32.const 7)))
            (start $init))"#,
    )
    .unwrap();
    let cost = run("lib", WasmKind::Cdylib, &module, None).unwrap();
    assert_eq!(cost.startup_instructions, cost.instructions);
    assert!(cost.instructions >= 2, "the start function ran: {cost:?}");
    assert_eq!(
        (cost.initial_memory, cost.peak_memory),
        (3 * 65_536, 3 * 65_536)
    );
}

#[test]
fn a_trap_in_the_run_is_an_error_naming_the_artifact() {
    let err = run(
        "fixture",
        WasmKind::Bin,
        &crate::runtime::fixtures::trapping(),
        None,
    )
    .unwrap_err();
    let trapped = err.downcast_ref::<Trapped>().expect("a trap");
    assert_eq!(trapped.artifact, "fixture");
}
