//! Typed calls into the cortex-core C ABI (version 1) of an instantiated module.

use anyhow::{bail, ensure, Context, Result};
use wasmtime::{Memory, Store, TypedFunc, WasmParams, WasmResults};
use crate::runtime::wasi::Host;

use crate::runtime::engine::{describe, Library, Mode, Trapped};

pub const E_BAD_POINTER: i32 = -1;
pub const E_BAD_HANDLE: i32 = -2;
pub const E_INVALID: i32 = -3;
pub const E_BUFFER_SMALL: i32 = -5;
pub const E_MISSING_NODE: i32 = -6;

/// One event record as `cortex_query_kind` writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub id: u64,
    pub timestamp: u64,
    pub source: [u8; 32],
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

    fn call<P: WasmParams, R: WasmResults>(&mut self, export: &str, params: P) -> Result<R> {
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
}

/// Splits `cortex_query_kind` output into its records.
pub fn decode_events(mut bytes: &[u8]) -> Result<Vec<EventRecord>> {
    const FIXED: usize = 8 + 8 + 32 + 4;
    let mut records = Vec::new();
    while !bytes.is_empty() {
        if bytes.len() < FIXED {
            bail!(
                "event record truncated: {} bytes left, a record needs at least {FIXED}",
                bytes.len()
            );
        }
        let (fixed, rest) = bytes.split_at(FIXED);
        let u64_at = |at: usize| u64::from_le_bytes(fixed[at..at + 8].try_into().expect("8 bytes"));
        let payload_len = u32::from_le_bytes(fixed[48..52].try_into().expect("4 bytes")) as usize;
        ensure!(
            rest.len() >= payload_len,
            "event payload of {payload_len} bytes runs past the output"
        );
        let (payload, rest) = rest.split_at(payload_len);
        records.push(EventRecord {
            id: u64_at(0),
            timestamp: u64_at(8),
            source: fixed[16..48].try_into().expect("32 bytes"),
            payload: payload.to_vec(),
        });
        bytes = rest;
    }
    Ok(records)
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
