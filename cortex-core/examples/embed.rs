//! The embedding example of the README, kept compiling: an event log and a graph in memory.

use cortex_core::{
    Direction, Edge, EventFilter, EventStore, GraphStore, MemoryEventStore, MemoryGraphStore,
};
use cortex_core::{NewEvent, Node, NodeId};

fn main() -> cortex_core::Result<()> {
    let events = MemoryEventStore::new();
    let alice = NodeId::from_name("alice");
    let bob = NodeId::from_name("bob");
    events.append(NewEvent {
        source: alice,
        kind: "note".into(),
        payload: b"hello".to_vec(),
        parent: None,
    })?;
    let notes = events.query(&EventFilter {
        kinds: vec!["note".into()],
        limit: Some(100),
        ..Default::default()
    })?;

    let graph = MemoryGraphStore::new();
    for (id, label) in [(alice, "alice"), (bob, "bob")] {
        graph.put_node(Node::new(id, label))?;
    }
    graph.put_edge(Edge {
        from: alice,
        to: bob,
        relation: "knows".into(),
        weight: 1.0,
    })?;
    let known = graph.neighbors(&alice, Direction::Outgoing, Some("knows"))?;

    println!(
        "{} note(s), alice knows {} node(s)",
        notes.len(),
        known.len()
    );
    Ok(())
}
