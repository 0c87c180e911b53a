//! Conformance cases of the graph algorithms: breadth-first traversal and cheapest paths.

use cortex_core::{Error, GraphStore, NodeId, Path, Result};

use super::{edge, id, put_graph, Backend};

pub fn traverse_reports_each_node_once_with_its_depth(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    // A diamond (a→b→d, a→c→d), a cycle back to the start, a second relation to an already-seen node.
    // Weights play no part in a traversal.
    let r = |from, to| edge(from, "r", to, 1.0);
    put_graph(
        &s.graph,
        &["a", "b", "c", "d", "e", "island"],
        [
            r("a", "c"),
            r("a", "b"),
            r("b", "d"),
            r("c", "d"),
            edge("c", "other", "b", 1.0),
            r("d", "e"),
            r("e", "a"),
            r("island", "a"),
        ],
    )?;
    let depths =
        |max_depth| -> Result<Vec<(NodeId, usize)>> { s.graph.traverse(&id("a"), max_depth) };
    let want = |list: &[(&str, usize)]| -> Vec<(NodeId, usize)> {
        list.iter().map(|&(n, d)| (id(n), d)).collect()
    };
    assert_eq!(
        depths(10)?,
        want(&[("a", 0), ("b", 1), ("c", 1), ("d", 2), ("e", 3)])
    );
    assert_eq!(depths(2)?, want(&[("a", 0), ("b", 1), ("c", 1), ("d", 2)]));
    assert_eq!(depths(1)?, want(&[("a", 0), ("b", 1), ("c", 1)]));
    assert_eq!(depths(0)?, want(&[("a", 0)]));
    assert_eq!(
        s.graph.traverse(&id("island"), 1)?,
        want(&[("island", 0), ("a", 1)])
    );
    assert!(
        matches!(s.graph.traverse(&id("ghost"), 3), Err(Error::MissingNode(n)) if n == id("ghost"))
    );
    Ok(())
}

pub fn shortest_path_prefers_the_cheaper_longer_route(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    // `shortest_path` follows edges of any relation: only their weights count.
    let road = |from, to, weight| edge(from, "road", to, weight);
    put_graph(
        &s.graph,
        &["a", "b", "c", "d", "lonely"],
        [
            road("a", "d", 10.0),
            road("a", "b", 1.0),
            road("b", "c", 1.5),
            road("c", "d", 0.5),
            road("b", "d", 9.0),
        ],
    )?;
    let path = s.graph.shortest_path(&id("a"), &id("d"))?;
    assert_eq!(
        path,
        Some(Path {
            nodes: vec![id("a"), id("b"), id("c"), id("d")],
            cost: 3.0
        })
    );
    assert_eq!(
        s.graph.shortest_path(&id("a"), &id("a"))?,
        Some(Path {
            nodes: vec![id("a")],
            cost: 0.0
        })
    );
    assert_eq!(
        s.graph.shortest_path(&id("d"), &id("a"))?,
        None,
        "edges are followed forwards only"
    );
    assert_eq!(s.graph.shortest_path(&id("a"), &id("lonely"))?, None);
    assert!(matches!(
        s.graph.shortest_path(&id("ghost"), &id("a")),
        Err(Error::MissingNode(_))
    ));
    assert!(matches!(
        s.graph.shortest_path(&id("a"), &id("ghost")),
        Err(Error::MissingNode(_))
    ));

    s.graph.put_edge(road("a", "d", 2.0))?; // the direct road gets cheaper
    let path = s.graph.shortest_path(&id("a"), &id("d"))?;
    assert_eq!(
        path,
        Some(Path {
            nodes: vec![id("a"), id("d")],
            cost: 2.0
        })
    );
    Ok(())
}
