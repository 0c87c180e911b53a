//! Parsing `size-budget.toml` with the line of every mistake, and checking it against the workspace.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

mod features;
mod run_budgets;
mod targets;

pub use run_budgets::RUN_BUDGET_KEYS;

use super::export_patterns as exports;
use super::{ArtifactBudget, PanicMode, SizeBudget, Tolerance, DEFAULT_TOLERANCE};
use crate::bytes::units::parse_size;
use crate::failure::ConfigError;
use crate::project::workspace::{Triple, WasmCrate, WasmKind, WASM_PROFILE};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    tolerance: Option<Spanned<RawTolerance>>,
    #[serde(default)]
    artifact: BTreeMap<String, Spanned<RawArtifact>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArtifact {
    #[serde(rename = "crate")]
    krate: Option<Spanned<String>>,
    target: Option<Spanned<String>>,
    triple: Option<Spanned<String>>,
    bindgen: Option<Spanned<RawBindgen>>,
    profile: Option<Spanned<String>>,
    features: Option<Vec<Spanned<String>>>,
    default_features: Option<bool>,
    budget: Spanned<toml::Value>,
    gzip_budget: Option<Spanned<toml::Value>>,
    brotli_budget: Option<Spanned<toml::Value>>,
    glue_budget: Option<Spanned<toml::Value>>,
    memory_budget: Option<Spanned<toml::Value>>,
    startup_budget: Option<Spanned<toml::Value>>,
    run_budget: Option<Spanned<toml::Value>>,
    check: Option<Spanned<String>>,
    tolerance: Option<Spanned<RawTolerance>>,
    exports: Option<Vec<Spanned<String>>>,
    panic: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBindgen {
    target: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTolerance {
    percent: Option<Spanned<f64>>,
    bytes: Option<Spanned<toml::Value>>,
}

/// The profile every artifact builds with unless it names another, as a workspace without it is told
/// to define it.
pub const WASM_PROFILE_TOML: &str = "[profile.wasm-release]
inherits = \"release\"
opt-level = \"z\"
lto = true
codegen-units = 1
panic = \"abort\"
strip = true";

/// Parse and check `text` (the contents of `file`, named in errors) against the workspace's crates
/// and the cargo profiles it defines.
pub fn parse(
    file: &str,
    text: &str,
    crates: &BTreeMap<String, WasmCrate>,
    profiles: &BTreeSet<String>,
) -> Result<SizeBudget, ConfigError> {
    let at = |span: Range<usize>, message: String, fix: &str| {
        ConfigError::new(
            format!("{file}:{}: {message}", line_of(text, span.start)),
            fix,
        )
    };
    let raw: RawFile = toml::from_str(text).map_err(|err| {
        let line = err.span().map_or(1, |span| line_of(text, span.start));
        let message = err.message().trim_end_matches('.').to_owned();
        ConfigError::new(
            format!("{file}:{line}: {message}"),
            "entries are `[artifact.NAME]` with `crate`, `target`, `triple`, `bindgen`, `profile`, `features`, \
             `default_features`, `budget`, \
             `gzip_budget`, `brotli_budget`, `glue_budget`, `memory_budget`, `startup_budget`, `run_budget`, `check`, `tolerance`, `exports` and `panic`; \
             `[tolerance]` takes `percent` and `bytes`",
        )
    })?;

    let default_tolerance = match raw.tolerance {
        Some(t) => tolerance(t, &at)?,
        None => DEFAULT_TOLERANCE,
    };

    let mut entries: Vec<_> = raw.artifact.into_iter().collect();
    entries.sort_by_key(|(_, entry)| entry.span().start);
    if entries.is_empty() {
        return Err(ConfigError::new(
            format!("{file}:1: no artifacts"),
            "add an entry such as `[artifact.cortex-core]` with `budget = \"769 KiB\"`",
        ));
    }

    let mut artifacts = Vec::new();
    for (name, entry) in entries {
        let entry_span = entry.span();
        let entry = entry.into_inner();
        let (krate, krate_span) = match entry.krate {
            Some(k) => (k.get_ref().clone(), k.span()),
            None => (name.clone(), entry_span.clone()),
        };
        let Some(wasm_crate) = crates.get(&krate) else {
            let known: Vec<_> = crates.keys().map(String::as_str).collect();
            return Err(at(
                krate_span,
                format!("artifact `{name}`: crate `{krate}` is not a member of this workspace"),
                &format!("set `crate` to one of: {}", known.join(", ")),
            ));
        };
        let target =
            targets::pick_target(&name, &krate, wasm_crate, entry.target, krate_span, &at)?;
        // A crate with wasm-bindgen ships for the browser unless the entry says otherwise.
        let default_triple = if wasm_crate.uses_wasm_bindgen {
            Triple::Unknown
        } else {
            Triple::Wasip1
        };
        let triple = match entry.triple {
            None => default_triple,
            Some(triple) => Triple::parse(triple.get_ref()).ok_or_else(|| {
                at(
                    triple.span(),
                    format!(
                        "artifact `{name}`: triple \"{}\" is not a supported wasm target",
                        triple.get_ref()
                    ),
                    &format!(
                        "set `triple` to one of: {}",
                        quoted(Triple::ALL.iter().map(|t| t.as_str()))
                    ),
                )
            })?,
        };
        let budget_bytes = figure(
            entry.budget,
            size_value,
            &format!("artifact `{name}`: budget"),
            "e.g. `budget = \"769 KiB\"`",
            &at,
        )?;
        let compressed = |value: Option<Spanned<toml::Value>>, key: &str| {
            let (what, fix) = (
                format!("artifact `{name}`: {key}"),
                format!("e.g. `{key} = \"120 KiB\"`"),
            );
            value
                .map(|value| figure(value, size_value, &what, &fix, &at))
                .transpose()
        };
        let gzip_budget_bytes = compressed(entry.gzip_budget, "gzip_budget")?;
        let brotli_budget_bytes = compressed(entry.brotli_budget, "brotli_budget")?;
        let bindgen =
            targets::bindgen_target(&name, &krate, wasm_crate, triple, entry.bindgen, &at)?;
        let profile = match entry.profile {
            None if profiles.contains(WASM_PROFILE) => WASM_PROFILE.to_owned(),
            None => {
                return Err(at(
                    entry_span,
                    format!("artifact `{name}` builds with the `{WASM_PROFILE}` profile, which neither the workspace's Cargo.toml nor a cargo config defines"),
                    &format!("paste into the root Cargo.toml:\n\n{WASM_PROFILE_TOML}\n\n  or set `profile = \"release\"` (or another profile) under [artifact.{name}]"),
                ))
            }
            Some(profile) if profiles.contains(profile.get_ref()) => profile.into_inner(),
            Some(profile) => {
                let known: Vec<_> = profiles.iter().map(String::as_str).collect();
                return Err(at(
                    profile.span(),
                    format!("artifact `{name}`: profile `{}` is not defined", profile.get_ref()),
                    &format!("set `profile` to one of: {}, or add `[profile.{}]` to the root Cargo.toml", known.join(", "), profile.get_ref()),
                ));
            }
        };
        let features = features::features(
            &name,
            &krate,
            wasm_crate,
            entry.features,
            entry.default_features,
            &at,
        )?;
        let place = |span: Range<usize>| format!("{file}:{}", line_of(text, span.start));
        let run_budgets = run_budgets::run_budgets(
            &name,
            triple,
            &place,
            entry.memory_budget,
            entry.startup_budget,
            entry.run_budget,
            &at,
        )?;
        let glue_span = entry.glue_budget.as_ref().map(Spanned::span);
        let glue_budget_bytes = compressed(entry.glue_budget, "glue_budget")?;
        // A library's export is called: the glue's, or a WASI library module's own.
        let library =
            bindgen.is_some() || (triple == Triple::Wasip1 && target.kind == WasmKind::Cdylib);
        let check = match entry.check {
            Some(check) if !library => {
                return Err(at(
                    check.span(),
                    format!("artifact `{name}`: check calls an export of a library (a WASI library module's, or wasm-bindgen's JS glue's), and `{name}` is a command, whose behaviour check compares its output"),
                    "drop `check`",
                ))
            }
            check => check.map(Spanned::into_inner),
        };
        if let (Some(span), None) = (glue_span, bindgen) {
            return Err(at(
                span,
                format!("artifact `{name}`: glue_budget gates wasm-bindgen's JS glue, and `{krate}` is not built through wasm-bindgen"),
                "drop `glue_budget`, or add `wasm-bindgen` to the crate's [dependencies] and build it for wasm32-unknown-unknown",
            ));
        }
        let tolerance = match entry.tolerance {
            Some(t) => tolerance(t, &at)?,
            None => default_tolerance,
        };
        let exports = entry
            .exports
            .map(|patterns| {
                patterns
                    .into_iter()
                    .map(|pattern| match exports::pattern_error(pattern.get_ref()) {
                        Some(problem) => Err(at(
                            pattern.span(),
                            format!(
                                "artifact `{name}`: export pattern \"{}\" {problem}",
                                pattern.get_ref()
                            ),
                            "`exports` takes names and prefixes ending in `*`, \
                             e.g. `exports = [\"cortex_*\", \"memory\"]`",
                        )),
                        None => Ok(pattern.into_inner()),
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let panic = match entry.panic {
            None => PanicMode::Print,
            Some(mode) => match mode.get_ref().as_str() {
                "print" => PanicMode::Print,
                "trap" => PanicMode::Trap,
                other => {
                    return Err(at(
                        mode.span(),
                        format!("artifact `{name}`: panic \"{other}\" is not a panic mode"),
                        "`panic` is \"print\" (std's handler prints the message, the default) \
                         or \"trap\" (the module traps at once, without std's handler)",
                    ))
                }
            },
        };
        artifacts.push(ArtifactBudget {
            name,
            krate,
            target,
            triple,
            bindgen,
            budget_bytes,
            gzip_budget_bytes,
            brotli_budget_bytes,
            glue_budget_bytes,
            run_budgets,
            check,
            tolerance,
            profile,
            features,
            exports,
            panic,
        });
    }
    Ok(SizeBudget { artifacts })
}

fn tolerance(
    raw: Spanned<RawTolerance>,
    at: &impl Fn(Range<usize>, String, &str) -> ConfigError,
) -> Result<Tolerance, ConfigError> {
    let span = raw.span();
    let raw = raw.into_inner();
    let percent = match raw.percent {
        Some(p) if !(p.get_ref().is_finite() && *p.get_ref() >= 0.0) => {
            return Err(at(
                p.span(),
                format!("tolerance percent {} is negative", p.get_ref()),
                "use a percentage >= 0, e.g. `percent = 1.0`",
            ));
        }
        p => p.map(Spanned::into_inner),
    };
    let bytes = raw
        .bytes
        .map(|b| {
            figure(
                b,
                size_value,
                "tolerance bytes",
                "e.g. `bytes = \"2 KiB\"` or `bytes = 2048`",
                at,
            )
        })
        .transpose()?;
    if percent.is_none() && bytes.is_none() {
        return Err(at(
            span,
            "tolerance sets neither `percent` nor `bytes`".to_owned(),
            "add `percent = 1.0` and/or `bytes = \"2 KiB\"`",
        ));
    }
    Ok(Tolerance { percent, bytes })
}

/// The figure `value` holds, as `read` reads it; what `read` refuses is refused at its line, the
/// cause after `what` (the key and whose it is), with `fix`.
fn figure(
    value: Spanned<toml::Value>,
    read: fn(&toml::Value) -> Result<u64, String>,
    what: &str,
    fix: &str,
    at: &impl Fn(Range<usize>, String, &str) -> ConfigError,
) -> Result<u64, ConfigError> {
    read(value.get_ref()).map_err(|message| at(value.span(), format!("{what} {message}"), fix))
}

/// `names` quoted and set apart by commas, for a fix that lists the choices.
fn quoted<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<_> = names.into_iter().map(|n| format!("\"{n}\"")).collect();
    quoted.join(", ")
}

fn size_value(value: &toml::Value) -> Result<u64, String> {
    number_value(
        value,
        parse_size,
        "a size; write an integer of bytes or a string like \"769 KiB\"",
    )
}

/// The number `value` holds: an integer, or a string that `parse` reads; what else it may be
/// follows "is not" in the message for anything else.
fn number_value(
    value: &toml::Value,
    parse: fn(&str) -> Result<u64, String>,
    expected: &str,
) -> Result<u64, String> {
    match value {
        toml::Value::Integer(n) => u64::try_from(*n).map_err(|_| format!("`{n}` is negative")),
        toml::Value::String(s) => parse(s),
        other => Err(format!("`{other}` is not {expected}")),
    }
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}
