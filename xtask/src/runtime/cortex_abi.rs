//! Typed calls into the cortex-core C ABI (version 2) of an instantiated module, and the record
//! encodings of `cortex-core/include/cortex.h`, written here independently of the module's own.

use crate::runtime::wasi::Host;
use anyhow::{ensure, Context, Result};
use wasmtime::{Memory, Store, TypedFunc, WasmParams, WasmResults};

use crate::runtime::engine::{describe, Library, Mode, Trapped};

pub const E_BAD_POINTER: i32 = -1;
pub const E_BAD_HANDLE: i32 = -2;
pub const E_INVALID: i32 = -3;
pub const E_BUFFER_SMALL: i32 = -5;
pub const E_MISSING_NODE: i32 = -6;
pub const E_NOT_FOUND: i32 = -7;
pub const E_FULL: i32 = -9;
pub const E_CLOSED: i32 = -10;

/// The ABI version these calls speak.
pub const ABI_VERSION: i32 = 2;

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

/// A cortex-core module and its linear memory. Every export is called with raw `i32`s, so a
/// caller can pass any pointer it likes; a trap becomes an error naming the export.
pub struct CortexAbi {
    artifact: String,
    store: Store<Host>,
    instance: wasmtime::Instance,
    memory: Memory,
}

impl std::fmt::Debug for CortexAbi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CortexAbi")
            .field("artifact", &self.artifact)
            .finish_non_exhaustive()
    }
}

impl CortexAbi {
    pub fn new(artifact: &str, library: Library) -> Result<Self> {
        let Library {
            mut store,
            instance,
        } = library;
        let memory = instance
            .get_memory(&mut store, "memory")
            .with_context(|| format!("`{artifact}` exports no `memory`"))?;
        Ok(Self {
            artifact: artifact.to_owned(),
            store,
            instance,
            memory,
        })
    }

    /// Calls any export with the given wasm parameters; a trap is an error naming the export.
    pub fn call<P: WasmParams, R: WasmResults>(&mut self, export: &str, params: P) -> Result<R> {
        let func: TypedFunc<P, R> = self
            .instance
            .get_typed_func(&mut self.store, export)
            .map_err(anyhow::Error::from)
            .with_context(|| {
                format!(
                    "`{}` lacks the export `{export}` with the ABI's signature",
                    self.artifact
                )
            })?;
        func.call(&mut self.store, params).map_err(|error| {
            let reason = format!("in `{export}`: {}", describe(&error, Mode::Stream));
            Trapped {
                artifact: self.artifact.clone(),
                reason,
                stderr: Vec::new(),
            }
            .into()
        })
    }

    /// Bytes of linear memory, the first offset past its end.
    pub fn memory_len(&self) -> usize {
        self.memory.data_size(&self.store)
    }

    pub fn read(&self, ptr: i32, len: usize) -> Result<Vec<u8>> {
        let start = ptr as u32 as usize;
        let bytes = start
            .checked_add(len)
            .and_then(|end| self.memory.data(&self.store).get(start..end));
        bytes
            .map(<[u8]>::to_vec)
            .with_context(|| format!("{len} bytes at {start} lie outside memory"))
    }

    pub fn write(&mut self, ptr: i32, bytes: &[u8]) -> Result<()> {
        let start = ptr as u32 as usize;
        let end = start
            .checked_add(bytes.len())
            .context("write past the address space")?;
        let target = self.memory.data_mut(&mut self.store).get_mut(start..end);
        target
            .with_context(|| format!("{} bytes at {start} lie outside memory", bytes.len()))?
            .copy_from_slice(bytes);
        Ok(())
    }

    /// Copies `bytes` into a fresh `cortex_alloc` block (of at least one byte) and returns its pointer.
    pub fn put(&mut self, bytes: &[u8]) -> Result<i32> {
        let len = i32::try_from(bytes.len().max(1)).context("buffer too large for wasm32")?;
        let ptr = self.alloc(len)?;
        ensure!(ptr > 0, "cortex_alloc({len}) returned {ptr}");
        self.write(ptr, bytes)?;
        Ok(ptr)
    }

