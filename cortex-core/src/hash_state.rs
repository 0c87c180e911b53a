//! `MapState`: how the crate's hash maps hash their keys, natively and on wasm.
//!
//! The keys of those maps come from callers (kinds, sources and node ids, through the C ABI from
//! the network), so whoever could predict which keys collide could make map operations quadratic.
//! The hash is foldhash's folding step: each 128 bits of input go through a 64×64-bit multiply
//! folded to 64 bits, one half XORed with the running state (seeded per map) and the other with a
//! secret key, so which inputs collide depends on secrets the caller never sees.
//!
//! The secrets: once per process, two random words, one the key and one the secret each map's own
//! seed is hashed from (the count of maps made before it). There is no weak fallback: if the
//! randomness cannot be had, the first map panics (natively std's `RandomState` does the same; the
//! wasm module traps). A seeded generator would need a source a caller cannot predict, and inside
//! wasm the only other one is the clock, which a caller can read too.
//!
//! On wasm32-wasip1 the random words come from WASI's `random_get`, asked directly: std's
//! `RandomState` asks the same, but panics with the errno's `Debug` when the host fails the call,
//! and that `expect` would bring the name and message of every WASI errno, `str`'s escaping and the
//! Unicode printable tables into the module.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use foldhash::fast::FoldHasher;
use foldhash::SharedSeed;

/// The state every hash map of the crate is built with.
pub(crate) type MapState = KeyedState;

/// Two random words, fresh on every call.
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
pub(crate) fn random_words() -> [u64; 2] {
    // A new `RandomState` differs from the last one made on this thread, and its hasher's output is
    // unpredictable without its keys (which std takes from the OS); two outputs give the two words.
    let mut random = std::hash::RandomState::new().build_hasher();
    let first = random.finish();
    random.write_u8(1);
    [first, random.finish()]
}

/// Two random words from the host, fresh on every call; panics if the host refuses them.
#[cfg(all(target_os = "wasi", target_env = "p1"))]
pub(crate) fn random_words() -> [u64; 2] {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        // WASI preview 1's `random_get(buf, len) -> errno`, the import std's own keys use.
        fn random_get(buf: *mut u8, len: usize) -> u16;
    }
    let mut words = [0u64; 2];
    // SAFETY: the host writes exactly `size_of_val(&words)` bytes into `words`, which lives for the
    // whole call.
    #[allow(unsafe_code)]
    let errno = unsafe { random_get(words.as_mut_ptr().cast(), std::mem::size_of_val(&words)) };
    if errno != 0 {
        // Widened: `i64`'s `Display` is in the module already, `u16`'s would be code of its own.
        let errno = i64::from(errno);
        panic!("WASI random_get failed with errno {errno}: cortex-core keys its hash maps with it");
    }
    words
}

/// The process's two secret words: one seeds each map's own seed, the other keys every block.
fn process_keys() -> [u64; 2] {
    static KEYS: OnceLock<[u64; 2]> = OnceLock::new();
    *KEYS.get_or_init(random_words)
}

/// Builds [`KeyedHasher`]s with this map's seed and the process's key.
#[derive(Debug, Clone)]
pub(crate) struct KeyedState {
    seed: u64,
    key: u64,
}

impl KeyedState {
    /// A map state of its own: the number of maps made before it, hashed under the process's
    /// secret words, so seeds differ from map to map and cannot be told apart without them.
    fn new([secret, key]: [u64; 2]) -> Self {
        static MAPS: AtomicU64 = AtomicU64::new(0);
        let count = MAPS.fetch_add(1, Ordering::Relaxed);
        let mut seed = KeyedState { seed: secret, key }.build_hasher();
        seed.write_u64(count);
        KeyedState {
            seed: seed.finish(),
            key,
        }
    }
}

impl Default for KeyedState {
    fn default() -> Self {
        KeyedState::new(process_keys())
    }
}

impl BuildHasher for KeyedState {
    type Hasher = KeyedHasher;

    fn build_hasher(&self) -> KeyedHasher {
        KeyedHasher {
            fold: FoldHasher::with_seed(self.seed, SharedSeed::global_fixed()),
            key: self.key,
            pending: None,
        }
    }
}

/// foldhash's hasher, given its input 128 bits at a time: each block is one of its folding steps,
/// `fold(low ^ state, high ^ shared)` where `fold` multiplies 64 by 64 bits and folds the product
/// to 64 (an exact 128-bit product natively, foldhash's 32-bit approximation on wasm32), as its
/// integer hashing makes them. Its shared seed is the fixed one, and the secret key is XORed into
/// each block's high half instead: the same step with a secret shared seed, without the kilobyte
/// of code that derives a shared seed at run time. Words are paired here rather than in foldhash's
/// 128-bit buffer, and bytes go through the same step rather than foldhash's byte hashing: either
/// is kilobytes of wasm (the buffer's shifts by a variable count are library calls on wasm32).
pub(crate) struct KeyedHasher {
    fold: FoldHasher<'static>,
    key: u64,
    pending: Option<u64>,
}

