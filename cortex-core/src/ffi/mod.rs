//! The C ABI that wasm hosts drive (version 2): buffers, in-memory stores, events, the graph and
//! the bus, by handle. `include/cortex.h` declares every export; a test keeps it and the module equal.
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
//! | -2   | `CORTEX_E_BAD_HANDLE`   | unknown or closed handle, or a handle of another kind                     |
//! | -3   | `CORTEX_E_INVALID`      | invalid input (bad kind, bad UTF-8, bad weight, malformed record, …)      |
//! | -4   | `CORTEX_E_TOO_LARGE`    | payload over the store limit                                              |
//! | -5   | `CORTEX_E_BUFFER_SMALL` | output buffer too small (nothing written; last error says the size needed) |
//! | -6   | `CORTEX_E_MISSING_NODE` | edge endpoint / start node does not exist                                 |
//! | -7   | `CORTEX_E_NOT_FOUND`    | the event, node or edge asked for does not exist                          |
//! | -8   | `CORTEX_E_INTERNAL`     | anything else (message in last error)                                     |
//! | -9   | `CORTEX_E_FULL`         | a bus queue is full and the policy refuses (Error, or Block: no waiting here) |
//! | -10  | `CORTEX_E_CLOSED`       | the bus is closed                                                         |
//! | -11  | `CORTEX_E_STORE_FILE`   | (`fs`) a store's directory or file cannot be used; the message names it  |
//!
//! Records (little-endian; `str`/`bytes` = `len u32 | bytes`; `id` = 32 bytes; `strs` = `count u32 | str…`):
//! - new event: `source id | parent u64 (u64::MAX: none) | kind str | payload bytes`
//! - event: `id u64 | timestamp u64 |` new event
//! - filter: `flags u32 | source id | since u64 | until u64 | after u64 | limit u32 | kinds strs`; flags
//!   say which fixed fields apply (1 source, 2 since, 4 until, 8 after, 16 limit); no kinds = every kind
//! - node (in): `id | label str | count u32, (key str, value str)… | tags strs`; node (out): the
//!   same, then `created_at u64 | updated_at u64` (stamped by the store)
//! - node query: `flags u32 | since u64 | until u64 | after id | limit u32 | labels strs | tags strs |
//!   count u32, (key str, value str)… | text str`; flags: 1 since, 2 until, 4 after, 8 limit, 16 text;
//!   labels any of, tags and properties all of, since/until on created_at, text whole words
//! - edge: `from id | to id | weight f64 | relation str`
//!
//! | export | returns |
//! |--------|---------|
//! | `cortex_abi_version() -> i32` | 2 |
//! | `cortex_alloc(len) -> i32` | pointer to `len` fresh (zeroed) bytes; 0 if `len <= 0` or out of memory |
//! | `cortex_free(ptr, len) -> i32` | frees a `cortex_alloc` block: 0, or -1 for an unknown (ptr, len) |
//! | `cortex_last_error(out_ptr, out_cap) -> i32` | full length of the last error message (0 if none yet) |
//! | `cortex_store_open() -> i32` | handle > 0 of a new in-memory event store + graph store |
//! | `cortex_open_dir(path_ptr, path_len, flags) -> i32` | (`fs` only) handle > 0 of the store kept in that directory; flags: 1 sync |
//! | `cortex_store_close(h) -> i32` | 0 |
//! | `cortex_append(h, source_ptr, kind_ptr, kind_len, payload_ptr, payload_len) -> i64` | the new EventId |
//! | `cortex_append_batch(h, in_ptr, in_len, out_ptr, out_cap) -> i32` | COUNT stored (all or none); ids as u64s in out |
//! | `cortex_event_count(h) -> i64` | number of events |
//! | `cortex_get_event(h, id: i64, out_ptr, out_cap) -> i32` | BYTES of one event record (-7 if none) |
//! | `cortex_query(h, filter_ptr, filter_len, out_ptr, out_cap) -> i32` | BYTES of event records |
//! | `cortex_query_kind(h, kind_ptr, kind_len, out_ptr, out_cap) -> i32` | BYTES of event records of one kind |
//! | `cortex_subscribe(h, filter_ptr, filter_len) -> i32` | subscription handle: events appended from now on |
//! | `cortex_poll(sub, out_ptr, out_cap) -> i32` | BYTES of event records (0: none waiting) |
//! | `cortex_unsubscribe(sub) -> i32` | 0; ends a store subscription or a bus receiver |
//! | `cortex_put_node(h, id_ptr, label_ptr, label_len) -> i32` | 0 (a node without properties) |
//! | `cortex_put_node_record(h, rec_ptr, rec_len) -> i32` | 0 |
//! | `cortex_get_node(h, id_ptr, out_ptr, out_cap) -> i32` | BYTES of one node record (-7 if none) |
//! | `cortex_remove_node(h, id_ptr) -> i32` | 1 removed (with its edges), 0 absent |
//! | `cortex_find_nodes(h, query_ptr, query_len, out_ptr, out_cap) -> i32` | BYTES of node records, ascending id |
//! | `cortex_node_count(h) -> i64`, `cortex_edge_count(h) -> i64` | counts |
//! | `cortex_put_edge(h, from_ptr, to_ptr, rel_ptr, rel_len, weight: f64) -> i32` | 0 (-6 if an endpoint is missing) |
//! | `cortex_get_edge(h, from_ptr, rel_ptr, rel_len, to_ptr, out_ptr, out_cap) -> i32` | BYTES of one edge record (-7 if none) |
//! | `cortex_remove_edge(h, from_ptr, rel_ptr, rel_len, to_ptr) -> i32` | 1 removed, 0 absent |
//! | `cortex_edges(h, node_ptr, direction, rel_ptr, rel_len, out_ptr, out_cap) -> i32` | BYTES of edge records |
//! | `cortex_neighbors(h, node_ptr, direction, out_ptr, out_cap) -> i32` | COUNT of 32-byte ids written |
//! | `cortex_traverse(h, start_ptr, max_depth, out_ptr, out_cap) -> i32` | COUNT of 36-byte records written |
//! | `cortex_shortest_path(h, from_ptr, to_ptr, out_ptr, out_cap) -> i32` | COUNT of path nodes (0: unreachable) |
//! | `cortex_bus_open(capacity, policy, policy_arg) -> i32` | bus handle |
//! | `cortex_bus_publish(bus, in_ptr, in_len) -> i32` | COUNT of new-event records accepted |
//! | `cortex_bus_subscribe(bus, filter_ptr, filter_len, policy, policy_arg) -> i32` | receiver handle |
//! | `cortex_bus_poll(rx, out_ptr, out_cap) -> i32` | BYTES of new-event records (0: none waiting) |
//! | `cortex_bus_stats(bus_or_rx, out_ptr, out_cap) -> i32` | BYTES of u64 counters |
//! | `cortex_bus_close(bus) -> i32` | 0; receivers still drain their queues |
//!
//! - Direction: 0 outgoing, 1 incoming, 2 both (else -3). `cortex_neighbors` writes the far end of each
//!   edge; `cortex_edges` whole edge records, of one relation or (rel_len 0) of all.
//! - `cortex_traverse`: breadth-first over outgoing edges, each reached node as `id [32] | depth u32 LE`,
//!   start first with depth 0; -6 if the start is missing, -3 if `max_depth < 0`.
//! - `cortex_shortest_path` writes `cost f64 | id…` (from first, to last); -6 if an end is missing.
//! - `cortex_append_batch` reads consecutive new-event records and checks that out holds 8 bytes per
//!   record before storing anything.
//! - Polls write as many whole records as fit; the next one stays queued. A first record larger
//!   than the buffer gives -5 and stays queued too.
//! - Policies: 0 Block (publish cannot wait here, so a full queue is -9), 1 DropOldest, 2 DropNewest,
//!   3 Error, 4 Coalesce, 5 Sample(`policy_arg`); others take no `policy_arg`. A subscriber's policy -1
//!   means the bus's. `cortex_bus_publish` offers the records in order under one lock, stops at the
//!   first refusal and returns the count accepted, or -9 when the first record was refused.
//! - Kinds in filters may be patterns: `*` alone is every kind, `prefix*` every kind starting with
//!   `prefix`; a kind appended or published may not hold `*` (-3).
//! - `cortex_bus_stats` of a bus: published, delivered, dropped_oldest, dropped_newest, rejected,
//!   unrouted, coalesced, sampled_out; of a receiver: queued, delivered, dropped_oldest,
//!   dropped_newest, coalesced, sampled_out. New counters are only ever appended.
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

