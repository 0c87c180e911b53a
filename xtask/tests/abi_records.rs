//! The record-based exports of the optimised cortex-core module (full filters, batches, node and
//! edge records, paths, subscriptions, the bus), each answer checked against a model the test
//! keeps itself, and every pointer, length and handle argument of them refused when bad.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use common::core_module::fresh;
use xtask::runtime::cortex_abi::{
    decode_edges, decode_events, decode_new_events, decode_nodes, decode_u64s, encode_new_events,
    CortexAbi, Filter, NewEventRecord, NodeQueryRecord, NodeRecord, E_BAD_HANDLE, E_BAD_POINTER,
    E_BUFFER_SMALL, E_FULL, E_INVALID, E_MISSING_NODE, E_NOT_FOUND,
};

const CAP: i32 = 64 << 10;

/// A store holding `events` appended through one batch, and an output buffer.
struct Fixture {
    abi: CortexAbi,
    h: i32,
    out: (i32, i32),
    /// What was appended, with the ids the module gave.
    appended: Vec<(u64, NewEventRecord)>,
}

fn fixture() -> Fixture {
    let mut abi = fresh();
    let h = abi.store_open().unwrap();
    let out = (abi.put(&vec![0; CAP as usize]).unwrap(), CAP);
    let events: Vec<_> = (0..20u8)
        .map(|i| {
            let kind = ["a.x", "a.y", "b"][usize::from(i % 3)];
            let mut e = NewEventRecord::new([i % 4; 32], kind, &[i; 3]);
            e.parent = (i > 0).then(|| u64::from(i) - 1);
            e
        })
        .collect();
    let batch = abi.put_region(&encode_new_events(&events)).unwrap();
    let count = abi.append_batch(h, batch, out).unwrap();
    assert_eq!(count, 20, "{}", abi.last_error_message().unwrap());
    let ids = decode_u64s(&abi.read(out.0, 160).unwrap());
    let appended = ids.into_iter().zip(events).collect();
    Fixture {
        abi,
        h,
        out,
        appended,
    }
}

impl Fixture {
    fn query(&mut self, filter: &Filter) -> Vec<u64> {
        let region = self.abi.put_region(&filter.encode()).unwrap();
        let written = self.abi.query(self.h, region, self.out).unwrap();
        assert!(
            written >= 0,
            "{filter:?}: {}",
            self.abi.last_error_message().unwrap()
        );
        let records = decode_events(&self.abi.read(self.out.0, written as usize).unwrap()).unwrap();
        records.iter().map(|r| r.id).collect()
    }

    /// The model's answer: ids of appended events that `keep` accepts, after `after`, `limit` at most.
    fn expected(&self, filter: &Filter, keep: impl Fn(&NewEventRecord) -> bool) -> Vec<u64> {
        let ids = self
            .appended
            .iter()
            .filter(|(id, e)| keep(e) && filter.after.is_none_or(|a| *id > a))
            .map(|(id, _)| *id);
        ids.take(filter.limit.map_or(usize::MAX, |l| l as usize))
            .collect()
    }
}

#[test]
fn queries_honour_every_field_of_the_filter() {
    let mut f = fixture();
    type Keep = Box<dyn Fn(&NewEventRecord) -> bool>;
    let cases: Vec<(Filter, Keep)> = vec![
        (Filter::default(), Box::new(|_| true)),
        (Filter::kinds(&["a.x", "b"]), Box::new(|e| e.kind != "a.y")),
        (
            Filter::kinds(&["a.*"]),
            Box::new(|e| e.kind.starts_with("a.")),
        ),
        (Filter::kinds(&["*"]), Box::new(|_| true)),
        (
            Filter {
                source: Some([2; 32]),
                ..Filter::kinds(&["b"])
            },
            Box::new(|e| e.kind == "b" && e.source == [2; 32]),
        ),
        (
            Filter {
                after: Some(f.appended[5].0),
                limit: Some(4),
                ..Filter::default()
            },
            Box::new(|_| true),
        ),
        (
            Filter {
                limit: Some(0),
                ..Filter::default()
            },
            Box::new(|_| true),
        ),
        // Every event was stamped at or after time 1 and before the far future.
        (
            Filter {
                since: Some(1),
                until: Some(u64::MAX),
                ..Filter::default()
            },
            Box::new(|_| true),
        ),
        (
            Filter {
                until: Some(1),
                ..Filter::default()
            },
            Box::new(|_| false),
        ),
    ];
    for (filter, keep) in &cases {
        let expected = f.expected(filter, keep);
        assert_eq!(f.query(filter), expected, "{filter:?}");
    }
    // Whole records: get_event returns exactly what was appended, parent included.
    for (id, event) in f.appended.clone() {
        let written = f.abi.get_event(f.h, id as i64, f.out).unwrap();
        let records = decode_events(&f.abi.read(f.out.0, written as usize).unwrap()).unwrap();
        let r = &records[0];
        assert_eq!(
            (r.id, &r.source, r.parent, &r.kind, &r.payload),
            (id, &event.source, event.parent, &event.kind, &event.payload)
        );
    }
    for missing in [-1, 1_000_000] {
        assert_eq!(f.abi.get_event(f.h, missing, f.out).unwrap(), E_NOT_FOUND);
    }
}

