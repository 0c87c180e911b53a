//! The allocator of cortex's wasm modules (feature `wasm-heap`), in place of wasi-libc's `malloc`.
//!
//! wasi-libc's dlmalloc was about 10 KB of each module, and every allocation walked its bins. Here a
//! request up to 32 KiB is rounded up to a power of two and served from one free list per size, whose
//! blocks are carved from 64 KiB pages; a larger one is a run of 2^k pages from [`Pages`], a buddy
//! allocator that joins a freed run with its free neighbour. Every block is aligned to its own size,
//! so an alignment is just a size. Memory is never given back: wasm cannot shrink it.
//!
//! The logic is plain Rust over a [`Memory`], so the tests run it natively on an arena; `linear.rs`
//! puts it on wasm32's linear memory as the global allocator and as wasi-libc's `malloc`.

use std::alloc::Layout;
use std::ptr;

mod pages;
use pages::Pages;
pub(crate) use pages::{Memory, PAGE_SHIFT};

#[cfg(all(target_arch = "wasm32", feature = "wasm-heap"))]
mod linear;
#[cfg(test)]
mod tests;

/// The smallest block, 16 bytes: room for a free-list link, and the alignment C's `malloc` promises.
const MIN_SHIFT: u32 = 4;
/// One free list per power of two from 16 B to 32 KiB; anything larger takes whole pages.
const SMALL_SIZES: usize = (PAGE_SHIFT - MIN_SHIFT) as usize;

/// A free small block: the link to the next free block of its size.
struct Free {
    next: *mut Free,
}

/// The block size for `layout` as a power of two: its shift, at least 4 (16 bytes). A shift past
/// what [`Pages`] can give means no block (it refuses levels above its largest).
#[inline]
fn shift(layout: Layout) -> u32 {
    let size = layout.size().max(layout.align());
    if size <= 1 << MIN_SHIFT {
        MIN_SHIFT
    } else {
        usize::BITS - (size - 1).leading_zeros()
    }
}

/// The allocator's state: the small free lists and the pages behind them.
pub(crate) struct Heap<M> {
    small: [*mut Free; SMALL_SIZES],
    pages: Pages<M>,
}

impl<M: Memory> Heap<M> {
    pub(crate) const fn new(memory: M) -> Self {
        Heap {
            small: [ptr::null_mut(); SMALL_SIZES],
            pages: Pages::new(memory),
        }
    }

    /// A block for `layout`, aligned to it; null when memory cannot grow enough.
    pub(crate) fn alloc(&mut self, layout: Layout) -> *mut u8 {
        match shift(layout) {
            small @ ..PAGE_SHIFT => self.small((small - MIN_SHIFT) as usize),
            pages => self.pages.alloc(pages - PAGE_SHIFT),
        }
    }

    /// Gives back a block from [`Heap::alloc`].
    ///
    /// # Safety
    /// `block` came from this heap's `alloc` (or `realloc`) with `layout`, and is not used after.
    pub(crate) unsafe fn dealloc(&mut self, block: *mut u8, layout: Layout) {
        match shift(layout) {
            small @ ..PAGE_SHIFT => {
                let index = (small - MIN_SHIFT) as usize;
                let free = block.cast::<Free>();
                // SAFETY: the block is ours again and at least 16 bytes, aligned to its size.
                unsafe {
                    free.write(Free {
                        next: self.small[index],
                    })
                };
                self.small[index] = free;
            }
            // SAFETY: the caller's promise, passed on.
            pages => unsafe { self.pages.free(block, pages - PAGE_SHIFT) },
        }
    }

    /// `block` with room for `size` bytes: the same block when the size keeps its class, else a new
    /// one holding its bytes (and the old one freed); null, with `block` untouched, when out of memory.
    ///
    /// # Safety
    /// As for [`Heap::dealloc`]; `size` with `layout`'s alignment is a valid layout.
    pub(crate) unsafe fn realloc(
        &mut self,
        block: *mut u8,
        layout: Layout,
        size: usize,
    ) -> *mut u8 {
        // SAFETY: the caller promises the new layout is valid.
        let wanted = unsafe { Layout::from_size_align_unchecked(size, layout.align()) };
        if shift(wanted) == shift(layout) {
            return block;
        }
        let fresh = self.alloc(wanted);
        if !fresh.is_null() {
            // SAFETY: both blocks are live, distinct, and hold at least the bytes copied.
            unsafe {
                ptr::copy_nonoverlapping(block, fresh, layout.size().min(size));
                self.dealloc(block, layout);
            }
        }
        fresh
    }

    /// The first free block of a size, carving a new page into blocks of it when there is none.
    fn small(&mut self, index: usize) -> *mut u8 {
        if self.small[index].is_null() {
            let page = self.pages.alloc(0);
            if page.is_null() {
                return page;
            }
            let size = 1usize << (index as u32 + MIN_SHIFT);
            // Linked from the page's start, so blocks are handed out in address order.
            let mut next = ptr::null_mut();
            for at in (0..1usize << PAGE_SHIFT).step_by(size).rev() {
                // SAFETY: `at` is inside the fresh page, at a multiple of the block size.
                let free = unsafe { page.add(at) }.cast::<Free>();
                // SAFETY: the page is ours and unused; the block is 16-byte aligned at least.
                unsafe { free.write(Free { next }) };
                next = free;
            }
            self.small[index] = next;
        }
        let block = self.small[index];
        // SAFETY: a block on a free list holds its link.
        self.small[index] = unsafe { (*block).next };
        block.cast()
    }
}
