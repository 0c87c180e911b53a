//! The seeded graph the `find_nodes` cases query: 90 varied nodes put in three bursts a millisecond
//! apart, and random queries over its vocabulary.

use cortex_core::{GraphStore, Node, NodeId, NodeQuery, Result, Timestamp};

use super::{next_millisecond, read_back};
use crate::conformance::id;

/// xorshift, so the seeded graph is the same on every backend and run.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const LABELS: [&str; 4] = ["person", "place", "thing", "Person"];
const TAGS: [&str; 4] = ["red", "green", "blue", "x y"];
const KINDS: [&str; 3] = ["a", "b", "c"];
const WORDS: [&str; 8] = [
    "Alpha",
    "beta",
    "GAMMA",
    "δέλτα",
    "x1",
    "beta-gamma",
    "Ünïcode",
    "alpha.beta",
];
const SEPARATORS: [&str; 4] = [" ", ", ", "_", "!? "];

/// A node of the seeded graph: a label, up to three tags, a `kind` and a `title` of a few words.
fn seeded(rng: &mut Rng, n: usize) -> Node {
    let mut node = Node::new(id(&format!("s{n:03}")), rng.pick(&LABELS));
    for _ in 0..rng.below(4) {
        node = node.with_tag(rng.pick(&TAGS));
    }
    if rng.below(4) > 0 {
        node = node.with_property("kind", rng.pick(&KINDS));
    }
    let mut title = String::new();
    for _ in 0..rng.below(4) {
        title.push_str(rng.pick(&WORDS));
        title.push_str(rng.pick(&SEPARATORS));
    }
    node.with_property("title", title)
}

/// A random query over the seeded graph's vocabulary, each field set about half the time or less.
pub fn random_query(rng: &mut Rng, stamps: &[Timestamp], ids: &[NodeId]) -> NodeQuery {
    let mut query = NodeQuery::default();
    for _ in 0..rng.below(3) {
        query.labels.push(rng.pick(&LABELS).to_owned());
    }
    for _ in 0..rng.below(3) {
        query.tags.push(rng.pick(&TAGS).to_owned());
    }
    if rng.below(3) == 0 {
        query
            .properties
            .push(("kind".into(), rng.pick(&KINDS).into()));
    }
    if rng.below(3) == 0 {
        let words = [
            "alpha",
            "BETA gamma",
            "δέλτα",
            "ünïcode x1",
            "gamma-beta",
            "red",
        ];
        query.text = Some(rng.pick(&words).to_owned());
    }
    if rng.below(4) == 0 {
        query.since = Some(stamps[rng.below(stamps.len())] + rng.below(2) as u64);
    }
    if rng.below(4) == 0 {
        query.until = Some(stamps[rng.below(stamps.len())] + rng.below(2) as u64);
    }
    if rng.below(3) == 0 {
        query.after = Some(ids[rng.below(ids.len())]);
    }
    if rng.below(2) == 0 {
        query.limit = Some(rng.below(12));
    }
    query
}

/// Puts the seeded graph (in three bursts a millisecond apart, so there are times to tell apart) and
/// returns every node as stored.
pub fn put_seeded<G: GraphStore>(graph: &G) -> Result<Vec<Node>> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut ids = Vec::new();
    for n in 0..90 {
        if n % 30 == 0 {
            next_millisecond();
        }
        let node = seeded(&mut rng, n);
        ids.push(node.id);
        graph.put_node(node)?;
    }
    read_back(graph, &ids)
}