#[test]
fn a_batch_is_all_or_nothing_and_checks_its_output_first() {
    let mut f = fixture();
    let good = NewEventRecord::new([1; 32], "ok", b"");
    let bad = NewEventRecord::new([1; 32], "a.*", b"");
    let batch = f
        .abi
        .put_region(&encode_new_events(&[good.clone(), bad]))
        .unwrap();
    assert_eq!(f.abi.append_batch(f.h, batch, f.out).unwrap(), E_INVALID);
    let two = f
        .abi
        .put_region(&encode_new_events(&[good.clone(), good]))
        .unwrap();
    assert_eq!(
        f.abi.append_batch(f.h, two, (f.out.0, 15)).unwrap(),
        E_BUFFER_SMALL
    );
    let mut cut = encode_new_events(&[NewEventRecord::new([1; 32], "ok", b"abc")]);
    cut.pop();
    let cut = f.abi.put_region(&cut).unwrap();
    assert_eq!(f.abi.append_batch(f.h, cut, f.out).unwrap(), E_INVALID);
    assert_eq!(
        f.abi.event_count(f.h).unwrap(),
        20,
        "refused batches stored nothing"
    );
}

#[test]
fn a_flags_word_with_a_bit_no_field_owns_is_refused() {
    let mut f = fixture();
    let filter = Filter::kinds(&["b"]).encode();
    let query = NodeQueryRecord::default().encode();
    // Both flags words have five fields, bits 0 to 4; each higher bit is one a later layout might
    // give a field, which this module must refuse rather than read past.
    for bit in [5, 17, 31] {
        for (what, record) in [("filter", &filter), ("node query", &query)] {
            let call = |abi: &mut CortexAbi, record: &[u8]| {
                let region = abi.put_region(record).unwrap();
                match what {
                    "filter" => abi.query(f.h, region, f.out).unwrap(),
                    _ => abi.find_nodes(f.h, region, f.out).unwrap(),
                }
            };
            assert!(call(&mut f.abi, record) >= 0, "{what} as written");
            let mut flagged = record.clone();
            flagged[..4].copy_from_slice(&(1u32 << bit).to_le_bytes());
            assert_eq!(call(&mut f.abi, &flagged), E_INVALID, "{what}, bit {bit}");
            let message = f.abi.last_error_message().unwrap();
            assert!(message.contains("unknown bits"), "{what}: {message}");
        }
    }
}

