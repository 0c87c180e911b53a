//! `MapState`: how the crate's hash maps hash their keys, natively and on wasm.
//!
//! Each append looks up its kind and its source, and every graph walk a node per step, so hashing
//! is on every hot path: here a word of input costs one 32 x 32-bit multiply, where std's SipHash
//! runs several rounds. The keys are random and fresh per map, and each word's two halves are
//! multiplied after a secret key is mixed into each, so how a change of input bits changes the hash
//! depends on the keys: whoever chooses the kinds, sources or node ids a store holds (node ids come
//! from the caller, through the C ABI) cannot build ids that collide under every key.
//!
//! On wasm32-wasip1 the random words come from WASI's `random_get`, asked directly: std's
//! `RandomState` asks the same, but panics with the errno's `Debug` when the host fails the call,
//! and that `expect` would bring the name and message of every WASI errno, `str`'s escaping and the
//! Unicode printable tables into the module.

use std::hash::{BuildHasher, Hasher};

/// The state every hash map of the crate is built with.
pub(crate) type MapState = KeyedState;

/// Three random words, fresh on every call.
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
pub(crate) fn random_words() -> [u64; 3] {
    // A new `RandomState` differs from the last one made on this thread, and its hasher's output is
    // unpredictable without its keys; outputs of one hasher give the words.
    let mut random = std::hash::RandomState::new().build_hasher();
    let first = random.finish();
    random.write_u8(1);
    let second = random.finish();
    random.write_u8(2);
    [first, second, random.finish()]
}

/// Three random words, fresh on every call, from the host. A host that refuses randomness stops the
/// module (a trap) rather than get maps whose keys it could predict.
#[cfg(all(target_os = "wasi", target_env = "p1"))]
pub(crate) fn random_words() -> [u64; 3] {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        // WASI preview 1's `random_get(buf, len) -> errno`, the import std's own keys use.
        fn random_get(buf: *mut u8, len: usize) -> u16;
    }
    let mut words = [0u64; 3];
    // SAFETY: the host writes exactly `size_of_val(&words)` bytes into `words`, which lives for the
    // whole call.
    #[allow(unsafe_code)]
    let errno = unsafe { random_get(words.as_mut_ptr().cast(), std::mem::size_of_val(&words)) };
    if errno != 0 {
        // No formatting: a message with the errno would bring the formatter into every module.
        std::process::abort();
    }
    words
}

/// Builds [`KeyedHasher`]s that share this map's random keys.
#[derive(Debug, Clone)]
pub(crate) struct KeyedState {
    start: u64,
    /// Mixed into the low and the high half of every word before they are multiplied.
    halves: u64,
    multiplier: u64,
}

impl Default for KeyedState {
    fn default() -> Self {
        let [start, halves, multiplier] = random_words();
        KeyedState {
            start,
            halves,
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
            halves: self.halves,
            multiplier: self.multiplier,
        }
    }
}

#[derive(Debug)]
pub(crate) struct KeyedHasher {
    state: u64,
    halves: u64,
    multiplier: u64,
}

impl KeyedHasher {
    /// Mixes one word into the state: the product of its two halves, each keyed, XORed onto it.
    /// A flipped input bit changes the product by the other keyed half times a power of two, which
    /// depends on the key, so no pattern of flips in one word is undone by a flip in the next under
    /// every key (a multiply by a constant keeps a flip of bit 63 in bit 63 alone, whatever the key,
    /// and so let families of ids collide). One 64-bit multiply of 32-bit halves: a 128-bit product
    /// is a library call on wasm32.
    #[inline]
    fn mix(&mut self, word: u64) {
        let x = self.state ^ word;
        let low = u64::from(x as u32 ^ self.halves as u32);
        let high = u64::from((x >> 32) as u32 ^ (self.halves >> 32) as u32);
        self.state = low.wrapping_mul(high) ^ x.rotate_left(23);
    }
}

impl Hasher for KeyedHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Whole words, then the partial one; each tagged with its length in the top byte, so "a"
        // and "a\0" differ. Whole words are read as words: copying each into a buffer of its own
        // length made every word a `memcpy` call on wasm.
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut le = [0; 8];
            le.copy_from_slice(word);
            self.mix(u64::from_le_bytes(le) ^ (8 << 56));
        }
        // The partial word byte by byte: a copy of a length known only at run time is a `memcpy`
        // call, and on wasm a call out of the module's code.
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut word = (rest.len() as u64) << 56;
            for (at, &byte) in rest.iter().enumerate() {
                word ^= u64::from(byte) << (8 * at);
            }
            self.mix(word);
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.mix(u64::from(byte));
    }

    fn write_u64(&mut self, word: u64) {
        self.mix(word);
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

    /// Eight node ids, as the four words a `NodeId` hashes as, built to collide under a mix whose
    /// differences do not depend on the key: each adjacent pair of words of a base id either left
    /// alone or changed by the flips that undo each other through a multiply by a constant and a
    /// shift by 29 (bit 63 of one word, bits 63 and 34 of the next).
    fn colliding_family(base: [u64; 4]) -> Vec<[u64; 4]> {
        (0..8u32)
            .map(|pattern| {
                let mut words = base;
                for pair in 0..3 {
                    if pattern & (1 << pair) != 0 {
                        words[pair] ^= 1 << 63;
                        words[pair + 1] ^= (1 << 63) ^ (1 << 34);
                    }
                }
                words
            })
            .collect()
    }

    /// A node id's hash: its four words, one `write_u64` each, as `NodeId`'s `Hash` writes them.
    fn id_hash(state: &MapState, words: [u64; 4]) -> u64 {
        let mut hasher = state.build_hasher();
        for word in words {
            hasher.write_u64(word);
        }
        hasher.finish()
    }

    /// The family hashes apart in nearly every fresh map state: its collisions depended on the
    /// mix alone, and now depend on the keys.
    #[test]
    fn ids_built_to_collide_hash_apart() {
        let family = colliding_family([0x0123_4567_89ab_cdef, 42, u64::MAX / 3, 7]);
        let apart = (0..1000)
            .filter(|_| {
                let state = MapState::default();
                let hashes: HashSet<u64> = family.iter().map(|id| id_hash(&state, *id)).collect();
                hashes.len() == family.len()
            })
            .count();
        assert!(apart >= 999, "apart in {apart} of 1000 fresh map states");
    }

    /// Two maps get different keys, so a set of colliding keys found against one says nothing
    /// about another.
    #[test]
    fn each_map_has_its_own_keys() {
        let (a, b) = (MapState::default(), MapState::default());
        assert_eq!(a.hash_one("kind-1"), a.hash_one("kind-1"));
        assert_ne!(a.hash_one("kind-1"), b.hash_one("kind-1"));
        assert_ne!(random_words(), random_words());
    }
}
