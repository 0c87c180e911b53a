/*
 * cortex.h: the C ABI of cortex-core's wasm module (cortex_abi_version() == 2).
 *
 * The module is built for wasm32-wasip1 (`cargo xtask wasm -p cortex-core`); a host instantiates it
 * and calls these exports. Pointers are offsets into the module's linear memory (int32_t, read as
 * unsigned), lengths are byte counts. Node ids are 32 raw bytes at a pointer; strings are UTF-8
 * (pointer, length), never NUL-terminated. Get memory to pass in and to receive answers with
 * cortex_alloc, and give it back with cortex_free.
 *
 * Every call returns >= 0 on success and a negative CORTEX_E_* code on failure; cortex_last_error
 * then holds a one-line message. No call traps on bad input: a null, negative, overflowing or
 * out-of-bounds (pointer, length) gives CORTEX_E_BAD_POINTER, an unknown or closed handle (or a
 * handle of another kind) CORTEX_E_BAD_HANDLE. Arguments are checked in order, handle first; a
 * call that fails writes nothing to its output buffer. A panic, which would be a bug of the module,
 * traps: the optimised module (panic = "trap" in size-budget.toml) prints nothing before it, a
 * module from a plain cargo build prints std's message to stderr first.
 *
 * Records (integers little-endian; str and bytes = u32 length, then the bytes; id = 32 bytes;
 * strs = u32 count, then that many str):
 *   new event   source id | parent u64 (UINT64_MAX: none) | kind str | payload bytes
 *   event       id u64 | timestamp u64 (ms since the epoch) | new event
 *   filter      flags u32 | source id | since u64 | until u64 | after u64 | limit u32 | kinds strs
 *               (flags: which fixed fields apply, CORTEX_FILTER_*; no kinds = every kind; a kind
 *               may be a pattern: "*" is every kind, "sensor.*" every kind starting "sensor.";
 *               since inclusive, until exclusive, after = only ids greater than it)
 *   node in     id | label str | u32 count, then (key str, value str) per property | tags strs
 *   node out    node in, then created_at u64 | updated_at u64 (ms, stamped by the store)
 *   node query  flags u32 | since u64 | until u64 | after id | limit u32 | labels strs | tags strs |
 *               u32 count, then (key str, value str) per property | text str
 *               (flags: CORTEX_QUERY_*; labels: any of; tags, properties: all of; since inclusive
 *               and until exclusive on created_at; text: every word a whole word of the label, a
 *               tag or a property value, ignoring case; after: ids greater than it)
 *   edge        from id | to id | weight f64 | relation str
 *   visit       id | depth u32
 *
 * The reference for each call is cortex-core/src/ffi/mod.rs; a test checks that every declaration
 * here matches an export of the optimised module (name and wasm signature) and that every export
 * is declared.
 */
#ifndef CORTEX_H
#define CORTEX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CORTEX_ABI_VERSION 2

/* Error codes. */
#define CORTEX_E_BAD_POINTER (-1)
#define CORTEX_E_BAD_HANDLE (-2)
#define CORTEX_E_INVALID (-3)
#define CORTEX_E_TOO_LARGE (-4)
#define CORTEX_E_BUFFER_SMALL (-5)
#define CORTEX_E_MISSING_NODE (-6)
#define CORTEX_E_NOT_FOUND (-7)
#define CORTEX_E_INTERNAL (-8)
#define CORTEX_E_FULL (-9)
#define CORTEX_E_CLOSED (-10)
/* Modules built with `fs` only (cortex_fs.h): a store's directory or file cannot be used. */
#define CORTEX_E_STORE_FILE (-11)

/* Filter record flags. */
#define CORTEX_FILTER_SOURCE 1
#define CORTEX_FILTER_SINCE 2
#define CORTEX_FILTER_UNTIL 4
#define CORTEX_FILTER_AFTER 8
#define CORTEX_FILTER_LIMIT 16

