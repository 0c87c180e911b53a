//! The `check` export of a WASI library: a function of no arguments returning a number, called on
//! the unoptimised and the optimised module, whose results must agree.

use anyhow::Result;
use wasmtime::{Func, Val, ValType};

use crate::failure::ConfigError;
use crate::project::budget;
use crate::runtime::engine::{describe, Library, Mode, Trapped};

/// Calls the export `name` of `library`, which must take nothing and return one number; returns
/// the number as text (floats by their bits, so `NaN`s compare as wasm-opt must keep them).
pub fn call(artifact: &str, library: &mut Library, name: &str) -> Result<String> {
    let Some(func) = checkable(library, name) else {
        return Err(ConfigError::new(
            format!(
                "artifact `{artifact}`: check names `{name}`, which the module does not export as a function of no arguments returning a number"
            ),
            format!(
                "set `check` under [artifact.{artifact}] in {} to one of: {}",
                budget::FILE_NAME,
                candidates(library).join(", ")
            ),
        )
        .into());
    };
    let mut result = [Val::I32(0)];
    func.call(&mut library.store, &[], &mut result)
        .map_err(|error| Trapped {
            artifact: artifact.to_owned(),
            reason: format!("in `{name}`: {}", describe(&error, Mode::Stream)),
            stderr: Vec::new(),
        })?;
    Ok(match result[0] {
        Val::I32(n) => n.to_string(),
        Val::I64(n) => n.to_string(),
        Val::F32(bits) => format!("f32 bits {bits:#010x} ({})", f32::from_bits(bits)),
        Val::F64(bits) => format!("f64 bits {bits:#018x} ({})", f64::from_bits(bits)),
        ref other => format!("{other:?}"),
    })
}

/// The export `name` when it is a function of no arguments returning one number.
fn checkable(library: &mut Library, name: &str) -> Option<Func> {
    let func = library.instance.get_func(&mut library.store, name)?;
    let ty = func.ty(&library.store);
    let numeric =
        |t: &ValType| matches!(t, ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64);
    let results: Vec<ValType> = ty.results().collect();
    (ty.params().len() == 0 && results.len() == 1 && numeric(&results[0])).then_some(func)
}

/// The exports `check` could name, for the fix of a `check` that names none of them.
fn candidates(library: &mut Library) -> Vec<String> {
    let names: Vec<String> = library
        .instance
        .exports(&mut library.store)
        .map(|export| export.name().to_owned())
        .collect();
    let usable: Vec<String> = names
        .into_iter()
        .filter(|name| checkable(library, name).is_some())
        .map(|name| format!("`{name}`"))
        .collect();
    if usable.is_empty() {
        vec!["(none: export a function of no arguments returning a number)".to_owned()]
    } else {
        usable
    }
}
