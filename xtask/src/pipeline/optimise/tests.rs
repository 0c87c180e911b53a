//! The optimiser on small modules: what ships carries no producers or target-features section, and
//! functions that differ in a constant are merged before `-Oz`.

use std::path::PathBuf;

use super::*;

/// A custom section named `name` holding `payload` (both shorter than 128 bytes).
fn custom(name: &str, payload: &[u8]) -> Vec<u8> {
    let mut content = vec![name.len() as u8];
    content.extend_from_slice(name.as_bytes());
    content.extend_from_slice(payload);
    let mut section = vec![0, content.len() as u8];
    section.extend(content);
    section
}

/// `module` written to `in.wasm` in a fresh directory and optimised as a release ships it into
/// `out.wasm` there; the directory and both paths.
fn optimised(module: &[u8]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("in.wasm"), dir.path().join("out.wasm"));
    std::fs::write(&input, module).unwrap();
    optimise_module(
        module,
        &input,
        &output,
        Names::Strip,
        None,
        PanicMode::Print,
    )
    .unwrap();
    (dir, input, output)
}

#[test]
fn what_ships_carries_no_producers_or_target_features_section() {
    let mut module =
        wat::parse_str(r#"(module (func (export "seven") (result i32) i32.const 7))"#).unwrap();
    module.extend(custom("target_features", b"\x01+\x08sign-ext"));
    // One field, "language", with one value: Rust, of no particular version.
    module.extend(custom("producers", b"\x01\x08language\x01\x04Rust\x00"));
    let (_dir, _, output) = optimised(&module);

    let optimised = std::fs::read(&output).unwrap();
    let mut customs = Vec::new();
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&optimised) {
        match payload.unwrap() {
            wasmparser::Payload::CustomSection(section) => customs.push(section.name().to_owned()),
            wasmparser::Payload::ExportSection(reader) => {
                exports.extend(reader.into_iter().map(|e| e.unwrap().name.to_owned()));
            }
            _ => {}
        }
    }
    assert_eq!(customs, Vec::<String>::new());
    assert_eq!(exports, ["seven"]);
}

/// Functions that differ only in a constant: the first run merges them before `-Oz` shapes them,
/// so what ships has fewer code bytes than `-Oz` alone makes of them (the oracle, run here
/// through the same crate).
#[test]
fn functions_that_differ_in_a_constant_are_merged_before_oz() {
    let body = |constant: u32| {
        let mut body = String::from("(local.get 0)");
        for step in 0..24 {
            body = format!(
                "(i32.rotl (i32.xor (i32.mul {body} (i32.const {})) (local.get 0)) (i32.const {step}))",
                constant + step
            );
        }
        body
    };
    // Called, not exported: an export keeps its own body.
    let mut funcs: String = (0..4)
        .map(|n| {
            format!(
                "(func $f{n} (param i32) (result i32) {})",
                body(1000 * (n + 1))
            )
        })
        .collect();
    funcs.push_str(
        r#"(func (export "all") (param i32) (result i32)
            (i32.add (i32.add (call $f0 (local.get 0)) (call $f1 (local.get 0)))
                     (i32.add (call $f2 (local.get 0)) (call $f3 (local.get 0)))))"#,
    );
    let mut module = wat::parse_str(format!("(module {funcs})")).unwrap();
    module.extend(custom("target_features", b"\x01+\x08sign-ext"));
    let (dir, input, output) = optimised(&module);
    let plain = dir.path().join("plain.wasm");
    OptimizationOptions::new_optimize_for_size_aggressively()
        .run(&input, &plain)
        .unwrap();

    // Code bytes: the custom sections the two runs keep differ on purpose.
    let code = |path: &Path| {
        let bytes = std::fs::read(path).unwrap();
        let mut size = 0;
        for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
            if let wasmparser::Payload::CodeSectionStart { size: s, .. } = payload.unwrap() {
                size = s;
            }
        }
        size
    };
    let (shipped, oz) = (code(&output), code(&plain));
    assert!(
        shipped < oz,
        "{shipped} code bytes shipped, {oz} from -Oz alone"
    );
    // Only the output is left beside it: the intermediate module is gone.
    let mut left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, ["in.wasm", "out.wasm", "plain.wasm"]);
}
