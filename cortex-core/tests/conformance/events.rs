//! Conformance cases of `EventStore`: appends, ids, queries, validation and subscriptions.

use std::time::Duration;

use cortex_core::event::MAX_KIND_LEN;
use cortex_core::{
    Error, Event, EventFilter, EventId, EventStore, GraphStore, Result, StoreConfig,
};

use super::{id, new_event, Stores};

fn all<E: EventStore>(events: &E) -> Result<Vec<Event>> {
    events.query(&EventFilter::default())
}

fn ids(events: &[Event]) -> Vec<EventId> {
    events.iter().map(|e| e.id).collect()
}

/// What `query` must return: every matching event of `log` (all events, in append order), up to the limit.
fn expected(log: &[Event], filter: &EventFilter) -> Vec<EventId> {
    let matching = log.iter().filter(|e| filter.matches(e)).map(|e| e.id);
    matching.take(filter.limit.unwrap_or(usize::MAX)).collect()
}

pub fn append_then_get_and_len<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(make, StoreConfig::default());
    assert_eq!(s.events.len()?, 0);
    assert!(s.events.is_empty()?);

    let first = s.events.append(new_event("ann", "login", b"hello"))?;
    let mut child = new_event("bob", "reply", &[0, 255]);
    child.parent = Some(first.id);
    let second = s.events.append(child)?;

    assert_eq!(
        (
            first.source,
            first.kind.as_str(),
            &first.payload[..],
            first.parent
        ),
        (id("ann"), "login", &b"hello"[..], None)
    );
    assert_eq!(second.parent, Some(first.id));
    assert_eq!(s.events.get(first.id)?, Some(first.clone()));
    assert_eq!(s.events.get(second.id)?, Some(second.clone()));
    assert_eq!(s.events.get(EventId(second.id.0 + 1000))?, None);
    assert_eq!(s.events.len()?, 2);
    assert!(!s.events.is_empty()?);
    assert_eq!(all(&s.events)?, vec![first, second]);
    Ok(())
}

pub fn ids_are_unique_and_increasing<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(make, StoreConfig::default());
    let mut returned = Vec::new();
    for n in 0..20u8 {
        returned.push(s.events.append(new_event("ann", "tick", &[n]))?.id);
    }
    let batch = (20..30u8).map(|n| new_event("ann", "tick", &[n])).collect();
    returned.extend(ids(&s.events.append_batch(batch)?));
    assert!(
        returned.windows(2).all(|w| w[0] < w[1]),
        "ids must increase in append order: {returned:?}"
    );
    let stored = all(&s.events)?;
    assert_eq!(ids(&stored), returned);
    assert_eq!(
        stored.iter().map(|e| e.payload[0]).collect::<Vec<_>>(),
        (0..30).collect::<Vec<_>>()
    );
    Ok(())
}

pub fn query_by_kinds<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(make, StoreConfig::default());
    for (n, kind) in ["a", "b", "c", "a", "c", "b", "a"].into_iter().enumerate() {
        s.events.append(new_event("ann", kind, &[n as u8]))?;
    }
    let payloads = |kinds: &[&str]| -> Result<Vec<u8>> {
        let filter = EventFilter {
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            ..Default::default()
        };
        Ok(s.events
            .query(&filter)?
            .iter()
            .map(|e| e.payload[0])
            .collect())
    };
    assert_eq!(payloads(&["a"])?, [0, 3, 6]);
    assert_eq!(
        payloads(&["c", "a"])?,
        [0, 2, 3, 4, 6],
        "several kinds come back merged in append order"
    );
    assert_eq!(payloads(&["a", "b", "c"])?, [0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(payloads(&["missing"])?, Vec::<u8>::new());
    assert_eq!(payloads(&[])?, [0, 1, 2, 3, 4, 5, 6]);
    Ok(())
}

pub fn query_by_source<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(make, StoreConfig::default());
    for (n, source) in ["ann", "bob", "ann", "cid", "bob"].into_iter().enumerate() {
        s.events.append(new_event(source, "k", &[n as u8]))?;
    }
    let from = |name: &str| -> Result<Vec<u8>> {
        let filter = EventFilter {
            source: Some(id(name)),
            ..Default::default()
        };
        Ok(s.events
            .query(&filter)?
            .iter()
            .map(|e| e.payload[0])
            .collect())
    };
    assert_eq!(from("ann")?, [0, 2]);
    assert_eq!(from("bob")?, [1, 4]);
    assert_eq!(from("nobody")?, Vec::<u8>::new());
    Ok(())
}

