//! Whole pages of 64 KiB for blocks over 32 KiB: a binary buddy allocator over the memory's pages.
//!
//! A block of n pages is the first n of a run of 2^k >= n; the rest of the run is freed at once, so
//! a block wastes less than a page.
//!
//! A run of level k starts at a page number that is a multiple of 2^k, and its buddy is the run that
//! number differs from in bit k alone. Freeing a run joins it with its buddy while that is free and
//! of the same level, so the pages a grown-and-freed `Vec` leaves behind serve a larger block later.
//! A free run keeps its list links in its own first bytes; `free_at` marks where free runs start,
//! which is all a join needs to know about its buddy.

use std::ptr;

/// Pages are 64 KiB, wasm's own page size.
pub(crate) const PAGE_SHIFT: u32 = 16;
/// The largest run: 2^15 pages, 2 GiB.
const MAX_LEVEL: u32 = 15;
/// The pages a 32-bit address space holds.
pub(super) const MAX_PAGES: usize = 1 << 16;

/// Memory that grows by pages at its end: wasm32's linear memory, or an arena in the tests.
pub(crate) trait Memory {
    /// The address of page 0.
    fn base(&self) -> usize;
    /// How many pages the memory has now. At least one: page 0 is never the heap's (on wasm it
    /// holds the stack), so a page number of 0 can mean "none".
    fn pages(&self) -> usize;
    /// Adds `count` pages at the end; false when the host refuses.
    fn grow(&mut self, count: usize) -> bool;
}

/// A free run's links to its neighbours on the list of its level, by page number (0: none).
struct Links {
    next: usize,
    prev: usize,
}

pub(crate) struct Pages<M> {
    pub(super) memory: M,
    /// The first free run of each level (0: none).
    heads: [usize; MAX_LEVEL as usize + 1],
    /// Per page: 1 + the level of the free run that starts there, or 0.
    free_at: [u8; MAX_PAGES],
}

impl<M: Memory> Pages<M> {
    pub(crate) const fn new(memory: M) -> Self {
        Pages {
            memory,
            heads: [0; MAX_LEVEL as usize + 1],
            free_at: [0; MAX_PAGES],
        }
    }

    /// The address of `count` pages at a page number that is a multiple of 2^level (`count` is at
    /// most 2^level); null when memory cannot grow. The pages of the run past `count` stay free.
    pub(crate) fn alloc(&mut self, count: usize, level: u32) -> *mut u8 {
        if level > MAX_LEVEL {
            return ptr::null_mut();
        }
        let Some(mut free) = (level..=MAX_LEVEL).find(|&l| self.heads[l as usize] != 0) else {
            return match self.grow(count, level) {
                Some(page) => self.address(page),
                None => ptr::null_mut(),
            };
        };
        let page = self.heads[free as usize];
        self.unlink(page, free);
        // Keep the lower half, give the upper halves back, until the run is the size asked for;
        // then give back what it holds past `count`.
        while free > level {
            free -= 1;
            self.push(page + (1 << free), free);
        }
        self.release_range(page + count, page + (1 << level));
        self.address(page)
    }

    /// Whether [`Pages::alloc`] at `level` would have to grow the memory: no free run is that large.
    pub(super) fn must_grow(&self, level: u32) -> bool {
        self.heads[level.min(MAX_LEVEL) as usize..]
            .iter()
            .all(|&head| head == 0)
    }

    /// Gives back `count` pages from [`Pages::alloc`], each joined with its free buddies.
    ///
    /// # Safety
    /// `run` came from `alloc(count, _)` (or was trimmed to `count` pages) and is not used after.
    pub(crate) unsafe fn free(&mut self, run: *mut u8, count: usize) {
        let page = self.page(run);
        self.release_range(page, page + count);
    }

    /// Gives back the pages of `run` past its first `keep`, of the `had` it holds.
    ///
    /// # Safety
    /// `run` holds `had` pages from [`Pages::alloc`], and those past `keep` are not used after.
    pub(crate) unsafe fn trim(&mut self, run: *mut u8, keep: usize, had: usize) {
        let page = self.page(run);
        self.release_range(page + keep, page + had);
    }

    /// The page number of an address in the memory.
    pub(super) fn page(&self, run: *mut u8) -> usize {
        (run.addr() - self.memory.base()) >> PAGE_SHIFT
    }

    /// Frees the pages from `page` to `end` as the largest aligned runs that fit.
    fn release_range(&mut self, mut page: usize, end: usize) {
        while page < end {
            let mut level = page.trailing_zeros().min(MAX_LEVEL);
            while page + (1 << level) > end {
                level -= 1;
            }
            self.release(page, level);
            page += 1 << level;
        }
    }

    fn release(&mut self, mut page: usize, mut level: u32) {
        while level < MAX_LEVEL {
            let buddy = page ^ (1 << level);
            if usize::from(self.free_at[buddy]) != level as usize + 1 {
                break;
            }
            self.unlink(buddy, level);
            page &= !(1 << level);
            level += 1;
        }
        self.push(page, level);
    }

    /// `count` pages past the memory's end, from a page number that is a multiple of 2^level. The
    /// pages skipped to align it become free runs.
    fn grow(&mut self, count: usize, level: u32) -> Option<usize> {
        let top = self.memory.pages();
        let start = top.checked_next_multiple_of(1 << level)?;
        let end = start + count;
        if end > MAX_PAGES || !self.memory.grow(end - top) {
            return None;
        }
        self.release_range(top, start);
        Some(start)
    }

    /// The address of a page.
    pub(super) fn address(&self, page: usize) -> *mut u8 {
        // The memory is the allocator's own, reached by address: on wasm from `memory.grow`.
        ptr::with_exposed_provenance_mut(self.memory.base() + (page << PAGE_SHIFT))
    }

    fn links(&self, page: usize) -> *mut Links {
        self.address(page).cast()
    }

    fn push(&mut self, page: usize, level: u32) {
        let head = self.heads[level as usize];
        // SAFETY: `page` starts a free run of ours; `head`, when not 0, is another.
        unsafe {
            self.links(page).write(Links {
                next: head,
                prev: 0,
            });
            if head != 0 {
                (*self.links(head)).prev = page;
            }
        }
        self.heads[level as usize] = page;
        self.free_at[page] = level as u8 + 1;
    }

    fn unlink(&mut self, page: usize, level: u32) {
        // SAFETY: `page` starts a free run on the list of `level`, and so do its linked neighbours.
        unsafe {
            let Links { next, prev } = self.links(page).read();
            if prev == 0 {
                self.heads[level as usize] = next;
            } else {
                (*self.links(prev)).next = next;
            }
            if next != 0 {
                (*self.links(next)).prev = prev;
            }
        }
        self.free_at[page] = 0;
    }
}
