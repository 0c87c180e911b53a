//! `Bases`: how a memory log's record holds a `u64` that never decreases along the log (its timestamp,
//! the end of its payload) in 4 bytes: as an offset above a base kept beside the log.
//!
//! A base serves until a value runs more than `u32::MAX` past it (49 days of milliseconds, 4 GiB of
//! payload), so a log has one or a handful, and finding a position's base is a look at the newest
//! or at a few before it. Each record is 16 bytes where two full words made it 24, and most
//! of what an append costs is the fresh memory it writes.

use super::events::Position;

/// The bases of one column of the log, each with the first position it serves.
#[derive(Debug, Default)]
pub(super) struct Bases {
    starts: Vec<(Position, u64)>,
}

impl Bases {
    /// The offset to record for `value` at `position`, opening a base there when `value` is more
    /// than `u32::MAX` past the last one. Positions come in order, and a value is never below the
    /// one recorded before it.
    pub(super) fn offset(&mut self, position: Position, value: u64) -> u32 {
        if let Some(&(_, base)) = self.starts.last() {
            if let Ok(offset) = u32::try_from(value - base) {
                return offset;
            }
        }
        self.starts.push((position, value));
        0
    }

    /// The value recorded as `offset` at `position`.
    pub(super) fn value(&self, position: usize, offset: u32) -> u64 {
        // The newest base starting at or before `position`, looked for from the newest: a log has
        // one per 49 days or per 4 GiB of payload, so a search would cost the module more than it
        // saves. The first base starts at position 0.
        let mut base = 0;
        for &(start, value) in self.starts.iter().rev() {
            if start as usize <= position {
                base = value;
                break;
            }
        }
        base + u64::from(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records `values` position by position, as the log does.
    fn recorded(values: &[u64]) -> (Bases, Vec<u32>) {
        let mut bases = Bases::default();
        let offsets = (0..)
            .zip(values)
            .map(|(position, &value)| bases.offset(position, value))
            .collect();
        (bases, offsets)
    }

    /// Every value comes back from its offset, across steps of exactly `u32::MAX` (still one base),
    /// one more (a new base) and several bases' worth at once; the oracle is the input itself.
    #[test]
    fn every_value_comes_back_from_its_offset() {
        let max = u64::from(u32::MAX);
        let values = [
            1_790_000_000_000,
            1_790_000_000_000,
            1_790_000_000_000 + max,
            1_790_000_000_000 + max + 1,
            1_790_000_000_000 + max + 1,
            1_790_000_000_000 + 9 * max,
            1_790_000_000_000 + 9 * max + 7,
            u64::MAX,
        ];
        let (bases, offsets) = recorded(&values);
        for (position, (&value, &offset)) in values.iter().zip(&offsets).enumerate() {
            assert_eq!(bases.value(position, offset), value, "position {position}");
        }
        // Bases open where a value outruns the last one: at positions 0, 3, 5 and 7.
        let starts: Vec<Position> = bases.starts.iter().map(|&(p, _)| p).collect();
        assert_eq!(starts, [0, 3, 5, 7]);
    }

    /// A column that stays within `u32::MAX` of its first value keeps that one base.
    #[test]
    fn a_column_within_reach_keeps_one_base() {
        let values: Vec<u64> = (0..1_000).map(|i| 40 + i * 4_000_000).collect();
        let (bases, offsets) = recorded(&values);
        assert_eq!(bases.starts, [(0, 40)]);
        assert_eq!(offsets[999], 999 * 4_000_000);
    }
}
