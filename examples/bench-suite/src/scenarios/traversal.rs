//! Traversals of a random graph of fixed shape.

use std::hint::black_box;

use cortex_core::{Edge, GraphStore, MemoryGraphStore, Node};

use super::inputs::{err, node_id};
use super::workload::{Sizes, Workload};

/// Traversals to depth 4 from one node of a graph where each node has three edges to pseudo-random
/// others (a fixed linear congruential sequence): `traversals` a run.
pub(super) struct Traversal {
    traversals: u64,
    graph: MemoryGraphStore,
}

impl Traversal {
    pub(super) fn setup(sizes: &Sizes) -> Result<Box<dyn Workload>, String> {
        let graph = MemoryGraphStore::new();
        let n = sizes.graph_nodes;
        for i in 0..n {
            graph
                .put_node(Node::new(node_id(i), "thing"))
                .map_err(err)?;
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for from in 0..n {
            for _ in 0..3 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let edge = Edge {
                    from: node_id(from),
                    to: node_id((state >> 33) % n),
                    relation: "links".to_owned(),
                    weight: 1.0,
                };
                graph.put_edge(edge).map_err(err)?;
            }
        }
        Ok(Box::new(Traversal {
            traversals: sizes.traversals,
            graph,
        }))
    }
}

impl Workload for Traversal {
    fn run(&mut self) -> Result<u64, String> {
        for _ in 0..self.traversals {
            black_box(self.graph.traverse(&node_id(0), 4).map_err(err)?);
        }
        Ok(self.traversals)
    }
}
