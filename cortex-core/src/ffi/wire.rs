//! The ABI's byte encodings: one reader and one set of writers that every record (events, filters,
//! nodes, edges) is built from, so each new call adds a few lines rather than a parser of its own.
//!
//! Integers are little-endian; a `str` is `len u32 | UTF-8 bytes`, `bytes` is `len u32 | bytes`, an id
//! is 32 raw bytes. The records are laid out in `mod.rs` and in `include/cortex.h`.

use super::codes::{Failure, Outcome, CORTEX_E_INVALID};
use crate::event::{Event, EventFilter, EventId, NewEvent, NodeId};
use crate::graph::{Edge, Node, NodeQuery};

/// A parent field that names no event.
pub(crate) const NO_PARENT: u64 = u64::MAX;

/// Filter flags: which of the fixed fields of a filter record apply.
const HAS_SOURCE: u32 = 1;
const HAS_SINCE: u32 = 2;
const HAS_UNTIL: u32 = 4;
const HAS_AFTER: u32 = 8;
const HAS_LIMIT: u32 = 16;

/// Node query flags: which of the fixed fields of a node query record apply.
const Q_SINCE: u32 = 1;
const Q_UNTIL: u32 = 2;
const Q_AFTER: u32 = 4;
const Q_LIMIT: u32 = 8;
const Q_TEXT: u32 = 16;

fn invalid(what: &str) -> Failure {
    Failure::new(CORTEX_E_INVALID, format!("malformed input: {what}"))
}

/// Reads fields in order from bytes copied out of host memory; every read is bounds-checked.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn take(&mut self, n: usize, what: &str) -> Outcome<&'a [u8]> {
        if self.rest.len() < n {
            return Err(invalid(&format!("{what} runs past the end of the record")));
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Outcome<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    pub(crate) fn u32(&mut self, what: &str) -> Outcome<u32> {
        self.array(what).map(u32::from_le_bytes)
    }

    pub(crate) fn u64(&mut self, what: &str) -> Outcome<u64> {
        self.array(what).map(u64::from_le_bytes)
    }

    pub(crate) fn id(&mut self, what: &str) -> Outcome<NodeId> {
        self.array(what).map(NodeId)
    }

    /// A length-prefixed byte string.
    pub(crate) fn bytes(&mut self, what: &str) -> Outcome<Vec<u8>> {
        let len = self.u32(what)? as usize;
        self.take(len, what).map(<[u8]>::to_vec)
    }

    pub(crate) fn str(&mut self, what: &str) -> Outcome<String> {
        String::from_utf8(self.bytes(what)?)
            .map_err(|_| invalid(&format!("{what} is not valid UTF-8")))
    }

    /// A count followed by that many strings.
    pub(crate) fn strs(&mut self, what: &str) -> Outcome<Vec<String>> {
        let count = self.u32(what)?;
        // No preallocation from the count: a lying count must not reserve memory. A loop, not a
        // `collect` into a `Result`, whose adapter is code of its own in the module.
        let mut strs = Vec::new();
        for _ in 0..count {
            strs.push(self.str(what)?);
        }
        Ok(strs)
    }

    /// Fails unless every byte was read, so trailing garbage is refused rather than ignored.
    pub(crate) fn finish(&self, what: &str) -> Outcome<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(invalid(&format!(
                "{} bytes after the {what}",
                self.rest.len()
            )))
        }
    }

    /// A record's flags word, refused if it sets a bit outside `known`; the answer says whether a
    /// bit is set, that is whether the fixed field it stands for applies.
    fn flags(&mut self, known: u32, what: &str) -> Outcome<impl Fn(u32) -> bool> {
        let flags = self.u32(what)?;
        if flags & !known != 0 {
            return Err(invalid(&format!("unknown bits in the {what}")));
        }
        Ok(move |bit: u32| flags & bit != 0)
    }

    /// A new-event record: `source [32] | parent u64 | kind str | payload bytes`.
    pub(crate) fn new_event(&mut self) -> Outcome<NewEvent> {
        let source = self.id("source")?;
        let parent = self.u64("parent")?;
        Ok(NewEvent {
            source,
            parent: (parent != NO_PARENT).then_some(EventId(parent)),
            kind: self.str("kind")?,
            payload: self.bytes("payload")?,
        })
    }

    /// A filter record: `flags u32 | source [32] | since u64 | until u64 | after u64 | limit u32 | kinds`.
    pub(crate) fn filter(&mut self) -> Outcome<EventFilter> {
        let on = self.flags(
            HAS_SOURCE | HAS_SINCE | HAS_UNTIL | HAS_AFTER | HAS_LIMIT,
            "filter flags",
        )?;
        let source = self.id("filter source")?;
        let since = self.u64("filter since")?;
        let until = self.u64("filter until")?;
        let after = self.u64("filter after")?;
        let limit = self.u32("filter limit")?;
        Ok(EventFilter {
            source: on(HAS_SOURCE).then_some(source),
            since: on(HAS_SINCE).then_some(since),
            until: on(HAS_UNTIL).then_some(until),
            after: on(HAS_AFTER).then_some(EventId(after)),
            limit: on(HAS_LIMIT).then_some(limit as usize),
            kinds: self.strs("filter kind")?,
        })
    }

    /// A node record: `id [32] | label str | properties (count u32, key str, value str…) | tags strs`.
    pub(crate) fn node(&mut self) -> Outcome<Node> {
        let mut node = Node::new(self.id("node id")?, self.str("label")?);
        // Inserted one by one: collecting would build the map by sorting, a sort the module has no other use for.
        for _ in 0..self.u32("property count")? {
            node.properties
                .insert(self.str("property key")?, self.str("property value")?);
        }
        for tag in self.strs("tag")? {
            node.tags.insert(tag);
        }
        Ok(node)
    }

    /// A node query record: `flags u32 | since u64 | until u64 | after id | limit u32 | labels strs |
    /// tags strs | properties (count u32, key str, value str…) | text str`.
    pub(crate) fn node_query(&mut self) -> Outcome<NodeQuery> {
        let on = self.flags(
            Q_SINCE | Q_UNTIL | Q_AFTER | Q_LIMIT | Q_TEXT,
            "query flags",
        )?;
        let since = self.u64("query since")?;
        let until = self.u64("query until")?;
        let after = self.id("query after")?;
        let limit = self.u32("query limit")?;
        let labels = self.strs("query label")?;
        let tags = self.strs("query tag")?;
        let mut properties = Vec::new();
        for _ in 0..self.u32("query property count")? {
            properties.push((
                self.str("query property key")?,
                self.str("query property value")?,
            ));
        }
        let text = self.str("query text")?;
        Ok(NodeQuery {
            labels,
            tags,
            properties,
            since: on(Q_SINCE).then_some(since),
            until: on(Q_UNTIL).then_some(until),
            text: on(Q_TEXT).then_some(text),
            after: on(Q_AFTER).then_some(after),
            limit: on(Q_LIMIT).then_some(limit as usize),
        })
    }
}

