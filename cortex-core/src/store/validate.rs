//! Input rules every backend enforces, so memory and RocksDB accept and reject exactly the same things.

use crate::error::{Error, Quoted, Result};
use crate::event::{NewEvent, MAX_KIND_LEN};
use crate::graph::{Edge, Node};
use crate::store::StoreConfig;

/// Longest accepted edge relation, in bytes.
pub(crate) const MAX_RELATION_LEN: usize = 255;
/// Longest accepted node label, in bytes.
pub(crate) const MAX_LABEL_LEN: usize = 255;
/// Longest accepted node tag, in bytes.
pub(crate) const MAX_TAG_LEN: usize = 255;

/// Checks an event kind: 1..=[`MAX_KIND_LEN`] bytes, without `*` (which only kind patterns hold).
/// The only kind check: stores apply it through [`validate_new_event`] (the bus checks only the `*`,
/// which its routing needs, and leaves the rest to the store it feeds), and embedders reach it as
/// `cortex_core::event::validate_kind`.
pub fn validate_kind(kind: &str) -> Result<()> {
    bounded_name("kind", kind, MAX_KIND_LEN).map_err(Error::InvalidKind)?;
    refuse_wildcard(kind)
}

/// Refuses a kind holding `*`: a filter reads `*` as a wildcard, so such a kind could not be selected alone.
pub(crate) fn refuse_wildcard(kind: &str) -> Result<()> {
    if holds_star(kind) {
        return Err(Error::InvalidKind(format!(
            "kind {} holds '*', which is kept for kind patterns; name the kind without it",
            Quoted(kind)
        )));
    }
    Ok(())
}

/// True when `kind` holds a `*`, searched eight bytes at a time: every publish and every append
/// asks, and a byte-by-byte search of a typical kind cost about as much as the rest of routing it
/// (on wasm, where the loop is not vectorised, a fifth of an append).
fn holds_star(kind: &str) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const STARS: u64 = u64::from_ne_bytes([b'*'; 8]);
    let mut words = kind.as_bytes().chunks_exact(8);
    // A byte of the word equals '*' exactly when that byte of `x` is zero, which the classic
    // "has a zero byte" test finds in the whole word at once.
    let star = words.by_ref().any(|word| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_ne_bytes(bytes) ^ STARS;
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    });
    star || words.remainder().contains(&b'*')
}

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

/// The length rule shared by kinds, labels and relations; the caller picks the error variant.
fn bounded_name(what: &str, value: &str, max: usize) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if value.len() > max {
        return Err(format!(
            "{what} is {} bytes, at most {max} are allowed",
            value.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-wise search against `str::contains`, the oracle: a star at every position of
    /// every length up to five words, and bytes one bit away from '*' or inside multi-byte
    /// characters, which are not stars.
    #[test]
    fn the_star_search_finds_a_star_at_every_position_of_every_length() {
        for len in 0..=40 {
            let plain = "k".repeat(len);
            assert!(!holds_star(&plain), "{plain:?}");
            for at in 0..len {
                let mut bytes = plain.clone().into_bytes();
                bytes[at] = b'*';
                let kind = String::from_utf8(bytes).unwrap();
                assert!(holds_star(&kind), "{kind:?}");
                assert!(matches!(refuse_wildcard(&kind), Err(Error::InvalidKind(_))));
            }
        }
        for kind in [
            "++++++++++",
            "\u{2a2a}\u{12a}x",
            "jjjjjjjjjjjjjjjjj",
            "\u{7f}\u{80}*",
        ] {
            assert_eq!(holds_star(kind), kind.contains('*'), "{kind:?}");
        }
    }
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