    /// The message of the last failure, read through `cortex_last_error` with a buffer that grows.
    pub fn last_error_message(&mut self) -> Result<String> {
        let mut cap = 64;
        loop {
            let out = self.put(&vec![0; cap as usize])?;
            let len = self.last_error(out, cap)?;
            ensure!(len >= 0, "cortex_last_error returned {len}");
            if len <= cap {
                let message = self.read(out, len as usize)?;
                self.free(out, cap)?;
                return String::from_utf8(message).context("cortex_last_error wrote invalid UTF-8");
            }
            self.free(out, cap)?;
            cap = len;
        }
    }

    pub fn abi_version(&mut self) -> Result<i32> {
        self.call("cortex_abi_version", ())
    }
    pub fn alloc(&mut self, len: i32) -> Result<i32> {
        self.call("cortex_alloc", len)
    }
    pub fn free(&mut self, ptr: i32, len: i32) -> Result<i32> {
        self.call("cortex_free", (ptr, len))
    }
    pub fn store_open(&mut self) -> Result<i32> {
        self.call("cortex_store_open", ())
    }
    pub fn store_close(&mut self, handle: i32) -> Result<i32> {
        self.call("cortex_store_close", handle)
    }
    pub fn append(
        &mut self,
        handle: i32,
        source: i32,
        kind: (i32, i32),
        payload: (i32, i32),
    ) -> Result<i64> {
        self.call(
            "cortex_append",
            (handle, source, kind.0, kind.1, payload.0, payload.1),
        )
    }
    pub fn event_count(&mut self, handle: i32) -> Result<i64> {
        self.call("cortex_event_count", handle)
    }
    pub fn query_kind(&mut self, handle: i32, kind: (i32, i32), out: (i32, i32)) -> Result<i32> {
        self.call("cortex_query_kind", (handle, kind.0, kind.1, out.0, out.1))
    }
    pub fn put_node(&mut self, handle: i32, id: i32, label: (i32, i32)) -> Result<i32> {
        self.call("cortex_put_node", (handle, id, label.0, label.1))
    }
    pub fn put_edge(
        &mut self,
        handle: i32,
        from: i32,
        to: i32,
        rel: (i32, i32),
        weight: f64,
    ) -> Result<i32> {
        self.call("cortex_put_edge", (handle, from, to, rel.0, rel.1, weight))
    }
    pub fn neighbors(
        &mut self,
        handle: i32,
        node: i32,
        direction: i32,
        out: (i32, i32),
    ) -> Result<i32> {
        self.call("cortex_neighbors", (handle, node, direction, out.0, out.1))
    }
    pub fn traverse(
        &mut self,
        handle: i32,
        start: i32,
        max_depth: i32,
        out: (i32, i32),
    ) -> Result<i32> {
        self.call("cortex_traverse", (handle, start, max_depth, out.0, out.1))
    }
    pub fn last_error(&mut self, out: i32, cap: i32) -> Result<i32> {
        self.call("cortex_last_error", (out, cap))
    }
    pub fn append_batch(&mut self, handle: i32, input: (i32, i32), out: (i32, i32)) -> Result<i32> {
        self.call(
            "cortex_append_batch",
            (handle, input.0, input.1, out.0, out.1),
        )
    }
    pub fn get_event(&mut self, handle: i32, id: i64, out: (i32, i32)) -> Result<i32> {
        self.call("cortex_get_event", (handle, id, out.0, out.1))
    }
    pub fn query(&mut self, handle: i32, filter: (i32, i32), out: (i32, i32)) -> Result<i32> {
        self.call("cortex_query", (handle, filter.0, filter.1, out.0, out.1))
    }
    pub fn subscribe(&mut self, handle: i32, filter: (i32, i32)) -> Result<i32> {
        self.call("cortex_subscribe", (handle, filter.0, filter.1))
    }
    pub fn poll(&mut self, subscription: i32, out: (i32, i32)) -> Result<i32> {
        self.call("cortex_poll", (subscription, out.0, out.1))
    }
    pub fn unsubscribe(&mut self, subscription: i32) -> Result<i32> {
        self.call("cortex_unsubscribe", subscription)
    }
    pub fn put_node_record(&mut self, handle: i32, record: (i32, i32)) -> Result<i32> {
        self.call("cortex_put_node_record", (handle, record.0, record.1))
    }
    pub fn get_node(&mut self, handle: i32, id: i32, out: (i32, i32)) -> Result<i32> {
        self.call("cortex_get_node", (handle, id, out.0, out.1))
    }
    pub fn remove_node(&mut self, handle: i32, id: i32) -> Result<i32> {
        self.call("cortex_remove_node", (handle, id))
    }
    pub fn find_nodes(&mut self, handle: i32, query: (i32, i32), out: (i32, i32)) -> Result<i32> {
        self.call(
            "cortex_find_nodes",
            (handle, query.0, query.1, out.0, out.1),
        )
    }
    pub fn node_count(&mut self, handle: i32) -> Result<i64> {
        self.call("cortex_node_count", handle)
    }
    pub fn edge_count(&mut self, handle: i32) -> Result<i64> {
        self.call("cortex_edge_count", handle)
    }
    pub fn get_edge(
        &mut self,
        handle: i32,
        from: i32,
        rel: (i32, i32),
        to: i32,
        out: (i32, i32),
    ) -> Result<i32> {
        self.call(
            "cortex_get_edge",
            (handle, from, rel.0, rel.1, to, out.0, out.1),
        )
    }
    pub fn remove_edge(&mut self, handle: i32, from: i32, rel: (i32, i32), to: i32) -> Result<i32> {
        self.call("cortex_remove_edge", (handle, from, rel.0, rel.1, to))
    }
    pub fn edges(
        &mut self,
        handle: i32,
        node: i32,
        direction: i32,
        rel: (i32, i32),
        out: (i32, i32),
    ) -> Result<i32> {
        self.call(
            "cortex_edges",
            (handle, node, direction, rel.0, rel.1, out.0, out.1),
        )
    }
    pub fn shortest_path(
        &mut self,
        handle: i32,
        from: i32,
        to: i32,
        out: (i32, i32),
    ) -> Result<i32> {
        self.call("cortex_shortest_path", (handle, from, to, out.0, out.1))
    }
    pub fn bus_open(&mut self, capacity: i32, policy: i32, arg: i32) -> Result<i32> {
        self.call("cortex_bus_open", (capacity, policy, arg))
    }
    pub fn bus_publish(&mut self, bus: i32, input: (i32, i32)) -> Result<i32> {
        self.call("cortex_bus_publish", (bus, input.0, input.1))
    }
    pub fn bus_subscribe(
        &mut self,
        bus: i32,
        filter: (i32, i32),
        policy: i32,
        arg: i32,
    ) -> Result<i32> {
        self.call(
            "cortex_bus_subscribe",
            (bus, filter.0, filter.1, policy, arg),
        )
    }
    pub fn bus_poll(&mut self, receiver: i32, out: (i32, i32)) -> Result<i32> {
        self.call("cortex_bus_poll", (receiver, out.0, out.1))
    }
    pub fn bus_stats(&mut self, handle: i32, out: (i32, i32)) -> Result<i32> {
        self.call("cortex_bus_stats", (handle, out.0, out.1))
    }
    pub fn bus_close(&mut self, bus: i32) -> Result<i32> {
        self.call("cortex_bus_close", bus)
    }

