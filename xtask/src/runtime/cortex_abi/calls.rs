//! The calls: a cortex-core module and its linear memory, with one typed method per export.

use anyhow::{ensure, Context, Result};
use wasmtime::{Memory, Store, TypedFunc, WasmParams, WasmResults};

use crate::runtime::engine::{describe, Library, Mode, Trapped};
use crate::runtime::wasi::Host;

/// Typed methods on [`CortexAbi`], one per export: `fn name(args) -> R = "export";` calls the
/// export with the arguments in order, a `region` (a pointer and a length, `(i32, i32)`) passed as
/// its two halves, as `cortex.h` declares them.
macro_rules! exports {
    ($(fn $name:ident($($arg:ident: $kind:tt),*) -> $ret:ty = $export:literal;)*) => {
        impl CortexAbi {
            $(
                pub fn $name(&mut self $(, $arg: exports!(@type $kind))*) -> Result<$ret> {
                    self.call($export, exports!(@params [] $($arg: $kind),*))
                }
            )*
        }
    };
    (@type region) => { (i32, i32) };
    (@type $ty:ty) => { $ty };
    (@params [$($done:expr,)*]) => { ($($done,)*) };
    (@params [$($done:expr,)*] $arg:ident: region $(, $($rest:tt)*)?) => {
        exports!(@params [$($done,)* $arg.0, $arg.1,] $($($rest)*)?)
    };
    (@params [$($done:expr,)*] $arg:ident: $ty:tt $(, $($rest:tt)*)?) => {
        exports!(@params [$($done,)* $arg,] $($($rest)*)?)
    };
}

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

    /// Copies `bytes` into a fresh block and returns it as a (pointer, length) pair.
    pub fn put_region(&mut self, bytes: &[u8]) -> Result<(i32, i32)> {
        let len = i32::try_from(bytes.len()).context("buffer too large for wasm32")?;
        Ok((self.put(bytes)?, len))
    }
}

exports! {
    fn abi_version() -> i32 = "cortex_abi_version";
    fn alloc(len: i32) -> i32 = "cortex_alloc";
    fn free(ptr: i32, len: i32) -> i32 = "cortex_free";
    fn last_error(out: i32, cap: i32) -> i32 = "cortex_last_error";
    fn store_open() -> i32 = "cortex_store_open";
    fn store_close(handle: i32) -> i32 = "cortex_store_close";
    fn append(handle: i32, source: i32, kind: region, payload: region) -> i64 = "cortex_append";
    fn append_batch(handle: i32, input: region, out: region) -> i32 = "cortex_append_batch";
    fn event_count(handle: i32) -> i64 = "cortex_event_count";
    fn get_event(handle: i32, id: i64, out: region) -> i32 = "cortex_get_event";
    fn query(handle: i32, filter: region, out: region) -> i32 = "cortex_query";
    fn query_kind(handle: i32, kind: region, out: region) -> i32 = "cortex_query_kind";
    fn subscribe(handle: i32, filter: region) -> i32 = "cortex_subscribe";
    fn poll(subscription: i32, out: region) -> i32 = "cortex_poll";
    fn unsubscribe(subscription: i32) -> i32 = "cortex_unsubscribe";
    fn put_node(handle: i32, id: i32, label: region) -> i32 = "cortex_put_node";
    fn put_node_record(handle: i32, record: region) -> i32 = "cortex_put_node_record";
    fn get_node(handle: i32, id: i32, out: region) -> i32 = "cortex_get_node";
    fn remove_node(handle: i32, id: i32) -> i32 = "cortex_remove_node";
    fn find_nodes(handle: i32, query: region, out: region) -> i32 = "cortex_find_nodes";
    fn node_count(handle: i32) -> i64 = "cortex_node_count";
    fn put_edge(handle: i32, from: i32, to: i32, rel: region, weight: f64) -> i32 = "cortex_put_edge";
    fn get_edge(handle: i32, from: i32, rel: region, to: i32, out: region) -> i32 = "cortex_get_edge";
    fn remove_edge(handle: i32, from: i32, rel: region, to: i32) -> i32 = "cortex_remove_edge";
    fn edge_count(handle: i32) -> i64 = "cortex_edge_count";
    fn neighbors(handle: i32, node: i32, direction: i32, out: region) -> i32 = "cortex_neighbors";
    fn edges(handle: i32, node: i32, direction: i32, rel: region, out: region) -> i32 = "cortex_edges";
    fn traverse(handle: i32, start: i32, max_depth: i32, out: region) -> i32 = "cortex_traverse";
    fn shortest_path(handle: i32, from: i32, to: i32, out: region) -> i32 = "cortex_shortest_path";
    fn bus_open(capacity: i32, policy: i32, arg: i32) -> i32 = "cortex_bus_open";
    fn bus_publish(bus: i32, input: region) -> i32 = "cortex_bus_publish";
    fn bus_subscribe(bus: i32, filter: region, policy: i32, arg: i32) -> i32 = "cortex_bus_subscribe";
    fn bus_poll(receiver: i32, out: region) -> i32 = "cortex_bus_poll";
    fn bus_stats(handle: i32, out: region) -> i32 = "cortex_bus_stats";
    fn bus_close(bus: i32) -> i32 = "cortex_bus_close";
}
