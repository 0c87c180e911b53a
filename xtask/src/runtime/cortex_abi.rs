//! Typed calls into the cortex-core C ABI (version 2) of an instantiated module, and the record
//! encodings of `cortex-core/include/cortex.h`, written here independently of the module's own.

mod calls;
mod fields;
mod records;

pub use calls::CortexAbi;
pub use records::{
    decode_edges, decode_events, decode_new_events, decode_nodes, decode_reached, decode_u64s,
    encode_new_events, EdgeRecord, EventRecord, Filter, NewEventRecord, NodeQueryRecord,
    NodeRecord,
};

pub const E_BAD_POINTER: i32 = -1;
pub const E_BAD_HANDLE: i32 = -2;
pub const E_INVALID: i32 = -3;
pub const E_BUFFER_SMALL: i32 = -5;
pub const E_MISSING_NODE: i32 = -6;
pub const E_NOT_FOUND: i32 = -7;
pub const E_FULL: i32 = -9;
pub const E_CLOSED: i32 = -10;

/// The ABI version these calls speak.
pub const ABI_VERSION: i32 = 2;
