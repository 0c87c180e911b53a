//! Byte-level basics: sizes and instruction counts in human units, the LEB128 integers of the wasm format and a module's
//! sections as raw bytes.

pub mod counts;
pub mod leb128;
pub mod sections;
pub mod units;
