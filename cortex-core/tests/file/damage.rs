//! Torn and damaged logs: a log cut at every offset, and bytes flipped at random. Opening gives a
//! prefix of what was written, or a `StoreFile` error naming the file; never a panic, never a record
//! that was not written.

use std::path::{Path, PathBuf};

use cortex_core::{
    Direction, Edge, Error, Event, EventFilter, EventStore, FileEventStore, FileGraphStore,
    FileOptions, FileProblem, GraphStore, NewEvent, Node, NodeId, NodeQuery,
};

/// A small event log: singles and batches, with parents and empty payloads. Returns what it holds.
fn write_events(dir: &Path) -> Vec<Event> {
    let store = FileEventStore::open(dir, FileOptions::default()).expect("open");
    let new = |n: u8, parent| NewEvent {
        source: NodeId::from_name(&format!("s{}", n % 3)),
        kind: format!("kind.{}", n % 2),
        payload: vec![n; usize::from(n % 4)],
        parent,
    };
    let first = store.append(new(0, None)).expect("append");
    store
        .append_batch(vec![new(1, Some(first.id)), new(2, None), new(3, None)])
        .expect("batch");
    store.append(new(4, Some(first.id))).expect("append");
    store
        .append_batch(vec![new(5, None), new(6, None)])
        .expect("batch");
    store.query(&EventFilter::default()).expect("query")
}

/// What a graph store holds, comparable across stores: nodes in id order with their edges.
type Snapshot = Vec<(Node, Vec<Edge>)>;

fn snapshot(graph: &impl GraphStore) -> Snapshot {
    let nodes = graph.find_nodes(&NodeQuery::default()).expect("find");
    nodes
        .into_iter()
        .map(|node| {
            let edges = graph
                .neighbors(&node.id, Direction::Outgoing, None)
                .expect("neighbors");
            (node, edges)
        })
        .collect()
}

/// One change to a graph.
type Step<'a> = Box<dyn Fn(&FileGraphStore) + 'a>;

/// A small graph log of every kind of change. Returns the graph after each change, the empty one first.
fn write_graph(dir: &Path) -> Vec<Snapshot> {
    let graph = FileGraphStore::open(dir, FileOptions::default()).expect("open");
    let id = NodeId::from_name;
    let edge = |from, to, weight| Edge {
        from: id(from),
        to: id(to),
        relation: "r".into(),
        weight,
    };
    let mut states = vec![snapshot(&graph)];
    let steps: Vec<Step<'_>> = vec![
        Box::new(|g| {
            g.put_node(Node::new(id("a"), "x").with_tag("t"))
                .expect("put")
        }),
        Box::new(|g| {
            g.put_node(Node::new(id("b"), "y").with_property("k", "v"))
                .expect("put")
        }),
        Box::new(|g| g.put_edge(edge("a", "b", 1.5)).expect("edge")),
        Box::new(|g| g.put_node(Node::new(id("a"), "z")).expect("replace")),
        Box::new(|g| assert!(g.remove_edge(&id("a"), "r", &id("b")).expect("remove"))),
        Box::new(|g| g.put_edge(edge("b", "a", 2.0)).expect("edge")),
        Box::new(|g| assert!(g.remove_node(&id("a")).expect("remove"))),
    ];
    for step in steps {
        step(&graph);
        states.push(snapshot(&graph));
    }
    states
}

/// Checks that `opened` is fine for a damaged copy of `path`: a prefix (checked by `is_prefix`),
/// or a `StoreFile` error naming the file.
fn judge<S>(
    path: &Path,
    opened: cortex_core::Result<S>,
    is_prefix: impl FnOnce(&S) -> bool,
    what: &str,
) {
    match opened {
        Ok(store) => assert!(
            is_prefix(&store),
            "{what}: opened to something never written"
        ),
        Err(error) => judge_error(path, error, what),
    }
}

fn judge_error(path: &Path, error: Error, what: &str) {
    match error {
        Error::StoreFile {
            path: named,
            problem,
        } => {
            assert_eq!(named, path, "{what}: the error names another file");
            assert!(
                matches!(
                    problem,
                    FileProblem::Corrupt { .. }
                        | FileProblem::NotALog { .. }
                        | FileProblem::NewerVersion { .. }
                ),
                "{what}: {problem:?}"
            );
        }
        other => panic!("{what}: {other}"),
    }
}

fn events_prefix(written: &[Event]) -> impl Fn(&FileEventStore) -> bool + '_ {
    |store| {
        let read = store.query(&EventFilter::default()).expect("query");
        written.starts_with(&read)
    }
}

/// Writes `bytes` as the log `file` in `dir`, and returns its path.
fn damaged(dir: &Path, file: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(file);
    std::fs::write(&path, bytes).expect("write");
    path
}

