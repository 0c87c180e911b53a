//! Edge exports: put, get and remove edges, list a node's edges or neighbours, traverse
//! breadth-first and find a shortest path, every answer in a host buffer.

use super::codes::{
    run_i32, Failure, Outcome, CORTEX_E_INTERNAL, CORTEX_E_INVALID, CORTEX_E_NOT_FOUND,
};
use super::memory::Region;
use super::registry;
use super::wire;
use crate::error::Error;
use crate::event::NodeId;
use crate::graph::{Direction, Edge};
use crate::store::GraphStore;

/// Bytes of one traversal record: id [32] | depth u32.
const VISIT_RECORD: usize = 32 + 4;

fn count(n: usize) -> Outcome<i32> {
    i32::try_from(n).map_err(|_| Failure::new(CORTEX_E_INTERNAL, "count does not fit an i32"))
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
    run_i32(|| {
        let store = registry::store(handle)?;
        let from = Region::read_node_id(from_ptr, "from node id")?;
        let to = Region::read_node_id(to_ptr, "to node id")?;
        let relation = Region::new(rel_ptr, rel_len, "relation")?;
        // The store validates the weight (CORTEX_E_INVALID) before it looks for the nodes.
        store.graph.put_edge(Edge {
            from,
            to,
            relation: relation.read_str("relation")?,
            weight,
        })?;
        Ok(0)
    })
}

fn direction_of(code: i32) -> Outcome<Direction> {
    match code {
        0 => Ok(Direction::Outgoing),
        1 => Ok(Direction::Incoming),
        2 => Ok(Direction::Both),
        _ => Err(Failure::new(
            CORTEX_E_INVALID,
            "direction must be 0 (outgoing), 1 (incoming) or 2 (both)",
        )),
    }
}

#[no_mangle]
pub extern "C" fn cortex_neighbors(
    handle: i32,
    node_ptr: i32,
    direction: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let node = Region::read_node_id(node_ptr, "node id")?;
        let direction = direction_of(direction)?;
        let out = Region::output(out_ptr, out_cap)?;
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
    })
}

#[no_mangle]
pub extern "C" fn cortex_traverse(
    handle: i32,
    start_ptr: i32,
    max_depth: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let start = Region::read_node_id(start_ptr, "start node id")?;
        let max_depth = usize::try_from(max_depth)
            .map_err(|_| Failure::new(CORTEX_E_INVALID, "max_depth must not be negative"))?;
        let out = Region::output(out_ptr, out_cap)?;
        if !store.graph.with_node(&start, |node| node.is_some())? {
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
    })
}

#[no_mangle]
pub extern "C" fn cortex_get_edge(
    handle: i32,
    from_ptr: i32,
    rel_ptr: i32,
    rel_len: i32,
    to_ptr: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let (from, relation, to) = edge_key(from_ptr, (rel_ptr, rel_len), to_ptr)?;
        let out = Region::output(out_ptr, out_cap)?;
        let relation = relation.read_str("relation")?;
        let edge = store
            .graph
            .get_edge(&from, &relation, &to)?
            .ok_or_else(|| {
                Failure::new(
                    CORTEX_E_NOT_FOUND,
                    format!("no edge {from} -{relation}-> {to}"),
                )
            })?;
        let mut record = Vec::new();
        wire::put_edge(&mut record, &edge);
        out.answer(&record)
    })
}

/// An edge's (from, relation region, to), checked in argument order.
fn edge_key(from_ptr: i32, rel: (i32, i32), to_ptr: i32) -> Outcome<(NodeId, Region, NodeId)> {
    Ok((
        Region::read_node_id(from_ptr, "from node id")?,
        Region::new(rel.0, rel.1, "relation")?,
        Region::read_node_id(to_ptr, "to node id")?,
    ))
}

#[no_mangle]
pub extern "C" fn cortex_remove_edge(
    handle: i32,
    from_ptr: i32,
    rel_ptr: i32,
    rel_len: i32,
    to_ptr: i32,
) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let (from, relation, to) = edge_key(from_ptr, (rel_ptr, rel_len), to_ptr)?;
        let relation = relation.read_str("relation")?;
        Ok(i32::from(store.graph.remove_edge(&from, &relation, &to)?))
    })
}

#[no_mangle]
pub extern "C" fn cortex_edges(
    handle: i32,
    node_ptr: i32,
    direction: i32,
    rel_ptr: i32,
    rel_len: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let node = Region::read_node_id(node_ptr, "node id")?;
        let direction = direction_of(direction)?;
        let relation = Region::new(rel_ptr, rel_len, "relation")?;
        let out = Region::output(out_ptr, out_cap)?;
        // A zero-length relation means every relation (an empty one is never valid).
        let relation = if relation.len() == 0 {
            None
        } else {
            Some(relation.read_str("relation")?)
        };
        let mut records = Vec::new();
        for edge in store
            .graph
            .neighbors(&node, direction, relation.as_deref())?
        {
            wire::put_edge(&mut records, &edge);
        }
        out.answer(&records)
    })
}

#[no_mangle]
pub extern "C" fn cortex_shortest_path(
    handle: i32,
    from_ptr: i32,
    to_ptr: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let from = Region::read_node_id(from_ptr, "from node id")?;
        let to = Region::read_node_id(to_ptr, "to node id")?;
        let out = Region::output(out_ptr, out_cap)?;
        let Some(path) = store.graph.shortest_path(&from, &to)? else {
            return Ok(0);
        };
        let mut record = path.cost.to_le_bytes().to_vec();
        for id in &path.nodes {
            record.extend_from_slice(&id.0);
        }
        out.write(&record)?;
        count(path.nodes.len())
    })
}
