//! Conformance cases of the graph algorithms: breadth-first traversal and cheapest paths.

use cortex_core::{Error, GraphStore, NodeId, Path, Result};

use super::{edge, id, put_graph, Backend};

pub fn traverse_reports_each_node_once_with_its_depth(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    // A diamond (a→b→d, a→c→d), a cycle back to the start, a second relation to an already-seen node.
    put_graph(
        &s.graph,
        &["a", "b", "c", "d", "e", "island"],
        [
            edge("a", "r", "c", 1.0),
            edge("a", "r", "b", 1.0),
            edge("b", "r", "d", 1.0),
            edge("c", "r", "d", 1.0),
            edge("c", "other", "b", 1.0),
            edge("d", "r", "e", 1.0),
            edge("e", "r", "a", 1.0),
            edge("island", "r", "a", 1.0),
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
    put_graph(
        &s.graph,
        &["a", "b", "c", "d", "lonely"],
        [
            edge("a", "road", "d", 10.0),
            edge("a", "road", "b", 1.0),
            edge("b", "road", "c", 1.5),
            edge("c", "road", "d", 0.5),
            edge("b", "road", "d", 9.0),
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

    s.graph.put_edge(edge("a", "road", "d", 2.0))?; // the direct road gets cheaper
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