/* Node query record flags. */
#define CORTEX_QUERY_SINCE 1
#define CORTEX_QUERY_UNTIL 2
#define CORTEX_QUERY_AFTER 4
#define CORTEX_QUERY_LIMIT 8
#define CORTEX_QUERY_TEXT 16

/* Directions for cortex_neighbors and cortex_edges. */
#define CORTEX_OUTGOING 0
#define CORTEX_INCOMING 1
#define CORTEX_BOTH 2

/* Bus backpressure policies; CORTEX_POLICY_BUS makes a subscriber use its bus's. */
#define CORTEX_POLICY_BUS (-1)
#define CORTEX_POLICY_BLOCK 0
#define CORTEX_POLICY_DROP_OLDEST 1
#define CORTEX_POLICY_DROP_NEWEST 2
#define CORTEX_POLICY_ERROR 3
#define CORTEX_POLICY_COALESCE 4
/* policy_arg = n: while the queue is full, one new event in every n is kept. */
#define CORTEX_POLICY_SAMPLE 5

/* Module. */

/* The ABI version, CORTEX_ABI_VERSION. */
int32_t cortex_abi_version(void);
/* A pointer to len zeroed bytes, or 0 when len <= 0 or memory is exhausted. */
int32_t cortex_alloc(int32_t len);
/* Frees a cortex_alloc block given its exact length: 0, or CORTEX_E_BAD_POINTER. */
int32_t cortex_free(int32_t ptr, int32_t len);
/* Copies min(length, out_cap) bytes of the last error message; returns its full length. */
int32_t cortex_last_error(int32_t out_ptr, int32_t out_cap);

/* Stores: an in-memory event log and graph per handle. */

/* A new store handle (> 0). */
int32_t cortex_store_open(void);
/* 0. */
int32_t cortex_store_close(int32_t store);

/* Events. */

/* The new event's id. */
int64_t cortex_append(int32_t store, int32_t source_ptr, int32_t kind_ptr, int32_t kind_len,
                      int32_t payload_ptr, int32_t payload_len);
/* Appends consecutive new-event records, all or none; writes their ids (u64 each); returns the count. */
int32_t cortex_append_batch(int32_t store, int32_t in_ptr, int32_t in_len, int32_t out_ptr,
                            int32_t out_cap);
/* The number of events. */
int64_t cortex_event_count(int32_t store);
/* Bytes of the event record written; CORTEX_E_NOT_FOUND if there is no such event. */
int32_t cortex_get_event(int32_t store, int64_t id, int32_t out_ptr, int32_t out_cap);
/* Bytes of the event records written: the filter's matches in append order. */
int32_t cortex_query(int32_t store, int32_t filter_ptr, int32_t filter_len, int32_t out_ptr,
                     int32_t out_cap);
/* cortex_query with a filter of one kind and nothing else. */
int32_t cortex_query_kind(int32_t store, int32_t kind_ptr, int32_t kind_len, int32_t out_ptr,
                          int32_t out_cap);
/* A subscription handle: the filter's matches among the events appended from now on. */
int32_t cortex_subscribe(int32_t store, int32_t filter_ptr, int32_t filter_len);
/* Bytes of whole event records written (0: none waiting); what does not fit waits for the next poll. */
int32_t cortex_poll(int32_t subscription, int32_t out_ptr, int32_t out_cap);
/* Ends a store subscription or a bus receiver: 0. */
int32_t cortex_unsubscribe(int32_t subscription);

/* Graph. */

/* Puts a node with a label and no properties: 0. */
int32_t cortex_put_node(int32_t store, int32_t id_ptr, int32_t label_ptr, int32_t label_len);
/* Puts a node from a node-in record: 0. */
int32_t cortex_put_node_record(int32_t store, int32_t rec_ptr, int32_t rec_len);
/* Bytes of the node-out record written; CORTEX_E_NOT_FOUND if there is no such node. */
int32_t cortex_get_node(int32_t store, int32_t id_ptr, int32_t out_ptr, int32_t out_cap);
/* 1 if the node existed (it and its edges are gone), 0 if not. */
int32_t cortex_remove_node(int32_t store, int32_t id_ptr);
/* Bytes of the node-out records of the query's matches, in ascending id order. */
int32_t cortex_find_nodes(int32_t store, int32_t query_ptr, int32_t query_len, int32_t out_ptr,
                          int32_t out_cap);
