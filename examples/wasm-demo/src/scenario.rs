//! The scripted input: which actors exist and which events they publish, from a fixed seed.

use cortex_core::{NewEvent, NodeId};

/// The actors of the scenario; each becomes a node of the graph.
pub const ACTORS: [&str; 8] = ["ada", "bo", "cy", "dee", "eli", "fay", "gus", "hal"];
/// Event kinds, in the order the summary prints them: `link.*` kinds become edges, `post.*` kinds do not.
pub const KINDS: [&str; 4] = ["link.follow", "post.like", "post.note", "link.share"];
/// How many follows make an actor "popular".
pub const POPULAR: usize = 3;
/// The label of every actor's node.
pub const LABEL: &str = "actor";
/// The kind pattern that selects the events which become edges.
pub const LINKS: &str = "link.*";
/// How many events the scenario publishes.
pub const EVENT_COUNT: usize = 96;

/// xorshift32: the same sequence everywhere, with no dependency and no clock.
#[derive(Debug)]
struct Xorshift(u32);

impl Xorshift {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 as usize % below
    }
}

/// One scripted event, with the actor it is about (kept so checks need not parse payloads).
#[derive(Clone, Debug)]
pub struct Scripted {
    pub event: NewEvent,
    pub target: usize,
}

/// The fixed event sequence: actor `source` does `kind` to actor `target`; payload "target#n".
pub fn events() -> Vec<Scripted> {
    let mut rng = Xorshift(0x2545_f491);
    (0..EVENT_COUNT)
        .map(|n| {
            let source = rng.next(ACTORS.len());
            // Never about oneself: pick among the seven others.
            let target = (source + 1 + rng.next(ACTORS.len() - 1)) % ACTORS.len();
            let kind = KINDS[rng.next(KINDS.len())];
            let event = NewEvent {
                source: actor(source),
                kind: kind.to_owned(),
                payload: format!("{}#{n}", ACTORS[target]).into_bytes(),
                parent: None,
            };
            Scripted { event, target }
        })
        .collect()
}

pub fn actor(index: usize) -> NodeId {
    NodeId::from_name(ACTORS[index])
}

/// The actor's name for an id made by [`actor`], or its hex form for anything else.
pub fn name(id: &NodeId) -> String {
    ACTORS
        .iter()
        .find(|a| NodeId::from_name(a) == *id)
        .map_or_else(|| id.to_string(), |a| (*a).to_owned())
}

/// The relation and weight an event contributes to the graph, if it contributes an edge.
pub fn edge_of(kind: &str, sequence: usize) -> Option<(&'static str, f64)> {
    match kind {
        "link.follow" => Some(("follows", 1.0 + (sequence % 4) as f64)),
        "link.share" => Some(("shares", 2.0 + (sequence % 3) as f64)),
        _ => None,
    }
}

/// The team tag of an actor: the actors alternate between two teams.
pub fn team(index: usize) -> &'static str {
    if index.is_multiple_of(2) {
        "north"
    } else {
        "south"
    }
}

/// The tags of an actor's node: its team, and "popular" if at least `POPULAR` follows point at it.
pub fn tags(script: &[Scripted], index: usize) -> Vec<&'static str> {
    let mut tags = vec![team(index)];
    let followers = script
        .iter()
        .filter(|s| s.target == index && s.event.kind == "link.follow")
        .count();
    if followers >= POPULAR {
        tags.push("popular");
    }
    tags
}
