//! What a store holds, as the test records it (`apply`, from the writes it made) and as a fresh
//! instance reads it back through the C ABI (`observe`), its indexed queries checked against the
//! rest of what it reads.

use std::collections::{BTreeMap, BTreeSet};

use xtask::runtime::cortex_abi::{
    decode_edges, decode_events, decode_nodes, CortexAbi, Filter, NodeQueryRecord, NodeRecord,
    E_NOT_FOUND,
};

use super::script::{node_id, Op, KINDS, LABELS};

/// Events in append order, nodes by id with their label, edges as (from, relation, to).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub events: Vec<(String, Vec<u8>)>,
    pub nodes: BTreeMap<u8, String>,
    pub edges: BTreeSet<(u8, String, u8)>,
}

impl State {
    /// The state after `op`, as cortex.h describes each call.
    pub fn apply(&mut self, op: &Op) {
        match op {
            Op::Open | Op::Close => {}
            Op::Append(kind, payload) => self.events.push(((*kind).to_owned(), payload.clone())),
            Op::Batch(events) => self.events.extend(
                events
                    .iter()
                    .map(|(kind, payload)| ((*kind).to_owned(), payload.clone())),
            ),
            Op::PutNode(id, label) => {
                self.nodes.insert(*id, (*label).to_owned());
            }
            Op::PutEdge(from, rel, to) => {
                self.edges.insert((*from, (*rel).to_owned(), *to));
            }
            // "it and its edges are gone"
            Op::RemoveNode(id) => {
                self.nodes.remove(id);
                self.edges.retain(|(from, _, to)| from != id && to != id);
            }
            Op::RemoveEdge(from, rel, to) => {
                self.edges.remove(&(*from, (*rel).to_owned(), *to));
            }
        }
    }
}

const OUT: usize = 1 << 20;

/// The state of the store `handle`, read through every query that covers it: events by a query
/// with no filter, nodes by id, edges by node. Counts, the kind index and the label index must
/// agree with them, or this panics naming the difference.
pub fn observe(abi: &mut CortexAbi, handle: i32, ids: &[u8]) -> State {
    let out = abi.put_region(&vec![0; OUT]).unwrap();
    let filter = abi.put_region(&Filter::default().encode()).unwrap();
    let written = abi.query(handle, filter, out).unwrap();
    assert!(written >= 0, "cortex_query returned {written}");
    let records = decode_events(&abi.read(out.0, written as usize).unwrap()).unwrap();
    assert!(
        records.windows(2).all(|w| w[0].id < w[1].id),
        "ids not in order"
    );
    let events: Vec<_> = records.into_iter().map(|r| (r.kind, r.payload)).collect();
    assert_eq!(abi.event_count(handle).unwrap(), events.len() as i64);
    for kind in KINDS {
        let name = abi.put_region(kind.as_bytes()).unwrap();
        let written = abi.query_kind(handle, name, out).unwrap();
        let indexed = decode_events(&abi.read(out.0, written as usize).unwrap()).unwrap();
        let expected = events.iter().filter(|(k, _)| k == kind).count();
        assert_eq!(
            indexed.len(),
            expected,
            "events of kind {kind} by its index"
        );
    }

    let mut nodes = BTreeMap::new();
    let mut edges = BTreeSet::new();
    for &id in ids {
        let at = abi.put(&node_id(id)).unwrap();
        let written = abi.get_node(handle, at, out).unwrap();
        if written == E_NOT_FOUND {
            continue;
        }
        assert!(written > 0, "cortex_get_node({id}) returned {written}");
        let node = NodeRecord::decode(&abi.read(out.0, written as usize).unwrap()).unwrap();
        nodes.insert(id, node.label);
        let written = abi.edges(handle, at, 0, (0, 0), out).unwrap();
        assert!(written >= 0, "cortex_edges({id}) returned {written}");
        for (from, to, _, rel) in decode_edges(&abi.read(out.0, written as usize).unwrap()).unwrap()
        {
            assert_eq!(from, node_id(id));
            edges.insert((id, rel, to[0]));
        }
    }
    assert_eq!(abi.node_count(handle).unwrap(), nodes.len() as i64);
    assert_eq!(abi.edge_count(handle).unwrap(), edges.len() as i64);
    for label in LABELS {
        let query = NodeQueryRecord {
            labels: vec![(*label).to_owned()],
            ..NodeQueryRecord::default()
        };
        let query = abi.put_region(&query.encode()).unwrap();
        let written = abi.find_nodes(handle, query, out).unwrap();
        assert!(
            written >= 0,
            "cortex_find_nodes({label}) returned {written}"
        );
        let found: Vec<u8> = decode_nodes(&abi.read(out.0, written as usize).unwrap())
            .unwrap()
            .iter()
            .map(|node| node.id[0])
            .collect();
        let expected: Vec<u8> = nodes
            .iter()
            .filter(|(_, l)| l == label)
            .map(|(&id, _)| id)
            .collect();
        assert_eq!(found, expected, "nodes labelled {label} by the label index");
    }
    State {
        events,
        nodes,
        edges,
    }
}