impl KeyedHasher {
    fn word(&mut self, word: u64) {
        match self.pending.take() {
            Some(first) => self.block(first, word),
            None => self.pending = Some(word),
        }
    }

    fn block(&mut self, low: u64, high: u64) {
        self.fold
            .write_u128(u128::from(low) | u128::from(high ^ self.key) << 64);
    }
}

impl Hasher for KeyedHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Whole words, then the partial one tagged with its length in the top byte, so "a" and
        // "a\0" differ. The partial word is gathered byte by byte: a copy of a length known only
        // at run time is a `memcpy` call, and on wasm a call out of the module's code.
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut le = [0; 8];
            le.copy_from_slice(word);
            self.word(u64::from_le_bytes(le));
        }
        let rest = words.remainder();
        let mut last = (rest.len() as u64) << 56;
        for (at, &byte) in rest.iter().enumerate() {
            last ^= u64::from(byte) << (8 * at);
        }
        self.word(last);
    }

    fn write_u8(&mut self, byte: u8) {
        self.word(u64::from(byte));
    }

    fn write_u32(&mut self, value: u32) {
        self.word(u64::from(value));
    }

    fn write_u64(&mut self, word: u64) {
        self.word(word);
    }

    fn write_usize(&mut self, value: usize) {
        self.word(value as u64);
    }

    fn finish(&self) -> u64 {
        match self.pending {
            Some(word) => {
                let mut last = KeyedHasher {
                    fold: self.fold.clone(),
                    key: self.key,
                    pending: None,
                };
                last.block(word, 0);
                last.fold.finish()
            }
            None => self.fold.finish(),
        }
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
        let state = MapState::default();
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

    /// Two maps get different seeds, so a set of colliding keys found against one says nothing
    /// about another.
    #[test]
    fn each_map_has_its_own_keys() {
        let (a, b) = (MapState::default(), MapState::default());
        assert_eq!(a.hash_one("kind-1"), a.hash_one("kind-1"));
        assert_ne!(a.hash_one("kind-1"), b.hash_one("kind-1"));
        assert_ne!(random_words(), random_words());
    }

    /// A node id as its `Hash` hashes it (`id.rs`): four little-endian words, each written alone.
    /// (The test cannot name `NodeId`: `id` sits above this module.)
    #[derive(PartialEq, Eq, Hash)]
    struct IdWords([u64; 4]);

    impl IdWords {
        fn hash_in(&self, state: &KeyedState) -> u64 {
            let mut hasher = state.build_hasher();
            for word in self.0 {
                hasher.write_u64(word);
            }
            hasher.finish()
        }
    }

    /// Eight ids built from `base` that a keyed multiply-shift mix of the id's four words hashes
    /// alike under every key: flipping bit 63 of a word flips only bit 63 of its product with an
    /// odd key, the shift by 29 copies it to bit 34, and the next word flipped at both bits cancels
    /// it. Each of the first three words flipped or not, the next one compensating: 2^3 ids.
    fn colliding_family(base: [u64; 4]) -> Vec<IdWords> {
        const FLIP: u64 = 1 << 63;
        const CARRY: u64 = (1 << 63) | (1 << 34);
        (0..8u8)
            .map(|choice| {
                let mut words = base;
                for word in 0..3 {
                    if choice & (1 << word) != 0 {
                        words[word] ^= FLIP;
                        words[word + 1] ^= CARRY;
                    }
                }
                IdWords(words)
            })
            .collect()
    }

    /// How many of `states` hash the eight ids of `family` to eight distinct values.
    fn apart_in(family: &[IdWords], states: impl Iterator<Item = KeyedState>) -> usize {
        states
            .filter(|state| {
                let hashes: HashSet<u64> = family.iter().map(|id| id.hash_in(state)).collect();
                hashes.len() == family.len()
            })
            .count()
    }

    /// A caller cannot pick ids that collide whatever the keys: the family above hashes apart in
    /// nearly every fresh map state, and under nearly every fresh set of process keys (a random
    /// 64-bit hash puts two of eight ids together with odds of about 28 in 2^64).
    #[test]
    fn ids_built_to_collide_hash_apart() {
        let [a, b] = random_words();
        let family = colliding_family([a, b, a.rotate_left(17), b.rotate_left(31)]);
        assert_eq!(
            family.iter().collect::<HashSet<_>>().len(),
            8,
            "eight distinct ids"
        );
        let apart = apart_in(&family, (0..1000).map(|_| MapState::default()));
        assert!(apart >= 999, "apart in {apart} of 1000 fresh map states");
        let process_keys = (0..1000).map(|_| KeyedState::new(random_words()));
        let apart = apart_in(&family, process_keys);
        assert!(
            apart >= 999,
            "apart in {apart} of 1000 fresh sets of process keys"
        );
    }
}
