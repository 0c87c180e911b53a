//! Replacing the panic handler: the oracle is wasmparser's reading of the module written (bodies,
//! sections, validation), against the module as the test wrote it.

use super::*;

/// A module shaped like a Rust one: an import, the panic handler with the formatting only it
/// calls, the allocation-error hook, and an export that may panic. Names as rustc's v0 mangling
/// gives them, so they demangle as a real module's do.
const MODULE: &str = r#"(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func $_RNvCsfLfy6EI15iL_7___rustc17rust_begin_unwind (param i32)
        (call $format (local.get 0))
        unreachable)
    (func $format (param i32)
        (drop (call $fd_write (i32.const 2) (local.get 0) (i32.const 1) (i32.const 0))))
    (func $_RNvNtCset5xJoy1xWQ_3std5alloc24default_alloc_error_hook (param i32 i32)
        (call $format (local.get 0)))
    (func (export "checked") (param i32) (result i32)
        (if (i32.gt_u (local.get 0) (i32.const 9))
            (then (call $_RNvCsfLfy6EI15iL_7___rustc17rust_begin_unwind (local.get 0))))
        (i32.mul (local.get 0) (i32.const 2))))"#;

/// Each function body's bytes, in code-section order, and the names of the custom sections.
fn read(module: &[u8]) -> (Vec<Vec<u8>>, Vec<String>) {
    let mut bodies = Vec::new();
    let mut customs = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        match payload.unwrap() {
            Payload::CodeSectionEntry(body) => bodies.push(body.as_bytes().to_vec()),
            Payload::CustomSection(section) => customs.push(section.name().to_owned()),
            _ => {}
        }
    }
    (bodies, customs)
}

#[test]
fn the_handler_and_the_hook_trap_and_nothing_else_changes() {
    let module = wat::parse_str(MODULE).unwrap();
    let (before, customs) = read(&module);
    assert_eq!(customs, ["name"], "the test module carries names");

    let trapping = apply(&module, KeepNames::No).unwrap();

    wasmparser::Validator::new()
        .validate_all(&trapping)
        .unwrap();
    let (after, customs) = read(&trapping);
    // Bodies 0 and 2 are the handler and the hook (the import is function 0, not a body).
    assert_eq!(after[0], TRAP_BODY);
    assert_eq!(after[2], TRAP_BODY);
    assert_eq!(after[1], before[1]);
    assert_eq!(after[3], before[3]);
    assert_eq!(customs, Vec::<String>::new());
}

#[test]
fn names_stay_when_asked_for() {
    let module = wat::parse_str(MODULE).unwrap();
    let trapping = apply(&module, KeepNames::Yes).unwrap();
    let (after, customs) = read(&trapping);
    assert_eq!(after[0], TRAP_BODY);
    assert_eq!(customs, ["name"]);
}

#[test]
fn a_module_without_names_or_without_the_handler_is_refused() {
    let unnamed = wat::parse_str(MODULE).unwrap();
    let unnamed = apply(&unnamed, KeepNames::No).unwrap();
    assert_eq!(apply(&unnamed, KeepNames::No), Err(PanicTrapError::NoNames));

    let no_handler = wat::parse_str(MODULE.replace(
        "_RNvCsfLfy6EI15iL_7___rustc17rust_begin_unwind",
        "my_handler",
    ))
    .unwrap();
    let err = apply(&no_handler, KeepNames::No).unwrap_err();
    assert_eq!(err, PanicTrapError::NoHandler);
    assert!(
        err.to_string().contains("__rustc::rust_begin_unwind"),
        "{err}"
    );
}

#[test]
fn a_module_that_never_allocates_needs_no_hook() {
    let module = wat::parse_str(MODULE.replace(
        "_RNvNtCset5xJoy1xWQ_3std5alloc24default_alloc_error_hook",
        "other",
    ))
    .unwrap();
    let (before, _) = read(&module);
    let (after, _) = read(&apply(&module, KeepNames::No).unwrap());
    assert_eq!(after[0], TRAP_BODY);
    assert_eq!(after[2], before[2]);
}

#[test]
fn the_name_section_is_measured_whole() {
    let module = wat::parse_str(MODULE).unwrap();
    let unnamed = apply(&module, KeepNames::No).unwrap();
    let named = apply(&module, KeepNames::Yes).unwrap();
    assert_eq!(
        sections::custom_bytes(&named, "name"),
        (named.len() - unnamed.len()) as u64
    );
    assert_eq!(sections::custom_bytes(&unnamed, "name"), 0);
}

#[test]
fn bytes_that_are_not_a_module_are_refused() {
    assert!(matches!(
        apply(b"\0asm\x01\0\0\0\x0a\x05\x01", KeepNames::No),
        Err(PanicTrapError::Malformed(_))
    ));
}