/// Whole inputs: a record that must be all of `bytes`, or consecutive records up to its end.
pub(crate) fn whole<T>(
    bytes: &[u8],
    what: &str,
    read: impl FnOnce(&mut Reader) -> Outcome<T>,
) -> Outcome<T> {
    let mut reader = Reader::new(bytes);
    let value = read(&mut reader)?;
    reader.finish(what)?;
    Ok(value)
}

pub(crate) fn all<T>(
    bytes: &[u8],
    mut read: impl FnMut(&mut Reader) -> Outcome<T>,
) -> Outcome<Vec<T>> {
    let mut reader = Reader::new(bytes);
    let mut values = Vec::new();
    while !reader.is_empty() {
        values.push(read(&mut reader)?);
    }
    Ok(values)
}

pub(crate) fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

pub(crate) fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

/// A length-prefixed byte string. Everything written came from wasm32 memory, whose lengths fit a u32.
pub(crate) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_u32(out, bytes.len() as u32);
    out.extend_from_slice(bytes);
}

/// What a new-event record and the tail of an event record hold.
fn put_body(
    out: &mut Vec<u8>,
    source: &NodeId,
    parent: Option<EventId>,
    kind: &str,
    payload: &[u8],
) {
    out.extend_from_slice(&source.0);
    put_u64(out, parent.map_or(NO_PARENT, |p| p.0));
    put_bytes(out, kind.as_bytes());
    put_bytes(out, payload);
}

pub(crate) fn put_new_event(out: &mut Vec<u8>, e: &NewEvent) {
    put_body(out, &e.source, e.parent, &e.kind, &e.payload);
}

/// An event record: `id u64 | timestamp u64 |` then a new-event record.
pub(crate) fn put_event(out: &mut Vec<u8>, e: &Event) {
    put_u64(out, e.id.0);
    put_u64(out, e.timestamp);
    put_body(out, &e.source, e.parent, &e.kind, &e.payload);
}

/// A node record as read by [`Reader::node`], then `created_at u64 | updated_at u64`.
pub(crate) fn put_node(out: &mut Vec<u8>, node: &Node) {
    out.extend_from_slice(&node.id.0);
    put_bytes(out, node.label.as_bytes());
    put_u32(out, node.properties.len() as u32);
    for (key, value) in &node.properties {
        put_bytes(out, key.as_bytes());
        put_bytes(out, value.as_bytes());
    }
    put_u32(out, node.tags.len() as u32);
    for tag in &node.tags {
        put_bytes(out, tag.as_bytes());
    }
    put_u64(out, node.created_at);
    put_u64(out, node.updated_at);
}

/// An edge record: `from [32] | to [32] | weight f64 | relation str`.
pub(crate) fn put_edge(out: &mut Vec<u8>, edge: &Edge) {
    out.extend_from_slice(&edge.from.0);
    out.extend_from_slice(&edge.to.0);
    out.extend_from_slice(&edge.weight.to_le_bytes());
    put_bytes(out, edge.relation.as_bytes());
}
