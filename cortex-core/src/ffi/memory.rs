//! The host's view of linear memory: bounds-checked copies in and out, and the buffers it allocates through us.

use std::alloc::Layout;
use std::cell::RefCell;

use super::codes::{
    Failure, Outcome, CORTEX_E_BAD_POINTER, CORTEX_E_BUFFER_SMALL, CORTEX_E_INTERNAL,
};
use crate::event::NodeId;

/// Size of linear memory right now, in bytes (it only ever grows).
fn memory_len() -> u64 {
    core::arch::wasm32::memory_size(0) as u64 * 65536
}

/// A host offset as a pointer. Linear memory is one allocation from address 0, and blocks handed
/// out by `alloc` had their provenance exposed, so an exposed-provenance pointer is the honest form.
fn host_ptr(offset: usize) -> *const u8 {
    core::ptr::with_exposed_provenance(offset)
}

fn host_ptr_mut(offset: usize) -> *mut u8 {
    core::ptr::with_exposed_provenance_mut(offset)
}

/// Longest text copied in; every store limit on kinds, labels and relations is far below it, so
/// a host passing a huge length gets an error instead of making us copy (or fail to allocate) it.
const MAX_TEXT: usize = 64 * 1024;

// The region helpers are `inline(never)`: every export calls them, and one copy of each is far
// smaller than one per call site.

/// A (ptr, len) pair the host passed, checked to lie inside linear memory.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Region {
    ptr: usize,
    len: usize,
}

impl Region {
    /// Checks a pointer and length from the host: not null, not negative, not overflowing, not past the end.
    #[inline(never)]
    pub(crate) fn new(ptr: i32, len: i32, what: &str) -> Outcome<Region> {
        let bad = |why: &str| Failure::new(CORTEX_E_BAD_POINTER, format!("{what}: {why}"));
        // Pointers are unsigned offsets; only lengths can be negative.
        let start = u64::from(ptr as u32);
        let len = u64::try_from(len).map_err(|_| bad("negative length"))?;
        if start == 0 && len > 0 {
            return Err(bad("null pointer"));
        }
        let end = start
            .checked_add(len)
            .ok_or_else(|| bad("pointer + length overflows"))?;
        if end > memory_len() {
            return Err(bad("reaches past the end of linear memory"));
        }
        // end <= memory_len() <= 4 GiB, and usize is 32 bits on wasm32, so both fit.
        let ptr = usize::try_from(start).map_err(|_| bad("pointer out of range"))?;
        let len = usize::try_from(len).map_err(|_| bad("length out of range"))?;
        Ok(Region { ptr, len })
    }

    /// The output buffer (`out_ptr`, `out_cap`) a call writes its answer to.
    pub(crate) fn output(out_ptr: i32, out_cap: i32) -> Outcome<Region> {
        Region::new(out_ptr, out_cap, "output buffer")
    }

    /// A region of exactly `len` bytes at `ptr` (node ids are 32 bytes at a pointer).
    pub(crate) fn fixed(ptr: i32, len: usize, what: &str) -> Outcome<Region> {
        let len = i32::try_from(len)
            .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "fixed length too large"))?;
        Region::new(ptr, len, what)
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Copies the region out of linear memory into memory this module owns.
    #[inline(never)]
    pub(crate) fn read(&self) -> Vec<u8> {
        let mut bytes = vec![0u8; self.len];
        if self.len > 0 {
            // SAFETY: `new` checked that ptr..ptr+len is non-null and inside linear memory, every byte of
            // which is readable and initialised (wasm zero-fills memory as it grows); `bytes` is a fresh
            // allocation of `len` bytes, and `copy` (a memmove) is correct even if the host's region overlaps it.
            unsafe { core::ptr::copy(host_ptr(self.ptr), bytes.as_mut_ptr(), self.len) };
        }
        bytes
    }

    /// Reads a 32-byte node id from a region made by [`Region::fixed`] with length 32.
    #[inline(never)]
    pub(crate) fn read_id(&self) -> Outcome<[u8; 32]> {
        <[u8; 32]>::try_from(self.read().as_slice())
            .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "a node id region is not 32 bytes"))
    }

    /// Checks the 32 bytes of a node id the host passed at `ptr`, and reads them.
    pub(crate) fn read_node_id(ptr: i32, what: &str) -> Outcome<NodeId> {
        let region = Region::fixed(ptr, 32, what)?;
        Ok(NodeId(region.read_id()?))
    }

    /// Reads UTF-8 text, rejecting invalid sequences.
    #[inline(never)]
    pub(crate) fn read_str(&self, what: &str) -> Outcome<String> {
        if self.len > MAX_TEXT {
            return Err(Failure::new(
                super::codes::CORTEX_E_INVALID,
                format!("{what} is {} bytes, far over any limit", self.len),
            ));
        }
        String::from_utf8(self.read()).map_err(|_| {
            Failure::new(
                super::codes::CORTEX_E_INVALID,
                format!("{what} is not valid UTF-8"),
            )
        })
    }

    /// Copies `bytes` to the start of the region, or fails with BUFFER_SMALL (writing nothing).
    pub(crate) fn write(&self, bytes: &[u8]) -> Outcome<()> {
        self.room(bytes.len())?;
        self.write_prefix(bytes);
        Ok(())
    }

    /// Fails with BUFFER_SMALL unless `needed` bytes fit, for calls that check before they act.
    #[inline(never)]
    pub(crate) fn room(&self, needed: usize) -> Outcome<()> {
        if needed > self.len {
            return Err(Failure::new(
                CORTEX_E_BUFFER_SMALL,
                format!(
                    "output buffer too small: {needed} bytes needed, {} given",
                    self.len
                ),
            ));
        }
        Ok(())
    }

    /// Writes a call's whole answer and returns its length in bytes, the value most calls return.
    pub(crate) fn answer(&self, bytes: &[u8]) -> Outcome<i32> {
        self.write(bytes)?;
        // It fit in this region, whose length came from an i32.
        Ok(bytes.len() as i32)
    }

    /// Copies as much of `bytes` as fits, returning how many bytes were written.
    #[inline(never)]
    pub(crate) fn write_prefix(&self, bytes: &[u8]) -> usize {
        let n = bytes.len().min(self.len);
        if n > 0 {
            // SAFETY: `new` checked that ptr..ptr+len is non-null and inside linear memory, and n <= len, so
            // every byte written is in bounds; the ABI makes output buffers host-owned memory (module docs),
            // so no Rust value lives there, and `copy` (a memmove) is correct even if `bytes` overlaps it.
            unsafe { core::ptr::copy(bytes.as_ptr(), host_ptr_mut(self.ptr), n) };
        }
        n
    }
}

