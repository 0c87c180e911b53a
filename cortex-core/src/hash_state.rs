//! `MapState`: how the hash maps hash their keys. Each map gets random keys, so whoever chooses
//! the ids, kinds or sources a store holds cannot choose ones that collide.
//!
//! Natively that is std's `RandomState`. On wasm32-wasip1 std draws its keys with WASI's
//! `random_get` and, should the host fail the call, panics with the errno's `Debug`: that one
//! `expect` brought the name and message of every WASI errno, `str`'s escaping and the Unicode
//! printable tables into the module, about 6.5 KB. [`SeededState`] asks WASI itself and hashes with
//! the same SipHash, keyed by a random prefix.

/// The state the crate's hash maps are built with.
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
pub(crate) type MapState = std::hash::RandomState;
/// The state the crate's hash maps are built with.
#[cfg(all(target_os = "wasi", target_env = "p1"))]
pub(crate) type MapState = SeededState;

/// Two random words, fresh on every call.
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
pub(crate) fn random_words() -> [u64; 2] {
    use std::hash::{BuildHasher, Hasher};
    // A new `RandomState` differs from the last one made on this thread, and its hasher's output is
    // unpredictable without its keys; two outputs of one hasher give the two words.
    let mut random = std::hash::RandomState::new().build_hasher();
    let first = random.finish();
    random.write_u8(1);
    [first, random.finish()]
}

/// Two random words, fresh on every call: the host's randomness, or the clock's nanoseconds and a
/// count when the host gives none (a host that refuses randomness gets maps it could predict, not a
/// module that traps).
#[cfg(all(target_os = "wasi", target_env = "p1"))]
pub(crate) fn random_words() -> [u64; 2] {
    use std::sync::atomic::{AtomicU64, Ordering};

    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        // WASI preview 1's `random_get(buf, len) -> errno`, the import std's own keys use.
        fn random_get(buf: *mut u8, len: usize) -> u16;
    }
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut words = [0u64; 2];
    // SAFETY: the host writes exactly `size_of_val(&words)` bytes into `words`, which lives for the
    // whole call.
    #[allow(unsafe_code)]
    let errno = unsafe { random_get(words.as_mut_ptr().cast(), std::mem::size_of_val(&words)) };
    if errno != 0 {
        words = [
            crate::clock::now_nanos(),
            CALLS.fetch_add(1, Ordering::Relaxed),
        ];
    }
    words
}

/// std's SipHash with random keys prepended: every hasher built starts from a copy of one that has
/// already taken the two random words, so equal keys hash alike within a map and unpredictably
/// across maps.
#[cfg(all(target_os = "wasi", target_env = "p1"))]
#[derive(Clone, Debug)]
pub(crate) struct SeededState(std::hash::DefaultHasher);

#[cfg(all(target_os = "wasi", target_env = "p1"))]
impl Default for SeededState {
    fn default() -> Self {
        use std::hash::Hasher;
        let mut seeded = std::hash::DefaultHasher::new();
        for word in random_words() {
            seeded.write_u64(word);
        }
        SeededState(seeded)
    }
}

#[cfg(all(target_os = "wasi", target_env = "p1"))]
impl std::hash::BuildHasher for SeededState {
    type Hasher = std::hash::DefaultHasher;

    fn build_hasher(&self) -> Self::Hasher {
        self.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    /// Two maps must not share keys: the point of the state. The oracle is the key itself, hashed
    /// by two states; the same state must agree with itself.
    #[test]
    fn each_map_hashes_with_keys_of_its_own() {
        let (a, b) = (MapState::default(), MapState::default());
        assert_eq!(a.hash_one("kind-1"), a.hash_one("kind-1"));
        assert_ne!(a.hash_one("kind-1"), b.hash_one("kind-1"));
        assert_ne!(random_words(), random_words());
    }
}