pub fn query_by_time_range<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(make, StoreConfig::default());
    for n in 0..4u8 {
        s.events.append(new_event("ann", "k", &[n]))?;
        s.events.append(new_event("bob", "k", &[n]))?;
        std::thread::sleep(Duration::from_millis(3)); // distinct timestamps between rounds
    }
    let log = all(&s.events)?;
    let times: Vec<u64> = log.iter().map(|e| e.timestamp).collect();
    for &since in &times {
        for &until in &times {
            for filter in [
                EventFilter {
                    since: Some(since),
                    ..Default::default()
                },
                EventFilter {
                    until: Some(until),
                    ..Default::default()
                },
                EventFilter {
                    since: Some(since),
                    until: Some(until),
                    ..Default::default()
                },
                EventFilter {
                    since: Some(since),
                    until: Some(until + 1),
                    source: Some(id("bob")),
                    ..Default::default()
                },
            ] {
                assert_eq!(
                    ids(&s.events.query(&filter)?),
                    expected(&log, &filter),
                    "{filter:?}"
                );
            }
        }
    }
    let (first, last) = (times[0], times[times.len() - 1]);
    assert_eq!(
        s.events.query(&EventFilter {
            since: Some(last + 1),
            ..Default::default()
        })?,
        vec![]
    );
    assert_eq!(
        s.events.query(&EventFilter {
            until: Some(first),
            ..Default::default()
        })?,
        vec![]
    );
    Ok(())
}

pub fn query_pages_with_after_and_limit<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(make, StoreConfig::default());
    for n in 0..10u8 {
        s.events.append(new_event(
            "ann",
            if n % 2 == 0 { "even" } else { "odd" },
            &[n],
        ))?;
    }
    let mut pages = Vec::new();
    let mut filter = EventFilter {
        limit: Some(3),
        ..Default::default()
    };
    loop {
        let page = s.events.query(&filter)?;
        let Some(last) = page.last() else { break };
        assert!(page.len() <= 3);
        filter.after = Some(last.id);
        pages.push(page.iter().map(|e| e.payload[0]).collect::<Vec<_>>());
    }
    assert_eq!(
        pages,
        [vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9]]
    );

    let log = all(&s.events)?;
    let evens_after_third = EventFilter {
        kinds: vec!["even".into()],
        after: Some(log[2].id),
        limit: Some(2),
        ..Default::default()
    };
    assert_eq!(
        s.events
            .query(&evens_after_third)?
            .iter()
            .map(|e| e.payload[0])
            .collect::<Vec<_>>(),
        [4, 6]
    );
    assert_eq!(
        s.events.query(&EventFilter {
            limit: Some(0),
            ..Default::default()
        })?,
        vec![]
    );
    assert_eq!(
        s.events.query(&EventFilter {
            after: Some(log[9].id),
            ..Default::default()
        })?,
        vec![]
    );
    Ok(())
}