#[test]
fn nodes_edges_and_paths_round_trip() {
    let mut f = fixture();
    let ids = [[0xa; 32], [0xb; 32], [0xc; 32]];
    let nodes: Vec<NodeRecord> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| NodeRecord {
            id: *id,
            label: format!("n{i}"),
            properties: vec![("k".into(), format!("v{i}")), ("a".into(), "z".into())],
            tags: if i == 1 {
                vec!["t".into(), "hot".into()]
            } else {
                vec![]
            },
            ..NodeRecord::default()
        })
        .collect();
    for node in &nodes {
        let record = f.abi.put_region(&node.encode()).unwrap();
        assert_eq!(f.abi.put_node_record(f.h, record).unwrap(), 0);
    }
    let ptr = ids.map(|id| f.abi.put(&id).unwrap());
    for (node, &p) in nodes.iter().zip(&ptr) {
        let written = f.abi.get_node(f.h, p, f.out).unwrap();
        let got = NodeRecord::decode(&f.abi.read(f.out.0, written as usize).unwrap()).unwrap();
        let mut expected = node.clone();
        expected.properties.sort();
        expected.tags.sort();
        assert!(
            got.created_at > 0 && got.updated_at >= got.created_at,
            "{got:?}"
        );
        (expected.created_at, expected.updated_at) = (got.created_at, got.updated_at);
        assert_eq!(got, expected);
    }
    let rel = f.abi.put_region(b"r").unwrap();
    for (from, to, w) in [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 3.0)] {
        assert_eq!(f.abi.put_edge(f.h, ptr[from], ptr[to], rel, w).unwrap(), 0);
    }
    assert_eq!(f.abi.edge_count(f.h).unwrap(), 3);
    let count = f.abi.shortest_path(f.h, ptr[0], ptr[2], f.out).unwrap();
    let bytes = f.abi.read(f.out.0, 8 + 32 * count as usize).unwrap();
    assert_eq!(f64::from_le_bytes(bytes[..8].try_into().unwrap()), 2.0);
    assert_eq!(
        bytes[8..].chunks(32).collect::<Vec<_>>(),
        [&ids[0][..], &ids[1], &ids[2]]
    );
    let written = f.abi.edges(f.h, ptr[0], 0, (0, 0), f.out).unwrap();
    let mut edges = decode_edges(&f.abi.read(f.out.0, written as usize).unwrap()).unwrap();
    edges.sort_by_key(|e| e.1);
    assert_eq!(
        edges,
        [
            (ids[0], ids[1], 1.0, "r".into()),
            (ids[0], ids[2], 3.0, "r".into())
        ]
    );
    let written = f.abi.get_edge(f.h, ptr[0], rel, ptr[2], f.out).unwrap();
    assert_eq!(
        decode_edges(&f.abi.read(f.out.0, written as usize).unwrap())
            .unwrap()
            .len(),
        1
    );
    assert_eq!(f.abi.remove_edge(f.h, ptr[0], rel, ptr[2]).unwrap(), 1);
    assert_eq!(f.abi.remove_edge(f.h, ptr[0], rel, ptr[2]).unwrap(), 0);
    assert_eq!(
        f.abi.get_edge(f.h, ptr[0], rel, ptr[2], f.out).unwrap(),
        E_NOT_FOUND
    );
    assert_eq!(f.abi.remove_node(f.h, ptr[1]).unwrap(), 1);
    assert_eq!(
        f.abi.shortest_path(f.h, ptr[0], ptr[2], f.out).unwrap(),
        0,
        "unreachable"
    );
    assert_eq!(
        f.abi.shortest_path(f.h, ptr[0], ptr[1], f.out).unwrap(),
        E_MISSING_NODE
    );
    assert_eq!(f.abi.get_node(f.h, ptr[1], f.out).unwrap(), E_NOT_FOUND);
    assert_eq!(
        (
            f.abi.node_count(f.h).unwrap(),
            f.abi.edge_count(f.h).unwrap()
        ),
        (2, 0)
    );
    // find_nodes over what is left (n0 and n2): by property, by label, by text, paged by id.
    let find = |f: &mut Fixture, q: NodeQueryRecord| {
        let query = f.abi.put_region(&q.encode()).unwrap();
        let written = f.abi.find_nodes(f.h, query, f.out).unwrap();
        assert!(
            written >= 0,
            "{q:?}: {}",
            f.abi.last_error_message().unwrap()
        );
        let nodes = decode_nodes(&f.abi.read(f.out.0, written as usize).unwrap()).unwrap();
        nodes.into_iter().map(|n| n.label).collect::<Vec<_>>()
    };
    let by = |properties: Vec<(String, String)>| NodeQueryRecord {
        properties,
        ..Default::default()
    };
    assert_eq!(
        find(&mut f, by(vec![("a".into(), "z".into())])),
        ["n0", "n2"]
    );
    assert_eq!(find(&mut f, by(vec![("k".into(), "v2".into())])), ["n2"]);
    let labels = NodeQueryRecord {
        labels: vec!["n0".into(), "nx".into()],
        ..Default::default()
    };
    assert_eq!(find(&mut f, labels), ["n0"]);
    let text = NodeQueryRecord {
        text: Some("V2".into()),
        ..Default::default()
    };
    assert_eq!(find(&mut f, text), ["n2"]);
    let page = NodeQueryRecord {
        after: Some(ids[0]),
        limit: Some(1),
        ..Default::default()
    };
    assert_eq!(find(&mut f, page), ["n2"]);
    let wordless = NodeQueryRecord {
        text: Some("  ".into()),
        ..Default::default()
    };
    let wordless = f.abi.put_region(&wordless.encode()).unwrap();
    let code = f.abi.find_nodes(f.h, wordless, f.out).unwrap();
    assert_eq!(code, E_INVALID, "a text without a word");
}

