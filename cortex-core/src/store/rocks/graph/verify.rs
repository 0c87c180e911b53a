//! The graph's half of `verify_indexes`: the `out`, `in` and node index entries the stored nodes
//! and edges call for.

use std::collections::BTreeSet;

use rocksdb::DB;

use super::index;
use crate::error::{Error, Result};
use crate::store::rocks::encoding::decode_node;
use crate::store::rocks::keys::{self, IN, NODES, OUT};
use crate::store::rocks::verify::{compare, scan, IndexReport};

/// Checks `out` and `in`, then the node indexes: an `out` entry is an edge when it parses and both its
/// ends are nodes, and every such edge must have its mirror in `in`, carrying the same weight; each
/// node index must hold exactly the entries the node records call for. A node record that cannot be decoded, or that is
/// stored under another id than its own, is an `Error::Corrupt`.
pub(super) fn graph_indexes(db: &DB) -> Result<IndexReport> {
    let snapshot = db.snapshot();
    let mut nodes = BTreeSet::new();
    let mut expected: Vec<Vec<(Vec<u8>, Vec<u8>)>> = vec![Vec::new(); index::FAMILIES.len()];
    scan(db, &snapshot, NODES, |key, value| {
        let node = decode_node(value)?;
        if key != node.id.0 {
            return Err(Error::Corrupt(format!(
                "node {} stored under the key {key:02x?}",
                node.id
            )));
        }
        for (family, key) in index::entries(&node) {
            let at = index::FAMILIES.iter().position(|f| *f == family);
            expected[at.unwrap_or_default()].push((key, Vec::new()));
        }
        nodes.insert(node.id);
        Ok(())
    })?;

    let (mut edges, mut mirrors) = (Vec::new(), Vec::new());
    scan(db, &snapshot, OUT, |key, value| {
        if let (Some((from, relation, to)), Some(_)) =
            (keys::split_adjacency(key), keys::parse_weight(value))
        {
            if nodes.contains(&from) && nodes.contains(&to) {
                mirrors.push((keys::adjacency(&to, relation, &from), value.to_vec()));
                edges.push((key.to_vec(), value.to_vec()));
            }
        }
        Ok(())
    })?;
    let records = (nodes.len() + edges.len()) as u64;
    let mut indexes = vec![
        compare(db, &snapshot, OUT, edges)?,
        compare(db, &snapshot, IN, mirrors)?,
    ];
    for (family, entries) in index::FAMILIES.into_iter().zip(expected) {
        indexes.push(compare(db, &snapshot, family, entries)?);
    }
    Ok(IndexReport { records, indexes })
}
