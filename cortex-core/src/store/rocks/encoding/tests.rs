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
    let properties = [("name", "Ada"), ("role", "engineer"), ("ü", "")];
    Node {
        id: NodeId::from_name("ada"),
        label: "person".into(),
        properties: properties
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// A decoder that reports only whether it succeeded.
type Decode = fn(&[u8]) -> Result<()>;

/// Every record used below, each with its decoder.
fn records() -> Vec<(Vec<u8>, Decode)> {
    vec![
        (encode_event(&event(None)), |b| decode_event(b).map(drop)),
        (encode_event(&event(Some(0))), |b| decode_event(b).map(drop)),
        (encode_node(&node()), |b| decode_node(b).map(drop)),
    ]
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
    for (record, decode) in records() {
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
    for (mut record, decode) in records() {
        record.push(0);
        assert!(matches!(decode(&record), Err(Error::Corrupt(_))));
    }
}

#[test]
fn unknown_versions_are_a_typed_error() {
    for (mut record, decode) in records() {
        for version in [0, VERSION + 1, u8::MAX] {
            record[0] = version;
            match decode(&record) {
                Err(Error::UnsupportedVersion { found, supported }) => {
                    assert_eq!((found, supported), (version, VERSION));
                }
                other => panic!("version {version}: {other:?}"),
            }
        }
    }
}

#[test]
fn garbled_fields_are_corrupt() {
    let mut bad_utf8 = encode_node(&node());
    bad_utf8[1 + 32 + 1] = 0xff; // first byte of the label
    assert!(matches!(decode_node(&bad_utf8), Err(Error::Corrupt(_))));

    let mut huge_len = vec![VERSION];
    huge_len.extend_from_slice(&[0; 32]);
    huge_len.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert!(matches!(decode_node(&huge_len), Err(Error::Corrupt(_))));

    let mut overflow = vec![VERSION];
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
        id: [u8; 32], label in "\\PC{0,20}",
        properties in proptest::collection::btree_map("\\PC{0,8}", "\\PC{0,8}", 0..6),
    ) {
        let node = Node { id: NodeId(id), label, properties };
        prop_assert_eq!(decode_node(&encode_node(&node)).unwrap(), node);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode_event(&bytes);
        let _ = decode_node(&bytes);
    }
}
