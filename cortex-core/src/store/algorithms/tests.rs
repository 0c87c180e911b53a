//! Algorithm tests: both graph views agree, and small random graphs agree with brute-force models.

use proptest::prelude::*;

use super::*;
use crate::graph::{Edge, Node};
use crate::store::MemoryGraphStore;

/// The generic path (through `GraphStore`) and the memory store's own view must agree exactly.
#[test]
fn through_the_store_and_direct_views_agree() {
    let graph = MemoryGraphStore::new();
    let id = |i: u64| NodeId::from_name(&format!("n{i}"));
    for i in 0..200 {
        let node = Node::new(id(i), "n");
        graph.put_node(node).unwrap();
    }
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    for from in 0..200 {
        for relation in ["a", "b", "c"] {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let edge = Edge {
                from: id(from),
                to: id(x % 200),
                relation: relation.into(),
                weight: (x % 17) as f64,
            };
            graph.put_edge(edge).unwrap();
        }
    }
    for (start, depth) in [(0, 0), (0, 2), (7, 5), (199, usize::MAX)] {
        assert_eq!(
            traverse(&graph, &id(start), depth).unwrap(),
            graph.traverse(&id(start), depth).unwrap()
        );
    }
    for (from, to) in [(0, 199), (5, 5), (17, 3), (150, 42)] {
        let direct = graph.shortest_path(&id(from), &id(to)).unwrap();
        assert_eq!(shortest_path(&graph, &id(from), &id(to)).unwrap(), direct);
    }
    assert!(matches!(
        traverse(&graph, &id(1000), 1),
        Err(Error::MissingNode(_))
    ));
}

#[test]
fn neighbours_sort_by_relation_then_other_end_outgoing_first() {
    let (me, a, b) = (small_id(0), small_id(1), small_id(2));
    let edge = |from, relation: &str, to| Edge {
        from,
        to,
        relation: relation.into(),
        weight: 1.0,
    };
    // The order the sort must give, and the order the edges come in.
    let sorted = [
        edge(me, "x", me),
        edge(me, "x", a),
        edge(a, "x", me),
        edge(me, "x", b),
        edge(b, "x", me),
        edge(me, "y", a),
    ];
    let mut edges: Vec<Edge> = [4, 5, 3, 2, 0, 1].map(|i| sorted[i].clone()).into();
    sort_neighbors(&me, &mut edges);
    assert_eq!(edges, sorted);
}

fn small_graph(nodes: usize, edges: &[(usize, usize, usize, u8)]) -> MemoryGraphStore {
    let graph = MemoryGraphStore::new();
    for i in 0..nodes {
        let node = Node::new(small_id(i), "n");
        graph.put_node(node).unwrap();
    }
    for &(from, to, relation, weight) in edges {
        let relation = ["a", "b"][relation].to_string();
        let edge = Edge {
            from: small_id(from),
            to: small_id(to),
            relation,
            weight: f64::from(weight),
        };
        graph.put_edge(edge).unwrap();
    }
    graph
}

fn small_id(i: usize) -> NodeId {
    NodeId::from_name(&format!("v{i}"))
}

/// Cheapest edge weight from each node to each other (None: no edge), keeping the last put per relation.
fn weights(nodes: usize, edges: &[(usize, usize, usize, u8)]) -> Vec<Vec<Option<f64>>> {
    let mut by_relation = HashMap::new();
    for &(from, to, relation, weight) in edges {
        by_relation.insert((from, relation, to), f64::from(weight));
    }
    let mut w = vec![vec![None; nodes]; nodes];
    for ((from, _, to), weight) in by_relation {
        let cell: &mut Option<f64> = &mut w[from][to];
        *cell = Some(cell.map_or(weight, |c| c.min(weight)));
    }
    w
}

fn graphs() -> impl Strategy<Value = (usize, Vec<(usize, usize, usize, u8)>)> {
    (1usize..8).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::vec((0..n, 0..n, 0..2usize, 0u8..10), 0..24),
        )
    })
}

