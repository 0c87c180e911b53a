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
mod tests;