thread_local! {
    // Live `cortex_alloc` blocks as (start, length), sorted by start, so `cortex_free` can refuse
    // anything else. A sorted vector rather than a map: a BTreeMap of its own costs the module about
    // 6 KB, and hosts keep few blocks alive, mostly handed out at rising addresses.
    static LIVE: RefCell<Vec<(usize, usize)>> = const { RefCell::new(Vec::new()) };
}

/// Allocates `len` zeroed bytes for the host; 0 if `len <= 0` or memory is exhausted.
pub(crate) fn alloc(len: i32) -> i32 {
    let Ok(len) = usize::try_from(len) else {
        return 0;
    };
    let Ok(layout) = Layout::from_size_align(len, 1) else {
        return 0;
    };
    if len == 0 {
        return 0;
    }
    // `try_with` rather than `with` (see `codes::finish`): no table, no block.
    LIVE.try_with(|live| {
        let Ok(mut live) = live.try_borrow_mut() else {
            return 0;
        };
        // SAFETY: the layout has a non-zero size, as `alloc_zeroed` requires.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        let Ok(handle) = i32::try_from(ptr.expose_provenance()) else {
            // Above 2 GiB the pointer would read as an error code; give the block back instead.
            // SAFETY: `ptr` was just returned by `alloc_zeroed` with this layout (a null `ptr` is 0 and fits).
            unsafe { std::alloc::dealloc(ptr, layout) };
            return 0;
        };
        if handle != 0 {
            let start = ptr.expose_provenance();
            let at = live.partition_point(|&(live_start, _)| live_start < start);
            live.insert(at, (start, len));
        }
        handle
    })
    .unwrap_or(0)
}

/// Frees a block from [`alloc`]; an unknown (ptr, len) is refused rather than handed to the allocator.
pub(crate) fn free(ptr: i32, len: i32) -> Outcome<()> {
    let unknown = || {
        Failure::new(
            CORTEX_E_BAD_POINTER,
            "cortex_free: not a live block from cortex_alloc with that length",
        )
    };
    let start = ptr as u32 as usize;
    let len = usize::try_from(len).map_err(|_| unknown())?;
    let busy = || Failure::new(CORTEX_E_INTERNAL, "allocation table busy");
    LIVE.try_with(|live| {
        let mut live = live.try_borrow_mut().map_err(|_| busy())?;
        // Starts are distinct, so this finds the block only when its length matches too.
        let Ok(at) = live.binary_search(&(start, len)) else {
            return Err(unknown());
        };
        live.remove(at);
        let layout = Layout::from_size_align(len, 1).map_err(|_| unknown())?;
        // SAFETY: the table holds exactly the blocks `alloc` returned, each with the length it was given,
        // and the entry was just removed so the block cannot be freed twice.
        unsafe { std::alloc::dealloc(host_ptr_mut(start), layout) };
        Ok(())
    })
    .unwrap_or_else(|_| Err(busy()))
}
