//! Reading a module's sections and function bodies into an [`Attribution`].

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use wasmparser::{ExternalKind, KnownCustom, Name, Parser, Payload, TypeRef};

use super::symbols::{crate_of, demangle, MERGED_PREFIX};
use super::{Attribution, FunctionSize};
use crate::bytes::leb128;

/// Reads a module's sections and function bodies; names come from its name section, if any.
/// `own_crate` gets the unmangled functions the module exports: its `#[no_mangle]` C ABI.
pub fn attribute(module: &[u8], own_crate: &str) -> Result<Attribution> {
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
                bodies.push(len + leb128::encoded_len(len));
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
    // A body merged from exports (`MERGED_PREFIX` and an export's name) is the module's own code too.
    let export_names: HashSet<&str> = exported
        .iter()
        .filter_map(|index| names.get(index))
        .map(|raw| raw.trim_end_matches(".command_export"))
        .collect();
    let own = |index: u32, raw: &str| {
        let merged_from = raw.strip_prefix(MERGED_PREFIX).unwrap_or(raw);
        exported.contains(&index)
            || export_names.contains(merged_from.trim_end_matches(".command_export"))
    };
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
                    extern_ if extern_ == "[extern]" && own(index, raw) => own_crate.to_owned(),
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