proptest! {
    /// Dijkstra against Floyd–Warshall on small random graphs; weights are integers, so sums are exact.
    #[test]
    fn shortest_paths_are_cheapest((n, edges) in graphs(), from in 0usize..8, to in 0usize..8) {
        let (from, to) = (from % n, to % n);
        let w = weights(n, &edges);
        let mut dist: Vec<Vec<Option<f64>>> = w.clone();
        for (v, row) in dist.iter_mut().enumerate() {
            row[v] = Some(0.0);
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    if let (Some(a), Some(b)) = (dist[i][k], dist[k][j]) {
                        if dist[i][j].is_none_or(|c| a + b < c) {
                            dist[i][j] = Some(a + b);
                        }
                    }
                }
            }
        }
        let path = small_graph(n, &edges).shortest_path(&small_id(from), &small_id(to)).unwrap();
        match (path, dist[from][to]) {
            (None, None) => {}
            (Some(path), Some(cost)) => {
                prop_assert_eq!(path.cost, cost);
                prop_assert_eq!(path.nodes.first(), Some(&small_id(from)));
                prop_assert_eq!(path.nodes.last(), Some(&small_id(to)));
                let index = |id: &NodeId| (0..n).find(|&i| small_id(i) == *id).unwrap();
                let walked: f64 = path.nodes.windows(2).map(|p| w[index(&p[0])][index(&p[1])].unwrap()).sum();
                prop_assert_eq!(walked, cost);
            }
            (path, cost) => prop_assert!(false, "path {:?} but model cost {:?}", path, cost),
        }
    }

    /// Breadth-first depths against hop distances found by repeated relaxation.
    #[test]
    fn traversal_depths_are_hop_distances((n, edges) in graphs(), start in 0usize..8, max_depth in 0usize..8) {
        let start = start % n;
        let w = weights(n, &edges);
        let mut hops: Vec<Option<usize>> = vec![None; n];
        hops[start] = Some(0);
        for _ in 0..n {
            for i in 0..n {
                for j in 0..n {
                    if let (Some(h), Some(_)) = (hops[i], w[i][j]) {
                        if hops[j].is_none_or(|c| h + 1 < c) {
                            hops[j] = Some(h + 1);
                        }
                    }
                }
            }
        }
        let reached = small_graph(n, &edges).traverse(&small_id(start), max_depth).unwrap();
        let mut want: Vec<(NodeId, usize)> =
            (0..n).filter_map(|v| hops[v].filter(|&h| h <= max_depth).map(|h| (small_id(v), h))).collect();
        prop_assert!(reached.windows(2).all(|p| p[0].1 <= p[1].1), "depths never decrease: {:?}", reached);
        let mut got = reached.clone();
        got.sort();
        want.sort();
        prop_assert_eq!(got, want);
    }
}

proptest! {
    /// The memory store lists a node's edges, both ways, as sorting them all does: by relation,
    /// then the other end, outgoing before incoming, a self-loop once.
    #[test]
    fn memory_neighbours_are_the_sorted_neighbours(
        outgoing in proptest::collection::btree_set((0..3u8, 0..6usize), 0..12),
        incoming in proptest::collection::btree_set((0..3u8, 0..6usize), 0..12),
        relation_asked in proptest::option::of(0..3u8),
    ) {
        let me = small_id(0);
        let relation = |r: u8| ["x", "y", "z"][usize::from(r)].to_owned();
        let edge = |from, relation, to| Edge { from, to, relation, weight: 1.0 };
        let graph = MemoryGraphStore::new();
        for i in 0..6 {
            graph.put_node(Node::new(small_id(i), "n")).unwrap();
        }
        // Every edge put, once: a self-loop (to or from node 0) is the same edge from either list.
        let put: std::collections::BTreeSet<(usize, u8, usize)> = outgoing
            .iter()
            .map(|&(r, to)| (0, r, to))
            .chain(incoming.iter().map(|&(r, from)| (from, r, 0)))
            .collect();
        for &(from, r, to) in &put {
            graph.put_edge(edge(small_id(from), relation(r), small_id(to))).unwrap();
        }
        let mut expected: Vec<Edge> = put
            .iter()
            .filter(|&&(_, r, _)| relation_asked.is_none_or(|asked| asked == r))
            .map(|&(from, r, to)| edge(small_id(from), relation(r), small_id(to)))
            .collect();
        sort_neighbors(&me, &mut expected);
        let asked = relation_asked.map(relation);
        let found = graph.neighbors(&me, Direction::Both, asked.as_deref()).unwrap();
        prop_assert_eq!(found, expected);
    }
}