    /// Copies `bytes` into a fresh block and returns it as a (pointer, length) pair.
    pub fn put_region(&mut self, bytes: &[u8]) -> Result<(i32, i32)> {
        let len = i32::try_from(bytes.len()).context("buffer too large for wasm32")?;
        Ok((self.put(bytes)?, len))
    }
}

/// Splits event-record output (queries, `cortex_get_event`, `cortex_poll`) into its records.
pub fn decode_events(bytes: &[u8]) -> Result<Vec<EventRecord>> {
    let mut r = Fields(bytes);
    let mut records = Vec::new();
    while !r.0.is_empty() {
        let (id, timestamp) = (r.u64()?, r.u64()?);
        let NewEventRecord {
            source,
            parent,
            kind,
            payload,
        } = r.new_event()?;
        records.push(EventRecord {
            id,
            timestamp,
            source,
            parent,
            kind,
            payload,
        });
    }
    Ok(records)
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
    let mut r = Fields(bytes);
    let mut records = Vec::new();
    while !r.0.is_empty() {
        records.push(r.new_event()?);
    }
    Ok(records)
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
        let flags = [
            self.source.is_some(),
            self.since.is_some(),
            self.until.is_some(),
            self.after.is_some(),
            self.limit.is_some(),
        ]
        .iter()
        .enumerate()
        .fold(0u32, |flags, (bit, on)| flags | (u32::from(*on) << bit));
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
        out.extend_from_slice(&(self.properties.len() as u32).to_le_bytes());
        for (key, value) in &self.properties {
            put_bytes(&mut out, key.as_bytes());
            put_bytes(&mut out, value.as_bytes());
        }
        put_strs(&mut out, &self.tags);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Fields(bytes);
        let node = Self::read(&mut r)?;
        ensure!(r.0.is_empty(), "{} bytes after a node record", r.0.len());
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
        let on = [
            self.since.is_some(),
            self.until.is_some(),
            self.after.is_some(),
            self.limit.is_some(),
            self.text.is_some(),
        ];
        let flags = on
            .iter()
            .enumerate()
            .fold(0u32, |flags, (bit, on)| flags | (u32::from(*on) << bit));
        let mut out = flags.to_le_bytes().to_vec();
        out.extend_from_slice(&self.since.unwrap_or(0).to_le_bytes());
        out.extend_from_slice(&self.until.unwrap_or(0).to_le_bytes());
        out.extend_from_slice(&self.after.unwrap_or_default());
        out.extend_from_slice(&self.limit.unwrap_or(0).to_le_bytes());
        put_strs(&mut out, &self.labels);
        put_strs(&mut out, &self.tags);
        out.extend_from_slice(&(self.properties.len() as u32).to_le_bytes());
        for (key, value) in &self.properties {
            put_bytes(&mut out, key.as_bytes());
            put_bytes(&mut out, value.as_bytes());
        }
        put_bytes(&mut out, self.text.as_deref().unwrap_or("").as_bytes());
        out
    }
}

