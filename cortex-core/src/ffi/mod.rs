//! The C ABI that wasm hosts drive (version 1): buffers, in-memory stores, events and the graph, by handle.
//!
//! All integers are wasm i32 unless noted; pointers and lengths are offsets/byte counts into the module's
//! linear memory. Node ids are 32 raw bytes at a pointer. Strings are UTF-8 (ptr, len), not NUL-terminated.
//! Every call returning i32/i64 returns >= 0 on success, a NEGATIVE error code on failure; after a failure,
//! `cortex_last_error` gives a readable message. No call may trap on bad input: a pointer/length pair that is
//! null (ptr 0 with len > 0), overflows, or reaches past the end of linear memory
//! (`core::arch::wasm32::memory_size(0) * 65536`) gives `CORTEX_E_BAD_POINTER`.
//!
//! | code | name                    | meaning                                                                   |
//! |------|-------------------------|---------------------------------------------------------------------------|
//! | -1   | `CORTEX_E_BAD_POINTER`  | pointer/length out of bounds, null, or overflowing                        |
//! | -2   | `CORTEX_E_BAD_HANDLE`   | unknown or closed store handle                                            |
//! | -3   | `CORTEX_E_INVALID`      | invalid input (empty/over-long kind, bad UTF-8, bad weight, bad direction) |
//! | -4   | `CORTEX_E_TOO_LARGE`    | payload over the store limit                                              |
//! | -5   | `CORTEX_E_BUFFER_SMALL` | output buffer too small (nothing written; last error says the size needed) |
//! | -6   | `CORTEX_E_MISSING_NODE` | edge endpoint / start node does not exist                                 |
//! | -7   | `CORTEX_E_NOT_FOUND`    | (reserved) a thing asked for does not exist                               |
//! | -8   | `CORTEX_E_INTERNAL`     | anything else (message in last error)                                     |
//!
//! | export | returns |
//! |--------|---------|
//! | `cortex_abi_version() -> i32` | 1 |
//! | `cortex_alloc(len) -> i32` | pointer to `len` fresh (zeroed) bytes; 0 if `len <= 0` or out of memory |
//! | `cortex_free(ptr, len) -> i32` | frees a `cortex_alloc` block: 0, or -1 for an unknown (ptr, len) |
//! | `cortex_store_open() -> i32` | handle > 0 of a new in-memory event store + graph store |
//! | `cortex_store_close(h) -> i32` | 0, or -2 |
//! | `cortex_append(h, source_ptr, kind_ptr, kind_len, payload_ptr, payload_len) -> i64` | the new EventId (>= 0) |
//! | `cortex_event_count(h) -> i64` | number of events |
//! | `cortex_query_kind(h, kind_ptr, kind_len, out_ptr, out_cap) -> i32` | BYTES of records written (see below) |
//! | `cortex_put_node(h, id_ptr, label_ptr, label_len) -> i32` | 0 |
//! | `cortex_put_edge(h, from_ptr, to_ptr, rel_ptr, rel_len, weight: f64) -> i32` | 0 (-6 if an endpoint is missing) |
//! | `cortex_neighbors(h, node_ptr, direction, out_ptr, out_cap) -> i32` | COUNT of 32-byte ids written |
//! | `cortex_traverse(h, start_ptr, max_depth, out_ptr, out_cap) -> i32` | COUNT of 36-byte records written |
//! | `cortex_last_error(out_ptr, out_cap) -> i32` | full length of the last error message (0 if none yet) |
//!
//! - `cortex_query_kind` writes the matching events in append order as consecutive records
//!   `id u64 LE | timestamp u64 LE | source [32] | payload_len u32 LE | payload bytes`; 0 if none match,
//!   -5 if `out_cap` is too small.
//! - `cortex_neighbors`: direction 0 outgoing, 1 incoming, 2 both (else -3); writes the `to` of outgoing
//!   and the `from` of incoming edges in the store's deterministic order; -5 if `out_cap < 32 * count`.
//! - `cortex_traverse`: breadth-first over outgoing edges, each reached node as `id [32] | depth u32 LE`,
//!   start first with depth 0; -6 if the start is missing, -5 if the buffer is small, -3 if `max_depth < 0`.
//! - `cortex_last_error` copies `min(len, out_cap)` bytes and returns the full length, so a caller can
//!   retry with a bigger buffer.
//!
//! Arguments are checked in order (handle first, then each pointer), and the first bad one decides the
//! code. Every region is checked against the memory as the call finds it, before anything is copied in:
//! a copy may grow memory, and an output that ran past the end when the call began stays refused. A buffer that fails a call is left untouched. Messages persist until the next failure.
//!
//! Output buffers must be memory the host owns (a `cortex_alloc` block, or its own data): a region inside
//! linear memory may still be in use by this module, and nothing in a wasm module can tell the two apart.

// The one place unsafe code is allowed: exports (`#[no_mangle]`) and copies to and from host memory.
// Every unsafe block must say why it is sound.
#![expect(
    unsafe_code,
    reason = "the C ABI exports functions and reads and writes host memory"
)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod codes;
mod events;
mod graph;
mod memory;
mod registry;

pub use codes::{
    CORTEX_E_BAD_HANDLE, CORTEX_E_BAD_POINTER, CORTEX_E_BUFFER_SMALL, CORTEX_E_INTERNAL,
    CORTEX_E_INVALID, CORTEX_E_MISSING_NODE, CORTEX_E_NOT_FOUND, CORTEX_E_TOO_LARGE,
};
pub use events::{cortex_append, cortex_event_count, cortex_query_kind};
pub use graph::{cortex_neighbors, cortex_put_edge, cortex_put_node, cortex_traverse};

use codes::{finish_i32, with_last_error};
use memory::Region;

/// Version of this ABI; bumped on any incompatible change to the table above.
pub const CORTEX_ABI_VERSION: i32 = 1;

#[no_mangle]
pub extern "C" fn cortex_abi_version() -> i32 {
    CORTEX_ABI_VERSION
}

#[no_mangle]
pub extern "C" fn cortex_alloc(len: i32) -> i32 {
    memory::alloc(len)
}

#[no_mangle]
pub extern "C" fn cortex_free(ptr: i32, len: i32) -> i32 {
    finish_i32(memory::free(ptr, len).map(|()| 0))
}

#[no_mangle]
pub extern "C" fn cortex_store_open() -> i32 {
    finish_i32(registry::open())
}

#[no_mangle]
pub extern "C" fn cortex_store_close(handle: i32) -> i32 {
    finish_i32(registry::close(handle).map(|()| 0))
}

#[no_mangle]
pub extern "C" fn cortex_last_error(out_ptr: i32, out_cap: i32) -> i32 {
    finish_i32(
        Region::new(out_ptr, out_cap, "output buffer").and_then(|out| {
            with_last_error(|message| {
                out.write_prefix(message);
                i32::try_from(message.len())
                    .map_err(|_| codes::Failure::new(CORTEX_E_INTERNAL, "message too long"))
            })
        }),
    )
}
