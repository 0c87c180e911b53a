//! Which cargo target an artifact builds and which glue wasm-bindgen writes for it, each refused at
//! its line in size-budget.toml when the crate cannot give it.

use std::ops::Range;

use toml::Spanned;

use super::{quoted, RawBindgen};
use crate::failure::ConfigError;
use crate::project::budget::BindgenTarget;
use crate::project::workspace::{Triple, WasmCrate, WasmTarget};

/// The cargo target artifact `name` builds: the one `wanted` names, or the crate's only one.
pub(super) fn pick_target(
    name: &str,
    krate: &str,
    wasm_crate: &WasmCrate,
    wanted: Option<Spanned<String>>,
    krate_span: Range<usize>,
    at: &impl Fn(Range<usize>, String, &str) -> ConfigError,
) -> Result<WasmTarget, ConfigError> {
    let names: Vec<_> = wasm_crate.targets.iter().map(|t| t.name.as_str()).collect();
    if let Some(wanted) = wanted {
        return wasm_crate
            .targets
            .iter()
            .find(|t| &t.name == wanted.get_ref())
            .cloned()
            .ok_or_else(|| {
                at(
                    wanted.span(),
                    format!(
                        "artifact `{name}`: crate `{krate}` has no bin or cdylib target `{}`",
                        wanted.get_ref()
                    ),
                    &format!("set `target` to one of: {}", names.join(", ")),
                )
            });
    }
    match wasm_crate.targets.as_slice() {
        [only] => Ok(only.clone()),
        [] => Err(at(
            krate_span,
            format!("artifact `{name}`: crate `{krate}` has no bin or cdylib target, so it builds no wasm module"),
            &format!("add `crate-type = [\"rlib\", \"cdylib\"]` under `[lib]` in {krate}'s Cargo.toml, or remove the entry"),
        )),
        _ => Err(at(
            krate_span,
            format!("artifact `{name}`: crate `{krate}` has several wasm targets"),
            &format!("add `target = \"…\"` naming one of: {}", names.join(", ")),
        )),
    }
}

/// The glue wasm-bindgen writes for the artifact, when it goes through wasm-bindgen: its crate
/// depends on it and is built for the browser.
pub(super) fn bindgen_target(
    name: &str,
    krate: &str,
    wasm_crate: &WasmCrate,
    triple: Triple,
    raw: Option<Spanned<RawBindgen>>,
    at: &impl Fn(Range<usize>, String, &str) -> ConfigError,
) -> Result<Option<BindgenTarget>, ConfigError> {
    let through_bindgen = wasm_crate.uses_wasm_bindgen && triple == Triple::Unknown;
    let Some(raw) = raw else {
        return Ok(through_bindgen.then_some(BindgenTarget::Web));
    };
    if !wasm_crate.uses_wasm_bindgen {
        return Err(at(
            raw.span(),
            format!("artifact `{name}`: `bindgen` is set, and crate `{krate}` does not depend on wasm-bindgen"),
            "drop `bindgen`, or add `wasm-bindgen` to the crate's [dependencies]",
        ));
    }
    if !through_bindgen {
        return Err(at(
            raw.span(),
            format!("artifact `{name}`: `bindgen` is set, and the artifact is built for {}", triple.as_str()),
            "drop `triple` (a wasm-bindgen crate is built for wasm32-unknown-unknown), or drop `bindgen`",
        ));
    }
    let Some(target) = raw.into_inner().target else {
        return Ok(Some(BindgenTarget::Web));
    };
    BindgenTarget::parse(target.get_ref())
        .map(Some)
        .ok_or_else(|| {
            at(
                target.span(),
                format!(
                    "artifact `{name}`: bindgen target \"{}\" is not one wasm-bindgen writes",
                    target.get_ref()
                ),
                &format!(
                    "set `bindgen = {{ target = … }}` to one of: {}",
                    quoted(BindgenTarget::ALL.iter().map(|t| t.as_str()))
                ),
            )
        })
}
