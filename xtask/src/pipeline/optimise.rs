//! wasm-opt -Oz through the `wasm-opt` crate, with the features the module declares.

use std::path::Path;

use anyhow::{bail, Context};
use wasm_opt::{FeatureBaseline, OptimizationOptions, Pass};

use crate::files::atomic;
use crate::files::stamp::Stamp;
use crate::pipeline::build::KEPT_SECTION;
use crate::pipeline::target_features::{self, binaryen_feature};

/// Bumped when the options below change, so the content stamp never vouches for a stale output.
pub const OPTIONS_TAG: &str =
    "wasm-opt 0.116 -Oz validate strip-target-features strip-producers v2";

/// Whether the optimised module keeps its name section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// As it ships.
    Strip,
    /// For attributing bytes to functions.
    Keep,
}

/// Optimises `module` (read from `input`) for size into `output`, written atomically.
fn optimise_module(module: &[u8], input: &Path, output: &Path, names: Names) -> anyhow::Result<()> {
    let section = target_features::read(module)
        .with_context(|| format!("read the {KEPT_SECTION} section of {}", input.display()))?;
    let Some(section) = section else {
        bail!(
            "{} has no {KEPT_SECTION} section, so its wasm features are unknown; \
             link it with `-C link-arg=--keep-section={KEPT_SECTION}` (as `cargo xtask wasm` does)",
            input.display()
        );
    };

    let mut options = OptimizationOptions::new_optimize_for_size_aggressively();
    options.passopts.validate = true;
    options.passopts.debug_info = names == Names::Keep;
    options.features.baseline = FeatureBaseline::MvpOnly;
    for name in &section.features {
        options.features.enabled.insert(binaryen_feature(name)?);
    }
    // The section was kept only to read it here; what ships does not carry it, nor the producers
    // section (which toolchain made the module), which no host reads.
    options.add_pass(Pass::StripTargetFeatuers);
    options.add_pass(Pass::StripProducers);

    atomic::write_with(output, |staged| {
        options
            .run(input, staged)
            .with_context(|| format!("wasm-opt -Oz {}", input.display()))
    })
}

/// Optimises `input` for size into `output`, unless `input` is byte-identical to the last run's (with
/// the same `names`). Returns whether wasm-opt ran.
pub fn optimise_if_changed(input: &Path, output: &Path, names: Names) -> anyhow::Result<bool> {
    let module = std::fs::read(input).with_context(|| format!("read {}", input.display()))?;
    let names_tag: &[u8] = match names {
        Names::Strip => b"names stripped",
        Names::Keep => b"names kept",
    };
    let stamp = Stamp::new(
        output,
        "input-sha256",
        &[OPTIONS_TAG.as_bytes(), names_tag, &module],
    );
    if stamp.is_current(output) {
        return Ok(false);
    }
    optimise_module(&module, input, output, names)?;
    stamp.record()?;
    Ok(true)
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn what_ships_carries_no_producers_or_target_features_section() {
        let mut module =
            wat::parse_str(r#"(module (func (export "seven") (result i32) i32.const 7))"#).unwrap();
        module.extend(custom("target_features", b"\x01+\x08sign-ext"));
        // One field, "language", with one value: Rust, of no particular version.
        module.extend(custom("producers", b"\x01\x08language\x01\x04Rust\x00"));
        let dir = tempfile::tempdir().unwrap();
        let (input, output) = (dir.path().join("in.wasm"), dir.path().join("out.wasm"));
        std::fs::write(&input, &module).unwrap();

        optimise_module(&module, &input, &output, Names::Strip).unwrap();

        let optimised = std::fs::read(&output).unwrap();
        let mut customs = Vec::new();
        let mut exports = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(&optimised) {
            match payload.unwrap() {
                wasmparser::Payload::CustomSection(section) => {
                    customs.push(section.name().to_owned())
                }
                wasmparser::Payload::ExportSection(reader) => {
                    exports.extend(reader.into_iter().map(|e| e.unwrap().name.to_owned()));
                }
                _ => {}
            }
        }
        assert_eq!(customs, Vec::<String>::new());
        assert_eq!(exports, ["seven"]);
    }
}
