//! wasm-opt -Oz through the `wasm-opt` crate, with the features the module declares.
//!
//! Two runs: first functions that differ only in constants are merged and the control flow is
//! rebuilt from scratch (`--merge-similar-functions --flatten --rereloop`), then `-Oz` shrinks that
//! further than it shrinks rustc's own shapes, for a fraction of a second more per module. Two runs
//! rather than one, since the crate runs added passes after its -Oz pipeline, never before. Before
//! them, an artifact with `panic = "trap"` has std's panic handler replaced by a trap
//! (`panic_trap.rs`), and one with `exports` keeps only those.

use std::path::Path;

use anyhow::{anyhow, bail, Context};
use wasm_opt::{FeatureBaseline, OptimizationOptions, Pass};

use crate::failure::ConfigError;
use crate::files::atomic;
use crate::files::stamp::Stamp;
use crate::pipeline::build::KEPT_SECTION;
use crate::pipeline::exports;
use crate::pipeline::panic_trap::{self, KeepNames};
use crate::pipeline::target_features::{self, binaryen_feature};
use crate::project::PanicMode;

/// Bumped when the options below change, so the content stamp never vouches for a stale output.
pub const OPTIONS_TAG: &str = "wasm-opt 0.116 merge-similar-functions flatten rereloop, then -Oz \
     validate strip-target-features strip-producers v3";

/// Whether the optimised module keeps its name section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// As it ships.
    Strip,
    /// For attributing bytes to functions.
    Keep,
}

/// Optimises `module` (read from `input`) for size into `output`, written atomically, with only the
/// exports `exports` matches when it is given, and panics as `panic` says.
fn optimise_module(
    module: &[u8],
    input: &Path,
    output: &Path,
    names: Names,
    exports: Option<&[String]>,
    panic: PanicMode,
) -> anyhow::Result<()> {
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
    let mut reshape = options.clone();
    reshape.passes.add_default_passes = false;
    for pass in [Pass::MergeSimilarFunctions, Pass::Flatten, Pass::Rereloop] {
        reshape.add_pass(pass);
    }
    // The section was kept only to read it here; what ships does not carry it, nor the producers
    // section (which toolchain made the module), which no host reads.
    options.add_pass(Pass::StripTargetFeatuers);
    options.add_pass(Pass::StripProducers);

    // The reshaped module is an intermediate: a temporary file beside the output, removed on drop.
    let dir = output
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let reshaped = tempfile::Builder::new()
        .suffix(".wasm")
        .tempfile_in(dir)
        .with_context(|| format!("create a temporary file in {}", dir.display()))?;
    // The panic handler goes first, while its name is still there to find it by.
    let trapping;
    let module = match panic {
        PanicMode::Print => module,
        PanicMode::Trap => {
            let keep_names = match names {
                Names::Strip => KeepNames::No,
                Names::Keep => KeepNames::Yes,
            };
            trapping = panic_trap::apply(module, keep_names).map_err(|err| {
                let fix = match err {
                    panic_trap::PanicTrapError::Malformed(_) => {
                        return anyhow!("{}: {err}", input.display())
                    }
                    // Built by `cargo xtask wasm --no-opt`, which links it as the profile says.
                    panic_trap::PanicTrapError::NoNames => {
                        "build it again for the optimiser: `cargo xtask size-check` without \
                         --no-build, or `cargo xtask wasm` without --no-opt, links it with names"
                    }
                    panic_trap::PanicTrapError::NoHandler => {
                        "`panic = \"trap\"` is for a Rust module built with std; drop the key \
                         from the artifact in size-budget.toml"
                    }
                };
                anyhow::Error::new(ConfigError::new(format!("{}: {err}", input.display()), fix))
            })?;
            &trapping[..]
        }
    };
    // Exports are narrowed next, so the optimiser sees which functions nothing outside calls.
    let rewritten;
    let input = match (exports, panic) {
        (None, PanicMode::Print) => input,
        (exports, _) => {
            let module = match exports {
                None => module.to_vec(),
                Some(patterns) => keep_exports(module, patterns, input)?,
            };
            rewritten = tempfile::Builder::new()
                .suffix(".wasm")
                .tempfile_in(dir)
                .with_context(|| format!("create a temporary file in {}", dir.display()))?;
            std::fs::write(rewritten.path(), module)
                .with_context(|| format!("write {}", rewritten.path().display()))?;
            rewritten.path()
        }
    };
    reshape.run(input, reshaped.path()).with_context(|| {
        format!(
            "wasm-opt --merge-similar-functions --flatten --rereloop {}",
            input.display()
        )
    })?;
    atomic::write_with(output, |staged| {
        options
            .run(reshaped.path(), staged)
            .with_context(|| format!("wasm-opt -Oz {}", input.display()))
    })
}

/// `module` (read from `input`) with only the exports `patterns` match.
fn keep_exports(module: &[u8], patterns: &[String], input: &Path) -> anyhow::Result<Vec<u8>> {
    exports::keep(module, patterns).map_err(|err| match err {
        // A pattern that names nothing is the budget file's mistake: exit 2, with the fix.
        exports::ExportsError::Unmatched { .. } => anyhow::Error::new(ConfigError::new(
            format!("{}: {err}", input.display()),
            "list what the module exports in the artifact's `exports` in size-budget.toml, \
             or drop the key to keep every export",
        )),
        exports::ExportsError::Malformed(_) => anyhow!("{}: {err}", input.display()),
    })
}

/// Optimises `input` for size into `output`, unless `input` is byte-identical to the last run's (with
/// the same `names`, `exports` and `panic`). Returns whether wasm-opt ran.
pub fn optimise_if_changed(
    input: &Path,
    output: &Path,
    names: Names,
    exports: Option<&[String]>,
    panic: PanicMode,
) -> anyhow::Result<bool> {
    let module = std::fs::read(input).with_context(|| format!("read {}", input.display()))?;
    let names_tag: &[u8] = match names {
        Names::Strip => b"names stripped",
        Names::Keep => b"names kept",
    };
    let exports_tag = match exports {
        Some(patterns) => format!("exports {}", patterns.join(" ")),
        None => "every export".to_owned(),
    };
    let panic_tag: &[u8] = match panic {
        PanicMode::Print => b"panics print",
        PanicMode::Trap => b"panics trap",
    };
    let stamp = Stamp::new(
        output,
        "input-sha256",
        &[
            OPTIONS_TAG.as_bytes(),
            names_tag,
            exports_tag.as_bytes(),
            panic_tag,
            &module,
        ],
    );
    if stamp.is_current(output) {
        return Ok(false);
    }
    optimise_module(&module, input, output, names, exports, panic)?;
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

        optimise_module(
            &module,
            &input,
            &output,
            Names::Strip,
            None,
            PanicMode::Print,
        )
        .unwrap();

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
        let dir = tempfile::tempdir().unwrap();
        let (input, output) = (dir.path().join("in.wasm"), dir.path().join("out.wasm"));
        std::fs::write(&input, &module).unwrap();

        optimise_module(
            &module,
            &input,
            &output,
            Names::Strip,
            None,
            PanicMode::Print,
        )
        .unwrap();
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
}
