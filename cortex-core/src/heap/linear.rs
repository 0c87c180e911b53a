//! The heap on wasm32's linear memory: Rust's global allocator, and the `malloc` family that
//! wasi-libc's own functions call (`getenv` allocates the environment it copies), so wasi-libc's
//! dlmalloc is not linked at all.

use std::alloc::{GlobalAlloc, Layout};
use std::arch::wasm32;
use std::cell::UnsafeCell;

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

// C's allocation functions, for wasi-libc's own calls (`c_api.rs`); rustc exports them as it does
// every `#[no_mangle]` function, and size-budget.toml's `exports` drops them from what ships.

#[no_mangle]
extern "C" fn malloc(size: usize) -> *mut u8 {
    heap().malloc(size)
}

/// # Safety
/// C's: `start` is null or a live block from these functions.
#[no_mangle]
unsafe extern "C" fn free(start: *mut u8) {
    // SAFETY: the caller's promise.
    unsafe { heap().free(start) }
}

#[no_mangle]
extern "C" fn calloc(count: usize, size: usize) -> *mut u8 {
    heap().calloc(count, size)
}

/// # Safety
/// C's: `start` is null or a live block from these functions.
#[no_mangle]
unsafe extern "C" fn realloc(start: *mut u8, size: usize) -> *mut u8 {
    // SAFETY: the caller's promise.
    unsafe { heap().realloc_c(start, size) }
}

/// # Safety
/// C's: `out` is writable.
#[no_mangle]
unsafe extern "C" fn posix_memalign(out: *mut *mut u8, align: usize, size: usize) -> i32 {
    // SAFETY: the caller's promise.
    unsafe { heap().posix_memalign(out, align, size) }
}

#[no_mangle]
extern "C" fn aligned_alloc(align: usize, size: usize) -> *mut u8 {
    heap().aligned_alloc(align, size)
}
