//! The `target_features` custom section: which wasm features a module was compiled with, and the
//! binaryen feature each one turns on.

use anyhow::{bail, Context};
use wasm_opt::Feature;

use crate::bytes::leb128;
use crate::failure::ConfigError;

/// The `target_features` custom section of a module.
#[derive(Debug)]
pub struct TargetFeatures {
    /// `+` (used) and `=` (required) entries; `-` (disallowed) ones are left out.
    pub features: Vec<String>,
    /// Bytes the whole section takes in the file, header included.
    pub section_bytes: u64,
}

/// The features a module was compiled with, or `None` when the section was stripped.
pub fn read(module: &[u8]) -> anyhow::Result<Option<TargetFeatures>> {
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::CustomSection(section) = payload.context("parse the module")? {
            if section.name() == "target_features" {
                let len = section.range().len() as u64;
                return Ok(Some(TargetFeatures {
                    features: parse(section.data())?,
                    // The section id, the LEB128 size, then the contents (name included).
                    section_bytes: 1 + leb128::encoded_len(len) + len,
                }));
            }
        }
    }
    Ok(None)
}

fn parse(mut data: &[u8]) -> anyhow::Result<Vec<String>> {
    const TRUNCATED: &str = "truncated or malformed target_features section";
    let count = leb128::read_u32(&mut data).context(TRUNCATED)?;
    let mut features = Vec::new();
    for _ in 0..count {
        let (&prefix, rest) = data.split_first().context(TRUNCATED)?;
        data = rest;
        let len = leb128::read_u32(&mut data).context(TRUNCATED)? as usize;
        if data.len() < len {
            bail!(TRUNCATED);
        }
        let (name, rest) = data.split_at(len);
        data = rest;
        let name = std::str::from_utf8(name).context("feature name is not UTF-8")?;
        match prefix {
            b'+' | b'=' => features.push(name.to_owned()),
            b'-' => {}
            other => bail!("unknown target_features prefix {:?}", other as char),
        }
    }
    Ok(features)
}

/// The wasm-opt feature for a name rustc writes into `target_features`.
pub fn binaryen_feature(name: &str) -> Result<Feature, ConfigError> {
    Ok(match name {
        "atomics" => Feature::Atomics,
        // `bulk-memory-opt` is the memory.copy/fill subset of bulk memory.
        "bulk-memory" | "bulk-memory-opt" => Feature::BulkMemory,
        // The overlong call_indirect encoding comes with reference types.
        "call-indirect-overlong" | "reference-types" => Feature::ReferenceTypes,
        "exception-handling" => Feature::ExceptionHandling,
        "extended-const" => Feature::ExtendedConst,
        "gc" => Feature::Gc,
        "memory64" => Feature::Memory64,
        "multimemory" => Feature::MultiMemory,
        "multivalue" => Feature::Multivalue,
        "mutable-globals" => Feature::MutableGlobals,
        "nontrapping-fptoint" => Feature::TruncSat,
        "relaxed-simd" => Feature::RelaxedSimd,
        "sign-ext" => Feature::SignExt,
        "simd128" => Feature::Simd,
        "tail-call" => Feature::TailCall,
        other => {
            return Err(ConfigError::new(
                format!(
                "the module uses the wasm feature `{other}`, which wasm-opt 0.116 does not support"
            ),
                format!("disable it (`-C target-feature=-{other}`) or upgrade the wasm-opt crate"),
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(entries: &[(u8, &str)]) -> Vec<u8> {
        let mut data = vec![entries.len() as u8];
        for (prefix, name) in entries {
            data.push(*prefix);
            data.push(name.len() as u8);
            data.extend_from_slice(name.as_bytes());
        }
        data
    }

    #[test]
    fn reads_used_and_required_features_but_not_disallowed_ones() {
        let data = section(&[(b'+', "bulk-memory"), (b'-', "simd128"), (b'=', "sign-ext")]);
        assert_eq!(parse(&data).unwrap(), ["bulk-memory", "sign-ext"]);
    }

    #[test]
    fn finds_the_section_in_a_module_and_measures_it() {
        let mut content = vec![b"target_features".len() as u8];
        content.extend_from_slice(b"target_features");
        content.extend(section(&[(b'+', "sign-ext")]));
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.push(0);
        module.push(content.len() as u8);
        module.extend(&content);

        let found = read(&module).unwrap().unwrap();
        assert_eq!(found.features, ["sign-ext"]);
        assert_eq!(found.section_bytes, module.len() as u64 - 8);
        assert!(read(b"\0asm\x01\0\0\0").unwrap().is_none());
    }

    #[test]
    fn truncated_section_is_an_error() {
        let mut data = section(&[(b'+', "bulk-memory")]);
        data.truncate(data.len() - 2);
        assert!(parse(&data).is_err());
    }

    #[test]
    fn every_feature_rustc_emits_by_default_maps_to_binaryen() {
        for name in [
            "bulk-memory",
            "bulk-memory-opt",
            "call-indirect-overlong",
            "multivalue",
            "mutable-globals",
            "nontrapping-fptoint",
            "reference-types",
            "sign-ext",
        ] {
            assert!(binaryen_feature(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn unknown_feature_names_the_feature() {
        let err = binaryen_feature("wide-arithmetic").unwrap_err().to_string();
        assert!(
            err.contains("`wide-arithmetic`") && err.contains("wasm-opt"),
            "{err}"
        );
    }
}
