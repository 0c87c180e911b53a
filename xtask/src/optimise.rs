//! wasm-opt -Oz through the `wasm-opt` crate, with the features the module declares.

use std::fs;
use std::path::Path;

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};
use wasm_opt::{Feature, FeatureBaseline, OptimizationOptions, Pass};

/// Bumped when the options below change, so the content-hash skip never reuses a stale output.
const OPTIONS_TAG: &str = "wasm-opt 0.116 -Oz validate strip-target-features v1";

/// Optimise `input` for size into `output` (written atomically).
///
/// `keep_names` keeps the name section, so functions can be attributed; what ships has it stripped.
pub(crate) fn optimise(input: &Path, output: &Path, keep_names: bool) -> anyhow::Result<()> {
    let module = fs::read(input).with_context(|| format!("read {}", input.display()))?;
    let section = target_features(&module)
        .with_context(|| format!("read the target_features section of {}", input.display()))?;
    let Some(section) = section else {
        bail!(
            "{} has no target_features section, so its wasm features are unknown; \
             link it with `-C link-arg=--keep-section=target_features` (as `cargo xtask wasm` does)",
            input.display()
        );
    };

    let mut options = OptimizationOptions::new_optimize_for_size_aggressively();
    options.passopts.validate = true;
    options.passopts.debug_info = keep_names;
    options.features.baseline = FeatureBaseline::MvpOnly;
    for name in &section.features {
        options.features.enabled.insert(binaryen_feature(name)?);
    }
    // The section was kept only to read it here; what ships does not carry it.
    options.add_pass(Pass::StripTargetFeatuers);

    let dir = output
        .parent()
        .with_context(|| format!("{} has no parent directory", output.display()))?;
    fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let staged = tempfile::Builder::new()
        .suffix(".wasm")
        .tempfile_in(dir)
        .with_context(|| format!("create a temporary file in {}", dir.display()))?;
    options
        .run(input, staged.path())
        .with_context(|| format!("wasm-opt -Oz {}", input.display()))?;
    staged
        .persist(output)
        .with_context(|| format!("move the optimised module to {}", output.display()))?;
    Ok(())
}

/// Like [`optimise`], but a no-op when `input` is byte-identical to the last run's (with the same
/// `keep_names`). Returns whether wasm-opt ran.
pub(crate) fn optimise_if_changed(
    input: &Path,
    output: &Path,
    keep_names: bool,
) -> anyhow::Result<bool> {
    let module = fs::read(input).with_context(|| format!("read {}", input.display()))?;
    let mut hasher = Sha256::new();
    hasher.update(OPTIONS_TAG.as_bytes());
    hasher.update(if keep_names {
        "names kept"
    } else {
        "names stripped"
    });
    hasher.update(&module);
    let hash = format!("{:x}\n", hasher.finalize());

    let stamp = output.with_extension("wasm.input-sha256");
    let unchanged = output.exists() && fs::read_to_string(&stamp).is_ok_and(|old| old == hash);
    if unchanged {
        return Ok(false);
    }
    optimise(input, output, keep_names)?;
    crate::atomic::write(&stamp, hash.as_bytes())?;
    Ok(true)
}

/// The `target_features` custom section of a module.
#[derive(Debug)]
pub(crate) struct TargetFeatures {
    /// `+` (used) and `=` (required) entries; `-` (disallowed) ones are left out.
    pub(crate) features: Vec<String>,
    /// Bytes the whole section takes in the file, header included.
    pub(crate) section_bytes: u64,
}

/// The features a module was compiled with, or `None` when the section was stripped.
pub(crate) fn target_features(module: &[u8]) -> anyhow::Result<Option<TargetFeatures>> {
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::CustomSection(section) = payload.context("parse the module")? {
            if section.name() == "target_features" {
                let len = section.range().len() as u64;
                let leb_len = (64 - len.max(1).leading_zeros() as u64).div_ceil(7);
                return Ok(Some(TargetFeatures {
                    features: parse_target_features(section.data())?,
                    section_bytes: 1 + leb_len + len,
                }));
            }
        }
    }
    Ok(None)
}

fn parse_target_features(mut data: &[u8]) -> anyhow::Result<Vec<String>> {
    let count = read_leb_u32(&mut data)?;
    let mut features = Vec::new();
    for _ in 0..count {
        let (&prefix, rest) = data
            .split_first()
            .context("truncated target_features section")?;
        data = rest;
        let len = read_leb_u32(&mut data)? as usize;
        if data.len() < len {
            bail!("truncated target_features section");
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

fn read_leb_u32(data: &mut &[u8]) -> anyhow::Result<u32> {
    let mut value: u32 = 0;
    for shift in (0..35).step_by(7) {
        let (&byte, rest) = data
            .split_first()
            .context("truncated target_features section")?;
        *data = rest;
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    bail!("malformed LEB128 in target_features section")
}

/// The wasm-opt feature for a name rustc writes into `target_features`.
pub(crate) fn binaryen_feature(name: &str) -> anyhow::Result<Feature> {
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
        other => bail!(
            "the module uses the wasm feature `{other}`, which wasm-opt 0.116 does not support; \
             disable it (`-C target-feature=-{other}`) or upgrade the wasm-opt crate"
        ),
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
        assert_eq!(
            parse_target_features(&data).unwrap(),
            ["bulk-memory", "sign-ext"]
        );
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

        let found = target_features(&module).unwrap().unwrap();
        assert_eq!(found.features, ["sign-ext"]);
        assert_eq!(found.section_bytes, module.len() as u64 - 8);
        assert!(target_features(b"\0asm\x01\0\0\0").unwrap().is_none());
    }

    #[test]
    fn truncated_section_is_an_error() {
        let mut data = section(&[(b'+', "bulk-memory")]);
        data.truncate(data.len() - 2);
        assert!(parse_target_features(&data).is_err());
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
