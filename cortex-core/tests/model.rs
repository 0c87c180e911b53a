//! Random operation sequences give the same answers on the memory store, RocksDB and a plain reference model.
#![cfg(all(not(target_family = "wasm"), feature = "native"))]

use std::collections::{BTreeMap, HashSet, VecDeque};

use cortex_core::{
    Direction, Edge, Error, Event, EventFilter, EventId, EventStore, GraphStore, MemoryEventStore,
    MemoryGraphStore, NewEvent, Node, NodeId, RocksEventStore, RocksGraphStore, RocksOptions,
    StoreConfig,
};
use proptest::prelude::*;

const MAX_PAYLOAD: usize = 8;
const KINDS: [&str; 4] = ["a", "b", "c", ""];
const RELATIONS: [&str; 3] = ["r", "s", ""];

fn node(i: u8) -> NodeId {
    NodeId::from_name(&format!("n{i}"))
}

/// An event without its timestamp: (id, source, kind, payload, parent).
type Stamped = (EventId, NodeId, String, Vec<u8>, Option<EventId>);

/// An answer reduced to what every backend must agree on: timestamps differ between stores.
#[derive(Debug, PartialEq)]
enum Answer {
    Events(Vec<Stamped>),
    Count(u64),
    Counts(u64, u64),
    Flag(bool),
    Node(Option<Node>),
    Edges(Vec<Edge>),
    Reached(Vec<(NodeId, usize)>),
    /// Equal-cost paths may differ between algorithms, so only the cost is compared with the model.
    Cost(Option<u64>),
    Done,
    /// An error: its variant, and its details where they do not depend on message wording.
    Failed(String),
}

fn answer<T>(result: Result<T, Error>, ok: impl FnOnce(T) -> Answer) -> Answer {
    match result {
        Ok(value) => ok(value),
        Err(e @ (Error::MissingNode(_) | Error::PayloadTooLarge { .. })) => {
            Answer::Failed(format!("{e:?}"))
        }
        Err(e) => Answer::Failed(
            format!("{e:?}")
                .split(['(', ' '])
                .next()
                .unwrap_or_default()
                .to_owned(),
        ),
    }
}

fn events(events: Vec<Event>) -> Answer {
    Answer::Events(
        events
            .into_iter()
            .map(|e| (e.id, e.source, e.kind, e.payload, e.parent))
            .collect(),
    )
}

