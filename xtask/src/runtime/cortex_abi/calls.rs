//! The calls: a cortex-core module and its linear memory, with one typed method per export.

use anyhow::{ensure, Context, Result};
use wasmtime::{Memory, Store, TypedFunc, WasmParams, WasmResults};

use crate::runtime::engine::{describe, Library, Mode, Trapped};
use crate::runtime::wasi::Host;

/// A cortex-core module and its linear memory. Every export is called with raw `i32`s, so a
/// caller can pass any pointer it likes; a trap becomes an error naming the export.
pub struct CortexAbi {
    artifact: String,
    store: Store<Host>,
    instance: wasmtime::Instance,
    memory: Memory,
    /// The fuel left after the first export call returned, when the store meters fuel.
    fuel_after_first_call: Option<u64>,
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
            fuel_after_first_call: None,
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
        let result = func.call(&mut self.store, params).map_err(|error| {
            let reason = format!("in `{export}`: {}", describe(&error, Mode::Stream));
            Trapped {
                artifact: self.artifact.clone(),
                reason,
                stderr: Vec::new(),
            }
            .into()
        });
        if self.fuel_after_first_call.is_none() {
            self.fuel_after_first_call = self.store.get_fuel().ok();
        }
        result
    }

    /// The fuel left now and after the first export call, when the store meters fuel.
    pub fn fuel(&self) -> Option<(u64, Option<u64>)> {
        let now = self.store.get_fuel().ok()?;
        Some((now, self.fuel_after_first_call))
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
