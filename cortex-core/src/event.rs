//! The event model: node ids, event ids, events and the filter that selects them.

use std::str::FromStr;

// The ids, the clock and the input rules sit below the model, each in its own module; these are
// their public names.
pub use crate::clock::now_millis;
use crate::error::{Error, Quoted, Result};
pub use crate::id::{EventId, NodeId};
pub use crate::input::{validate_kind, MAX_KIND_LEN};
pub use crate::kind_pattern::validate_kind_patterns;

/// Milliseconds since the Unix epoch (system clock natively, WASI clock on wasm32).
pub type Timestamp = u64;

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

/// Parsing sits with the model rather than with the id: its error is the crate's `Error`, which
/// itself names a `NodeId`.
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
