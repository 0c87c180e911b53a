//! An artifact's declared exports (`exports` in size-budget.toml): every other export the linker
//! made is dropped before wasm-opt runs.
//!
//! rustc exports every `#[no_mangle]` function from a wasm module, even one that exists for the
//! linker alone. cortex-core defines C's `malloc` family so that wasi-libc's own functions (`getenv`
//! copies the environment with `malloc`) use its allocator and wasi-libc's dlmalloc is never linked;
//! exported, those functions would be part of the module's interface. Without the export a function
//! stays for whoever calls it inside the module, and wasm-opt drops it when nobody does.

use crate::bytes::{leb128, sections};
use crate::project::budget::export_patterns::matches;

/// Why a module's exports could not be narrowed.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportsError {
    Malformed(&'static str),
    Unmatched {
        pattern: String,
        exports: Vec<String>,
    },
}

impl std::fmt::Display for ExportsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(what) => write!(f, "not a wasm module: {what}"),
            Self::Unmatched { pattern, exports } if exports.is_empty() => {
                write!(
                    f,
                    "export pattern \"{pattern}\" matches nothing: the module exports nothing"
                )
            }
            Self::Unmatched { pattern, exports } => write!(
                f,
                "export pattern \"{pattern}\" matches nothing the module exports ({})",
                exports.join(", ")
            ),
        }
    }
}

impl std::error::Error for ExportsError {}

/// `module` with only the exports some pattern matches. Every pattern must match an export, so a
/// pattern that names nothing (a typo, a renamed function) is an error rather than a module that
/// quietly exports less than it should.
pub fn keep(module: &[u8], patterns: &[String]) -> Result<Vec<u8>, ExportsError> {
    let sections = sections::split(module).map_err(ExportsError::Malformed)?;
    let mut out = module[..sections::HEADER].to_vec();
    let mut names = Vec::new();
    for section in sections {
        if section.id == sections::EXPORT {
            let (kept, all) = narrow(section.content, patterns)?;
            names = all;
            sections::write(&mut out, section.id, &kept);
        } else {
            out.extend_from_slice(section.whole);
        }
    }
    if let Some(pattern) = patterns
        .iter()
        .find(|pattern| !names.iter().any(|name| matches(pattern, name)))
    {
        return Err(ExportsError::Unmatched {
            pattern: pattern.clone(),
            exports: names,
        });
    }
    Ok(out)
}

/// The export section's content with only the matching entries, and every export's name.
fn narrow(content: &[u8], patterns: &[String]) -> Result<(Vec<u8>, Vec<String>), ExportsError> {
    let malformed = ExportsError::Malformed("the export section");
    let mut data = content;
    let count = leb128::read_u32(&mut data).ok_or(malformed.clone())?;
    let mut entries = Vec::new();
    let mut names = Vec::new();
    let mut kept = 0;
    for _ in 0..count {
        let start = data;
        let len = leb128::read_u32(&mut data).ok_or(malformed.clone())? as usize;
        let name = data.get(..len).ok_or(malformed.clone())?;
        let name = std::str::from_utf8(name)
            .map_err(|_| malformed.clone())?
            .to_owned();
        data = &data[len..];
        // The kind of what is exported (one byte), then its index.
        data = data.get(1..).ok_or(malformed.clone())?;
        leb128::read_u32(&mut data).ok_or(malformed.clone())?;
        if patterns.iter().any(|pattern| matches(pattern, &name)) {
            entries.extend_from_slice(&start[..start.len() - data.len()]);
            kept += 1;
        }
        names.push(name);
    }
    if !data.is_empty() {
        return Err(malformed);
    }
    let mut section = Vec::new();
    leb128::write_u32(&mut section, kept);
    section.extend(entries);
    Ok((section, names))
}

#[cfg(test)]
mod tests;
