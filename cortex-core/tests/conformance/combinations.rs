//! Conformance of `EventStore::query` over a seeded, irregular mix: every combination of filter fields, and paging.

use cortex_core::{EventFilter, EventId, EventStore, NodeId, Result};

use super::mix::{append_mix, assert_irregular};
use super::oracle::Log;
use super::{id, ids, Backend};

const SOURCES: [&str; 3] = ["ann", "bob", "cid"];
/// Kinds sharing a prefix ("x", "xy", "x\0y") too, so an index keyed by kind must keep them apart.
const KINDS: [&str; 5] = ["w", "x", "xy", "x\0y", "z"];
const SEED: u64 = 13;
const EVENTS: usize = 150;

pub fn query_combinations_match_the_filter(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let log = append_mix(&s.events, SEED, EVENTS, &SOURCES, &KINDS)?;
    assert_irregular(&log, &SOURCES, &KINDS, 8, 5);
    let last = log.events()[EVENTS - 1].id;
    for n in 0..=last.0 + 1 {
        assert_eq!(
            s.events.get(EventId(n))?.as_ref(),
            log.get(EventId(n)),
            "get({n})"
        );
    }

    let kind_sets: [&[&str]; 6] = [
        &[],
        &["x"],
        &["xy", "w"],
        &["z", "missing"],
        &["x\0y", "x", "x"],
        &KINDS,
    ];
    let sources = [None, Some(id("ann")), Some(id("cid")), Some(id("nobody"))];
    let cursors = [
        None,
        Some(EventId(0)),
        Some(log.events()[EVENTS / 3].id),
        Some(last),
    ];
    let (mut checked, mut non_empty) = (0, 0);
    for kinds in kind_sets {
        for source in sources {
            for (since, until) in time_ranges(&log) {
                for after in cursors {
                    for limit in [None, Some(1), Some(5)] {
                        let filter = EventFilter {
                            kinds: kinds.iter().map(|k| k.to_string()).collect(),
                            source,
                            since,
                            until,
                            after,
                            limit,
                        };
                        let expected = log.answer(&filter);
                        let found = s.events.query(&filter)?;
                        assert_eq!(ids(&found), ids(&expected), "{filter:?}");
                        assert_eq!(found, expected, "records of {filter:?}");
                        checked += 1;
                        non_empty += usize::from(!expected.is_empty());
                    }
                }
                page_through(&s.events, &log, kinds, source, (since, until))?;
            }
        }
    }
    // Guards the generator and the bounds above: most filters must select something to prove anything.
    assert!(
        non_empty * 3 >= checked,
        "only {non_empty} of {checked} filters select any event"
    );
    Ok(())
}

/// Time bounds on, just before and just after real timestamps, so an off-by-one in either bound shows.
fn time_ranges(log: &Log) -> [(Option<u64>, Option<u64>); 9] {
    let mut times: Vec<u64> = log.events().iter().map(|e| e.timestamp).collect();
    times.dedup(); // timestamps never go back, so equal ones are adjacent
    let quartile = |q: usize| times[q * (times.len() - 1) / 4];
    let (low, mid, high) = (quartile(1), quartile(2), quartile(3));
    [
        (None, None),
        (Some(low), None),
        (Some(low + 1), None),
        (None, Some(high)),
        (None, Some(high + 1)),
        (Some(low), Some(high)),
        (Some(mid), Some(mid)),     // empty: until is exclusive
        (Some(mid), Some(mid + 1)), // exactly the events stamped `mid`
        (Some(high), Some(low)),    // reversed: empty
    ]
}

/// Walks the filter's answer in pages of 4, each resuming `after` the last id of the one before.
fn page_through<E: EventStore>(
    events: &E,
    log: &Log,
    kinds: &[&str],
    source: Option<NodeId>,
    (since, until): (Option<u64>, Option<u64>),
) -> Result<()> {
    let mut filter = EventFilter {
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        source,
        since,
        until,
        ..Default::default()
    };
    let expected = log.answer(&filter);
    filter.limit = Some(4);
    let mut walked = Vec::new();
    loop {
        let page = events.query(&filter)?;
        assert!(page.len() <= 4, "a page of {} under limit 4", page.len());
        let Some(end) = page.last() else { break };
        filter.after = Some(end.id);
        walked.extend(page);
        assert!(
            walked.len() <= expected.len(),
            "paging past the answer of {filter:?}"
        );
    }
    assert_eq!(ids(&walked), ids(&expected), "pages of {filter:?}");
    Ok(())
}
