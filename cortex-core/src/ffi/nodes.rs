//! Node exports: put (by label alone, or a whole node record with properties and tags), get,
//! remove, count, and find by label, tag, property, time and text.

use super::codes::{run_i32, run_i64, Failure, Outcome, CORTEX_E_INTERNAL, CORTEX_E_NOT_FOUND};
use super::memory::Region;
use super::registry;
use super::wire;
use crate::graph::Node;
use crate::store::GraphStore;

#[no_mangle]
pub extern "C" fn cortex_put_node(handle: i32, id_ptr: i32, label_ptr: i32, label_len: i32) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let id = Region::read_node_id(id_ptr, "node id")?;
        let label = Region::new(label_ptr, label_len, "label")?;
        store
            .graph
            .put_node(Node::new(id, label.read_str("label")?))?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn cortex_put_node_record(handle: i32, rec_ptr: i32, rec_len: i32) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let record = Region::new(rec_ptr, rec_len, "node record")?;
        let node = wire::whole(&record.read(), "node record", |r| r.node())?;
        store.graph.put_node(node)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn cortex_get_node(handle: i32, id_ptr: i32, out_ptr: i32, out_cap: i32) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let id = Region::read_node_id(id_ptr, "node id")?;
        let out = Region::output(out_ptr, out_cap)?;
        // Encoded where the store keeps it: no copy of the node.
        let record = store.graph.with_node(&id, |node| {
            node.map(|node| {
                let mut record = Vec::new();
                wire::put_node(&mut record, node);
                record
            })
        })?;
        let record =
            record.ok_or_else(|| Failure::new(CORTEX_E_NOT_FOUND, format!("no node {id}")))?;
        out.answer(&record)
    })
}

#[no_mangle]
pub extern "C" fn cortex_remove_node(handle: i32, id_ptr: i32) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let id = Region::read_node_id(id_ptr, "node id")?;
        Ok(i32::from(store.graph.remove_node(&id)?))
    })
}

#[no_mangle]
pub extern "C" fn cortex_node_count(handle: i32) -> i64 {
    run_i64(|| graph_count(handle, GraphStore::node_count))
}

#[no_mangle]
pub extern "C" fn cortex_edge_count(handle: i32) -> i64 {
    run_i64(|| graph_count(handle, GraphStore::edge_count))
}

fn graph_count(
    handle: i32,
    count: fn(&registry::GraphBackend) -> crate::error::Result<u64>,
) -> Outcome<i64> {
    let store = registry::store(handle)?;
    i64::try_from(count(&store.graph)?)
        .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "count does not fit an i64"))
}

#[no_mangle]
pub extern "C" fn cortex_find_nodes(
    handle: i32,
    query_ptr: i32,
    query_len: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let query = Region::new(query_ptr, query_len, "node query")?;
        let out = Region::output(out_ptr, out_cap)?;
        let query = wire::whole(&query.read(), "node query", |r| r.node_query())?;
        let mut records = Vec::new();
        store
            .graph
            .for_each_found(&query, |node| wire::put_node(&mut records, node))?;
        out.answer(&records)
    })
}
