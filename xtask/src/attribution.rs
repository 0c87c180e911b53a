//! Where a module's bytes go: each function's code, grouped by crate, and the section totals.

mod named;
mod sections;
mod symbols;

use std::collections::BTreeMap;

pub use named::{named_attribution, named_copy};
pub use sections::attribute;
pub use symbols::{crate_of, demangle};

/// The bytes of one function body in the code section, its size prefix included.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FunctionSize {
    /// Demangled, without hash suffixes; `[unnamed]` when the module has no name for it.
    pub name: String,
    pub krate: String,
    pub bytes: u64,
}

/// A module's bytes, split so that `code + data + custom + other == file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub file: u64,
    /// The whole code section: the functions plus `code_framing`.
    pub code: u64,
    /// Section id, size and count of the code section.
    pub code_framing: u64,
    pub data: u64,
    /// Custom sections: names, producers, target features, debug info.
    pub custom: u64,
    pub name_section: u64,
    /// The 8-byte header and every other section (types, imports, exports, tables, ...).
    pub other: u64,
    /// Largest first.
    pub functions: Vec<FunctionSize>,
}

impl Attribution {
    /// Code bytes per crate, largest first.
    pub fn by_crate(&self) -> Vec<(String, u64)> {
        let mut crates: BTreeMap<&str, u64> = BTreeMap::new();
        for function in &self.functions {
            *crates.entry(&function.krate).or_default() += function.bytes;
        }
        let mut crates: Vec<_> = crates
            .into_iter()
            .map(|(name, bytes)| (name.to_owned(), bytes))
            .collect();
        crates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        crates
    }

    pub fn function_bytes(&self) -> u64 {
        self.code - self.code_framing
    }
}

#[cfg(test)]
/// A module whose functions have known sizes: `big` (cortex_core) far above `write` (core), then
/// a tokio function, `memcpy`, an unmangled export, and a data segment.
pub fn fixture() -> Vec<u8> {
    let body = |n: usize| "(drop (i32.const 123456))".repeat(n);
    wat::parse_str(format!(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 1024) "{data}")
            (func $_ZN11cortex_core5store3big17h0123456789abcdefE {big})
            (func $memcpy {tiny})
            (func $_ZN4core3fmt5write17hfedcba9876543210E {medium})
            (func $exported_abi {tiny})
            (export "exported_abi" (func $exported_abi))
            (func $_RNvNtCs1234_5tokio7runtime5spawn {small})
            (export "big" (func $_ZN11cortex_core5store3big17h0123456789abcdefE)))"#,
        data = "x".repeat(300),
        big = body(400),
        medium = body(100),
        small = body(30),
        tiny = body(2),
    ))
    .expect("valid fixture")
}

#[cfg(test)]
mod tests;