mod bus;
mod codes;
mod edges;
mod events;
mod feed;
mod memory;
mod nodes;
mod registry;
mod wire;

pub use bus::{
    cortex_bus_close, cortex_bus_open, cortex_bus_poll, cortex_bus_publish, cortex_bus_stats,
    cortex_bus_subscribe,
};
pub use codes::{
    CORTEX_E_BAD_HANDLE, CORTEX_E_BAD_POINTER, CORTEX_E_BUFFER_SMALL, CORTEX_E_CLOSED,
    CORTEX_E_FULL, CORTEX_E_INTERNAL, CORTEX_E_INVALID, CORTEX_E_MISSING_NODE, CORTEX_E_NOT_FOUND,
    CORTEX_E_STORE_FILE, CORTEX_E_TOO_LARGE,
};
pub use edges::{
    cortex_edges, cortex_get_edge, cortex_neighbors, cortex_put_edge, cortex_remove_edge,
    cortex_shortest_path, cortex_traverse,
};
pub use events::{
    cortex_append, cortex_append_batch, cortex_event_count, cortex_get_event, cortex_poll,
    cortex_query, cortex_query_kind, cortex_subscribe,
};
pub use nodes::{
    cortex_edge_count, cortex_find_nodes, cortex_get_node, cortex_node_count, cortex_put_node,
    cortex_put_node_record, cortex_remove_node,
};

