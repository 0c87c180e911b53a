//! Graph exports: put nodes and edges, list neighbours, and traverse breadth-first into host buffers.

use super::codes::{finish_i32, Failure, Outcome, CORTEX_E_INTERNAL, CORTEX_E_INVALID};
use super::memory::Region;
use super::registry;
use crate::error::Error;
use crate::event::NodeId;
use crate::graph::{Direction, Edge, Node};
use crate::store::GraphStore;

/// Bytes of one traversal record: id [32] | depth u32.
const VISIT_RECORD: usize = 32 + 4;

fn count(n: usize) -> Outcome<i32> {
    i32::try_from(n).map_err(|_| Failure::new(CORTEX_E_INTERNAL, "count does not fit an i32"))
}

#[no_mangle]
pub extern "C" fn cortex_put_node(handle: i32, id_ptr: i32, label_ptr: i32, label_len: i32) -> i32 {
    finish_i32(put_node(handle, id_ptr, label_ptr, label_len))
}

fn put_node(handle: i32, id_ptr: i32, label_ptr: i32, label_len: i32) -> Outcome<i32> {
    let store = registry::get(handle)?;
    let id = Region::fixed(id_ptr, 32, "node id")?;
    let label = Region::new(label_ptr, label_len, "label")?;
    let node = Node::new(NodeId(id.read_id()?), label.read_str("label")?);
    store.graph.put_node(node)?;
    Ok(0)
}

#[no_mangle]
pub extern "C" fn cortex_put_edge(
    handle: i32,
    from_ptr: i32,
    to_ptr: i32,
    rel_ptr: i32,
    rel_len: i32,
    weight: f64,
) -> i32 {
    finish_i32(put_edge(handle, from_ptr, to_ptr, rel_ptr, rel_len, weight))
}

fn put_edge(
    handle: i32,
    from_ptr: i32,
    to_ptr: i32,
    rel_ptr: i32,
    rel_len: i32,
    weight: f64,
) -> Outcome<i32> {
    let store = registry::get(handle)?;
    let from = Region::fixed(from_ptr, 32, "from node id")?;
    let to = Region::fixed(to_ptr, 32, "to node id")?;
    let relation = Region::new(rel_ptr, rel_len, "relation")?;
    // The store validates the weight (CORTEX_E_INVALID) before it looks for the nodes.
    store.graph.put_edge(Edge {
        from: NodeId(from.read_id()?),
        to: NodeId(to.read_id()?),
        relation: relation.read_str("relation")?,
        weight,
    })?;
    Ok(0)
}

#[no_mangle]
pub extern "C" fn cortex_neighbors(
    handle: i32,
    node_ptr: i32,
    direction: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    finish_i32(neighbors(handle, node_ptr, direction, out_ptr, out_cap))
}

fn neighbors(
    handle: i32,
    node_ptr: i32,
    direction: i32,
    out_ptr: i32,
    out_cap: i32,
) -> Outcome<i32> {
    let store = registry::get(handle)?;
    let node = Region::fixed(node_ptr, 32, "node id")?;
    let direction = match direction {
        0 => Direction::Outgoing,
        1 => Direction::Incoming,
        2 => Direction::Both,
        _ => {
            return Err(Failure::new(
                CORTEX_E_INVALID,
                "direction must be 0 (outgoing), 1 (incoming) or 2 (both)",
            ))
        }
    };
    let out = Region::new(out_ptr, out_cap, "output buffer")?;
    let node = NodeId(node.read_id()?);
    let edges = store.graph.neighbors(&node, direction, None)?;
    let mut ids = Vec::with_capacity(edges.len().saturating_mul(32));
    for edge in &edges {
        // The far end of the edge: `to` when it leaves `node`, `from` when it arrives.
        let far = match direction {
            Direction::Outgoing => edge.to,
            Direction::Incoming => edge.from,
            Direction::Both if edge.from == node => edge.to,
            Direction::Both => edge.from,
        };
        ids.extend_from_slice(&far.0);
    }
    out.write(&ids)?;
    count(edges.len())
}

#[no_mangle]
pub extern "C" fn cortex_traverse(
    handle: i32,
    start_ptr: i32,
    max_depth: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    finish_i32(traverse(handle, start_ptr, max_depth, out_ptr, out_cap))
}

fn traverse(
    handle: i32,
    start_ptr: i32,
    max_depth: i32,
    out_ptr: i32,
    out_cap: i32,
) -> Outcome<i32> {
    let store = registry::get(handle)?;
    let start = Region::fixed(start_ptr, 32, "start node id")?;
    let max_depth = usize::try_from(max_depth)
        .map_err(|_| Failure::new(CORTEX_E_INVALID, "max_depth must not be negative"))?;
    let out = Region::new(out_ptr, out_cap, "output buffer")?;
    let start = NodeId(start.read_id()?);
    if store.graph.get_node(&start)?.is_none() {
        return Err(Error::MissingNode(start).into());
    }
    let visits = store.graph.traverse(&start, max_depth)?;
    let mut records = Vec::with_capacity(visits.len().saturating_mul(VISIT_RECORD));
    for (id, depth) in &visits {
        let depth = u32::try_from(*depth)
            .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "depth does not fit a u32"))?;
        records.extend_from_slice(&id.0);
        records.extend_from_slice(&depth.to_le_bytes());
    }
    out.write(&records)?;
    count(visits.len())
}
