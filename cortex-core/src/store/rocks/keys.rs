//! Names and key layouts of the RocksDB column families; integers are big-endian so byte order is
//! numeric order. The node index families of the graph are named and laid out in `graph/index.rs`.

use crate::event::{EventId, NodeId, Timestamp};

/// The event log's records, by id.
pub(super) const EVENTS: &str = "events";
pub(super) const BY_KIND: &str = "by_kind";
pub(super) const BY_SOURCE: &str = "by_source";
pub(super) const BY_TIME: &str = "by_time";
/// The kind catalogue: one empty-valued entry per distinct kind of the log (see `kinds.rs`).
pub(super) const KINDS: &str = "kinds";
/// The graph's node records, by id.
pub(super) const NODES: &str = "nodes";
pub(super) const OUT: &str = "out";
pub(super) const IN: &str = "in";

/// Separates a variable-length name (kind, relation) from the fixed-size part that follows it.
const SEP: u8 = 0;
const ID_LEN: usize = 8;
const NODE_LEN: usize = 32;

/// `events`: id.
pub(super) fn event(id: EventId) -> [u8; ID_LEN] {
    id.0.to_be_bytes()
}

/// The id at the end of any event or index key, if the key is long enough to hold one.
pub(super) fn trailing_id(key: &[u8]) -> Option<EventId> {
    let start = key.len().checked_sub(ID_LEN)?;
    let bytes: [u8; ID_LEN] = key[start..].try_into().ok()?;
    Some(EventId(u64::from_be_bytes(bytes)))
}

/// `by_kind` prefix: kind | 0.
pub(super) fn kind_prefix(kind: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(kind.len() + 1 + ID_LEN);
    key.extend_from_slice(kind.as_bytes());
    key.push(SEP);
    key
}

/// `by_kind`: kind | 0 | id.
pub(super) fn by_kind(kind: &str, id: EventId) -> Vec<u8> {
    let mut key = kind_prefix(kind);
    key.extend_from_slice(&event(id));
    key
}

/// The kind of a `by_kind` key (all before its 0 and id), or `None` if the key is malformed.
pub(super) fn kind_of_index_key(key: &[u8]) -> Option<&[u8]> {
    let (kind, rest) = key.split_at(key.len().checked_sub(1 + ID_LEN)?);
    (rest[0] == SEP).then_some(kind)
}

/// `by_source`: source | id.
pub(super) fn by_source(source: &NodeId, id: EventId) -> Vec<u8> {
    let mut key = Vec::with_capacity(NODE_LEN + ID_LEN);
    key.extend_from_slice(&source.0);
    key.extend_from_slice(&event(id));
    key
}

/// `by_time`: timestamp | id.
pub(super) fn by_time(timestamp: Timestamp, id: EventId) -> [u8; 2 * ID_LEN] {
    let mut key = [0u8; 2 * ID_LEN];
    key[..ID_LEN].copy_from_slice(&timestamp.to_be_bytes());
    key[ID_LEN..].copy_from_slice(&event(id));
    key
}

/// The smallest key greater than every key starting with `prefix`, or `None` if there is none.
pub(super) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// `out`: from | relation | 0 | to; `in`: to | relation | 0 | from. `node` is the key's own end.
pub(super) fn adjacency(node: &NodeId, relation: &str, other: &NodeId) -> Vec<u8> {
    let mut key = adjacency_prefix(node, Some(relation));
    key.extend_from_slice(&other.0);
    key
}

/// Prefix of every adjacency key of `node`, or of its keys with one relation.
pub(super) fn adjacency_prefix(node: &NodeId, relation: Option<&str>) -> Vec<u8> {
    let mut key = Vec::with_capacity(NODE_LEN + relation.map_or(0, str::len) + 1 + NODE_LEN);
    key.extend_from_slice(&node.0);
    if let Some(relation) = relation {
        key.extend_from_slice(relation.as_bytes());
        key.push(SEP);
    }
    key
}

/// Splits an adjacency key into (node, relation, other); `None` if it is malformed.
pub(super) fn split_adjacency(key: &[u8]) -> Option<(NodeId, &str, NodeId)> {
    if key.len() < 2 * NODE_LEN + 1 {
        return None;
    }
    let (node, rest) = key.split_at(NODE_LEN);
    let (relation, other) = rest.split_at(rest.len() - NODE_LEN);
    let (sep, relation) = relation.split_last()?;
    if *sep != SEP {
        return None;
    }
    let relation = std::str::from_utf8(relation).ok()?;
    Some((
        NodeId(node.try_into().ok()?),
        relation,
        NodeId(other.try_into().ok()?),
    ))
}

/// An edge weight as stored in the adjacency values.
pub(super) fn weight(weight: f64) -> [u8; 8] {
    weight.to_be_bytes()
}

pub(super) fn parse_weight(value: &[u8]) -> Option<f64> {
    Some(f64::from_be_bytes(value.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_keys_sort_numerically() {
        assert!(event(EventId(255)) < event(EventId(256)));
        assert!(by_kind("a", EventId(9)) < by_kind("a", EventId(10)));
        assert!(by_time(5, EventId(100)) < by_time(6, EventId(1)));
        assert_eq!(
            trailing_id(&by_source(&NodeId::from_name("x"), EventId(7))),
            Some(EventId(7))
        );
        assert_eq!(trailing_id(&[1, 2]), None);
    }

    #[test]
    fn kind_prefix_does_not_match_a_longer_kind_with_the_same_start() {
        let other = by_kind("ab", EventId(1));
        assert!(!other.starts_with(&kind_prefix("a")));
    }

    #[test]
    fn the_kind_of_an_index_key_is_all_before_its_separator_and_id() {
        for kind in ["a", "x\0y", ""] {
            assert_eq!(
                kind_of_index_key(&by_kind(kind, EventId(3))),
                Some(kind.as_bytes())
            );
        }
        assert_eq!(kind_of_index_key(&[1; 8]), None);
        assert_eq!(kind_of_index_key(&[b'a', 1, 0, 0, 0, 0, 0, 0, 0, 1]), None);
    }

    #[test]
    fn prefix_end_skips_saturated_bytes() {
        assert_eq!(prefix_end(&[1, 2]), Some(vec![1, 3]));
        assert_eq!(prefix_end(&[1, 255]), Some(vec![2]));
        assert_eq!(prefix_end(&[255, 255]), None);
    }

    #[test]
    fn adjacency_keys_round_trip() {
        let (a, b) = (NodeId::from_name("a"), NodeId::from_name("b"));
        let key = adjacency(&a, "knows", &b);
        assert!(key.starts_with(&adjacency_prefix(&a, Some("knows"))));
        assert!(key.starts_with(&adjacency_prefix(&a, None)));
        assert_eq!(split_adjacency(&key), Some((a, "knows", b)));
        assert_eq!(split_adjacency(&key[..key.len() - 1]), None);
        assert_eq!(parse_weight(&weight(2.5)), Some(2.5));
    }
}