#[test]
fn subscriptions_deliver_later_matches_and_small_buffers_lose_nothing() {
    let mut f = fixture();
    let filter = f.abi.put_region(&Filter::kinds(&["b"]).encode()).unwrap();
    let sub = f.abi.subscribe(f.h, filter).unwrap();
    assert!(sub > 0);
    let later: Vec<_> = (0..6u8)
        .map(|i| NewEventRecord::new([9; 32], if i % 2 == 0 { "b" } else { "a.x" }, &[i; 50]))
        .collect();
    let batch = f.abi.put_region(&encode_new_events(&later)).unwrap();
    assert_eq!(f.abi.append_batch(f.h, batch, f.out).unwrap(), 6);
    let record = 8 + 8 + 32 + 8 + 4 + 1 + 4 + 50;
    assert_eq!(
        f.abi.poll(sub, (f.out.0, record - 1)).unwrap(),
        E_BUFFER_SMALL
    );
    let mut payloads = Vec::new();
    loop {
        let written = f.abi.poll(sub, (f.out.0, record + 10)).unwrap();
        assert!(written >= 0);
        if written == 0 {
            break;
        }
        let records = decode_events(&f.abi.read(f.out.0, written as usize).unwrap()).unwrap();
        payloads.extend(records.into_iter().map(|r| r.payload[0]));
    }
    assert_eq!(payloads, [0, 2, 4], "every matching event once, in order");
    assert_eq!(
        f.abi.poll(f.h, f.out).unwrap(),
        E_BAD_HANDLE,
        "a store is not a subscription"
    );
    assert_eq!(f.abi.unsubscribe(sub).unwrap(), 0);
    assert_eq!(f.abi.poll(sub, f.out).unwrap(), E_BAD_HANDLE);
}

#[test]
fn the_bus_applies_its_policy_and_counts() {
    let mut f = fixture();
    let bus = f.abi.bus_open(2, 2, 0).unwrap(); // DropNewest
    let all = f.abi.put_region(&Filter::default().encode()).unwrap();
    let rx = f.abi.bus_subscribe(bus, all, -1, 0).unwrap();
    let events: Vec<_> = (0..5u8)
        .map(|i| NewEventRecord::new([i; 32], "k", &[i]))
        .collect();
    let batch = f.abi.put_region(&encode_new_events(&events)).unwrap();
    assert_eq!(f.abi.bus_publish(bus, batch).unwrap(), 5);
    let written = f.abi.bus_poll(rx, f.out).unwrap();
    let got = decode_new_events(&f.abi.read(f.out.0, written as usize).unwrap()).unwrap();
    assert_eq!(got, events[..2], "DropNewest keeps the first two");
    let written = f.abi.bus_stats(bus, f.out).unwrap();
    assert_eq!(
        decode_u64s(&f.abi.read(f.out.0, written as usize).unwrap()),
        [5, 2, 0, 3, 0, 0, 0, 0]
    );
    let written = f.abi.bus_stats(rx, f.out).unwrap();
    assert_eq!(
        decode_u64s(&f.abi.read(f.out.0, written as usize).unwrap()),
        [2, 2, 0, 3, 0, 0]
    );
    // A subscriber of its own policy: Coalesce keeps one event per (kind, source).
    let own = f.abi.bus_subscribe(bus, all, 4, 0).unwrap();
    let same_key = vec![
        NewEventRecord::new([7; 32], "k", b"old"),
        NewEventRecord::new([7; 32], "k", b"new"),
    ];
    let same = f.abi.put_region(&encode_new_events(&same_key)).unwrap();
    assert_eq!(f.abi.bus_publish(bus, same).unwrap(), 2);
    let written = f.abi.bus_poll(own, f.out).unwrap();
    let got = decode_new_events(&f.abi.read(f.out.0, written as usize).unwrap()).unwrap();
    assert_eq!(
        got,
        same_key[1..],
        "the newer event replaced the queued one"
    );
    let code = f.abi.bus_subscribe(bus, all, 5, -1).unwrap();
    assert_eq!(code, E_INVALID, "a negative sample rate");
    let pattern = f.abi.put_region(&Filter::kinds(&["a*b"]).encode()).unwrap();
    let code = f.abi.bus_subscribe(bus, pattern, -1, 0).unwrap();
    assert_eq!(code, E_INVALID, "`*` inside a pattern");
    let timed = Filter {
        since: Some(1),
        ..Filter::default()
    };
    let timed = f.abi.put_region(&timed.encode()).unwrap();
    assert_eq!(
        f.abi.bus_subscribe(bus, timed, -1, 0).unwrap(),
        E_INVALID,
        "bus events have no time"
    );
    let strict = f.abi.bus_open(1, 3, 0).unwrap(); // Error
    f.abi.bus_subscribe(strict, all, -1, 0).unwrap();
    assert_eq!(
        f.abi.bus_publish(strict, batch).unwrap(),
        1,
        "the second is refused, the batch stops"
    );
    let one = f.abi.put_region(&encode_new_events(&events[..1])).unwrap();
    assert_eq!(f.abi.bus_publish(strict, one).unwrap(), E_FULL);
    assert_eq!(f.abi.bus_close(bus).unwrap(), 0);
    assert_eq!(f.abi.bus_publish(bus, one).unwrap(), E_BAD_HANDLE);
    // A closed bus's receiver still drains what it holds (the two same-key events), then ends.
    let written = f.abi.bus_poll(rx, f.out).unwrap();
    let held = decode_new_events(&f.abi.read(f.out.0, written as usize).unwrap()).unwrap();
    assert_eq!(
        held, same_key,
        "what the DropNewest receiver held when the bus closed"
    );
    assert_eq!(
        f.abi.bus_poll(rx, f.out).unwrap(),
        0,
        "a drained receiver of a closed bus"
    );
    for (capacity, policy) in [(0, 1), (-1, 1), (1, 6), (1, -1)] {
        assert_eq!(f.abi.bus_open(capacity, policy, 0).unwrap(), E_INVALID);
    }
}

