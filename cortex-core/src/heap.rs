//! The allocator of cortex's wasm modules (feature `wasm-heap`), in place of wasi-libc's `malloc`.
//!
//! wasi-libc's dlmalloc is several KB of each module, and every allocation searches and splits its
//! bins. Here a request up to 32 KiB is rounded up to one of 40 sizes (`sizes.rs`) and served from the
//! free list of that size, whose blocks are carved from 64 KiB pages: an allocation is a pop, a free a
//! push. A larger request takes whole pages from [`Pages`], a buddy allocator that joins a freed run
//! with its free neighbour. Memory is never given back: wasm cannot shrink it.
//!
//! The logic is plain Rust over a [`Memory`], so the tests run it natively on an arena; `linear.rs`
//! puts it on wasm32's linear memory as the global allocator and as wasi-libc's `malloc`.

use std::alloc::Layout;
use std::ptr;

mod c_api;
mod pages;
mod sizes;
use pages::Pages;
pub(crate) use pages::{Memory, PAGE_SHIFT};
use sizes::{class, class_size, plain_small, Block, CLASSES};

#[cfg(all(target_arch = "wasm32", feature = "wasm-heap"))]
mod linear;
#[cfg(test)]
mod tests;

/// A free small block: the link to the next free block of its size.
struct Free {
    next: *mut Free,
}

/// The allocator's state: the small free lists and the pages behind them.
pub(crate) struct Heap<M> {
    small: [*mut Free; CLASSES],
    pages: Pages<M>,
}

impl<M: Memory> Heap<M> {
    pub(crate) const fn new(memory: M) -> Self {
        Heap {
            small: [ptr::null_mut(); CLASSES],
            pages: Pages::new(memory),
        }
    }

    /// A block for `layout`, aligned to it; null when memory cannot grow enough. `layout` is not
    /// zero-sized (`GlobalAlloc` never asks for one, and C's calls add their header).
    pub(crate) fn alloc(&mut self, layout: Layout) -> *mut u8 {
        if plain_small(layout) {
            return self.small(class(layout.size()));
        }
        match Block::of(layout) {
            Block::Small(class) => self.small(class),
            Block::Pages { count, level } => self.pages.alloc(count, level),
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
        let free = block.cast::<Free>();
        // SAFETY: the block is ours again, at least 16 bytes and 16-byte aligned.
        unsafe {
            free.write(Free {
                next: self.small[class],
            })
        };
        self.small[class] = free;
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

    /// The first free block of a class, carving a new page into blocks of it when there is none.
    fn small(&mut self, class: usize) -> *mut u8 {
        let block = self.small[class];
        if block.is_null() {
            return self.carve(class);
        }
        // SAFETY: a block on a free list holds its link.
        self.small[class] = unsafe { (*block).next };
        block.cast()
    }

    /// Carves a fresh page into blocks of `class`, lists all but the first and returns that one.
    #[cold]
    fn carve(&mut self, class: usize) -> *mut u8 {
        let page = self.pages.alloc(1, 0);
        if page.is_null() {
            return page;
        }
        let size = class_size(class);
        // Linked from the page's start, so blocks are handed out in address order; a block at a
        // multiple of its size is aligned to the largest power of two that divides it.
        let mut next = ptr::null_mut();
        for block in (1..(1usize << PAGE_SHIFT) / size).rev() {
            // SAFETY: the block lies inside the fresh page.
            let free = unsafe { page.add(block * size) }.cast::<Free>();
            // SAFETY: the page is ours and unused; the block is 16-byte aligned at least.
            unsafe { free.write(Free { next }) };
            next = free;
        }
        self.small[class] = next;
        page
    }
}
