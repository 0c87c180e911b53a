//! The records the calls read and write, encoded and decoded as `cortex.h` lays them out.

use anyhow::{ensure, Result};

use super::fields::{flags, put_bytes, put_pairs, put_strs, records, Fields};

/// One event record as the queries, `cortex_get_event` and `cortex_poll` write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub id: u64,
    pub timestamp: u64,
    pub source: [u8; 32],
    pub parent: Option<u64>,
    pub kind: String,
    pub payload: Vec<u8>,
}

/// Splits event-record output (queries, `cortex_get_event`, `cortex_poll`) into its records.
pub fn decode_events(bytes: &[u8]) -> Result<Vec<EventRecord>> {
    records(bytes, |r| {
        let (id, timestamp) = (r.u64()?, r.u64()?);
        let NewEventRecord {
            source,
            parent,
            kind,
            payload,
        } = NewEventRecord::read(r)?;
        Ok(EventRecord {
            id,
            timestamp,
            source,
            parent,
            kind,
            payload,
        })
    })
}

/// A new event as the bus carries it (`cortex_bus_publish` input, `cortex_bus_poll` output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEventRecord {
    pub source: [u8; 32],
    pub parent: Option<u64>,
    pub kind: String,
    pub payload: Vec<u8>,
}

impl NewEventRecord {
    pub fn new(source: [u8; 32], kind: &str, payload: &[u8]) -> Self {
        NewEventRecord {
            source,
            parent: None,
            kind: kind.to_owned(),
            payload: payload.to_vec(),
        }
    }

    fn read(r: &mut Fields) -> Result<Self> {
        let source = r.id()?;
        let parent = Some(r.u64()?).filter(|&p| p != u64::MAX);
        Ok(NewEventRecord {
            source,
            parent,
            kind: r.str()?,
            payload: r.bytes()?,
        })
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.source);
        out.extend_from_slice(&self.parent.unwrap_or(u64::MAX).to_le_bytes());
        put_bytes(out, self.kind.as_bytes());
        put_bytes(out, &self.payload);
    }
}

/// Concatenated new-event records, as `cortex_append_batch` and `cortex_bus_publish` read them.
pub fn encode_new_events(events: &[NewEventRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    for event in events {
        event.encode(&mut out);
    }
    out
}

pub fn decode_new_events(bytes: &[u8]) -> Result<Vec<NewEventRecord>> {
    records(bytes, NewEventRecord::read)
}

/// An event filter; `None` fields are left out through the record's flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub kinds: Vec<String>,
    pub source: Option<[u8; 32]>,
    pub since: Option<u64>,
    pub until: Option<u64>,
    pub after: Option<u64>,
    pub limit: Option<u32>,
}

impl Filter {
    pub fn kinds(kinds: &[&str]) -> Self {
        Filter {
            kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
            ..Filter::default()
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let flags = flags(&[
            self.source.is_some(),
            self.since.is_some(),
            self.until.is_some(),
            self.after.is_some(),
            self.limit.is_some(),
        ]);
        let mut out = flags.to_le_bytes().to_vec();
        out.extend_from_slice(&self.source.unwrap_or_default());
        for n in [self.since, self.until, self.after] {
            out.extend_from_slice(&n.unwrap_or(0).to_le_bytes());
        }
        out.extend_from_slice(&self.limit.unwrap_or(0).to_le_bytes());
        put_strs(&mut out, &self.kinds);
        out
    }
}

/// A node as `cortex_put_node_record` reads it and `cortex_get_node` writes it (which adds the
/// timestamps).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeRecord {
    pub id: [u8; 32],
    pub label: String,
    pub properties: Vec<(String, String)>,
    pub tags: Vec<String>,
    pub created_at: u64,
    pub updated_at: u64,
}

impl NodeRecord {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.id.to_vec();
        put_bytes(&mut out, self.label.as_bytes());
        put_pairs(&mut out, &self.properties);
        put_strs(&mut out, &self.tags);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Fields::new(bytes);
        let node = Self::read(&mut r)?;
        ensure!(r.is_empty(), "{} bytes after a node record", r.len());
        Ok(node)
    }

    fn read(r: &mut Fields) -> Result<Self> {
        let id = r.id()?;
        let label = r.str()?;
        let properties = (0..r.u32()?)
            .map(|_| Ok((r.str()?, r.str()?)))
            .collect::<Result<_>>()?;
        let tags = (0..r.u32()?).map(|_| r.str()).collect::<Result<_>>()?;
        let (created_at, updated_at) = (r.u64()?, r.u64()?);
        Ok(NodeRecord {
            id,
            label,
            properties,
            tags,
            created_at,
            updated_at,
        })
    }
}

/// A node query; `None` fields are left out through the record's flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeQueryRecord {
    pub labels: Vec<String>,
    pub tags: Vec<String>,
    pub properties: Vec<(String, String)>,
    pub since: Option<u64>,
    pub until: Option<u64>,
    pub after: Option<[u8; 32]>,
    pub limit: Option<u32>,
    pub text: Option<String>,
}

impl NodeQueryRecord {
    pub fn encode(&self) -> Vec<u8> {
        let flags = flags(&[
            self.since.is_some(),
            self.until.is_some(),
            self.after.is_some(),
            self.limit.is_some(),
            self.text.is_some(),
        ]);
        let mut out = flags.to_le_bytes().to_vec();
        out.extend_from_slice(&self.since.unwrap_or(0).to_le_bytes());
        out.extend_from_slice(&self.until.unwrap_or(0).to_le_bytes());
        out.extend_from_slice(&self.after.unwrap_or_default());
        out.extend_from_slice(&self.limit.unwrap_or(0).to_le_bytes());
        put_strs(&mut out, &self.labels);
        put_strs(&mut out, &self.tags);
        put_pairs(&mut out, &self.properties);
        put_bytes(&mut out, self.text.as_deref().unwrap_or("").as_bytes());
        out
    }
}

/// Splits `cortex_find_nodes` output into node records.
pub fn decode_nodes(bytes: &[u8]) -> Result<Vec<NodeRecord>> {
    records(bytes, NodeRecord::read)
}

/// An edge record: (from, to, weight, relation).
pub type EdgeRecord = ([u8; 32], [u8; 32], f64, String);

pub fn decode_edges(bytes: &[u8]) -> Result<Vec<EdgeRecord>> {
    records(bytes, |r| {
        let (from, to) = (r.id()?, r.id()?);
        let weight = f64::from_bits(r.u64()?);
        Ok((from, to, weight, r.str()?))
    })
}

/// Consecutive little-endian u64s (batch ids, bus counters).
pub fn decode_u64s(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect()
}

/// Splits `cortex_traverse` output into (node id, depth) pairs.
pub fn decode_reached(bytes: &[u8]) -> Vec<([u8; 32], u32)> {
    bytes
        .chunks_exact(36)
        .map(|c| {
            (
                c[..32].try_into().expect("32 bytes"),
                u32::from_le_bytes(c[32..].try_into().expect("4 bytes")),
            )
        })
        .collect()
}
