//! Compaction of a graph log: the log stays within a bound of its live records, the graph read
//! back is the graph written (stamps included), and a rewrite left half done is ignored.

use cortex_core::{
    Direction, Edge, FileGraphStore, FileOptions, GraphStore, Node, NodeId, NodeQuery, Result,
};

fn options() -> FileOptions {
    FileOptions {
        compact_after: 8,
        ..FileOptions::default()
    }
}

/// Every node with its outgoing edges, in id order.
fn snapshot(graph: &impl GraphStore) -> Result<Vec<(Node, Vec<Edge>)>> {
    let mut out = Vec::new();
    for node in graph.find_nodes(&NodeQuery::default())? {
        let edges = graph.neighbors(&node.id, Direction::Outgoing, None)?;
        out.push((node, edges));
    }
    Ok(out)
}

#[test]
fn a_churning_graph_log_stays_small_and_reads_back_the_same() -> Result<()> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let graph = FileGraphStore::open(dir.path(), options())?;
    let id = |n: u32| NodeId::from_name(&format!("n{n}"));
    let log = dir.path().join("graph.log");
    let mut largest = 0;
    for round in 0..200u32 {
        let n = round % 5;
        graph.put_node(Node::new(id(n), "thing").with_property("round", round.to_string()))?;
        if graph.get_node(&id((n + 1) % 5))?.is_none() {
            graph.put_node(Node::new(id((n + 1) % 5), "thing"))?;
        }
        graph.put_edge(Edge {
            from: id(n),
            to: id((n + 1) % 5),
            relation: "next".into(),
            weight: f64::from(round),
        })?;
        if round % 7 == 6 {
            graph.remove_node(&id((n + 2) % 5))?;
        }
        if round == 3 {
            // One node with stamps that differ, kept through every rewrite.
            std::thread::sleep(std::time::Duration::from_millis(2));
            graph.put_node(Node::new(id(9), "kept").with_tag("first"))?;
            std::thread::sleep(std::time::Duration::from_millis(2));
            graph.put_node(Node::new(id(9), "kept").with_tag("second"))?;
        }
        largest = largest.max(std::fs::metadata(&log).expect("log").len());
    }
    let before = snapshot(&graph)?;
    drop(graph);
    // 6 nodes and at most 5 edges live, garbage at most max(8, live) more: a few KB, where the
    // 600-odd writes would take tens of KB.
    assert!(largest < 6_000, "the log reached {largest} bytes");

    let graph = FileGraphStore::open(dir.path(), options())?;
    assert_eq!(snapshot(&graph)?, before);
    let kept = graph.get_node(&id(9))?.expect("node 9 is there");
    assert!(kept.created_at < kept.updated_at, "{kept:?}");
    assert!(kept.tags.contains("second"));
    Ok(())
}

#[test]
fn a_rewrite_left_half_done_is_ignored() -> Result<()> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let graph = FileGraphStore::open(dir.path(), options())?;
    graph.put_node(Node::new(NodeId::from_name("a"), "thing"))?;
    let before = snapshot(&graph)?;
    drop(graph);
    // A crash between writing the new log and renaming it leaves this beside the log.
    std::fs::write(dir.path().join("graph.log.new"), b"CORTEXLG half a rewrite").expect("write");
    let graph = FileGraphStore::open(dir.path(), options())?;
    assert_eq!(snapshot(&graph)?, before);
    graph.put_node(Node::new(NodeId::from_name("b"), "thing"))?;
    Ok(())
}