/// The logs the cases damage, in a directory of their own: what the event log holds, and the graph
/// after each change, the empty one first.
struct Logs {
    events: Vec<Event>,
    states: Vec<Snapshot>,
    dir: tempfile::TempDir,
}

impl Logs {
    fn write() -> Logs {
        let dir = tempfile::tempdir().expect("dir");
        let events = write_events(dir.path());
        let states = write_graph(dir.path());
        Logs {
            events,
            states,
            dir,
        }
    }

    fn bytes(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(file)).expect("read")
    }

    /// Calls `each(cut, dir, path)` for every cut of the log `file`, from empty to whole, each in a
    /// new directory `dir` holding it alone at `path`.
    fn each_cut(&self, file: &str, mut each: impl FnMut(usize, &Path, &Path)) {
        let bytes = self.bytes(file);
        for cut in 0..=bytes.len() {
            let dir = tempfile::tempdir().expect("dir");
            let path = damaged(dir.path(), file, &bytes[..cut]);
            each(cut, dir.path(), &path);
        }
    }
}

#[test]
fn an_event_log_cut_at_every_offset_opens_to_a_prefix() {
    let logs = Logs::write();
    let mut prefixes = std::collections::BTreeSet::new();
    logs.each_cut("events.log", |cut, dir, path| {
        let what = format!("cut at {cut}");
        match FileEventStore::open(dir, FileOptions::default()) {
            Ok(store) => {
                assert!(events_prefix(&logs.events)(&store), "{what}: never written");
                let len = store.len().expect("len");
                prefixes.insert(len);
                // The torn end is gone: a new event follows the prefix, and a reopen sees both.
                let again = NewEvent {
                    source: logs.events[0].source,
                    kind: logs.events[0].kind.clone(),
                    payload: logs.events[0].payload.clone(),
                    parent: None,
                };
                let next = store.append(again).expect("append");
                assert_eq!(next.id.0, len + 1);
            }
            Err(error) => judge_error(path, error, &what),
        }
        if cut >= 16 {
            let reopened = FileEventStore::open(dir, FileOptions::default());
            let reopened = reopened.unwrap_or_else(|e| panic!("cut at {cut}, reopened: {e}"));
            let read = reopened.query(&EventFilter::default()).expect("query");
            let kept = read.len() - 1;
            assert_eq!(read[..kept], logs.events[..kept], "cut at {cut}");
        }
    });
    // Every whole write was a prefix somewhere on the way: singles and batches.
    assert_eq!(prefixes.into_iter().collect::<Vec<_>>(), [0, 1, 4, 5, 7]);
}

#[test]
fn a_graph_log_cut_at_every_offset_opens_to_an_earlier_state() {
    let logs = Logs::write();
    let mut seen = std::collections::BTreeSet::new();
    logs.each_cut("graph.log", |cut, dir, path| {
        let opened = FileGraphStore::open(dir, FileOptions::default());
        let is_state = |g: &FileGraphStore| {
            let now = snapshot(g);
            let at = logs.states.iter().position(|s| *s == now);
            seen.extend(at);
            at.is_some()
        };
        judge(path, opened, is_state, &format!("cut at {cut}"));
    });
    assert_eq!(
        seen.len(),
        logs.states.len(),
        "every state is reached by some cut"
    );
}

/// A small seeded generator (xorshift64*), so a failure names a case that runs again.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

/// `bytes` with one to three bytes changed at seeded places, and where.
fn flipped(bytes: &[u8], rng: &mut Rng) -> (Vec<u8>, Vec<usize>) {
    let mut bad = bytes.to_vec();
    let mut at = Vec::new();
    for _ in 0..=rng.below(3) {
        let i = rng.below(bad.len());
        bad[i] ^= 1 + rng.below(255) as u8;
        at.push(i);
    }
    (bad, at)
}

#[test]
fn random_byte_flips_open_to_a_prefix_or_a_named_error() {
    let logs = Logs::write();
    let (events, graph) = (logs.bytes("events.log"), logs.bytes("graph.log"));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..500 {
        let dir = tempfile::tempdir().expect("dir");
        let (bad, at) = flipped(&events, &mut rng);
        let path = damaged(dir.path(), "events.log", &bad);
        let opened = FileEventStore::open(dir.path(), FileOptions::default());
        judge(
            &path,
            opened,
            events_prefix(&logs.events),
            &format!("events case {case}, {at:?}"),
        );

        let (bad, at) = flipped(&graph, &mut rng);
        let path = damaged(dir.path(), "graph.log", &bad);
        let opened = FileGraphStore::open(dir.path(), FileOptions::default());
        let is_state = |g: &FileGraphStore| logs.states.contains(&snapshot(g));
        judge(
            &path,
            opened,
            is_state,
            &format!("graph case {case}, {at:?}"),
        );
    }
}
