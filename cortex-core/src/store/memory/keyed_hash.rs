//! `KeyedState`: a fast keyed hash for the memory event store's kind and source maps (natively).
//!
//! Each append looks up its kind and its source: with std's SipHash those two hashes were about 425
//! of the ~965 instructions an append took. Here a word of input costs one multiply and a shift. The
//! keys are random, fresh per map, so whoever chooses kinds or sources cannot know
//! in advance which ones collide.

use std::hash::{BuildHasher, Hasher};

/// Builds [`KeyedHasher`]s that share this map's two random keys.
#[derive(Debug, Clone)]
pub(crate) struct KeyedState {
    start: u64,
    multiplier: u64,
}

impl Default for KeyedState {
    fn default() -> Self {
        let [start, multiplier] = crate::hash_state::random_words();
        KeyedState {
            start,
            // Odd, so that no multiplier maps every word to zero.
            multiplier: multiplier | 1,
        }
    }
}

impl BuildHasher for KeyedState {
    type Hasher = KeyedHasher;

    fn build_hasher(&self) -> KeyedHasher {
        KeyedHasher {
            state: self.start,
            multiplier: self.multiplier,
        }
    }
}

#[derive(Debug)]
pub(crate) struct KeyedHasher {
    state: u64,
    multiplier: u64,
}

impl KeyedHasher {
    /// Mixes one word into the state: a multiply by the odd key, then the high half folded onto the
    /// low one, which the product alone would leave depending on the low input bits only. 64-bit
    /// arithmetic only: a 128-bit product is a library call on wasm32.
    fn mix(&mut self, word: u64) {
        let product = (self.state ^ word).wrapping_mul(self.multiplier);
        self.state = product ^ (product >> 29);
    }
}

impl Hasher for KeyedHasher {
    fn write(&mut self, bytes: &[u8]) {
        // One path for whole and partial words, each tagged with its length in the top byte, so
        // "a" and "a\0" differ.
        for chunk in bytes.chunks(8) {
            let mut le = [0; 8];
            le[..chunk.len()].copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(le) ^ ((chunk.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.mix(u64::from(byte));
    }

    fn write_usize(&mut self, value: usize) {
        self.mix(value as u64);
    }

    fn finish(&self) -> u64 {
        // hashbrown picks buckets by the low bits and tags by the top ones: one more round spreads
        // the last word's bits into both.
        let product = self.state.wrapping_mul(self.multiplier);
        product ^ (product >> 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Names that differ only in their last byte, their length, or a byte past the first word hash
    /// apart: among 100 k of them, a random 64-bit function collides with odds of about 3 in 10^10,
    /// so even one collision, or fewer than 99% distinct buckets of a 2^17-bucket table beyond what
    /// chance gives (about 68% filled at this load), means the mixing lost input.
    #[test]
    fn similar_names_hash_apart() {
        let state = KeyedState::default();
        let mut names: Vec<String> = (0..50_000).map(|i| format!("kind-{i}")).collect();
        names.extend((0..50_000).map(|i| format!("sensor.reading.{i:08}\0")));
        let hashes: HashSet<u64> = names.iter().map(|n| state.hash_one(n)).collect();
        assert_eq!(hashes.len(), names.len(), "64-bit hashes collided");
        let buckets: HashSet<u64> = hashes.iter().map(|h| h & ((1 << 17) - 1)).collect();
        // Expected filled buckets for n balls in m bins: m (1 - e^(-n/m)).
        let (n, m) = (names.len() as f64, (1u64 << 17) as f64);
        let expected = m * (1.0 - (-n / m).exp());
        assert!(
            buckets.len() as f64 > 0.99 * expected,
            "{} buckets filled, {expected:.0} expected",
            buckets.len()
        );
    }

    /// Two maps get different keys, so a set of colliding names found against one says nothing
    /// about another.
    #[test]
    fn each_map_has_its_own_keys() {
        let (a, b) = (KeyedState::default(), KeyedState::default());
        assert_ne!(a.hash_one("kind-1"), b.hash_one("kind-1"));
    }
}
