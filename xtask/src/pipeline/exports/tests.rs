//! Narrowing exports: the oracle is wasmparser's reading of the module written, and wasmtime
//! validating it.

use super::*;

fn module() -> Vec<u8> {
    wat::parse_str(
        r#"(module
            (memory (export "memory") 1)
            (func $alloc (export "malloc") (param i32) (result i32) local.get 0)
            (func (export "cortex_one") (result i32) i32.const 1)
            (func (export "cortex_two") (result i32) (call $alloc (i32.const 2)))
            (global (export "cortex_global") i32 (i32.const 3)))"#,
    )
    .unwrap()
}

fn exports(module: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::ExportSection(reader) = payload.unwrap() {
            names.extend(reader.into_iter().map(|e| e.unwrap().name.to_owned()));
        }
    }
    names
}

fn patterns(list: &[&str]) -> Vec<String> {
    list.iter().map(|p| (*p).to_owned()).collect()
}

#[test]
fn only_the_matching_exports_stay_and_the_module_stays_valid() {
    let narrowed = keep(&module(), &patterns(&["cortex_*", "memory"])).unwrap();
    assert_eq!(
        exports(&narrowed),
        ["memory", "cortex_one", "cortex_two", "cortex_global"]
    );
    wasmparser::Validator::new()
        .validate_all(&narrowed)
        .unwrap();
    // Everything but the export section is as it was: the function `malloc` is still there.
    assert_eq!(narrowed.len(), module().len() - "malloc".len() - 3);
}

#[test]
fn a_pattern_that_matches_nothing_is_an_error_naming_what_is_exported() {
    let err = keep(&module(), &patterns(&["cortex_*", "_start"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "export pattern \"_start\" matches nothing the module exports \
         (memory, malloc, cortex_one, cortex_two, cortex_global)"
    );
    let bare = wat::parse_str("(module)").unwrap();
    assert_eq!(
        keep(&bare, &patterns(&["memory"])).unwrap_err().to_string(),
        "export pattern \"memory\" matches nothing: the module exports nothing"
    );
}

#[test]
fn bytes_that_are_not_a_module_are_refused() {
    assert!(matches!(
        keep(b"nope", &[]),
        Err(ExportsError::Malformed(_))
    ));
    let mut cut = module();
    cut.truncate(cut.len() - 3);
    assert!(matches!(keep(&cut, &[]), Err(ExportsError::Malformed(_))));
}