/// Splits `cortex_find_nodes` output into node records.
pub fn decode_nodes(bytes: &[u8]) -> Result<Vec<NodeRecord>> {
    let mut r = Fields(bytes);
    let mut nodes = Vec::new();
    while !r.0.is_empty() {
        nodes.push(NodeRecord::read(&mut r)?);
    }
    Ok(nodes)
}

/// An edge record: (from, to, weight, relation).
pub type EdgeRecord = ([u8; 32], [u8; 32], f64, String);

pub fn decode_edges(bytes: &[u8]) -> Result<Vec<EdgeRecord>> {
    let mut r = Fields(bytes);
    let mut edges = Vec::new();
    while !r.0.is_empty() {
        let (from, to) = (r.id()?, r.id()?);
        let weight = f64::from_bits(r.u64()?);
        edges.push((from, to, weight, r.str()?));
    }
    Ok(edges)
}

/// Consecutive little-endian u64s (batch ids, bus counters).
pub fn decode_u64s(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect()
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn put_strs(out: &mut Vec<u8>, strs: &[String]) {
    out.extend_from_slice(&(strs.len() as u32).to_le_bytes());
    for s in strs {
        put_bytes(out, s.as_bytes());
    }
}

/// Reads record fields in order, failing on a record cut short.
struct Fields<'a>(&'a [u8]);

impl Fields<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        ensure!(
            self.0.len() >= n,
            "record truncated: {n} bytes wanted, {} left",
            self.0.len()
        );
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into()?))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into()?))
    }
    fn id(&mut self) -> Result<[u8; 32]> {
        Ok(self.take(32)?.try_into()?)
    }
    fn bytes(&mut self) -> Result<Vec<u8>> {
        let len = self.u32()? as usize;
        Ok(self.take(len)?.to_vec())
    }
    fn str(&mut self) -> Result<String> {
        String::from_utf8(self.bytes()?).context("a record string is not UTF-8")
    }
    fn new_event(&mut self) -> Result<NewEventRecord> {
        let source = self.id()?;
        let parent = Some(self.u64()?).filter(|&p| p != u64::MAX);
        Ok(NewEventRecord {
            source,
            parent,
            kind: self.str()?,
            payload: self.bytes()?,
        })
    }
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
