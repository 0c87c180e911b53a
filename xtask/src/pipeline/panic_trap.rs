//! `panic = "trap"` in size-budget.toml: std's panic handler, and its report of a failed
//! allocation, become a bare trap before wasm-opt runs, so everything only they reach goes.
//!
//! On stable Rust a wasm module with std always links std's panic handler: it formats the message
//! and its location, looks up `RUST_BACKTRACE` in the environment and writes to stderr through std's
//! locked writer, several KB that no `#[panic_handler]` of the crate's own can replace (std defines
//! the one handler a program may have). With `panic = "abort"` a panic ends in a trap all the same;
//! this only drops what it printed first: the trade nightly's `panic_immediate_abort` makes, here
//! on the linked module. The functions are found by their symbols, so the module must be built
//! with names (the pipeline keeps them for such an artifact, and the name section goes with this
//! rewrite unless asked to stay).

use std::collections::BTreeMap;

use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

use crate::bytes::{leb128, sections};

/// std's `#[panic_handler]`, by its symbol: `__rustc::rust_begin_unwind` as today's toolchains
/// mangle it, plain `rust_begin_unwind` as older ones left it.
const PANIC_HANDLERS: [&str; 2] = ["__rustc::rust_begin_unwind", "rust_begin_unwind"];
/// Reports a failed allocation (`memory allocation of N bytes failed`) through the same writer.
const ALLOC_ERROR_HOOK: &str = "std::alloc::default_alloc_error_hook";

/// A body of no locals that traps: `unreachable`, `end`. Valid whatever the function's type.
const TRAP_BODY: [u8; 3] = [0x00, 0x00, 0x0b];

/// Why a module's panic handler could not be replaced.
#[derive(Debug, Clone, PartialEq)]
pub enum PanicTrapError {
    Malformed(String),
    NoNames,
    NoHandler,
}

impl std::fmt::Display for PanicTrapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(what) => write!(f, "not a wasm module: {what}"),
            Self::NoNames => write!(
                f,
                "the module has no function names, so std's panic handler cannot be found in it"
            ),
            Self::NoHandler => write!(
                f,
                "no function of the module is std's panic handler ({})",
                PANIC_HANDLERS.join(" or ")
            ),
        }
    }
}

impl std::error::Error for PanicTrapError {}

/// Whether the rewritten module keeps its name section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepNames {
    No,
    Yes,
}

/// `module` with the bodies of std's panic handler and allocation-error hook replaced by a trap,
/// every other byte of its code as it was.
pub fn apply(module: &[u8], keep_names: KeepNames) -> Result<Vec<u8>, PanicTrapError> {
    let targets = targets(module)?;
    let sections = sections::split(module).map_err(malformed)?;
    let mut out = module[..sections::HEADER].to_vec();
    for section in sections {
        match section.id {
            sections::CODE => {
                let code = code_section(section.content, &targets)?;
                sections::write(&mut out, section.id, &code);
            }
            _ if keep_names == KeepNames::No && section.custom_name() == Some("name") => {}
            _ => out.extend_from_slice(section.whole),
        }
    }
    Ok(out)
}

fn malformed(what: &str) -> PanicTrapError {
    PanicTrapError::Malformed(what.to_owned())
}

/// A symbol demangled without its hash (`__rustc::rust_begin_unwind`), or as it is when it is not
/// a Rust one.
fn symbol(raw: &str) -> String {
    match rustc_demangle::try_demangle(raw) {
        Ok(symbol) => format!("{symbol:#}"),
        Err(_) => raw.to_owned(),
    }
}

/// The indexes in the code section (not counting imported functions) of the bodies to replace.
fn targets(module: &[u8]) -> Result<Vec<u32>, PanicTrapError> {
    let mut imported = 0;
    let mut names = BTreeMap::new();
    let mut named = false;
    for payload in Parser::new(0).parse_all(module) {
        match payload.map_err(|err| PanicTrapError::Malformed(err.message().to_owned()))? {
            Payload::ImportSection(imports) => {
                for import in imports {
                    let import = import.map_err(|_| malformed("an import"))?;
                    if matches!(import.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(reader) = section.as_known() {
                    for name in reader {
                        if let Name::Function(map) =
                            name.map_err(|_| malformed("the name section"))?
                        {
                            named = true;
                            for naming in map {
                                let naming = naming.map_err(|_| malformed("a function name"))?;
                                names.insert(naming.index, symbol(naming.name));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if !named {
        return Err(PanicTrapError::NoNames);
    }
    let find = |wanted: &[&str]| {
        names
            .iter()
            .find(|(_, name)| wanted.contains(&name.as_str()))
            .map(|(&index, _)| index)
    };
    let handler = find(&PANIC_HANDLERS).ok_or(PanicTrapError::NoHandler)?;
    // A module that never allocates has no hook; the handler is what every panic reaches.
    let hook = find(&[ALLOC_ERROR_HOOK]);
    [Some(handler), hook]
        .into_iter()
        .flatten()
        .map(|index| {
            index
                .checked_sub(imported)
                .ok_or_else(|| malformed("std's panic handler is named as an import"))
        })
        .collect()
}

/// The code section's content with the bodies at `targets` replaced by [`TRAP_BODY`].
fn code_section(content: &[u8], targets: &[u32]) -> Result<Vec<u8>, PanicTrapError> {
    let mut data = content;
    let count = leb128::read_u32(&mut data).ok_or_else(|| malformed("the code section"))?;
    let mut out = Vec::with_capacity(content.len());
    leb128::write_u32(&mut out, count);
    for index in 0..count {
        let size = leb128::read_u32(&mut data).ok_or_else(|| malformed("a function body"))?;
        let body = data
            .get(..size as usize)
            .ok_or_else(|| malformed("a function body runs past the end"))?;
        data = &data[size as usize..];
        let body = if targets.contains(&index) {
            &TRAP_BODY[..]
        } else {
            body
        };
        leb128::write_u32(&mut out, body.len() as u32);
        out.extend_from_slice(body);
    }
    if !data.is_empty() {
        return Err(malformed("bytes after the last function body"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
