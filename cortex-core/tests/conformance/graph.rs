//! Conformance cases of `GraphStore`: nodes, edges, neighbours, traversal and shortest paths.

use cortex_core::{Direction, Edge, Error, GraphStore, NodeId, Result};

use super::{edge, id, node, put_graph, unstamped, Backend};

/// (relation, other endpoint) of each edge, as seen from `from`.
fn seen_from(from: &str, edges: &[Edge]) -> Vec<(String, NodeId)> {
    let me = id(from);
    edges
        .iter()
        .map(|e| (e.relation.clone(), if e.from == me { e.to } else { e.from }))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, NodeId)> {
    list.iter()
        .map(|(relation, other)| (relation.to_string(), id(other)))
        .collect()
}

pub fn nodes_put_get_replace_remove(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    assert_eq!(s.graph.node_count()?, 0);
    s.graph.put_node(node("ann"))?;
    assert_eq!(unstamped(s.graph.get_node(&id("ann"))?), Some(node("ann")));
    assert_eq!(s.graph.get_node(&id("bob"))?, None);

    let mut renamed = node("ann");
    renamed.label = "person".into();
    renamed.properties.insert("age".into(), "36".into());
    s.graph.put_node(renamed.clone())?;
    assert_eq!(unstamped(s.graph.get_node(&id("ann"))?), Some(renamed));
    assert_eq!(s.graph.node_count()?, 1);

    assert!(s.graph.remove_node(&id("ann"))?);
    assert!(!s.graph.remove_node(&id("ann"))?);
    assert_eq!(s.graph.get_node(&id("ann"))?, None);
    assert_eq!(s.graph.node_count()?, 0);
    Ok(())
}

