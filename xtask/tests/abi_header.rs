//! `cortex-core/include/cortex.h` against the optimised module: every declared function is an
//! export with the same wasm signature, every function export is declared and named `cortex_…`,
//! and the header's version and error codes are the ones the module answers with.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::core_module::{fresh, optimised_bytes};
use wasmparser::{ExternalKind, Parser, Payload, TypeRef, ValType};
use xtask::runtime::cortex_abi;

/// A wasm function signature, written as the header test compares it: `(i32, i64) -> i32`.
type Signature = String;

fn render(params: &[&str], results: &[&str]) -> Signature {
    format!("({}) -> ({})", params.join(", "), results.join(", "))
}

/// The wasm type a C type of the header lowers to on wasm32.
fn wasm_type(c_type: &str) -> Result<&'static str, String> {
    match c_type {
        "int32_t" | "uint32_t" => Ok("i32"),
        "int64_t" | "uint64_t" => Ok("i64"),
        "double" => Ok("f64"),
        "float" => Ok("f32"),
        other => Err(format!(
            "the header uses the C type `{other}`, which the test cannot lower"
        )),
    }
}

fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("/*") {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find("*/")
            .expect("an unterminated comment in the header");
        rest = &rest[at + end + 2..];
    }
    out.push_str(rest);
    out
}

/// The header's function declarations (name -> signature) and `#define`s (name -> text).
fn parse_header(text: &str) -> (BTreeMap<String, Signature>, BTreeMap<String, String>) {
    let text = strip_comments(text);
    let mut defines = BTreeMap::new();
    let mut code = String::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(define) = line.strip_prefix("#define ") {
            let (name, value) = define.split_once(' ').unwrap_or((define, ""));
            defines.insert(name.to_owned(), value.trim().to_owned());
        } else if !line.starts_with('#') {
            code.push_str(line);
            code.push(' ');
        }
    }
    let mut functions = BTreeMap::new();
    for declaration in code.split(';') {
        let Some((head, params)) = declaration.split_once('(') else {
            continue;
        };
        let head: Vec<&str> = head.split_whitespace().collect();
        let (Some(name), Some(result)) = (head.last(), head.len().checked_sub(2).map(|i| head[i]))
        else {
            continue;
        };
        let params = params.trim().trim_end_matches(')');
        let params: Vec<&str> = params
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty() && *p != "void")
            .map(|p| wasm_type(p.split_whitespace().next().unwrap()).unwrap())
            .collect();
        let results: Vec<&str> = match result {
            "void" => vec![],
            c_type => vec![wasm_type(c_type).unwrap()],
        };
        let previous = functions.insert((*name).to_owned(), render(&params, &results));
        assert!(previous.is_none(), "the header declares `{name}` twice");
    }
    (functions, defines)
}

fn val(ty: &ValType) -> &'static str {
    match ty {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        ValType::Ref(_) => "ref",
    }
}

/// The module's function exports (name -> signature), read with wasmparser.
fn module_exports(module: &[u8]) -> BTreeMap<String, Signature> {
    let mut types = Vec::new();
    let mut functions = Vec::new();
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        match payload.unwrap() {
            Payload::TypeSection(section) => {
                for ty in section.into_iter_err_on_gc_types() {
                    types.push(ty.unwrap());
                }
            }
            Payload::ImportSection(section) => {
                for import in section {
                    if let TypeRef::Func(ty) = import.unwrap().ty {
                        functions.push(ty);
                    }
                }
            }
            Payload::FunctionSection(section) => {
                for ty in section {
                    functions.push(ty.unwrap());
                }
            }
            Payload::ExportSection(section) => {
                for export in section {
                    let export = export.unwrap();
                    if export.kind == ExternalKind::Func {
                        exports.push((export.name.to_owned(), export.index));
                    }
                }
            }
            _ => {}
        }
    }
    exports
        .into_iter()
        .map(|(name, index)| {
            let ty = &types[functions[index as usize] as usize];
            let params: Vec<_> = ty.params().iter().map(val).collect();
            let results: Vec<_> = ty.results().iter().map(val).collect();
            (name, render(&params, &results))
        })
        .collect()
}

