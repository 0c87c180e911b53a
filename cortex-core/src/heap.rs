//! The allocator of cortex's wasm modules (feature `wasm-heap`), in place of wasi-libc's `malloc`.
//!
//! wasi-libc's dlmalloc is several KB of each module, and every allocation searches and splits its
//! bins. Here a request up to 32 KiB is rounded up to one of 40 sizes (`sizes.rs`) and served from a
//! 64 KiB page carved into blocks of that size (`small.rs`): an allocation pops a block off the page's
//! free list, a free pushes it back, and a page whose blocks are all free goes back to the pages (a
//! few stay carved as spares until the memory would grow). A larger request takes whole pages from
//! [`Pages`], a buddy allocator that joins a freed run with its free neighbour. Memory is never given
//! back to the host (wasm cannot shrink it), but freed pages serve any size.
//!
//! The logic is plain Rust over a [`Memory`], so the tests run it natively on an arena; `linear.rs`
//! puts it on wasm32's linear memory as the global allocator and as wasi-libc's `malloc`.

use std::alloc::Layout;
use std::ptr;

mod c_api;
mod pages;
mod sizes;
mod small;
pub(crate) use pages::Memory;
use pages::Pages;
use sizes::{class, plain_small, Block};
use small::Small;

#[cfg(all(target_arch = "wasm32", feature = "wasm-heap"))]
mod linear;
#[cfg(test)]
mod tests;

/// The allocator's state: the pages carved into small blocks, and the pages behind them.
pub(crate) struct Heap<M> {
    small: Small,
    pages: Pages<M>,
}

impl<M: Memory> Heap<M> {
    pub(crate) const fn new(memory: M) -> Self {
        Heap {
            small: Small::new(),
            pages: Pages::new(memory),
        }
    }

    /// A block for `layout`, aligned to it; null when memory cannot grow enough. `layout` is not
    /// zero-sized (`GlobalAlloc` never asks for one, and C's calls add their header).
    pub(crate) fn alloc(&mut self, layout: Layout) -> *mut u8 {
        if plain_small(layout) {
            return self.small.alloc(class(layout.size()), &mut self.pages);
        }
        match Block::of(layout) {
            Block::Small(class) => self.small.alloc(class, &mut self.pages),
            Block::Pages { count, level } => {
                if self.pages.must_grow(level) {
                    self.small.give_back_spares(&mut self.pages);
                }
                self.pages.alloc(count, level)
            }
            Block::Unavailable => ptr::null_mut(),
        }
    }

    /// Gives back a block from [`Heap::alloc`].
    ///
    /// # Safety
    /// `block` came from this heap's `alloc` (or `realloc`) with `layout`, and is not used after.
    pub(crate) unsafe fn dealloc(&mut self, block: *mut u8, layout: Layout) {
        let class = if plain_small(layout) {
            class(layout.size())
        } else {
            match Block::of(layout) {
                Block::Small(class) => class,
                // SAFETY: the caller's promise, passed on.
                Block::Pages { count, .. } => return unsafe { self.pages.free(block, count) },
                Block::Unavailable => return,
            }
        };
        // SAFETY: the caller's promise: a small block of this class.
        unsafe { self.small.free(block, class, &mut self.pages) }
    }

    /// `block` with room for `size` bytes: the same block when the size keeps its class or needs
    /// fewer of its pages (the rest are freed), else a new one holding its bytes (and the old one
    /// freed); null, with `block` untouched, when out of memory.
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
        if plain_small(layout) && plain_small(wanted) {
            if class(layout.size()) == class(size) {
                return block;
            }
        } else {
            match (Block::of(layout), Block::of(wanted)) {
                (old, new) if old == new => return block,
                (Block::Pages { count: had, .. }, Block::Pages { count: keep, .. })
                    if keep < had =>
                {
                    // SAFETY: the caller's promise: the pages past `keep` are ours to give back.
                    unsafe { self.pages.trim(block, keep, had) };
                    return block;
                }
                _ => {}
            }
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
}