/// Every pointer and length argument of the record-based exports, bad in each way, gives
/// CORTEX_E_BAD_POINTER; every handle argument, bad or of another kind, CORTEX_E_BAD_HANDLE.
#[test]
fn every_region_and_handle_argument_is_checked() {
    let mut f = fixture();
    let (h, out) = (f.h, f.out);
    let id = f.abi.put(&[0; 32]).unwrap();
    let filter = f.abi.put_region(&Filter::default().encode()).unwrap();
    let rel = f.abi.put_region(b"r").unwrap();
    let bus = f.abi.bus_open(2, 1, 0).unwrap();
    let rx = f.abi.bus_subscribe(bus, filter, -1, 0).unwrap();
    let sub = f.abi.subscribe(h, filter).unwrap();
    // Memory grows as the module allocates: the regions past its end are made against it as it is
    // at each call.
    let bad = |abi: &CortexAbi| -> [(i32, i32); 5] {
        let end = i32::try_from(abi.memory_len()).unwrap();
        [(0, 8), (end - 4, 8), (end + 64, 1), (-8, 16), (id, -1)]
    };
    // Each call with region `r` in one argument position: (name, the call).
    type Call = Box<dyn Fn(&mut CortexAbi, (i32, i32)) -> anyhow::Result<i32>>;
    let calls: Vec<(&str, Call)> = vec![
        (
            "append_batch in",
            Box::new(move |a, r| a.append_batch(h, r, out)),
        ),
        (
            "append_batch out",
            Box::new(move |a, r| a.append_batch(h, filter, r)),
        ),
        ("get_event out", Box::new(move |a, r| a.get_event(h, 0, r))),
        ("query filter", Box::new(move |a, r| a.query(h, r, out))),
        ("query out", Box::new(move |a, r| a.query(h, filter, r))),
        ("subscribe filter", Box::new(move |a, r| a.subscribe(h, r))),
        ("poll out", Box::new(move |a, r| a.poll(sub, r))),
        (
            "put_node_record",
            Box::new(move |a, r| a.put_node_record(h, r)),
        ),
        ("get_node id", Box::new(move |a, r| a.get_node(h, r.0, out))),
        ("get_node out", Box::new(move |a, r| a.get_node(h, id, r))),
        (
            "remove_node id",
            Box::new(move |a, r| a.remove_node(h, r.0)),
        ),
        (
            "get_edge from",
            Box::new(move |a, r| a.get_edge(h, r.0, rel, id, out)),
        ),
        (
            "get_edge rel",
            Box::new(move |a, r| a.get_edge(h, id, r, id, out)),
        ),
        (
            "get_edge to",
            Box::new(move |a, r| a.get_edge(h, id, rel, r.0, out)),
        ),
        (
            "get_edge out",
            Box::new(move |a, r| a.get_edge(h, id, rel, id, r)),
        ),
        (
            "remove_edge from",
            Box::new(move |a, r| a.remove_edge(h, r.0, rel, id)),
        ),
        (
            "remove_edge rel",
            Box::new(move |a, r| a.remove_edge(h, id, r, id)),
        ),
        (
            "remove_edge to",
            Box::new(move |a, r| a.remove_edge(h, id, rel, r.0)),
        ),
        (
            "edges node",
            Box::new(move |a, r| a.edges(h, r.0, 0, rel, out)),
        ),
        ("edges rel", Box::new(move |a, r| a.edges(h, id, 0, r, out))),
        ("edges out", Box::new(move |a, r| a.edges(h, id, 0, rel, r))),
        (
            "shortest_path from",
            Box::new(move |a, r| a.shortest_path(h, r.0, id, out)),
        ),
        (
            "shortest_path to",
            Box::new(move |a, r| a.shortest_path(h, id, r.0, out)),
        ),
        (
            "shortest_path out",
            Box::new(move |a, r| a.shortest_path(h, id, id, r)),
        ),
        (
            "bus_publish in",
            Box::new(move |a, r| a.bus_publish(bus, r)),
        ),
        (
            "bus_subscribe filter",
            Box::new(move |a, r| a.bus_subscribe(bus, r, -1, 0)),
        ),
        ("bus_poll out", Box::new(move |a, r| a.bus_poll(rx, r))),
        ("bus_stats out", Box::new(move |a, r| a.bus_stats(bus, r))),
    ];
    for (name, call) in &calls {
        for at in 0..5 {
            let region = bad(&f.abi)[at];
            // Fixed-size ids take only the pointer: a negative length says nothing about them.
            let fixed = name.ends_with(" id")
                || name.ends_with(" from")
                || name.ends_with(" to")
                || name.ends_with(" node");
            if fixed && region.1 < 0 {
                continue;
            }
            let code = call(&mut f.abi, region).unwrap();
            assert_eq!(code, E_BAD_POINTER, "{name} with {region:?}");
            assert!(
                !f.abi.last_error_message().unwrap().is_empty(),
                "{name}: no message"
            );
        }
    }
    // Handles: never issued, and of another kind.
    for (name, code) in [
        ("append_batch", f.abi.append_batch(999, filter, out)),
        ("get_event", f.abi.get_event(bus, 0, out)),
        ("query", f.abi.query(rx, filter, out)),
        ("subscribe", f.abi.subscribe(sub, filter)),
        ("poll of a receiver", f.abi.poll(rx, out)),
        ("bus_poll of a subscription", f.abi.bus_poll(sub, out)),
        ("put_node_record", f.abi.put_node_record(-1, filter)),
        ("get_node", f.abi.get_node(bus, id, out)),
        ("edges", f.abi.edges(0, id, 0, rel, out)),
        ("shortest_path", f.abi.shortest_path(i32::MAX, id, id, out)),
        ("bus_publish to a store", f.abi.bus_publish(h, filter)),
        (
            "bus_subscribe to a receiver",
            f.abi.bus_subscribe(rx, filter, -1, 0),
        ),
        ("bus_stats of a store", f.abi.bus_stats(h, out)),
        ("bus_close of a receiver", f.abi.bus_close(rx)),
        ("unsubscribe a bus", f.abi.unsubscribe(bus)),
        ("store_close of a bus", f.abi.store_close(bus)),
    ] {
        assert_eq!(code.unwrap(), E_BAD_HANDLE, "{name}");
    }
    for name in ["cortex_node_count", "cortex_edge_count"] {
        let code: i64 = f.abi.call(name, bus).unwrap();
        assert_eq!(code, i64::from(E_BAD_HANDLE), "{name} of a bus");
    }
    // After all that, the store, the bus and the subscription still answer.
    assert_eq!(f.abi.event_count(h).unwrap(), 20);
    assert_eq!(f.abi.bus_poll(rx, out).unwrap(), 0);
    assert_eq!(f.abi.poll(sub, out).unwrap(), 0);
}
