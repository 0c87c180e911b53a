//! Where a module's bytes go: each function's code, grouped by crate, and the section totals.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{Context, Result};
use wasmparser::{ExternalKind, KnownCustom, Name, Parser, Payload, TypeRef};

/// The bytes of one function body in the code section, its size prefix included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FunctionSize {
    /// Demangled, without hash suffixes; `[unnamed]` when the module has no name for it.
    pub(crate) name: String,
    pub(crate) krate: String,
    pub(crate) bytes: u64,
}

/// A module's bytes, split so that `code + data + custom + other == file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribution {
    pub(crate) file: u64,
    /// The whole code section: the functions plus `code_framing`.
    pub(crate) code: u64,
    /// Section id, size and count of the code section.
    pub(crate) code_framing: u64,
    pub(crate) data: u64,
    /// Custom sections: names, producers, target features, debug info.
    pub(crate) custom: u64,
    pub(crate) name_section: u64,
    /// The 8-byte header and every other section (types, imports, exports, tables, ...).
    pub(crate) other: u64,
    /// Largest first.
    pub(crate) functions: Vec<FunctionSize>,
}

impl Attribution {
    /// Code bytes per crate, largest first.
    pub(crate) fn by_crate(&self) -> Vec<(String, u64)> {
        let mut crates: BTreeMap<&str, u64> = BTreeMap::new();
        for function in &self.functions {
            *crates.entry(&function.krate).or_default() += function.bytes;
        }
        let mut crates: Vec<_> = crates
            .into_iter()
            .map(|(name, bytes)| (name.to_owned(), bytes))
            .collect();
        crates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        crates
    }

    pub(crate) fn function_bytes(&self) -> u64 {
        self.code - self.code_framing
    }
}

/// Reads a module's sections and function bodies; names come from its name section, if any.
/// `own_crate` gets the unmangled functions the module exports: its `#[no_mangle]` C ABI.
pub(crate) fn attribute(module: &[u8], own_crate: &str) -> Result<Attribution> {
    const HEADER: usize = 8;
    let mut attribution = Attribution {
        file: module.len() as u64,
        code: 0,
        code_framing: 0,
        data: 0,
        custom: 0,
        name_section: 0,
        other: HEADER as u64,
        functions: Vec::new(),
    };
    let mut imported_functions = 0u32;
    let mut bodies: Vec<u64> = Vec::new();
    let mut names: HashMap<u32, String> = HashMap::new();
    let mut exported = HashSet::new();
    let mut section_end = HEADER;
    for payload in Parser::new(0).parse_all(module) {
        let payload = payload.context("parse the module")?;
        match &payload {
            Payload::ImportSection(imports) => {
                for import in imports.clone() {
                    if matches!(
                        import.context("read an import")?.ty,
                        TypeRef::Func(_) | TypeRef::FuncExact(_)
                    ) {
                        imported_functions += 1;
                    }
                }
            }
            Payload::ExportSection(exports) => {
                for export in exports.clone() {
                    let export = export.context("read an export")?;
                    if export.kind == ExternalKind::Func {
                        exported.insert(export.index);
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let len = body.range().len() as u64;
                bodies.push(len + leb128_len(len));
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(reader) = section.as_known() {
                    for name in reader {
                        if let Name::Function(map) = name.context("read the name section")? {
                            for naming in map {
                                let naming = naming.context("read a function name")?;
                                names.insert(naming.index, naming.name.to_owned());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        // A section's extent runs from the end of the previous one, so its id and size count too.
        if let Some((id, range)) = payload.as_section() {
            let bytes = (range.end - section_end) as u64;
            section_end = range.end;
            match id {
                0 => {
                    attribution.custom += bytes;
                    if let Payload::CustomSection(section) = &payload {
                        if section.name() == "name" {
                            attribution.name_section += bytes;
                        }
                    }
                }
                10 => attribution.code += bytes,
                11 => attribution.data += bytes,
                _ => attribution.other += bytes,
            }
        }
    }
    attribution.code_framing = attribution.code - bodies.iter().sum::<u64>();
    attribution.functions = bodies
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| {
            let index = imported_functions + i as u32;
            let name = names
                .get(&index)
                .map_or_else(|| "[unnamed]".to_owned(), |raw| demangle(raw));
            let krate = match names.get(&index) {
                None => "[unnamed]".to_owned(),
                Some(raw) => match crate_of(raw, &name) {
                    extern_ if extern_ == "[extern]" && exported.contains(&index) => {
                        own_crate.to_owned()
                    }
                    krate => krate,
                },
            };
            FunctionSize { name, krate, bytes }
        })
        .collect();
    attribution
        .functions
        .sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    Ok(attribution)
}

fn leb128_len(mut value: u64) -> u64 {
    let mut len = 1;
    while value >= 0x80 {
        value >>= 7;
        len += 1;
    }
    len
}

/// A symbol as a reader wants it: demangled, hash and `.llvm.N` suffixes gone.
pub(crate) fn demangle(raw: &str) -> String {
    match rustc_demangle::try_demangle(raw) {
        Ok(symbol) => format!("{symbol:#}"),
        // `.command_export` marks the wrapper wasm-ld puts around an export of a command module.
        Err(_) => raw
            .split(".llvm.")
            .next()
            .unwrap_or(raw)
            .trim_end_matches(".command_export")
            .to_owned(),
    }
}

/// The crate a function belongs to: the root of its path, or for `<Type as Trait>::f` the crate of
/// the type (of the trait when the type is a primitive or a generic parameter).
pub(crate) fn crate_of(raw: &str, demangled: &str) -> String {
    if rustc_demangle::try_demangle(raw).is_err() {
        // Not a Rust path: the allocator shims and panic entry points belong to std; the rest are
        // `#[no_mangle]` exports and C code such as wasi-libc.
        let std_shim = [
            "__rust_",
            "__rdl_",
            "__rg_",
            "rust_begin_unwind",
            "rust_panic",
        ];
        return if std_shim.iter().any(|prefix| raw.starts_with(prefix)) {
            "std"
        } else {
            "[extern]"
        }
        .to_owned();
    }
    match crate_of_path(demangled) {
        // Symbols rustc gives to std's allocator shims and panic entry points.
        "__rustc" => "std".to_owned(),
        krate => krate.to_owned(),
    }
}

fn crate_of_path(demangled: &str) -> &str {
    let Some(qualified) = demangled.strip_prefix('<') else {
        return root(demangled).unwrap_or("[unknown]");
    };
    let self_type = qualified.trim_start_matches(['&', '*', '[', '(', ' ']);
    let self_type = ["mut ", "const ", "dyn "]
        .iter()
        .fold(self_type, |s, p| s.strip_prefix(p).unwrap_or(s));
    if let Some(krate) = root(self_type) {
        return krate;
    }
    // `<u64 as core::fmt::Display>::fmt`: fall back to the trait's crate; `<char>::escape_debug_ext`, an
    // inherent method of a primitive, lives in core.
    match qualified.find(" as ") {
        Some(at) => root(&qualified[at + 4..]).unwrap_or("[unknown]"),
        None => "core",
    }
}

/// The first segment of a `a::b::c` path, if it has more than one segment.
fn root(path: &str) -> Option<&str> {
    let end = path.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    (end > 0 && path[end..].starts_with("::")).then_some(&path[..end])
}

#[cfg(test)]
#[path = "attribution_tests.rs"]
pub(crate) mod tests;
