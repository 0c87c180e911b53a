//! The optimised cortex-core module, driven through every export of its C ABI, bad input included.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use common::core_module::fresh;
use xtask::runtime::cortex_abi::{
    decode_events, decode_reached, CortexAbi, ABI_VERSION, E_BAD_HANDLE, E_BAD_POINTER,
    E_BUFFER_SMALL, E_INVALID, E_MISSING_NODE,
};

/// Pointer/length pairs the ABI must refuse with CORTEX_E_BAD_POINTER, for a buffer of `len` bytes.
fn bad_regions(abi: &CortexAbi, len: i32) -> Vec<(&'static str, i32, i32)> {
    let end = i32::try_from(abi.memory_len()).unwrap();
    vec![
        ("null", 0, len.max(1)),
        (
            "reaching past the end of memory",
            end - len.max(1) + 1,
            len.max(1),
        ),
        ("starting past the end of memory", end + 4096, len.max(1)),
        ("overflowing", -8, len.max(16)),
        ("at the top of the address space", i32::MAX, len.max(1)),
    ]
}

/// A store with events and a graph a -> b -> c, plus scratch buffers.
struct Fixture {
    abi: CortexAbi,
    handle: i32,
    source: i32,
    kind: i32,
    payload: i32,
    nodes: [i32; 3],
    rel: i32,
    out: i32,
}

const OUT_CAP: i32 = 256 << 10;

fn fixture() -> Fixture {
    let mut abi = fresh();
    let handle = abi.store_open().unwrap();
    let source = abi.put(&[9; 32]).unwrap();
    let kind = abi.put(b"note").unwrap();
    let payload = abi.put(b"payload").unwrap();
    let nodes = [[1u8; 32], [2; 32], [3; 32]].map(|id| abi.put(&id).unwrap());
    let label = abi.put(b"label").unwrap();
    for node in nodes {
        assert_eq!(abi.put_node(handle, node, (label, 5)).unwrap(), 0);
    }
    let rel = abi.put(b"next").unwrap();
    assert_eq!(
        abi.put_edge(handle, nodes[0], nodes[1], (rel, 4), 1.0)
            .unwrap(),
        0
    );
    assert_eq!(
        abi.put_edge(handle, nodes[1], nodes[2], (rel, 4), 2.0)
            .unwrap(),
        0
    );
    assert!(abi.append(handle, source, (kind, 4), (payload, 7)).unwrap() >= 0);
    let out = abi.put(&vec![0; OUT_CAP as usize]).unwrap();
    Fixture {
        abi,
        handle,
        source,
        kind,
        payload,
        nodes,
        rel,
        out,
    }
}

impl Fixture {
    /// The store still appends, counts, queries and walks the graph correctly.
    fn assert_still_works(&mut self, after: &str) {
        let f = self;
        let notes = |f: &mut Fixture| {
            let written = f
                .abi
                .query_kind(f.handle, (f.kind, 4), (f.out, OUT_CAP))
                .unwrap();
            assert!(written >= 0, "query_kind failed after {after}: {written}");
            decode_events(&f.abi.read(f.out, written as usize).unwrap()).unwrap()
        };
        let (count, before) = (f.abi.event_count(f.handle).unwrap(), notes(f).len());
        let id = f
            .abi
            .append(f.handle, f.source, (f.kind, 4), (f.payload, 7))
            .unwrap();
        assert!(id >= 0, "append failed after {after}: {id}");
        assert_eq!(
            f.abi.event_count(f.handle).unwrap(),
            count + 1,
            "count after {after}"
        );
        let records = notes(f);
        assert_eq!(records.len(), before + 1, "query after {after}");
        assert_eq!(
            records.last().unwrap().id,
            id as u64,
            "the new event comes last after {after}"
        );
        assert!(
            records
                .iter()
                .all(|r| r.payload == b"payload" && r.source == [9; 32]),
            "records after {after}"
        );
        let reached = f
            .abi
            .traverse(f.handle, f.nodes[0], 5, (f.out, OUT_CAP))
            .unwrap();
        assert_eq!(reached, 3, "traverse after {after}");
    }