use codes::{run_i32, with_last_error};
use memory::Region;
use registry::Object;

/// Version of this ABI; bumped on any incompatible change to the table above.
pub const CORTEX_ABI_VERSION: i32 = 2;

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
    run_i32(|| memory::free(ptr, len).map(|()| 0))
}

#[no_mangle]
pub extern "C" fn cortex_store_open() -> i32 {
    run_i32(registry::open_store)
}

/// `cortex_open_dir`'s flag: sync every write before its call returns.
#[cfg(feature = "fs")]
pub const CORTEX_OPEN_SYNC: i32 = 1;

/// Built with `fs`: a store kept in the directory at the UTF-8 path (`path_ptr`, `path_len`), one
/// the host granted. The directory is created if missing; its logs are replayed.
#[cfg(feature = "fs")]
#[no_mangle]
pub extern "C" fn cortex_open_dir(path_ptr: i32, path_len: i32, flags: i32) -> i32 {
    run_i32(|| {
        let path = Region::new(path_ptr, path_len, "path")?.read_str("path")?;
        if flags & !CORTEX_OPEN_SYNC != 0 {
            return Err(codes::Failure::new(
                codes::CORTEX_E_INVALID,
                format!("unknown flags {} (CORTEX_OPEN_SYNC is 1)", i64::from(flags)),
            ));
        }
        registry::open_dir_store(&path, flags & CORTEX_OPEN_SYNC != 0).map_err(|failure| {
            // Whatever stops a directory from opening is about that path, I/O errors included (a
            // directory the host did not grant): the message names it.
            codes::Failure::new(CORTEX_E_STORE_FILE, failure.message)
        })
    })
}

#[no_mangle]
pub extern "C" fn cortex_store_close(handle: i32) -> i32 {
    run_i32(|| registry::close(handle, "store", |o| matches!(o, Object::Store(_))).map(|_| 0))
}

#[no_mangle]
pub extern "C" fn cortex_unsubscribe(handle: i32) -> i32 {
    let is_feed = |o: &Object| matches!(o, Object::Feed(_));
    run_i32(|| registry::close(handle, "subscription", is_feed).map(|_| 0))
}

#[no_mangle]
pub extern "C" fn cortex_last_error(out_ptr: i32, out_cap: i32) -> i32 {
    run_i32(|| {
        Region::output(out_ptr, out_cap).and_then(|out| {
            with_last_error(|message| {
                out.write_prefix(message);
                i32::try_from(message.len())
                    .map_err(|_| codes::Failure::new(CORTEX_E_INTERNAL, "message too long"))
            })
        })
    })
}