int64_t cortex_node_count(int32_t store);
int64_t cortex_edge_count(int32_t store);
/* Puts the edge (from, relation, to): 0; CORTEX_E_MISSING_NODE if an end does not exist. */
int32_t cortex_put_edge(int32_t store, int32_t from_ptr, int32_t to_ptr, int32_t rel_ptr,
                        int32_t rel_len, double weight);
/* Bytes of the edge record written; CORTEX_E_NOT_FOUND if there is no such edge. */
int32_t cortex_get_edge(int32_t store, int32_t from_ptr, int32_t rel_ptr, int32_t rel_len,
                        int32_t to_ptr, int32_t out_ptr, int32_t out_cap);
/* 1 if the edge existed, 0 if not. */
int32_t cortex_remove_edge(int32_t store, int32_t from_ptr, int32_t rel_ptr, int32_t rel_len,
                           int32_t to_ptr);
/* Bytes of the edge records of a node in a direction, of one relation (rel_len 0: all). */
int32_t cortex_edges(int32_t store, int32_t node_ptr, int32_t direction, int32_t rel_ptr,
                     int32_t rel_len, int32_t out_ptr, int32_t out_cap);
/* The count of 32-byte ids written: the far end of each edge of the node in that direction. */
int32_t cortex_neighbors(int32_t store, int32_t node_ptr, int32_t direction, int32_t out_ptr,
                         int32_t out_cap);
/* The count of visit records written, breadth-first over outgoing edges, the start first. */
int32_t cortex_traverse(int32_t store, int32_t start_ptr, int32_t max_depth, int32_t out_ptr,
                        int32_t out_cap);
/* The count of nodes on the cheapest path (0: unreachable); writes cost f64, then their ids. */
int32_t cortex_shortest_path(int32_t store, int32_t from_ptr, int32_t to_ptr, int32_t out_ptr,
                             int32_t out_cap);

/* Bus: a bounded fan-out of new events, with a backpressure policy. */

/* A bus handle; capacity >= 1 events per subscriber; policy_arg is for policies with a parameter. */
int32_t cortex_bus_open(int32_t capacity, int32_t policy, int32_t policy_arg);
/* Publishes consecutive new-event records in order under one lock; the count accepted (the first
 * refusal stops; CORTEX_E_FULL when it was the first record). */
int32_t cortex_bus_publish(int32_t bus, int32_t in_ptr, int32_t in_len);
/* A receiver handle for the filter's matches (kinds and source only), under its own policy or,
 * with CORTEX_POLICY_BUS, the bus's. */
int32_t cortex_bus_subscribe(int32_t bus, int32_t filter_ptr, int32_t filter_len, int32_t policy,
                             int32_t policy_arg);
/* Bytes of whole new-event records written (0: none waiting). */
int32_t cortex_bus_poll(int32_t receiver, int32_t out_ptr, int32_t out_cap);
/* Bytes of u64 counters written. A bus: published, delivered, dropped_oldest, dropped_newest,
 * rejected, unrouted, coalesced, sampled_out. A receiver: queued, delivered, dropped_oldest,
 * dropped_newest, coalesced, sampled_out. Later versions only append counters. */
int32_t cortex_bus_stats(int32_t bus_or_receiver, int32_t out_ptr, int32_t out_cap);
/* Closes the bus: 0. Its receivers still drain what they hold. */
int32_t cortex_bus_close(int32_t bus);

#ifdef __cplusplus
}
#endif

#endif /* CORTEX_H */