    fn assert_error(&mut self, code: i64, expected: i32, what: &str) {
        assert_eq!(code, i64::from(expected), "{what}");
        let message = self.abi.last_error_message().unwrap();
        assert!(!message.is_empty(), "{what}: no last error message");
        self.assert_still_works(what);
    }
}

#[test]
fn every_export_answers_good_input() {
    let mut abi = fresh();
    assert_eq!(abi.abi_version().unwrap(), ABI_VERSION);
    let out = abi.put(&[0; 64]).unwrap();
    assert_eq!(
        abi.last_error(out, 64).unwrap(),
        0,
        "a fresh module has no last error"
    );

    let mut f = fixture();
    let (a, b, c) = ([1u8; 32], [2u8; 32], [3u8; 32]);
    let abi = &mut f.abi;
    let tick = abi.put(b"tick").unwrap();
    let empty = abi.put(b"").unwrap();
    let tick_id = abi
        .append(f.handle, f.source, (tick, 4), (empty, 0))
        .unwrap();
    assert_eq!(abi.event_count(f.handle).unwrap(), 2);
    let written = abi
        .query_kind(f.handle, (tick, 4), (f.out, OUT_CAP))
        .unwrap();
    assert_eq!(written, 8 + 8 + 32 + 8 + (4 + 4) + 4);
    let records = decode_events(&abi.read(f.out, written as usize).unwrap()).unwrap();
    assert_eq!(
        (records[0].id, records[0].source, records[0].payload.len()),
        (tick_id as u64, [9; 32], 0)
    );
    let none = abi.put(b"nothing").unwrap();
    assert_eq!(
        abi.query_kind(f.handle, (none, 7), (f.out, OUT_CAP))
            .unwrap(),
        0
    );

    let read_ids = |abi: &mut CortexAbi, count: i32| {
        let mut ids: Vec<[u8; 32]> = abi
            .read(f.out, 32 * count as usize)
            .unwrap()
            .chunks(32)
            .map(|id| id.try_into().unwrap())
            .collect();
        ids.sort();
        ids
    };
    let count = abi
        .neighbors(f.handle, f.nodes[1], 0, (f.out, OUT_CAP))
        .unwrap();
    assert_eq!(read_ids(abi, count), [c]);
    let count = abi
        .neighbors(f.handle, f.nodes[1], 1, (f.out, OUT_CAP))
        .unwrap();
    assert_eq!(read_ids(abi, count), [a]);
    let count = abi
        .neighbors(f.handle, f.nodes[1], 2, (f.out, OUT_CAP))
        .unwrap();
    assert_eq!(read_ids(abi, count), [a, c]);
    let count = abi
        .traverse(f.handle, f.nodes[0], 1, (f.out, OUT_CAP))
        .unwrap();
    assert_eq!(
        decode_reached(&abi.read(f.out, 36 * count as usize).unwrap()),
        [(a, 0), (b, 1)]
    );

    let second = abi.store_open().unwrap();
    assert!(second > 0 && second != f.handle);
    assert_eq!(abi.event_count(second).unwrap(), 0, "stores are separate");
    assert_eq!(abi.store_close(second).unwrap(), 0);
    assert_eq!(
        abi.store_close(second).unwrap(),
        E_BAD_HANDLE,
        "closing twice"
    );
    f.assert_still_works("closing another store");
}