pub fn invalid_nodes_and_edges_are_rejected(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let mut unlabelled = node("ann");
    unlabelled.label.clear();
    assert!(matches!(
        s.graph.put_node(unlabelled),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(s.graph.node_count()?, 0);

    put_graph(&s.graph, &["a", "b"], [])?;
    let long = "r".repeat(256);
    for bad in [
        edge("a", "", "b", 1.0),
        edge("a", &long, "b", 1.0),
        edge("a", "r", "b", -1.0),
        edge("a", "r", "b", f64::NAN),
        edge("a", "r", "b", f64::INFINITY),
    ] {
        assert!(
            matches!(s.graph.put_edge(bad.clone()), Err(Error::InvalidInput(_))),
            "{bad:?}"
        );
    }
    assert_eq!(s.graph.edge_count()?, 0);
    s.graph.put_edge(edge("a", &"r".repeat(255), "b", 0.0))?;
    assert_eq!(s.graph.edge_count()?, 1);
    Ok(())
}

pub fn edges_put_get_replace_remove(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    put_graph(&s.graph, &["a", "b"], [])?;
    s.graph.put_edge(edge("a", "knows", "b", 1.0))?;
    s.graph.put_edge(edge("a", "likes", "b", 2.0))?;
    assert_eq!(
        s.graph.edge_count()?,
        2,
        "one edge per (from, relation, to)"
    );
    s.graph.put_edge(edge("a", "knows", "b", 5.0))?;
    assert_eq!(
        s.graph.edge_count()?,
        2,
        "putting the same (from, relation, to) replaces it"
    );
    let mut relabelled = node("a");
    relabelled.label = "renamed".into();
    s.graph.put_node(relabelled)?;
    assert_eq!(s.graph.edge_count()?, 2, "replacing a node keeps its edges");
    assert_eq!(
        s.graph.get_edge(&id("a"), "knows", &id("b"))?,
        Some(edge("a", "knows", "b", 5.0))
    );
    assert_eq!(
        s.graph.get_edge(&id("b"), "knows", &id("a"))?,
        None,
        "edges are directed"
    );

    assert!(s.graph.remove_edge(&id("a"), "knows", &id("b"))?);
    assert!(!s.graph.remove_edge(&id("a"), "knows", &id("b"))?);
    assert_eq!(s.graph.get_edge(&id("a"), "knows", &id("b"))?, None);
    assert_eq!(
        s.graph.neighbors(&id("b"), Direction::Incoming, None)?,
        vec![edge("a", "likes", "b", 2.0)]
    );
    assert_eq!(s.graph.edge_count()?, 1);
    Ok(())
}

pub fn edge_to_a_missing_node_changes_nothing(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    put_graph(&s.graph, &["a"], [])?;
    for (bad, missing) in [
        (edge("a", "r", "ghost", 1.0), "ghost"),
        (edge("ghost", "r", "a", 1.0), "ghost"),
    ] {
        match s.graph.put_edge(bad) {
            Err(Error::MissingNode(node)) => assert_eq!(node, id(missing)),
            other => panic!("expected MissingNode, got {other:?}"),
        }
    }
    assert_eq!(s.graph.edge_count()?, 0);
    assert_eq!(s.graph.node_count()?, 1);
    assert_eq!(s.graph.get_edge(&id("a"), "r", &id("ghost"))?, None);
    assert_eq!(s.graph.neighbors(&id("a"), Direction::Both, None)?, vec![]);
    Ok(())
}

pub fn removing_a_node_removes_its_edges(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    put_graph(
        &s.graph,
        &["a", "b", "c"],
        [
            edge("a", "r", "b", 1.0),
            edge("c", "r", "a", 1.0),
            edge("b", "r", "c", 1.0),
            edge("a", "self", "a", 1.0),
        ],
    )?;
    assert_eq!(s.graph.edge_count()?, 4);
    assert!(s.graph.remove_node(&id("a"))?);
    assert_eq!(s.graph.edge_count()?, 1);
    assert_eq!(
        s.graph.neighbors(&id("b"), Direction::Both, None)?,
        vec![edge("b", "r", "c", 1.0)]
    );
    assert_eq!(
        s.graph.neighbors(&id("c"), Direction::Both, None)?,
        vec![edge("b", "r", "c", 1.0)]
    );
    assert_eq!(s.graph.neighbors(&id("a"), Direction::Both, None)?, vec![]);

    s.graph.put_node(node("a"))?;
    assert_eq!(
        s.graph.neighbors(&id("a"), Direction::Both, None)?,
        vec![],
        "a re-added node starts unconnected"
    );
    assert_eq!(s.graph.get_edge(&id("c"), "r", &id("a"))?, None);
    Ok(())
}

pub fn neighbors_by_direction_and_relation(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    // Both directions: by relation, then other endpoint, then outgoing before incoming.
    let both_ways = [
        edge("hub", "knows", "a", 1.0),
        edge("hub", "knows", "b", 1.0),
        edge("c", "knows", "hub", 1.0),
        edge("d", "knows", "hub", 1.0),
        edge("a", "likes", "hub", 1.0),
        edge("hub", "likes", "c", 1.0),
    ];
    // Put out of that order on purpose: the answer's order must not depend on it.
    let shuffled = [5, 1, 3, 0, 4, 2].map(|i| both_ways[i].clone());
    put_graph(&s.graph, &["hub", "a", "b", "c", "d"], shuffled)?;
    let hub = id("hub");
    let out = s.graph.neighbors(&hub, Direction::Outgoing, None)?;
    assert!(out.iter().all(|e| e.from == hub));
    assert_eq!(
        seen_from("hub", &out),
        pairs(&[("knows", "a"), ("knows", "b"), ("likes", "c")])
    );
    let incoming = s.graph.neighbors(&hub, Direction::Incoming, None)?;
    assert!(incoming.iter().all(|e| e.to == hub));
    assert_eq!(
        seen_from("hub", &incoming),
        pairs(&[("knows", "c"), ("knows", "d"), ("likes", "a")])
    );
    assert_eq!(s.graph.neighbors(&hub, Direction::Both, None)?, both_ways);

    let knows_out = s
        .graph
        .neighbors(&hub, Direction::Outgoing, Some("knows"))?;
    assert_eq!(
        seen_from("hub", &knows_out),
        pairs(&[("knows", "a"), ("knows", "b")])
    );
    let likes_in = s
        .graph
        .neighbors(&hub, Direction::Incoming, Some("likes"))?;
    assert_eq!(likes_in, vec![edge("a", "likes", "hub", 1.0)]);
    let knows_both = s.graph.neighbors(&hub, Direction::Both, Some("knows"))?;
    assert_eq!(knows_both.len(), 4);
    assert!(knows_both.iter().all(|e| e.relation == "knows"));
    assert_eq!(
        s.graph.neighbors(&hub, Direction::Both, Some("hates"))?,
        vec![]
    );
    assert_eq!(
        s.graph.neighbors(&id("nobody"), Direction::Both, None)?,
        vec![]
    );

    s.graph.put_edge(edge("c", "likes", "hub", 1.0))?;
    s.graph.put_edge(edge("hub", "loops", "hub", 1.0))?;
    let both = s.graph.neighbors(&hub, Direction::Both, Some("likes"))?;
    let want = [
        edge("a", "likes", "hub", 1.0),
        edge("hub", "likes", "c", 1.0),
        edge("c", "likes", "hub", 1.0),
    ];
    assert_eq!(
        both, want,
        "an edge each way to the same node: outgoing first"
    );
    let self_loop = vec![edge("hub", "loops", "hub", 1.0)];
    assert_eq!(
        s.graph.neighbors(&hub, Direction::Both, Some("loops"))?,
        self_loop,
        "a self-loop is listed once"
    );
    assert_eq!(
        s.graph
            .neighbors(&hub, Direction::Outgoing, Some("loops"))?,
        self_loop
    );
    assert_eq!(
        s.graph
            .neighbors(&hub, Direction::Incoming, Some("loops"))?,
        self_loop
    );
    Ok(())
}
