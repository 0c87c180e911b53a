//! The heap on wasm32's linear memory: Rust's global allocator, and the `malloc` family that
//! wasi-libc's own functions call (`getenv` allocates the environment it copies), so wasi-libc's
//! dlmalloc is not linked at all.

use std::alloc::{GlobalAlloc, Layout};
use std::arch::wasm32;
use std::cell::UnsafeCell;
use std::ptr;

use super::{Heap, Memory};

#[cfg(target_feature = "atomics")]
compile_error!(
    "the `wasm-heap` allocator is single-threaded: build without it for a target with threads"
);

/// Linear memory 0, which starts at address 0.
struct Linear;

impl Memory for Linear {
    fn base(&self) -> usize {
        0
    }

    fn pages(&self) -> usize {
        wasm32::memory_size(0)
    }

    fn grow(&mut self, count: usize) -> bool {
        wasm32::memory_grow(0, count) != usize::MAX
    }
}

struct Global(UnsafeCell<Heap<Linear>>);

// SAFETY: wasm32 without the `atomics` feature (refused above) runs one thread, so the heap is never
// reached from two at once; and no method of `Heap` calls back out while it holds `&mut`.
unsafe impl Sync for Global {}

#[global_allocator]
static HEAP: Global = Global(UnsafeCell::new(Heap::new(Linear)));

fn heap() -> &'static mut Heap<Linear> {
    // SAFETY: one thread, and every caller lets go of the borrow before it returns (see `Sync` above).
    unsafe { &mut *HEAP.0.get() }
}

// SAFETY: `Heap` returns blocks aligned to their layout, each live one distinct from every other.
unsafe impl GlobalAlloc for Global {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        heap().alloc(layout)
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: `GlobalAlloc`'s contract is `Heap::dealloc`'s.
        unsafe { heap().dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        // SAFETY: `GlobalAlloc`'s contract is `Heap::realloc`'s.
        unsafe { heap().realloc(block, layout, size) }
    }
}

/// What C's allocation functions keep in front of each block they return: where the block starts
/// and its size, because `free` and `realloc` get the pointer alone. 16 bytes keeps `malloc`'s
/// 16-byte alignment.
const HEADER: usize = 16;
/// WASI's `EINVAL` and `ENOMEM`, for `posix_memalign`.
const EINVAL: i32 = 28;
const ENOMEM: i32 = 48;

/// `size` bytes aligned to `align` (a power of two), behind a header; null when out of memory.
fn c_alloc(align: usize, size: usize) -> *mut u8 {
    let offset = align.max(HEADER);
    let Some(layout) = size
        .checked_add(offset)
        .and_then(|total| Layout::from_size_align(total, offset).ok())
    else {
        return ptr::null_mut();
    };
    let block = heap().alloc(layout);
    if block.is_null() {
        return block;
    }
    // SAFETY: the block holds `offset` bytes before the caller's, the last 8 of them the header's.
    unsafe {
        let start = block.add(offset);
        start.cast::<usize>().sub(2).write(offset);
        start.cast::<usize>().sub(1).write(layout.size());
        start
    }
}

/// The header's offset and the block's total size.
///
/// # Safety
/// `start` came from `c_alloc` and is live.
unsafe fn header(start: *mut u8) -> (usize, usize) {
    // SAFETY: `c_alloc` wrote both words just before `start`.
    unsafe {
        (
            start.cast::<usize>().sub(2).read(),
            start.cast::<usize>().sub(1).read(),
        )
    }
}

#[no_mangle]
extern "C" fn malloc(size: usize) -> *mut u8 {
    c_alloc(HEADER, size)
}

/// # Safety
/// C's: `start` is null or a live block from these functions.
#[no_mangle]
unsafe extern "C" fn free(start: *mut u8) {
    if start.is_null() {
        return;
    }
    // SAFETY: the caller's promise; the layout is the one `c_alloc` allocated with.
    unsafe {
        let (offset, total) = header(start);
        heap().dealloc(
            start.sub(offset),
            Layout::from_size_align_unchecked(total, offset),
        );
    }
}

#[no_mangle]
extern "C" fn calloc(count: usize, size: usize) -> *mut u8 {
    let Some(bytes) = count.checked_mul(size) else {
        return ptr::null_mut();
    };
    let start = c_alloc(HEADER, bytes);
    if !start.is_null() {
        // SAFETY: the block holds `bytes` bytes from `start`.
        unsafe { start.write_bytes(0, bytes) };
    }
    start
}

/// # Safety
/// C's: `start` is null or a live block from these functions.
#[no_mangle]
unsafe extern "C" fn realloc(start: *mut u8, size: usize) -> *mut u8 {
    if start.is_null() {
        return malloc(size);
    }
    let fresh = malloc(size);
    if !fresh.is_null() {
        // SAFETY: the caller's promise; both blocks are live and hold the bytes copied.
        unsafe {
            let (offset, total) = header(start);
            ptr::copy_nonoverlapping(start, fresh, (total - offset).min(size));
            free(start);
        }
    }
    fresh
}

/// # Safety
/// C's: `out` is writable.
#[no_mangle]
unsafe extern "C" fn posix_memalign(out: *mut *mut u8, align: usize, size: usize) -> i32 {
    if !align.is_power_of_two() || !align.is_multiple_of(size_of::<usize>()) {
        return EINVAL;
    }
    let start = c_alloc(align, size);
    if start.is_null() {
        return ENOMEM;
    }
    // SAFETY: the caller's promise.
    unsafe { out.write(start) };
    0
}

#[no_mangle]
extern "C" fn aligned_alloc(align: usize, size: usize) -> *mut u8 {
    if !align.is_power_of_two() {
        return ptr::null_mut();
    }
    c_alloc(align, size)
}
