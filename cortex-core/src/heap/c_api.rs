//! C's allocation functions over the heap: `malloc`, `free`, `calloc`, `realloc`, `posix_memalign`
//! and `aligned_alloc`, as wasi-libc's own functions call them (`linear.rs` gives them their C
//! names on wasm). C's `free` gets the pointer alone, so each block carries a header in front.

use std::alloc::Layout;
use std::ptr;

use super::{Heap, Memory};

/// What each block keeps in front of the bytes it returns: the header's offset from the block's start
/// and the block's size, in the two words before the returned pointer. 16 bytes keeps `malloc`'s
/// 16-byte alignment.
const HEADER: usize = 16;
/// WASI's `EINVAL` and `ENOMEM` (the numbers wasi-libc's callers compare with).
pub(super) const EINVAL: i32 = 28;
pub(super) const ENOMEM: i32 = 48;

impl<M: Memory> Heap<M> {
    /// C's `malloc`: `size` bytes aligned to 16; null when out of memory.
    pub(crate) fn malloc(&mut self, size: usize) -> *mut u8 {
        self.behind_header(HEADER, size)
    }

    /// C's `free`.
    ///
    /// # Safety
    /// `start` is null or a live block from these functions, not used after.
    pub(crate) unsafe fn free(&mut self, start: *mut u8) {
        if start.is_null() {
            return;
        }
        // SAFETY: the caller's promise; the layout is the one `behind_header` allocated with.
        unsafe {
            let (offset, total) = header(start);
            self.dealloc(
                start.sub(offset),
                Layout::from_size_align_unchecked(total, offset),
            );
        }
    }

    /// C's `calloc`: `count * size` zeroed bytes; null when out of memory or the product overflows.
    pub(crate) fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        let Some(bytes) = count.checked_mul(size) else {
            return ptr::null_mut();
        };
        let start = self.malloc(bytes);
        if !start.is_null() {
            // SAFETY: the block holds `bytes` bytes from `start`. A reused block is not zero.
            unsafe { start.write_bytes(0, bytes) };
        }
        start
    }

    /// C's `realloc`: a block of `size` bytes holding the first of `start`'s, which is freed; null
    /// (and `start` untouched) when out of memory.
    ///
    /// # Safety
    /// `start` is null or a live block from these functions.
    pub(crate) unsafe fn realloc_c(&mut self, start: *mut u8, size: usize) -> *mut u8 {
        if start.is_null() {
            return self.malloc(size);
        }
        let fresh = self.malloc(size);
        if !fresh.is_null() {
            // SAFETY: the caller's promise; both blocks are live and hold the bytes copied.
            unsafe {
                let (offset, total) = header(start);
                ptr::copy_nonoverlapping(start, fresh, (total - offset).min(size));
                self.free(start);
            }
        }
        fresh
    }

    /// C's `posix_memalign`: 0 with the block in `out`, `EINVAL` for an alignment that is not a
    /// power of two and a multiple of a pointer's size, `ENOMEM` when out of memory (`out` untouched
    /// on either).
    ///
    /// # Safety
    /// `out` is writable.
    pub(crate) unsafe fn posix_memalign(
        &mut self,
        out: *mut *mut u8,
        align: usize,
        size: usize,
    ) -> i32 {
        if !align.is_power_of_two() || !align.is_multiple_of(size_of::<usize>()) {
            return EINVAL;
        }
        let start = self.behind_header(align, size);
        if start.is_null() {
            return ENOMEM;
        }
        // SAFETY: the caller's promise.
        unsafe { out.write(start) };
        0
    }

    /// C's `aligned_alloc`: null for an alignment that is not a power of two, or out of memory.
    pub(crate) fn aligned_alloc(&mut self, align: usize, size: usize) -> *mut u8 {
        if !align.is_power_of_two() {
            return ptr::null_mut();
        }
        self.behind_header(align, size)
    }

    /// `size` bytes aligned to `align` (a power of two) behind a header; null when out of memory.
    fn behind_header(&mut self, align: usize, size: usize) -> *mut u8 {
        let offset = align.max(HEADER);
        let Some(layout) = size
            .checked_add(offset)
            .and_then(|total| Layout::from_size_align(total, offset).ok())
        else {
            return ptr::null_mut();
        };
        let block = self.alloc(layout);
        if block.is_null() {
            return block;
        }
        // SAFETY: the block holds `offset` bytes before the caller's, the last two words of them
        // the header's.
        unsafe {
            let start = block.add(offset);
            start.cast::<usize>().sub(2).write(offset);
            start.cast::<usize>().sub(1).write(layout.size());
            start
        }
    }
}

/// The header's offset and the block's total size.
///
/// # Safety
/// `start` came from `behind_header` and is live.
unsafe fn header(start: *mut u8) -> (usize, usize) {
    // SAFETY: `behind_header` wrote both words just before `start`.
    unsafe {
        (
            start.cast::<usize>().sub(2).read(),
            start.cast::<usize>().sub(1).read(),
        )
    }
}