#[derive(Clone, Debug)]
enum Op {
    Append(NewEvent),
    AppendBatch(Vec<NewEvent>),
    Get(u64),
    Query(EventFilter),
    Len,
    PutNode(u8, String),
    GetNode(u8),
    RemoveNode(u8),
    PutEdge(u8, &'static str, u8, f64),
    GetEdge(u8, &'static str, u8),
    RemoveEdge(u8, &'static str, u8),
    Neighbors(u8, Direction, Option<&'static str>),
    Traverse(u8, usize),
    ShortestPath(u8, u8),
    Counts,
    /// Close and reopen the RocksDB stores.
    Reopen,
}

fn new_event() -> impl Strategy<Value = NewEvent> {
    (
        0u8..3,
        0..KINDS.len(),
        prop::collection::vec(any::<u8>(), 0..=MAX_PAYLOAD + 1),
        prop::option::of(1u64..20),
    )
        .prop_map(|(source, kind, payload, parent)| NewEvent {
            source: node(source),
            kind: KINDS[kind].into(),
            payload,
            parent: parent.map(EventId),
        })
}

fn filter() -> impl Strategy<Value = EventFilter> {
    (
        prop::collection::vec(0..KINDS.len() - 1, 0..3),
        prop::option::of(0u8..3),
        prop::option::of(0u64..25),
        prop::option::of(0usize..6),
    )
        .prop_map(|(kinds, source, after, limit)| EventFilter {
            kinds: kinds.into_iter().map(|k| KINDS[k].to_owned()).collect(),
            source: source.map(node),
            after: after.map(EventId),
            limit,
            ..Default::default()
        })
}

fn op() -> impl Strategy<Value = Op> {
    // Few node ids, so edges find both ends and removals hit nodes that have edges.
    let n = || 0u8..4;
    let relation = || prop::sample::select(RELATIONS.to_vec());
    let direction = prop::sample::select(vec![
        Direction::Outgoing,
        Direction::Incoming,
        Direction::Both,
    ]);
    prop_oneof![
        4 => new_event().prop_map(Op::Append),
        2 => prop::collection::vec(new_event(), 0..5).prop_map(Op::AppendBatch),
        1 => (0u64..25).prop_map(Op::Get),
        3 => filter().prop_map(Op::Query),
        1 => Just(Op::Len),
        4 => (n(), prop::sample::select(vec!["person", "place", ""])).prop_map(|(i, l)| Op::PutNode(i, l.into())),
        1 => n().prop_map(Op::GetNode),
        2 => n().prop_map(Op::RemoveNode),
        5 => (n(), relation(), n(), prop::sample::select(vec![0.0, 1.0, 2.5, 4.0, -1.0])).prop_map(|(a, r, b, w)| Op::PutEdge(a, r, b, w)),
        1 => (n(), relation(), n()).prop_map(|(a, r, b)| Op::GetEdge(a, r, b)),
        1 => (n(), relation(), n()).prop_map(|(a, r, b)| Op::RemoveEdge(a, r, b)),
        2 => (n(), direction, prop::option::of(prop::sample::select(vec!["r", "s"]))).prop_map(|(a, d, r)| Op::Neighbors(a, d, r)),
        2 => (n(), 0usize..4).prop_map(|(a, d)| Op::Traverse(a, d)),
        2 => (n(), n()).prop_map(|(a, b)| Op::ShortestPath(a, b)),
        1 => Just(Op::Counts),
        1 => Just(Op::Reopen),
    ]
}

/// The reference: a Vec of events and two BTreeMaps, answering by brute force.
#[derive(Default)]
struct Model {
    events: Vec<NewEvent>,
    nodes: BTreeMap<NodeId, Node>,
    edges: BTreeMap<(NodeId, String, NodeId), f64>,
}

impl Model {
    fn check(event: &NewEvent) -> Result<(), Error> {
        if event.kind.is_empty() {
            return Err(Error::InvalidKind(String::new()));
        }
        if event.payload.len() > MAX_PAYLOAD {
            return Err(Error::PayloadTooLarge {
                size: event.payload.len(),
                limit: MAX_PAYLOAD,
            });
        }
        Ok(())
    }

    fn stored(&self) -> impl Iterator<Item = Event> + '_ {
        self.events.iter().zip(1..).map(|(e, id)| Event {
            id: EventId(id),
            timestamp: 0,
            source: e.source,
            kind: e.kind.clone(),
            payload: e.payload.clone(),
            parent: e.parent,
        })
    }

    fn neighbors(&self, at: NodeId, direction: Direction, relation: Option<&str>) -> Vec<Edge> {
        let mut found: Vec<(String, NodeId, bool, Edge)> = Vec::new();
        for ((from, rel, to), &weight) in &self.edges {
            if relation.is_some_and(|r| r != rel) {
                continue;
            }
            let edge = Edge {
                from: *from,
                to: *to,
                relation: rel.clone(),
                weight,
            };
            if *from == at && direction != Direction::Incoming {
                found.push((rel.clone(), *to, false, edge));
            } else if *to == at && direction != Direction::Outgoing {
                found.push((rel.clone(), *from, true, edge));
            }
        }
        found.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
        found.into_iter().map(|f| f.3).collect()
    }

    fn apply(&mut self, op: &Op) -> Answer {
        match op {
            Op::Append(event) => answer(Self::check(event), |()| {
                self.events.push(event.clone());
                events(self.stored().last().into_iter().collect())
            }),
            Op::AppendBatch(batch) => answer(batch.iter().try_for_each(Self::check), |()| {
                let before = self.events.len();
                self.events.extend(batch.iter().cloned());
                events(self.stored().skip(before).collect())
            }),
            Op::Get(id) => events(self.stored().filter(|e| e.id.0 == *id).collect()),
            Op::Query(filter) => events(
                self.stored()
                    .filter(|e| filter.matches(e))
                    .take(filter.limit.unwrap_or(usize::MAX))
                    .collect(),
            ),
            Op::Len => Answer::Count(self.events.len() as u64),
            Op::PutNode(i, label) => {
                if label.is_empty() {
                    return Answer::Failed("InvalidInput".into());
                }
                self.nodes.insert(
                    node(*i),
                    Node {
                        id: node(*i),
                        label: label.clone(),
                        properties: props(*i),
                    },
                );
                Answer::Done
            }
            Op::GetNode(i) => Answer::Node(self.nodes.get(&node(*i)).cloned()),
            Op::RemoveNode(i) => {
                let id = node(*i);
                self.edges
                    .retain(|(from, _, to), _| *from != id && *to != id);
                Answer::Flag(self.nodes.remove(&id).is_some())
            }
            Op::PutEdge(a, relation, b, weight) => {
                if relation.is_empty() || *weight < 0.0 {
                    return Answer::Failed("InvalidInput".into());
                }
                if let Some(missing) = [node(*a), node(*b)]
                    .into_iter()
                    .find(|n| !self.nodes.contains_key(n))
                {
                    return answer(Err::<(), _>(Error::MissingNode(missing)), |()| Answer::Done);
                }
                self.edges
                    .insert((node(*a), relation.to_string(), node(*b)), *weight);
                Answer::Done
            }
            Op::GetEdge(a, relation, b) => {
                let key = (node(*a), relation.to_string(), node(*b));
                Answer::Edges(
                    self.edges
                        .get(&key)
                        .map(|&weight| Edge {
                            from: key.0,
                            to: key.2,
                            relation: key.1.clone(),
                            weight,
                        })
                        .into_iter()
                        .collect(),
                )
            }
            Op::RemoveEdge(a, relation, b) => Answer::Flag(
                self.edges
                    .remove(&(node(*a), relation.to_string(), node(*b)))
                    .is_some(),
            ),
            Op::Neighbors(a, direction, relation) => {
                Answer::Edges(self.neighbors(node(*a), *direction, *relation))
            }
            Op::Traverse(a, depth) => {
                let start = node(*a);
                if !self.nodes.contains_key(&start) {
                    return answer(Err::<(), _>(Error::MissingNode(start)), |()| Answer::Done);
                }
                let (mut seen, mut queue, mut reached) = (
                    HashSet::from([start]),
                    VecDeque::from([(start, 0)]),
                    Vec::new(),
                );
                while let Some((at, d)) = queue.pop_front() {
                    reached.push((at, d));
                    if d < *depth {
                        for edge in self.neighbors(at, Direction::Outgoing, None) {
                            if seen.insert(edge.to) {
                                queue.push_back((edge.to, d + 1));
                            }
                        }
                    }
                }
                Answer::Reached(reached)
            }
            Op::ShortestPath(a, b) => {
                if let Some(missing) = [node(*a), node(*b)]
                    .into_iter()
                    .find(|n| !self.nodes.contains_key(n))
                {
                    return answer(Err::<(), _>(Error::MissingNode(missing)), |()| Answer::Done);
                }
                Answer::Cost(self.cheapest(node(*a), node(*b)))
            }
            Op::Counts => Answer::Counts(self.nodes.len() as u64, self.edges.len() as u64),
            Op::Reopen => Answer::Done,
        }
    }

    /// Bellman-Ford on the tiny graph, in units of a quarter (every generated weight is a multiple of 0.25).
    fn cheapest(&self, from: NodeId, to: NodeId) -> Option<u64> {
        let mut best = BTreeMap::from([(from, 0u64)]);
        for _ in 0..=self.nodes.len() {
            for ((a, _, b), &w) in &self.edges {
                if let Some(&cost) = best.get(a) {
                    let through = cost + (w * 4.0) as u64;
                    if best.get(b).is_none_or(|&known| through < known) {
                        best.insert(*b, through);
                    }
                }
            }
        }
        best.get(&to).copied()
    }
}

fn props(i: u8) -> BTreeMap<String, String> {
    BTreeMap::from([("index".to_owned(), i.to_string())])
}

/// Runs `op` on one pair of stores.
fn run(events_store: &dyn EventStore, graph: &dyn GraphStore, op: &Op) -> Answer {
    match op {
        Op::Append(event) => answer(events_store.append(event.clone()), |e| events(vec![e])),
        Op::AppendBatch(batch) => answer(events_store.append_batch(batch.clone()), events),
        Op::Get(id) => answer(events_store.get(EventId(*id)), |e| {
            events(e.into_iter().collect())
        }),
        Op::Query(filter) => answer(events_store.query(filter), events),
        Op::Len => answer(events_store.len(), Answer::Count),
        Op::PutNode(i, label) => answer(
            graph.put_node(Node {
                id: node(*i),
                label: label.clone(),
                properties: props(*i),
            }),
            |()| Answer::Done,
        ),
        Op::GetNode(i) => answer(graph.get_node(&node(*i)), Answer::Node),
        Op::RemoveNode(i) => answer(graph.remove_node(&node(*i)), Answer::Flag),
        Op::PutEdge(a, relation, b, weight) => answer(
            graph.put_edge(Edge {
                from: node(*a),
                to: node(*b),
                relation: relation.to_string(),
                weight: *weight,
            }),
            |()| Answer::Done,
        ),
        Op::GetEdge(a, relation, b) => {
            answer(graph.get_edge(&node(*a), relation, &node(*b)), |e| {
                Answer::Edges(e.into_iter().collect())
            })
        }
        Op::RemoveEdge(a, relation, b) => answer(
            graph.remove_edge(&node(*a), relation, &node(*b)),
            Answer::Flag,
        ),
        Op::Neighbors(a, direction, relation) => answer(
            graph.neighbors(&node(*a), *direction, *relation),
            Answer::Edges,
        ),
        Op::Traverse(a, depth) => answer(graph.traverse(&node(*a), *depth), Answer::Reached),
        Op::ShortestPath(a, b) => answer(graph.shortest_path(&node(*a), &node(*b)), |path| {
            Answer::Cost(path.map(|p| (p.cost * 4.0) as u64))
        }),
        Op::Counts => answer(
            graph
                .node_count()
                .and_then(|n| Ok((n, graph.edge_count()?))),
            |(n, e)| Answer::Counts(n, e),
        ),
        Op::Reopen => Answer::Done,
    }
}

struct Rocks {
    dir: tempfile::TempDir,
    events: RocksEventStore,
    graph: RocksGraphStore,
}

impl Rocks {
    fn options() -> RocksOptions {
        RocksOptions {
            store: StoreConfig {
                max_payload_bytes: MAX_PAYLOAD,
            },
            ..Default::default()
        }
    }

    fn open(dir: tempfile::TempDir) -> Rocks {
        let events =
            RocksEventStore::open(dir.path().join("events"), Self::options()).expect("open events");
        let graph =
            RocksGraphStore::open(dir.path().join("graph"), Self::options()).expect("open graph");
        Rocks { dir, events, graph }
    }

    fn reopen(self) -> Rocks {
        let Rocks { dir, events, graph } = self;
        drop((events, graph));
        Rocks::open(dir)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn memory_rocksdb_and_the_model_agree(ops in prop::collection::vec(op(), 1..60)) {
        let mut model = Model::default();
        let memory_events = MemoryEventStore::with_config(StoreConfig { max_payload_bytes: MAX_PAYLOAD });
        let memory_graph = MemoryGraphStore::new();
        let mut rocks = Rocks::open(tempfile::tempdir().unwrap());
        for (step, op) in ops.iter().enumerate() {
            if matches!(op, Op::Reopen) {
                rocks = rocks.reopen();
            }
            let expected = model.apply(op);
            let on_memory = run(&memory_events, &memory_graph, op);
            let on_rocks = run(&rocks.events, &rocks.graph, op);
            prop_assert_eq!(&on_memory, &expected, "memory, step {} {:?}", step, op);
            prop_assert_eq!(&on_rocks, &expected, "rocksdb, step {} {:?}", step, op);
            // Sizes are cheap to compare, so they are compared after every step.
            for size in [Op::Len, Op::Counts] {
                let expected = model.apply(&size);
                prop_assert_eq!(&run(&memory_events, &memory_graph, &size), &expected, "memory, after step {}", step);
                prop_assert_eq!(&run(&rocks.events, &rocks.graph, &size), &expected, "rocksdb, after step {}", step);
            }
            if let Op::ShortestPath(a, b) = op {
                let paths = (memory_graph.shortest_path(&node(*a), &node(*b)), rocks.graph.shortest_path(&node(*a), &node(*b)));
                prop_assert_eq!(paths.0.ok(), paths.1.ok(), "same algorithm, same neighbour order: same path");
            }
        }
    }
}