pub fn query_combinations_match_the_filter<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(make, StoreConfig::default());
    let (sources, kinds) = (["ann", "bob", "cid"], ["x", "y", "z", "w"]);
    for n in 0..60usize {
        // A fixed, irregular mix so no index lines up with another.
        s.events
            .append(new_event(sources[n * 7 % 3], kinds[n * n % 4], &[n as u8]))?;
        if n % 20 == 19 {
            std::thread::sleep(Duration::from_millis(3));
        }
    }
    let log = all(&s.events)?;
    let cursors = [None, Some(log[0].id), Some(log[17].id), Some(log[59].id)];
    let kind_sets: [&[&str]; 4] = [&[], &["x"], &["y", "w"], &["z", "missing"]];
    for kinds in kind_sets {
        for source in [None, Some(id("bob")), Some(id("cid"))] {
            for after in cursors {
                for limit in [None, Some(1), Some(4)] {
                    for (since, until) in [
                        (None, None),
                        (Some(log[20].timestamp), None),
                        (None, Some(log[45].timestamp)),
                    ] {
                        let filter = EventFilter {
                            kinds: kinds.iter().map(|k| k.to_string()).collect(),
                            source,
                            since,
                            until,
                            after,
                            limit,
                        };
                        assert_eq!(
                            ids(&s.events.query(&filter)?),
                            expected(&log, &filter),
                            "{filter:?}"
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

pub fn append_batch_is_all_or_nothing<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(
        make,
        StoreConfig {
            max_payload_bytes: 8,
        },
    );
    s.events.append(new_event("ann", "before", b""))?;
    let with_bad_kind = vec![
        new_event("ann", "ok", b"1"),
        new_event("ann", "", b"2"),
        new_event("ann", "ok", b"3"),
    ];
    assert!(matches!(
        s.events.append_batch(with_bad_kind),
        Err(Error::InvalidKind(_))
    ));
    let with_big_payload = vec![
        new_event("ann", "ok", b"1"),
        new_event("ann", "ok", &[0; 9]),
    ];
    assert!(matches!(
        s.events.append_batch(with_big_payload),
        Err(Error::PayloadTooLarge { size: 9, limit: 8 })
    ));
    assert_eq!(s.events.len()?, 1);
    assert_eq!(
        s.events.query(&EventFilter {
            kinds: vec!["ok".into()],
            ..Default::default()
        })?,
        vec![]
    );

    let stored = s.events.append_batch(vec![
        new_event("ann", "ok", b"1"),
        new_event("bob", "ok", b"2"),
    ])?;
    assert_eq!(stored.len(), 2);
    assert_eq!(all(&s.events)?[1..], stored[..]);
    assert_eq!(s.events.append_batch(Vec::new())?, vec![]);
    assert_eq!(s.events.len()?, 3);
    Ok(())
}

pub fn invalid_events_are_rejected<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(
        make,
        StoreConfig {
            max_payload_bytes: 16,
        },
    );
    assert!(matches!(
        s.events.append(new_event("ann", "", b"")),
        Err(Error::InvalidKind(_))
    ));
    let too_long = "k".repeat(MAX_KIND_LEN + 1);
    assert!(matches!(
        s.events.append(new_event("ann", &too_long, b"")),
        Err(Error::InvalidKind(_))
    ));
    assert!(matches!(
        s.events.append(new_event("ann", "k", &[1; 17])),
        Err(Error::PayloadTooLarge {
            size: 17,
            limit: 16
        })
    ));
    assert_eq!(s.events.len()?, 0);

    s.events
        .append(new_event("ann", &"k".repeat(MAX_KIND_LEN), &[1; 16]))?;
    assert_eq!(s.events.len()?, 1);
    Ok(())
}

pub fn subscribers_get_only_later_matching_events<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(make, StoreConfig::default());
    s.events.append(new_event("ann", "alarm", b"before"))?;
    let mut alarms = s.events.subscribe(EventFilter {
        kinds: vec!["alarm".into()],
        ..Default::default()
    });
    let mut from_bob = s.events.subscribe(EventFilter {
        source: Some(id("bob")),
        ..Default::default()
    });
    assert_eq!(
        alarms.try_recv(),
        None,
        "nothing appended before subscribing is delivered"
    );

    let first = s.events.append(new_event("ann", "alarm", b"1"))?;
    s.events.append(new_event("ann", "tick", b"2"))?;
    let batch = s.events.append_batch(vec![
        new_event("bob", "alarm", b"3"),
        new_event("bob", "tick", b"4"),
    ])?;
    assert!(s.events.append(new_event("bob", "", b"refused")).is_err());

    assert_eq!(alarms.try_recv(), Some(first));
    assert_eq!(alarms.try_recv(), Some(batch[0].clone()));
    assert_eq!(alarms.try_recv(), None);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Error::Backend(e.to_string()))?;
    let received = runtime.block_on(async { (from_bob.recv().await, from_bob.recv().await) });
    assert_eq!(received, (Some(batch[0].clone()), Some(batch[1].clone())));
    assert_eq!(from_bob.try_recv(), None);
    Ok(())
}

pub fn subscription_limit_ends_it<E: EventStore, G: GraphStore, K>(
    make: &impl Fn(StoreConfig) -> (E, G, K),
) -> Result<()> {
    let s = Stores::open(make, StoreConfig::default());
    let mut two = s.events.subscribe(EventFilter {
        limit: Some(2),
        ..Default::default()
    });
    for n in 0..4u8 {
        s.events.append(new_event("ann", "k", &[n]))?;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Error::Backend(e.to_string()))?;
    let received = runtime.block_on(async {
        let mut received = Vec::new();
        while let Some(event) = two.recv().await {
            received.push(event.payload[0]);
        }
        received
    });
    assert_eq!(received, [0, 1]);
    Ok(())
}
