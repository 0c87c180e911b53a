//! Unit tests of the memory event log: its bound, its time search and its packed payloads.

use super::log::{fits, Log};
use super::MemoryEventStore;
use crate::event::{EventFilter, EventId, NewEvent, NodeId};
use crate::store::EventStore;

/// A log of four billion events cannot be built in a test; the bound it is held to can. The
/// oracle is `u32::MAX`, the last position a `u32` names, plus one.
#[test]
fn the_log_stops_where_a_position_stops_fitting() {
    let most = u32::MAX as usize;
    assert!(fits(most - 1, 1));
    assert!(fits(most, 0));
    assert!(!fits(most, 1));
    assert!(!fits(0, most + 1));
    assert!(!fits(usize::MAX, 1));
}

/// Stamps from the epoch's first milliseconds to today's, some equal and some far apart, come
/// back whole with their payloads, and every time range finds exactly its events (the binary
/// search over the log at each end). The oracle is the list of stamps handed to the log and the
/// filter's documented bounds (since inclusive, until exclusive), checked by hand.
#[test]
fn stamps_come_back_whole_and_every_time_range_finds_its_events() {
    let day = 86_400_000;
    let stamps = [
        5,
        5,
        10 * day,
        60 * day,
        60 * day + 1,
        200 * day,
        1_790_000_000_000,
    ];
    let mut log = Log::default();
    for (n, &now) in stamps.iter().enumerate() {
        let new = NewEvent {
            source: NodeId::from_name("s"),
            kind: "k".into(),
            payload: vec![n as u8; n],
            parent: None,
        };
        log.push(new, now);
    }
    for (n, &stamp) in stamps.iter().enumerate() {
        let event = log.get(EventId(n as u64 + 1)).expect("stored");
        assert_eq!((event.timestamp, event.payload), (stamp, vec![n as u8; n]));
    }
    let bounds = [
        0,
        5,
        6,
        10 * day,
        60 * day + 1,
        61 * day,
        1_790_000_000_000,
        u64::MAX,
    ];
    for &since in &bounds {
        for &until in &bounds {
            let filter = EventFilter {
                since: Some(since),
                until: Some(until),
                ..Default::default()
            };
            let found: Vec<u64> = log.query(&filter).iter().map(|e| e.id.0).collect();
            let expected: Vec<u64> = (1..)
                .zip(stamps)
                .filter(|&(_, t)| since <= t && t < until)
                .map(|(id, _)| id)
                .collect();
            assert_eq!(found, expected, "since {since}, until {until}");
        }
    }
}

/// Payloads of every length, empty ones between, come back byte for byte from `get` and `query`:
/// each record's range of the shared buffer starts where the one before it ends.
#[test]
fn payloads_packed_end_to_end_come_back_whole() {
    let store = MemoryEventStore::new();
    let payload = |n: usize| -> Vec<u8> { (0..n % 5 * 3).map(|b| (b + n) as u8).collect() };
    let input: Vec<NewEvent> = (0..40)
        .map(|n| NewEvent {
            source: NodeId::from_name(&format!("s{}", n % 3)),
            kind: format!("k{}", n % 4),
            payload: payload(n),
            parent: (n > 0).then_some(EventId(n as u64)),
        })
        .collect();
    store.append(input[0].clone()).unwrap();
    store.append_batch(input[1..].to_vec()).unwrap();
    for (n, new) in input.iter().enumerate() {
        let got = store.get(EventId(n as u64 + 1)).unwrap().unwrap();
        assert_eq!(
            (&got.kind, &got.source, &got.payload, got.parent),
            (&new.kind, &new.source, &new.payload, new.parent)
        );
    }
    let k2: Vec<Vec<u8>> = store
        .query(&EventFilter {
            kinds: vec!["k2".into()],
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.payload)
        .collect();
    assert_eq!(k2, (2..40).step_by(4).map(payload).collect::<Vec<_>>());
}
