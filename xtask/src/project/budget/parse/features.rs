//! Which cargo features an artifact's crate is built with (`features`, `default_features`), each
//! refused at its line in size-budget.toml when the crate does not define it.

use std::ops::Range;

use toml::Spanned;

use crate::failure::ConfigError;
use crate::project::budget::Features;
use crate::project::workspace::WasmCrate;

/// The features artifact `name` of crate `krate` is built with.
pub(super) fn features(
    name: &str,
    krate: &str,
    wasm_crate: &WasmCrate,
    named: Option<Vec<Spanned<String>>>,
    default: Option<bool>,
    at: &impl Fn(Range<usize>, String, &str) -> ConfigError,
) -> Result<Features, ConfigError> {
    let mut features = Features {
        named: Vec::new(),
        default: default.unwrap_or(true),
    };
    for feature in named.unwrap_or_default() {
        if !wasm_crate.features.contains(feature.get_ref()) {
            let known: Vec<_> = wasm_crate.features.iter().map(String::as_str).collect();
            let fix = if known.is_empty() {
                format!("drop `features`, or define the feature under [features] in {krate}'s Cargo.toml")
            } else {
                format!("use features {krate} defines: {}", known.join(", "))
            };
            return Err(at(
                feature.span(),
                format!(
                    "artifact `{name}`: crate `{krate}` has no feature `{}`",
                    feature.get_ref()
                ),
                &fix,
            ));
        }
        if !features.named.contains(feature.get_ref()) {
            features.named.push(feature.into_inner());
        }
    }
    Ok(features)
}
