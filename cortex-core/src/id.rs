//! The identifiers every record carries: node ids, event ids, and the hex digits ids are written in.

use std::fmt;

/// A 32-byte identifier of a node (an actor, an entity); hex in `Display`/`FromStr`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct NodeId(pub [u8; 32]);

/// Four words, not the array's length and bytes: an id is always 32 bytes, and a hasher takes a
/// word in one step where bytes go through its general path (a store hashes an id on every append
/// and every step of a graph walk).
impl std::hash::Hash for NodeId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for word in self.0.chunks_exact(8) {
            let mut bytes = [0; 8];
            bytes.copy_from_slice(word);
            state.write_u64(u64::from_le_bytes(bytes));
        }
    }
}

/// Position of an event in its store: unique, and increasing in append order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId(pub u64);

impl NodeId {
    /// Builds an id from a short name, for examples and tests (the name's bytes, zero-padded).
    pub fn from_name(name: &str) -> Self {
        let mut id = [0u8; 32];
        let bytes = name.as_bytes();
        let n = bytes.len().min(32);
        id[..n].copy_from_slice(&bytes[..n]);
        NodeId(id)
    }
}

/// Lowercase hexadecimal digits by value. Written out rather than `{:02x}`, whose integer formatting
/// the wasm module would otherwise carry for this alone.
pub(crate) const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = [0u8; 64];
        for (pair, byte) in text.chunks_exact_mut(2).zip(self.0) {
            pair[0] = HEX_DIGITS[usize::from(byte >> 4)];
            pair[1] = HEX_DIGITS[usize::from(byte & 15)];
        }
        // Hex digits are ASCII, so this is never the empty fallback.
        f.write_str(std::str::from_utf8(&text).unwrap_or_default())
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeId({self})")
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::NodeId;
    use crate::hash_state::MapState;
    use std::collections::HashSet;

    /// Node ids that differ in a single byte, anywhere in the 32, hash apart: the graph's maps
    /// are keyed by them. The oracle is the count of distinct ids.
    #[test]
    fn ids_that_differ_in_one_byte_hash_apart() {
        use std::hash::BuildHasher;
        let state = MapState::default();
        let mut ids = Vec::new();
        for at in 0..32 {
            for value in 1..=255u8 {
                let mut id = [0u8; 32];
                id[at] = value;
                ids.push(NodeId(id));
            }
        }
        ids.push(NodeId([0; 32]));
        let hashes: HashSet<u64> = ids.iter().map(|id| state.hash_one(id)).collect();
        assert_eq!(hashes.len(), ids.len(), "64-bit hashes collided");
    }
}
