//! The event model: node ids, event ids, events and the filter that selects them.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Quoted, Result};
// The kind pattern rule lives with its matcher, the kind rule with the other input rules; these are their public names.
pub use crate::kind_pattern::validate_kind_patterns;
pub use crate::store::validate::validate_kind;
// The clock stamps events; it has its own module for its wasm side.
pub use crate::clock::now_millis;

/// Longest accepted event kind, in bytes.
pub const MAX_KIND_LEN: usize = 255;

/// Milliseconds since the Unix epoch (system clock natively, WASI clock on wasm32).
pub type Timestamp = u64;

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

/// An event as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub timestamp: Timestamp,
    pub source: NodeId,
    pub kind: String,
    pub payload: Vec<u8>,
    pub parent: Option<EventId>,
}

/// An event before the store has given it an id and a timestamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    pub source: NodeId,
    pub kind: String,
    pub payload: Vec<u8>,
    pub parent: Option<EventId>,
}

/// Which events a query or subscription selects; every set field must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Any of these kinds or kind patterns (empty: every kind). `*` alone matches every kind, a
    /// pattern ending in `*` every kind starting with the text before it (`sensor.*` matches
    /// `sensor.mic`, not `sensor`), anything else one kind exactly. A `*` elsewhere is an
    /// `Error::InvalidKind` from `query`, `EventStore::try_subscribe` and `EventBus::subscribe`.
    pub kinds: Vec<String>,
    pub source: Option<NodeId>,
    /// Inclusive lower bound on the timestamp.
    pub since: Option<Timestamp>,
    /// Exclusive upper bound on the timestamp.
    pub until: Option<Timestamp>,
    /// Only events strictly after this id (a cursor from a previous page).
    pub after: Option<EventId>,
    /// At most this many events.
    pub limit: Option<usize>,
}

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

impl FromStr for NodeId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bad =
            || Error::InvalidInput(format!("node id must be 64 hex digits, got {}", Quoted(s)));
        if s.len() != 64 || !s.is_ascii() {
            return Err(bad());
        }
        let mut id = [0u8; 32];
        for (i, byte) in id.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(NodeId(id))
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl EventFilter {
    /// True when `event` satisfies every criterion except `limit`.
    pub fn matches(&self, event: &Event) -> bool {
        self.matches_kind_and_source(&event.kind, &event.source)
            && self.matches_stamp(event.id, event.timestamp)
    }

    /// True when an event stamped `id` at `timestamp` satisfies `since`, `until` and `after`: the part
    /// of `matches` a store can check on what it keeps without building an `Event`.
    pub(crate) fn matches_stamp(&self, id: EventId, timestamp: Timestamp) -> bool {
        self.since.is_none_or(|t| timestamp >= t)
            && self.until.is_none_or(|t| timestamp < t)
            && self.after.is_none_or(|a| id > a)
    }

    /// True when `kind` and `source` satisfy `kinds` and `source`: all of a filter that applies to an
    /// event not stamped yet, which is what the bus routes by.
    pub(crate) fn matches_kind_and_source(&self, kind: &str, source: &NodeId) -> bool {
        crate::kind_pattern::matches_any(&self.kinds, kind)
            // By reference: a copied `Option<NodeId>` is 33 bytes, which a wasm module copies with a
            // `memory.copy`, a call into the runtime, for every event it checks.
            && self.source.as_ref().is_none_or(|s| s == source)
    }
}