fn header_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cortex-core/include/cortex.h");
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[test]
fn the_header_declares_exactly_the_modules_exports() {
    let (declared, _) = parse_header(&header_text());
    let exported = module_exports(&optimised_bytes());
    let mut problems = Vec::new();
    for (name, signature) in &exported {
        if !name.starts_with("cortex_") {
            problems.push(format!("export `{name}` lacks the `cortex_` prefix"));
        }
        match declared.get(name) {
            None => problems.push(format!(
                "export `{name}` {signature} is not declared in cortex.h"
            )),
            Some(header) if header != signature => problems.push(format!(
                "`{name}`: cortex.h declares {header}, the module exports {signature}"
            )),
            Some(_) => {}
        }
    }
    for (name, signature) in &declared {
        if !exported.contains_key(name) {
            problems.push(format!(
                "cortex.h declares `{name}` {signature}, which the module does not export"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "cortex-core/include/cortex.h and the optimised module disagree:\n  {}",
        problems.join("\n  ")
    );
    assert!(
        exported.len() >= 30,
        "only {} exports: {exported:?}",
        exported.len()
    );
}

#[test]
fn the_headers_version_and_codes_are_the_modules() {
    let (_, defines) = parse_header(&header_text());
    let number = |name: &str| -> i64 {
        let text = defines
            .get(name)
            .unwrap_or_else(|| panic!("cortex.h lacks {name}"));
        text.trim_matches(|c| c == '(' || c == ')').parse().unwrap()
    };
    let mut abi = fresh();
    assert_eq!(
        number("CORTEX_ABI_VERSION"),
        i64::from(abi.abi_version().unwrap()),
        "CORTEX_ABI_VERSION against cortex_abi_version()"
    );
    // Each code is provoked in the module, so the header's number is what a host really sees.
    let h = abi.store_open().unwrap();
    let out = abi.put(&[0; 64]).unwrap();
    let id = abi.put(&[1; 32]).unwrap();
    let label = abi.put(b"n").unwrap();
    assert_eq!(abi.put_node(h, id, (label, 1)).unwrap(), 0);
    let ghost = abi.put(&[2; 32]).unwrap();
    let end = i32::try_from(abi.memory_len()).unwrap();
    let provoked = [
        (
            "CORTEX_E_BAD_POINTER",
            i64::from(abi.get_node(h, end - 4, (out, 64)).unwrap()),
        ),
        ("CORTEX_E_BAD_HANDLE", abi.event_count(9999).unwrap()),
        (
            "CORTEX_E_INVALID",
            i64::from(abi.neighbors(h, id, 9, (out, 64)).unwrap()),
        ),
        (
            "CORTEX_E_BUFFER_SMALL",
            i64::from(abi.get_node(h, id, (out, 1)).unwrap()),
        ),
        (
            "CORTEX_E_MISSING_NODE",
            i64::from(abi.put_edge(h, id, ghost, (label, 1), 1.0).unwrap()),
        ),
        (
            "CORTEX_E_NOT_FOUND",
            i64::from(abi.get_node(h, ghost, (out, 64)).unwrap()),
        ),
    ];
    for (name, code) in provoked {
        assert_eq!(
            number(name),
            code,
            "{name} against what the module returned"
        );
    }
    // The rest are compared with the host's constants, which other tests provoke.
    for (name, code) in [
        ("CORTEX_E_FULL", cortex_abi::E_FULL),
        ("CORTEX_E_CLOSED", cortex_abi::E_CLOSED),
    ] {
        assert_eq!(number(name), i64::from(code), "{name}");
    }
}

#[test]
fn the_parser_reads_multi_line_declarations_and_lowers_types() {
    let (functions, defines) = parse_header(
        "/* a comment; with a ( */\n#define X (-3)\nint64_t f(int32_t a,\n    double b);\nint32_t g(void);\n",
    );
    assert_eq!(functions["f"], "(i32, f64) -> (i64)");
    assert_eq!(functions["g"], "() -> (i32)");
    assert_eq!(functions.len(), 2);
    assert_eq!(defines["X"], "(-3)");
}
