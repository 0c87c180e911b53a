//! The versioned binary form of the records RocksDB stores (`Event`, `Node`): a version byte, then LEB128
//! varints, fixed-size ids and length-prefixed bytes.
//!
//! Hand-rolled rather than serde-based: encoding is a handful of pushes with no intermediate
//! representation, and no serialisation framework is compiled in. Edges need no record: their key holds
//! the endpoints and relation, and their value is the weight alone (see `keys`). Decoding trusts nothing:
//! a truncated, garbled or over-long record, or one from an unknown version, is an error, never a panic
//! or an oversized allocation.

use std::collections::{BTreeMap, BTreeSet};

use super::keys;
use crate::error::{Error, Result};
use crate::event::{Event, EventId, NodeId};
use crate::graph::Node;

/// The event record version this build writes, and the newest it reads.
const EVENT_VERSION: u8 = 1;
/// The node record version this build writes, and the newest it reads. Version 1 nodes (no tags, no
/// times) still decode, with no tags and both times 0.
const NODE_VERSION: u8 = 2;

/// `EVENT_VERSION | id | timestamp | source[32] | kind | payload | parent (0, or 1 then id)`.
pub(super) fn encode_event(event: &Event) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + 24 + event.kind.len() + event.payload.len());
    out.push(EVENT_VERSION);
    put_varint(&mut out, event.id.0);
    put_varint(&mut out, event.timestamp);
    out.extend_from_slice(&event.source.0);
    put_bytes(&mut out, event.kind.as_bytes());
    put_bytes(&mut out, &event.payload);
    match event.parent {
        None => out.push(0),
        Some(parent) => {
            out.push(1);
            put_varint(&mut out, parent.0);
        }
    }
    out
}

pub(super) fn decode_event(bytes: &[u8]) -> Result<Event> {
    let (_, mut r) = Reader::new(bytes, EVENT_VERSION)?;
    let event = Event {
        id: EventId(r.varint()?),
        timestamp: r.varint()?,
        source: r.node_id()?,
        kind: r.string()?,
        payload: r.bytes()?.to_vec(),
        parent: match r.byte()? {
            0 => None,
            1 => Some(EventId(r.varint()?)),
            tag => return Err(corrupt(format!("parent tag {tag}"))),
        },
    };
    r.finish()?;
    Ok(event)
}

/// Decodes the record stored under `key`, which must be the record's own id.
pub(super) fn decode_record(key: &[u8], value: &[u8]) -> Result<Event> {
    let event = decode_event(value)?;
    if keys::trailing_id(key) != Some(event.id) || key.len() != 8 {
        return Err(Error::Corrupt(format!(
            "event {} is stored under the key {key:02x?}",
            event.id
        )));
    }
    Ok(event)
}

/// `NODE_VERSION | id[32] | created_at | updated_at | label | tag count | tag* | property count |
/// (key | value)*`, tags and keys in ascending order. Version 1 was the same without the times and tags:
/// `1 | id[32] | label | property count | (key | value)*`.
pub(super) fn encode_node(node: &Node) -> Vec<u8> {
    let mut out = Vec::with_capacity(60 + node.label.len());
    out.push(NODE_VERSION);
    out.extend_from_slice(&node.id.0);
    put_varint(&mut out, node.created_at);
    put_varint(&mut out, node.updated_at);
    put_bytes(&mut out, node.label.as_bytes());
    put_varint(&mut out, node.tags.len() as u64);
    for tag in &node.tags {
        put_bytes(&mut out, tag.as_bytes());
    }
    put_varint(&mut out, node.properties.len() as u64);
    for (key, value) in &node.properties {
        put_bytes(&mut out, key.as_bytes());
        put_bytes(&mut out, value.as_bytes());
    }
    out
}

pub(super) fn decode_node(bytes: &[u8]) -> Result<Node> {
    let (version, mut r) = Reader::new(bytes, NODE_VERSION)?;
    let id = r.node_id()?;
    let (created_at, updated_at) = match version {
        1 => (0, 0),
        _ => (r.varint()?, r.varint()?),
    };
    let label = r.string()?;
    let mut tags = BTreeSet::new();
    if version > 1 {
        for _ in 0..r.varint()? {
            let tag = r.string()?;
            if tags.last().is_some_and(|last| *last >= tag) {
                return Err(corrupt("node tags out of order".into()));
            }
            tags.insert(tag);
        }
    }
    let count = r.varint()?;
    let mut properties = BTreeMap::new();
    for _ in 0..count {
        let key = r.string()?;
        if properties
            .last_key_value()
            .is_some_and(|(last, _)| *last >= key)
        {
            return Err(corrupt("node property keys out of order".into()));
        }
        let value = r.string()?;
        properties.insert(key, value);
    }
    r.finish()?;
    Ok(Node {
        id,
        label,
        tags,
        properties,
        created_at,
        updated_at,
    })
}

pub(super) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn corrupt(what: String) -> Error {
    Error::Corrupt(what)
}

/// A cursor over a record that checks every read against the bytes that remain.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Checks the version byte (1 to `newest`) and returns it, with the reader positioned after it.
    fn new(bytes: &'a [u8], newest: u8) -> Result<(u8, Self)> {
        match bytes.split_first() {
            None => Err(corrupt("empty record".into())),
            Some((&version, rest)) if (1..=newest).contains(&version) => {
                Ok((version, Reader { rest }))
            }
            Some((&found, _)) => Err(Error::UnsupportedVersion {
                found,
                supported: newest,
            }),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.rest.len() {
            return Err(corrupt(format!(
                "record truncated: needs {n} more bytes, has {}",
                self.rest.len()
            )));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    fn node_id(&mut self) -> Result<NodeId> {
        Ok(NodeId(self.array()?))
    }

    fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            // The tenth byte holds bit 63 only; anything more overflows a u64.
            if shift == 63 && byte > 1 {
                return Err(corrupt("varint overflows 64 bits".into()));
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(corrupt("varint longer than 10 bytes".into()))
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let len = self.varint()?;
        // Checked against what remains before anything is allocated, so a garbled length cannot exhaust memory.
        let len = usize::try_from(len)
            .map_err(|_| corrupt(format!("length {len} does not fit in memory")))?;
        self.take(len)
    }

    fn string(&mut self) -> Result<String> {
        let bytes = self.bytes()?;
        String::from_utf8(bytes.to_vec()).map_err(|_| corrupt("string is not UTF-8".into()))
    }

    fn finish(self) -> Result<()> {
        match self.rest.len() {
            0 => Ok(()),
            n => Err(corrupt(format!("{n} trailing bytes after the record"))),
        }
    }
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;