/// A call with one argument, named after the call, given a bad region `(ptr, len)`; it returns the
/// call's code.
type WithBadRegion = (&'static str, fn(&mut Fixture, i32, i32) -> i64);

/// The calls that take a 32-byte id, each given a bad one.
const BAD_IDS: &[WithBadRegion] = &[
    ("append with a source", |f, ptr, _| {
        f.abi
            .append(f.handle, ptr, (f.kind, 4), (f.payload, 7))
            .unwrap()
    }),
    ("put_node with an id", |f, ptr, _| {
        f.abi.put_node(f.handle, ptr, (f.rel, 4)).unwrap().into()
    }),
    ("put_edge with a `to`", |f, ptr, _| {
        let (from, rel) = (f.nodes[0], f.rel);
        f.abi
            .put_edge(f.handle, from, ptr, (rel, 4), 1.0)
            .unwrap()
            .into()
    }),
    ("put_edge with a `from`", |f, ptr, _| {
        let (to, rel) = (f.nodes[1], f.rel);
        f.abi
            .put_edge(f.handle, ptr, to, (rel, 4), 1.0)
            .unwrap()
            .into()
    }),
    ("neighbors of a node", |f, ptr, _| {
        f.abi
            .neighbors(f.handle, ptr, 0, (f.out, OUT_CAP))
            .unwrap()
            .into()
    }),
    ("traverse from a node", |f, ptr, _| {
        f.abi
            .traverse(f.handle, ptr, 3, (f.out, OUT_CAP))
            .unwrap()
            .into()
    }),
];

/// The calls that take a string or a buffer, each given a bad one.
const BAD_REGIONS: &[WithBadRegion] = &[
    ("append with a kind", |f, ptr, len| {
        f.abi
            .append(f.handle, f.source, (ptr, len), (f.payload, 7))
            .unwrap()
    }),
    ("append with a payload", |f, ptr, len| {
        f.abi
            .append(f.handle, f.source, (f.kind, 4), (ptr, len))
            .unwrap()
    }),
    ("query_kind with a kind", |f, ptr, len| {
        f.abi
            .query_kind(f.handle, (ptr, len), (f.out, OUT_CAP))
            .unwrap()
            .into()
    }),
    ("query_kind into a buffer", |f, ptr, len| {
        f.abi
            .query_kind(f.handle, (f.kind, 4), (ptr, len))
            .unwrap()
            .into()
    }),
    ("put_node with a label", |f, ptr, len| {
        f.abi
            .put_node(f.handle, f.nodes[0], (ptr, len))
            .unwrap()
            .into()
    }),
    ("put_edge with a relation", |f, ptr, len| {
        let [from, to, _] = f.nodes;
        f.abi
            .put_edge(f.handle, from, to, (ptr, len), 1.0)
            .unwrap()
            .into()
    }),
    ("neighbors into a buffer", |f, ptr, len| {
        f.abi
            .neighbors(f.handle, f.nodes[0], 0, (ptr, len))
            .unwrap()
            .into()
    }),
    ("traverse into a buffer", |f, ptr, len| {
        f.abi
            .traverse(f.handle, f.nodes[0], 3, (ptr, len))
            .unwrap()
            .into()
    }),
    ("last_error into a buffer", |f, ptr, len| {
        f.abi.last_error(ptr, len).unwrap().into()
    }),
];

#[test]
fn bad_pointers_give_bad_pointer_not_traps() {
    let mut f = fixture();
    for (size, calls) in [(32, BAD_IDS), (8, BAD_REGIONS)] {
        for i in 0..bad_regions(&f.abi, size).len() {
            for (what, call) in calls {
                // Memory grows as the store does: each region is made against memory as it is now.
                let (why, ptr, len) = bad_regions(&f.abi, size)[i];
                let code = call(&mut f, ptr, len);
                f.assert_error(code, E_BAD_POINTER, &format!("{what} {why}"));
            }
        }
    }
    let (h, src, kind, payload, out) = (f.handle, f.source, f.kind, f.payload, f.out);
    let code = f.abi.append(h, src, (kind, -1), (payload, 7)).unwrap();
    f.assert_error(code, E_BAD_POINTER, "append with a negative kind length");
    let code = f.abi.query_kind(h, (kind, 4), (out, -5)).unwrap();
    f.assert_error(
        code.into(),
        E_BAD_POINTER,
        "query_kind with a negative capacity",
    );
}

/// A call, named with what its handle is to it, given a bad handle; it returns the call's code.
type WithBadHandle = (&'static str, fn(&mut Fixture, i32) -> i64);

const BAD_HANDLES: &[WithBadHandle] = &[
    ("append to handle", |f, h| {
        f.abi
            .append(h, f.source, (f.kind, 4), (f.payload, 7))
            .unwrap()
    }),
    ("event_count of handle", |f, h| {
        f.abi.event_count(h).unwrap()
    }),
    ("query_kind on handle", |f, h| {
        f.abi
            .query_kind(h, (f.kind, 4), (f.out, OUT_CAP))
            .unwrap()
            .into()
    }),
    ("put_node on handle", |f, h| {
        f.abi.put_node(h, f.nodes[0], (f.rel, 4)).unwrap().into()
    }),
    ("put_edge on handle", |f, h| {
        let [from, to, _] = f.nodes;
        f.abi.put_edge(h, from, to, (f.rel, 4), 1.0).unwrap().into()
    }),
    ("neighbors on handle", |f, h| {
        f.abi
            .neighbors(h, f.nodes[0], 2, (f.out, OUT_CAP))
            .unwrap()
            .into()
    }),
    ("traverse on handle", |f, h| {
        f.abi
            .traverse(h, f.nodes[0], 2, (f.out, OUT_CAP))
            .unwrap()
            .into()
    }),
    ("store_close of handle", |f, h| {
        f.abi.store_close(h).unwrap().into()
    }),
];

#[test]
fn bad_handles_give_bad_handle() {
    let mut f = fixture();
    for h in [0, -1, 999, i32::MAX, i32::MIN] {
        for (what, call) in BAD_HANDLES {
            let code = call(&mut f, h);
            f.assert_error(code, E_BAD_HANDLE, &format!("{what} {h}"));
        }
    }
    // The handle is checked before anything else, even a bad pointer.
    let code = f.abi.append(999, 0, (0, 5), (0, 5)).unwrap();
    f.assert_error(
        code,
        E_BAD_HANDLE,
        "append to a bad handle with bad pointers",
    );
}

#[test]
fn small_buffers_give_buffer_small_and_leave_the_buffer_untouched() {
    let mut f = fixture();
    let (h, kind, [a, b, _], out) = (f.handle, f.kind, f.nodes, f.out);
    let needed = f.abi.query_kind(h, (kind, 4), (out, OUT_CAP)).unwrap();
    assert!(needed > 0);
    f.abi.write(out, &[0xee; 64]).unwrap();
    let code = f.abi.query_kind(h, (kind, 4), (out, needed - 1)).unwrap();
    assert_eq!(
        f.abi.read(out, 64).unwrap(),
        [0xee; 64],
        "a failed call wrote into the buffer"
    );
    assert!(
        f.abi
            .last_error_message()
            .unwrap()
            .contains(&needed.to_string()),
        "the message says the size needed"
    );
    f.assert_error(code.into(), E_BUFFER_SMALL, "query_kind one byte short");
    let code = f.abi.neighbors(h, b, 2, (out, 63)).unwrap();
    f.assert_error(
        code.into(),
        E_BUFFER_SMALL,
        "neighbors with room for one of two ids",
    );
    let code = f.abi.traverse(h, a, 5, (out, 36 * 3 - 1)).unwrap();
    f.assert_error(
        code.into(),
        E_BUFFER_SMALL,
        "traverse with room for less than three records",
    );
    let code = f.abi.traverse(h, a, 5, (out, 0)).unwrap();
    f.assert_error(code.into(), E_BUFFER_SMALL, "traverse into an empty buffer");
}

#[test]
fn invalid_input_gives_invalid_or_missing_node() {
    let mut f = fixture();
    let (h, src, kind, payload, [a, b, _], rel, out) =
        (f.handle, f.source, f.kind, f.payload, f.nodes, f.rel, f.out);
    for direction in [-1, 3, 100, i32::MIN] {
        let code = f.abi.neighbors(h, a, direction, (out, OUT_CAP)).unwrap();
        f.assert_error(
            code.into(),
            E_INVALID,
            &format!("neighbors in direction {direction}"),
        );
    }
    let code = f.abi.append(h, src, (kind, 0), (payload, 7)).unwrap();
    f.assert_error(code, E_INVALID, "append with an empty kind");
    let bad_utf8 = f.abi.put(&[0xff, 0xfe, 0x80]).unwrap();
    let code = f.abi.append(h, src, (bad_utf8, 3), (payload, 7)).unwrap();
    f.assert_error(code, E_INVALID, "append with a kind that is not UTF-8");
    for weight in [f64::NAN, f64::INFINITY, -1.0] {
        let code = f.abi.put_edge(h, a, b, (rel, 4), weight).unwrap();
        f.assert_error(
            code.into(),
            E_INVALID,
            &format!("put_edge with weight {weight}"),
        );
    }
    let code = f.abi.traverse(h, a, -1, (out, OUT_CAP)).unwrap();
    f.assert_error(code.into(), E_INVALID, "traverse with a negative depth");
    let ghost = f.abi.put(&[0x77; 32]).unwrap();
    let code = f.abi.put_edge(h, a, ghost, (rel, 4), 1.0).unwrap();
    f.assert_error(
        code.into(),
        E_MISSING_NODE,
        "put_edge to a node that does not exist",
    );
    let code = f.abi.put_edge(h, ghost, a, (rel, 4), 1.0).unwrap();
    f.assert_error(
        code.into(),
        E_MISSING_NODE,
        "put_edge from a node that does not exist",
    );
    let code = f.abi.traverse(h, ghost, 3, (out, OUT_CAP)).unwrap();
    f.assert_error(
        code.into(),
        E_MISSING_NODE,
        "traverse from a node that does not exist",
    );
}

#[test]
fn last_error_truncates_but_reports_the_full_length() {
    let mut f = fixture();
    assert_eq!(f.abi.event_count(12345).unwrap(), i64::from(E_BAD_HANDLE));
    let full = f.abi.last_error_message().unwrap();
    assert!(full.len() > 4, "{full:?}");
    f.abi.write(f.out, &[0; 16]).unwrap();
    assert_eq!(f.abi.last_error(f.out, 4).unwrap(), full.len() as i32);
    assert_eq!(
        f.abi.read(f.out, 5).unwrap(),
        [&full.as_bytes()[..4], &[0]].concat(),
        "copies exactly out_cap bytes"
    );
    assert_eq!(
        f.abi.last_error(f.out, 0).unwrap(),
        full.len() as i32,
        "a zero-length buffer still gets the length"
    );
    f.assert_still_works("reading the last error");
}

#[test]
fn alloc_and_free_refuse_what_they_did_not_hand_out() {
    let mut f = fixture();
    for len in [0, -1, i32::MIN] {
        assert_eq!(f.abi.alloc(len).unwrap(), 0, "alloc({len})");
    }
    assert_eq!(
        f.abi.alloc(i32::MAX).unwrap(),
        0,
        "an allocation larger than memory can grow to"
    );
    let block = f.abi.alloc(100).unwrap();
    assert!(block > 0);
    assert_eq!(
        f.abi.read(block, 100).unwrap(),
        [0; 100],
        "fresh bytes are zeroed"
    );
    let code = f.abi.free(block, 99).unwrap();
    f.assert_error(code.into(), E_BAD_POINTER, "free with the wrong length");
    let code = f.abi.free(block + 1, 100).unwrap();
    f.assert_error(
        code.into(),
        E_BAD_POINTER,
        "free of a pointer inside a block",
    );
    assert_eq!(f.abi.free(block, 100).unwrap(), 0);
    let code = f.abi.free(block, 100).unwrap();
    f.assert_error(code.into(), E_BAD_POINTER, "double free");
    let code = f.abi.free(0, 0).unwrap();
    f.assert_error(code.into(), E_BAD_POINTER, "free of null");
}

/// Panic messages name source files, and a dependency's file under the cargo home would make the
/// module's bytes depend on where that is: the build remaps it to `/cargo`.
#[test]
fn the_module_names_no_path_of_the_cargo_home_that_built_it() {
    let module = common::core_module::optimised_bytes();
    let cargo_home = std::env::var("CARGO_HOME")
        .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap()));
    let holds = |needle: &[u8]| module.windows(needle.len()).any(|w| w == needle);
    assert!(
        !holds(cargo_home.as_bytes()),
        "the module names {cargo_home}"
    );
    // A dependency's panic locations are there, under the name every machine gives them.
    assert!(holds(b"/cargo/registry/src/"));
}
