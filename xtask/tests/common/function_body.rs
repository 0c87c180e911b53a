//! A function's body size read straight from a module with wasmparser, the oracle the xtask's own
//! attribution is checked against.

use std::path::Path;

/// The bytes of the body of the function named `needle` (its size prefix included) in a module
/// with a name section, read directly with wasmparser.
pub fn body_bytes(module: &Path, needle: &str) -> u64 {
    let bytes = std::fs::read(module).unwrap();
    let mut imported = 0u32;
    let mut bodies = Vec::new();
    let mut wanted = None;
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.unwrap() {
            wasmparser::Payload::ImportSection(imports) => {
                for import in imports {
                    if matches!(import.unwrap().ty, wasmparser::TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            wasmparser::Payload::CodeSectionEntry(body) => {
                let len = body.range().len() as u64;
                let prefix = (64 - len.leading_zeros()).div_ceil(7).max(1) as u64;
                bodies.push(len + prefix);
            }
            wasmparser::Payload::CustomSection(section) => {
                if let wasmparser::KnownCustom::Name(names) = section.as_known() {
                    for name in names {
                        if let wasmparser::Name::Function(map) = name.unwrap() {
                            for naming in map {
                                let naming = naming.unwrap();
                                if naming.name.contains(needle) {
                                    wanted = Some(naming.index);
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let index = wanted.unwrap_or_else(|| panic!("no function {needle} in {}", module.display()));
    bodies[(index - imported) as usize]
}
