//! wasm-opt -Oz through the `wasm-opt` crate, with the features the module declares.

use std::path::Path;

use anyhow::{bail, Context};
use wasm_opt::{FeatureBaseline, OptimizationOptions, Pass};

use crate::files::atomic;
use crate::files::stamp::Stamp;
use crate::pipeline::build::KEPT_SECTION;
use crate::pipeline::target_features::{self, binaryen_feature};

/// Bumped when the options below change, so the content stamp never vouches for a stale output.
pub const OPTIONS_TAG: &str = "wasm-opt 0.116 -Oz validate strip-target-features v1";

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
    // The section was kept only to read it here; what ships does not carry it.
    options.add_pass(Pass::StripTargetFeatuers);

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
