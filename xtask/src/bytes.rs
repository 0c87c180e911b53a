//! Byte-level basics: sizes in human units and the LEB128 integers of the wasm format.

pub mod leb128;
pub mod units;
