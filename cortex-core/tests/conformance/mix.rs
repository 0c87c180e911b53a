//! A seeded, irregular stream of events for the query cases, and the checks that keep it irregular.
//!
//! A formula such as `n * 7 % 3` looks irregular but can collapse (to parity, say) and leave kinds
//! unstored and index paths unexercised without any test noticing; a seeded generator plus explicit
//! checks on what it produced cannot degenerate silently.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use cortex_core::{EventStore, NewEvent, Result};

use super::oracle::Log;
use super::splitmix::SplitMix64;
use super::{append_batch_logged, append_logged, new_event};

/// Appends `count` events with kinds and sources drawn independently from `kinds` and `sources`,
/// singly and in small batches, pausing at random points so timestamps step; returns what was stored.
pub fn append_mix<E: EventStore>(
    events: &E,
    seed: u64,
    count: usize,
    sources: &[&str],
    kinds: &[&str],
) -> Result<Log> {
    let mut rng = SplitMix64::new(seed);
    let mut log = Log::default();
    let draw = |rng: &mut SplitMix64, n: usize| -> NewEvent {
        let source = sources[rng.below(sources.len() as u64) as usize];
        let kind = kinds[rng.below(kinds.len() as u64) as usize];
        new_event(source, kind, &(n as u16).to_be_bytes())
    };
    let mut n = 0;
    while n < count {
        if rng.below(6) == 0 {
            // Batches share one write (RocksDB stamps a whole batch at once), so they must be queried too.
            let size = (1 + rng.below(4) as usize).min(count - n);
            let batch: Vec<NewEvent> = (n..n + size).map(|i| draw(&mut rng, i)).collect();
            append_batch_logged(events, &mut log, batch)?;
            n += size;
        } else {
            let one = draw(&mut rng, n);
            append_logged(events, &mut log, one)?;
            n += 1;
        }
        if rng.below(10) == 0 {
            // Timestamps are milliseconds: 2 ms guarantees the next event a later one.
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    Ok(log)
}

/// Fails unless the stored mix exercises every index: each kind and each source at least `min` times,
/// every (kind, source) pair present (neither is a function of the other), every kind and source on both
/// even and odd positions (neither is a function of parity), and at least `min_times` distinct timestamps.
pub fn assert_irregular(log: &Log, sources: &[&str], kinds: &[&str], min: usize, min_times: usize) {
    let events = log.events();
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_source: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pairs = BTreeSet::new();
    let mut by_parity: [BTreeSet<&str>; 2] = Default::default();
    let source_name = |event: &cortex_core::Event| -> &str {
        sources
            .iter()
            .find(|name| super::id(name) == event.source)
            .copied()
            .unwrap_or_else(|| panic!("event {} has an unknown source", event.id))
    };
    for (position, event) in events.iter().enumerate() {
        let kind = kinds
            .iter()
            .find(|kind| **kind == event.kind)
            .copied()
            .unwrap_or_else(|| panic!("event {} has an unknown kind", event.id));
        let source = source_name(event);
        *per_kind.entry(kind).or_default() += 1;
        *per_source.entry(source).or_default() += 1;
        pairs.insert((kind, source));
        by_parity[position % 2].insert(kind);
        by_parity[position % 2].insert(source);
    }
    for kind in kinds {
        let stored = per_kind.get(kind).copied().unwrap_or(0);
        assert!(
            stored >= min,
            "kind {kind:?} stored {stored} times, fewer than {min}"
        );
    }
    for source in sources {
        let stored = per_source.get(source).copied().unwrap_or(0);
        assert!(
            stored >= min,
            "source {source} has {stored} events, fewer than {min}"
        );
    }
    for kind in kinds {
        for source in sources {
            assert!(
                pairs.contains(&(*kind, *source)),
                "no {kind:?} event from {source}"
            );
        }
    }
    for (parity, seen) in by_parity.iter().enumerate() {
        for name in kinds.iter().chain(sources) {
            assert!(
                seen.contains(name),
                "{name:?} never at a position of parity {parity}"
            );
        }
    }
    let times: BTreeSet<u64> = events.iter().map(|e| e.timestamp).collect();
    assert!(
        times.len() >= min_times,
        "only {} distinct timestamps, fewer than {min_times}",
        times.len()
    );
}
