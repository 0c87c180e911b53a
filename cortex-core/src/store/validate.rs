//! The checks every backend runs on an event, node or edge before storing it, so memory and RocksDB
//! accept and reject exactly the same things.

use crate::error::{Error, Result};
use crate::event::NewEvent;
use crate::graph::{Edge, Node};
use crate::input::{bounded_name, validate_kind, MAX_LABEL_LEN, MAX_RELATION_LEN, MAX_TAG_LEN};
use crate::store::StoreConfig;

/// Checks an event before it is stamped: its kind, and its payload against the store limit.
pub(crate) fn validate_new_event(event: &NewEvent, config: &StoreConfig) -> Result<()> {
    validate_kind(&event.kind)?;
    if event.payload.len() > config.max_payload_bytes {
        return Err(Error::PayloadTooLarge {
            size: event.payload.len(),
            limit: config.max_payload_bytes,
        });
    }
    Ok(())
}

/// Checks a node: a non-empty label of at most [`MAX_LABEL_LEN`] bytes, tags of 1..=[`MAX_TAG_LEN`]
/// bytes and non-empty property keys.
pub(crate) fn validate_node(node: &Node) -> Result<()> {
    bounded_name("label", &node.label, MAX_LABEL_LEN).map_err(Error::InvalidInput)?;
    for tag in &node.tags {
        bounded_name("tag", tag, MAX_TAG_LEN).map_err(Error::InvalidInput)?;
    }
    if node.properties.keys().any(String::is_empty) {
        return Err(Error::InvalidInput(
            "property keys must not be empty".into(),
        ));
    }
    Ok(())
}

/// Checks an edge: a relation of 1..=[`MAX_RELATION_LEN`] bytes and a finite, non-negative weight.
pub(crate) fn validate_edge(edge: &Edge) -> Result<()> {
    bounded_name("relation", &edge.relation, MAX_RELATION_LEN).map_err(Error::InvalidInput)?;
    // Named, not printed: formatting an f64 pulls ~14 KB of float printing into the wasm module.
    let problem = if edge.weight.is_nan() {
        "NaN"
    } else if edge.weight.is_infinite() {
        "infinite"
    } else if edge.weight < 0.0 {
        "negative"
    } else {
        return Ok(());
    };
    Err(Error::InvalidInput(format!(
        "edge weight must be finite and non-negative, got a {problem} weight"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::NodeId;

    fn new_event(kind: &str, payload: usize) -> NewEvent {
        NewEvent {
            source: NodeId::from_name("s"),
            kind: kind.into(),
            payload: vec![0; payload],
            parent: None,
        }
    }

    fn edge(relation: &str, weight: f64) -> Edge {
        Edge {
            from: NodeId::from_name("a"),
            to: NodeId::from_name("b"),
            relation: relation.into(),
            weight,
        }
    }

    #[test]
    fn events_are_checked_for_kind_and_payload_limit() {
        let config = StoreConfig {
            max_payload_bytes: 4,
        };
        assert!(validate_new_event(&new_event("k", 4), &config).is_ok());
        assert!(matches!(
            validate_new_event(&new_event("", 0), &config),
            Err(Error::InvalidKind(_))
        ));
        assert!(matches!(
            validate_new_event(&new_event(&"k".repeat(256), 0), &config),
            Err(Error::InvalidKind(_))
        ));
        for starred in ["*", "sensor.*", "a*b"] {
            assert!(
                matches!(
                    validate_new_event(&new_event(starred, 0), &config),
                    Err(Error::InvalidKind(_))
                ),
                "{starred:?}"
            );
        }
        assert!(matches!(
            validate_new_event(&new_event("k", 5), &config),
            Err(Error::PayloadTooLarge { size: 5, limit: 4 })
        ));
    }

    #[test]
    fn edges_need_a_relation_and_a_usable_weight() {
        assert!(validate_edge(&edge("r", 0.0)).is_ok());
        assert!(validate_edge(&edge(&"r".repeat(255), 1.5)).is_ok());
        for bad in [
            edge("", 1.0),
            edge(&"r".repeat(256), 1.0),
            edge("r", -0.5),
            edge("r", f64::NAN),
            edge("r", f64::INFINITY),
        ] {
            assert!(
                matches!(validate_edge(&bad), Err(Error::InvalidInput(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn nodes_need_a_label_and_named_properties() {
        let mut node = Node::new(NodeId::from_name("n"), "person").with_tag("t".repeat(255));
        assert!(validate_node(&node).is_ok());
        node.properties.insert(String::new(), "v".into());
        assert!(validate_node(&node).is_err());
        node.properties.clear();
        for bad in [String::new(), "t".repeat(256)] {
            let tagged = node.clone().with_tag(bad);
            assert!(validate_node(&tagged).is_err(), "{tagged:?}");
        }
        node.label.clear();
        assert!(validate_node(&node).is_err());
        node.label = "l".repeat(256);
        assert!(validate_node(&node).is_err());
    }
}
