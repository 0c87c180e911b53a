//! How the memory log answers a filter: the narrowest position list that covers it (a source's, the
//! selected kinds' merged, or the log's own range), each candidate checked on its record.

use super::log::{Log, Position};
use crate::event::{Event, EventFilter, EventId, Timestamp};
use crate::kind_pattern::{any_kind, matches_any};

impl Log {
    /// `filter.matches` on the record at `position`, without building its `Event`.
    fn matches(&self, filter: &EventFilter, position: usize) -> bool {
        let record = &self.records[position];
        let source = &self.sources[record.source()].id;
        filter.matches_kind_and_source(&self.kinds[record.kind as usize].name, source)
            && filter.matches_stamp(EventId(position as u64 + 1), record.timestamp)
    }

    /// `matches` for a position whose kind is known to be selected.
    fn matches_source_and_stamp(&self, filter: &EventFilter, position: usize) -> bool {
        let record = &self.records[position];
        filter
            .source
            .as_ref() // not a 33-byte copy per event (see `EventFilter::matches_kind_and_source`)
            .is_none_or(|s| *s == self.sources[record.source()].id)
            && filter.matches_stamp(EventId(position as u64 + 1), record.timestamp)
    }

    /// First position whose timestamp is at least `t`.
    fn first_at_or_after(&self, t: Timestamp) -> usize {
        self.records.partition_point(|r| r.timestamp < t)
    }

    pub(super) fn query<'a>(&'a self, filter: &EventFilter) -> Vec<Event> {
        let limit = filter.limit.unwrap_or(usize::MAX);
        // Event ids are positions + 1, so "after id a" starts at position a.
        let after = filter
            .after
            .map_or(0, |a| usize::try_from(a.0).unwrap_or(usize::MAX));
        let start = after.max(filter.since.map_or(0, |t| self.first_at_or_after(t)));
        let end = filter
            .until
            .map_or(self.records.len(), |t| self.first_at_or_after(t));
        if start >= end || limit == 0 {
            return Vec::new();
        }
        // Both ends are at most the log's length, which `room_for` keeps within a `Position`.
        let (first, last) = (start as Position, end as Position);
        let window = |positions: &'a [Position]| -> &'a [Position] {
            let lo = positions.partition_point(|&p| p < first);
            // Without `until` the window runs to the end of the list: no second search.
            let hi = match end == self.records.len() {
                true => positions.len(),
                false => positions.partition_point(|&p| p < last),
            };
            &positions[lo..hi]
        };
        let empty: &[Position] = &[];
        let by_source = filter.source.map(|s| {
            window(
                self.source_numbers
                    .get(&s)
                    .map_or(empty, |&n| &self.sources[n as usize].positions),
            )
        });
        let every_kind = any_kind(&filter.kinds);
        let mut by_kind: Vec<&[Position]> = Vec::new();
        if !every_kind {
            by_kind = self.matching_kinds(&filter.kinds);
            for list in &mut by_kind {
                *list = window(list);
            }
        }
        let kind_total: usize = by_kind.iter().map(|l| l.len()).sum();

        // Walk the smallest index that covers the filter; `matches` checks whatever that index does not.
        // Kinds that hold half the range or more (a broad pattern) are walked in the log itself: at
        // most twice the events, and no merging of their lists.
        let dense_kinds = kind_total.saturating_mul(2) >= end - start;
        // Each walk, and whether every position it gives already has a selected kind (the kind
        // lists do: no kind is compared again per event, a `memcmp` that on wasm is a byte loop).
        let (positions, kind_known): (Box<dyn Iterator<Item = usize> + 'a>, _) = match by_source {
            Some(source) if every_kind || source.len() <= kind_total => {
                (Box::new(source.iter().map(|&p| p as usize)), every_kind)
            }
            _ if !every_kind && !dense_kinds => (Box::new(merged(by_kind)), true),
            _ => (Box::new(start..end), every_kind),
        };
        // On wasm, room for a page from the start (up to 256 events), so its events are not copied
        // again each time the list doubles: there each copy is a call into the runtime, and
        // cortex-core's allocator hands out a block of any size from a free list. Natively the list
        // grows instead: glibc serves a block that large (a page of 100 events is several KB) by
        // first merging every small block freed since, which costs more than the copies.
        let presized = if cfg!(target_family = "wasm") {
            limit.min(end - start).min(256)
        } else {
            0
        };
        let mut found = Vec::with_capacity(presized);
        for position in positions {
            if found.len() == limit {
                break;
            }
            let selected = match kind_known {
                true => self.matches_source_and_stamp(filter, position),
                false => self.matches(filter, position),
            };
            if selected {
                found.push(self.event(position));
            }
        }
        found
    }

    /// The position list of every stored kind some pattern selects, each once: a kind named twice, or
    /// matched by two patterns, is still one list. Exact kinds are looked up; with a prefix pattern the
    /// kinds are walked once (distinct kinds are few next to events, and a hash map keeps the wasm
    /// module smaller than an ordered map would).
    fn matching_kinds(&self, patterns: &[String]) -> Vec<&[Position]> {
        let empty: &[Position] = &[];
        // Loops rather than adapter chains, which the module carries as code of their own.
        let mut lists = Vec::new();
        if patterns.iter().any(|p| p.ends_with('*')) {
            for kind in &self.kinds {
                if matches_any(patterns, &kind.name) {
                    lists.push(kind.positions.as_slice());
                }
            }
            return lists;
        }
        for (i, kind) in patterns.iter().enumerate() {
            if !patterns[..i].contains(kind) {
                lists.push(
                    self.kind_numbers
                        .get(kind)
                        .map_or(empty, |&n| &self.kinds[n as usize].positions),
                );
            }
        }
        lists
    }
}

/// Ascending union of ascending position lists (each kind's list is disjoint from the others): at
/// each step the list with the smallest first position gives it up, and a list that runs out is
/// dropped, so a step looks only at lists that still have positions.
fn merged<'a>(mut lists: Vec<&'a [Position]>) -> impl Iterator<Item = usize> + 'a {
    lists.retain(|l| !l.is_empty());
    std::iter::from_fn(move || {
        let mut smallest = 0;
        for i in 1..lists.len() {
            if lists[i][0] < lists[smallest][0] {
                smallest = i;
            }
        }
        let (&position, rest) = lists.get(smallest)?.split_first()?;
        match rest.is_empty() {
            true => drop(lists.swap_remove(smallest)),
            false => lists[smallest] = rest,
        }
        Some(position as usize)
    })
}
