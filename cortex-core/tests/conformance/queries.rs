//! Conformance cases of `EventStore::query`, one filter field at a time: kinds, source, time range, cursor and limit.

use std::time::Duration;

use cortex_core::{EventFilter, EventStore, Result};

use super::oracle::Log;
use super::{append_logged, id, new_event, Backend};

/// The first payload byte of each event `filter` finds, in the order the store answers: the cases
/// number their events by it.
fn payloads<E: EventStore>(events: &E, filter: &EventFilter) -> Result<Vec<u8>> {
    Ok(events.query(filter)?.iter().map(|e| e.payload[0]).collect())
}

pub fn query_by_kinds(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    for (n, kind) in ["a", "b", "c", "a", "c", "b", "a"].into_iter().enumerate() {
        s.events.append(new_event("ann", kind, &[n as u8]))?;
    }
    let of_kinds = |kinds: &[&str]| {
        let filter = EventFilter {
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            ..Default::default()
        };
        payloads(&s.events, &filter)
    };
    assert_eq!(of_kinds(&["a"])?, [0, 3, 6]);
    assert_eq!(
        of_kinds(&["c", "a"])?,
        [0, 2, 3, 4, 6],
        "several kinds come back merged in append order"
    );
    assert_eq!(of_kinds(&["a", "b", "c"])?, [0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(
        of_kinds(&["a", "a"])?,
        [0, 3, 6],
        "a kind named twice matches once"
    );
    assert_eq!(of_kinds(&["missing"])?, Vec::<u8>::new());
    assert_eq!(of_kinds(&[])?, [0, 1, 2, 3, 4, 5, 6]);
    Ok(())
}

pub fn query_by_source(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    for (n, source) in ["ann", "bob", "ann", "cid", "bob"].into_iter().enumerate() {
        s.events.append(new_event(source, "k", &[n as u8]))?;
    }
    let from = |name: &str| {
        let filter = EventFilter {
            source: Some(id(name)),
            ..Default::default()
        };
        payloads(&s.events, &filter)
    };
    assert_eq!(from("ann")?, [0, 2]);
    assert_eq!(from("bob")?, [1, 4]);
    assert_eq!(from("nobody")?, Vec::<u8>::new());
    Ok(())
}

pub fn query_by_time_range(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let mut log = Log::default();
    for n in 0..4u8 {
        append_logged(&s.events, &mut log, new_event("ann", "k", &[n]))?;
        append_logged(&s.events, &mut log, new_event("bob", "k", &[n]))?;
        std::thread::sleep(Duration::from_millis(3)); // distinct timestamps between rounds
    }
    let times: Vec<u64> = log.events().iter().map(|e| e.timestamp).collect();
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
                assert_eq!(s.events.query(&filter)?, log.answer(&filter), "{filter:?}");
            }
        }
    }
    // Pinned by hand as well, in case the oracle and the stores ever share a misreading: rounds
    // are 3 ms apart, so `until` at round 1's first timestamp keeps round 0 alone, and `since` there
    // keeps rounds 1 to 3.
    let round = |filter: EventFilter| payloads(&s.events, &filter);
    let round_1 = times[2];
    assert_eq!(
        round(EventFilter {
            until: Some(round_1),
            ..Default::default()
        })?,
        [0, 0],
        "until is exclusive"
    );
    assert_eq!(
        round(EventFilter {
            since: Some(round_1),
            ..Default::default()
        })?,
        [1, 1, 2, 2, 3, 3],
        "since is inclusive"
    );
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

pub fn query_pages_with_after_and_limit(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let mut log = Log::default();
    for n in 0..10u8 {
        let kind = if n % 2 == 0 { "even" } else { "odd" };
        append_logged(&s.events, &mut log, new_event("ann", kind, &[n]))?;
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

    let log = log.events();
    let evens_after_third = EventFilter {
        kinds: vec!["even".into()],
        after: Some(log[2].id),
        limit: Some(2),
        ..Default::default()
    };
    assert_eq!(payloads(&s.events, &evens_after_third)?, [4, 6]);
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
