//! Round-trip, truncation, garbage and version tests of the record encoding.

use proptest::prelude::*;

use super::*;

fn event(parent: Option<u64>) -> Event {
    Event {
        id: EventId(u64::MAX),
        timestamp: 1_764_000_000_000,
        source: NodeId::from_name("sensor-7"),
        kind: "temperature.reading".into(),
        payload: (0..=255).collect(),
        parent: parent.map(EventId),
    }
}

fn node() -> Node {
    let mut node = Node::new(NodeId::from_name("ada"), "person")
        .with_tag("pioneer")
        .with_tag("ünïcode")
        .with_property("name", "Ada")
        .with_property("role", "engineer")
        .with_property("ü", "");
    node.created_at = 1_764_000_000_000;
    node.updated_at = u64::MAX;
    node
}

/// A decoder that reports only whether it succeeded.
type Decode = fn(&[u8]) -> Result<()>;

/// Every record used below, each with its decoder and the newest version that decoder reads.
fn records() -> Vec<(Vec<u8>, Decode, u8)> {
    let as_event: Decode = |b| decode_event(b).map(drop);
    let as_node: Decode = |b| decode_node(b).map(drop);
    vec![
        (encode_event(&event(None)), as_event, EVENT_VERSION),
        (encode_event(&event(Some(0))), as_event, EVENT_VERSION),
        (encode_node(&node()), as_node, NODE_VERSION),
        (
            encode_node(&Node::new(NodeId([7; 32]), "x")),
            as_node,
            NODE_VERSION,
        ),
        (version_1_node(), as_node, NODE_VERSION),
    ]
}

/// A node as version 1 wrote it, byte by byte from its documented layout
/// `1 | id[32] | label | property count | (key | value)*` (every length here fits one varint byte):
/// the node "ada" labelled "person" with name = Ada and role = engineer.
fn version_1_node() -> Vec<u8> {
    let mut bytes = vec![1];
    bytes.extend_from_slice(b"ada");
    bytes.extend_from_slice(&[0; 29]);
    bytes.push(6);
    bytes.extend_from_slice(b"person");
    bytes.push(2);
    for text in ["name", "Ada", "role", "engineer"] {
        bytes.push(text.len() as u8);
        bytes.extend_from_slice(text.as_bytes());
    }
    bytes
}

#[test]
fn version_1_nodes_decode_without_tags_or_times() {
    let node = decode_node(&version_1_node()).unwrap();
    let expected = Node::new(NodeId::from_name("ada"), "person")
        .with_property("name", "Ada")
        .with_property("role", "engineer");
    assert_eq!(node, expected);
    assert!(node.tags.is_empty() && node.created_at == 0 && node.updated_at == 0);
    // Rewritten, it takes the current version and still reads back the same.
    let rewritten = encode_node(&node);
    assert_eq!(rewritten[0], NODE_VERSION);
    assert_eq!(decode_node(&rewritten).unwrap(), node);
}

#[test]
fn records_round_trip() {
    for parent in [None, Some(0), Some(300), Some(u64::MAX)] {
        assert_eq!(
            decode_event(&encode_event(&event(parent))).unwrap(),
            event(parent)
        );
    }
    assert_eq!(decode_node(&encode_node(&node())).unwrap(), node());
}

#[test]
fn every_truncation_is_corrupt() {
    for (record, decode, _) in records() {
        assert!(decode(&record).is_ok());
        for len in 0..record.len() {
            assert!(
                matches!(decode(&record[..len]), Err(Error::Corrupt(_))),
                "prefix of {len} bytes"
            );
        }
    }
}

#[test]
fn trailing_garbage_is_corrupt() {
    for (mut record, decode, _) in records() {
        record.push(0);
        assert!(matches!(decode(&record), Err(Error::Corrupt(_))));
    }
}

#[test]
fn unknown_versions_are_a_typed_error() {
    for (mut record, decode, newest) in records() {
        for version in [0, newest + 1, u8::MAX] {
            record[0] = version;
            match decode(&record) {
                Err(Error::UnsupportedVersion { found, supported }) => {
                    assert_eq!((found, supported), (version, newest));
                }
                other => panic!("version {version}: {other:?}"),
            }
        }
    }
}

#[test]
fn garbled_fields_are_corrupt() {
    let mut bad_utf8 = encode_node(&node());
    let label = bad_utf8
        .windows(7)
        .position(|w| w == b"\x06person")
        .unwrap();
    bad_utf8[label + 1] = 0xff; // first byte of the label
    assert!(matches!(decode_node(&bad_utf8), Err(Error::Corrupt(_))));

    let mut huge_len = vec![1];
    huge_len.extend_from_slice(&[0; 32]);
    huge_len.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert!(matches!(decode_node(&huge_len), Err(Error::Corrupt(_))));

    // Tags "ta" and "tb" made the same tag twice.
    let mut repeated_tag = encode_node(
        &Node::new(NodeId([1; 32]), "l")
            .with_tag("ta")
            .with_tag("tb"),
    );
    let at = repeated_tag.windows(2).position(|w| w == b"tb").unwrap();
    repeated_tag[at + 1] = b'a';
    match decode_node(&repeated_tag) {
        Err(Error::Corrupt(why)) => assert!(why.contains("tags out of order"), "{why}"),
        other => panic!("{other:?}"),
    }

    let mut overflow = vec![EVENT_VERSION];
    overflow.extend_from_slice(&[0xff; 10]);
    overflow.push(0x02);
    assert!(matches!(decode_event(&overflow), Err(Error::Corrupt(_))));

    let mut bad_parent = encode_event(&event(None));
    *bad_parent.last_mut().unwrap() = 7;
    assert!(matches!(decode_event(&bad_parent), Err(Error::Corrupt(_))));
}

#[test]
fn varints_round_trip_at_their_boundaries() {
    for value in [
        0,
        1,
        127,
        128,
        16_383,
        16_384,
        u64::from(u32::MAX),
        u64::MAX - 1,
        u64::MAX,
    ] {
        let mut out = Vec::new();
        put_varint(&mut out, value);
        let mut reader = Reader { rest: &out };
        assert_eq!(reader.varint().unwrap(), value);
        reader.finish().unwrap();
    }
}

proptest! {
    #[test]
    fn arbitrary_events_round_trip(
        id: u64, timestamp: u64, source: [u8; 32], kind in "\\PC{1,40}",
        payload in proptest::collection::vec(any::<u8>(), 0..300), parent: Option<u64>,
    ) {
        let event = Event { id: EventId(id), timestamp, source: NodeId(source), kind, payload, parent: parent.map(EventId) };
        prop_assert_eq!(decode_event(&encode_event(&event)).unwrap(), event);
    }

    #[test]
    fn arbitrary_nodes_round_trip(
        id: [u8; 32], label in "\\PC{0,20}", created_at: u64, updated_at: u64,
        tags in proptest::collection::btree_set("\\PC{0,8}", 0..4),
        properties in proptest::collection::btree_map("\\PC{0,8}", "\\PC{0,8}", 0..6),
    ) {
        let node = Node { id: NodeId(id), label, tags, properties, created_at, updated_at };
        prop_assert_eq!(decode_node(&encode_node(&node)).unwrap(), node);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode_event(&bytes);
        let _ = decode_node(&bytes);
    }
}
