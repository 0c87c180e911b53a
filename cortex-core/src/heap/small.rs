//! Blocks up to 32 KiB, carved from pages of one size class each: every such page keeps its own free
//! list and a count of the blocks it has handed out, so a page whose blocks are all free again goes
//! back to [`Pages`] for any size to use, joined with its free buddies.
//!
//! What a page knows of itself (its [`Span`]) is kept in a table apart from it, so its blocks fill it
//! whole: a 32 KiB class still gets two blocks a page. The table takes pages of its own, one per
//! 4,096 pages (256 MiB) of memory, allocated when a page in their range is first carved.

use super::pages::{Memory, Pages, MAX_PAGES, PAGE_SHIFT};
use super::sizes::{class_size, CLASSES};

/// The offset of "no block": not a multiple of 16, so never a block's.
const NONE: u16 = u16::MAX;
/// How many empty pages are kept carved while the memory has room: a few classes' worth.
const SPARES: usize = 8;
/// How many spans a page of the table holds.
const SPANS_PER_PAGE: usize = (1 << PAGE_SHIFT) / size_of::<Span>();

/// A page carved into blocks of one class. Offsets are from the page's start; page numbers fit 16
/// bits in a 32-bit address space (`MAX_PAGES`).
///
/// A page is carved as it is used: blocks past `fresh` have never been handed out and hold nothing,
/// so carving a page writes its span alone, whatever the number of its blocks.
#[derive(Clone, Copy)]
#[repr(align(16))]
struct Span {
    /// The offset of the first freed block, whose first two bytes hold the next one's (`NONE`: none).
    free: u16,
    /// The offset of the first block never handed out (`NONE`: the page is carved to its end).
    fresh: u16,
    /// The size of its blocks.
    size: u16,
    /// How many of its blocks are handed out.
    live: u16,
    /// Its neighbours on the list of pages of its class that have a free block (0: none).
    next: u16,
    prev: u16,
    /// 1 while it is among the spares, so a page emptied again and again is listed once, at the
    /// cost of one load.
    spare: u16,
}

pub(super) struct Small {
    /// Per class, the first page on its list of pages with a free block (0: none).
    partial: [u16; CLASSES],
    /// The pages of the span table, by page number / `SPANS_PER_PAGE` (0: not allocated yet).
    tables: [u16; MAX_PAGES / SPANS_PER_PAGE],
    /// The pages last found empty and their classes, oldest first (page 0: none): kept carved in
    /// case their classes ask again soon.
    spares: [(u16, u8); SPARES],
}

impl Small {
    pub(super) const fn new() -> Self {
        Small {
            partial: [0; CLASSES],
            tables: [0; MAX_PAGES / SPANS_PER_PAGE],
            spares: [(0, 0); SPARES],
        }
    }

    /// A block of `class`: the first free one of the first page on its list, or the first of a page
    /// carved for it when the list is empty; null when memory cannot grow.
    #[inline]
    pub(super) fn alloc<M: Memory>(&mut self, class: usize, pages: &mut Pages<M>) -> *mut u8 {
        let page = usize::from(self.partial[class]);
        if page == 0 {
            return self.carve(class, pages);
        }
        let span = self.span(page, pages);
        // SAFETY: a page on a list is carved, with its span in the table and a free block whose
        // first bytes hold the next free offset.
        unsafe {
            let Span {
                free, fresh, size, ..
            } = *span;
            let block;
            if free != NONE {
                block = pages.address(page).add(usize::from(free));
                (*span).free = block.cast::<u16>().read();
            } else {
                block = pages.address(page).add(usize::from(fresh));
                (*span).fresh = next_fresh(fresh, size);
            }
            (*span).live += 1;
            if (*span).free == NONE && (*span).fresh == NONE {
                self.unlink(class, page, pages);
            }
            block
        }
    }

    /// Gives back a block of `class`. A page whose blocks are all free joins the spares; the oldest
    /// spare then goes back to `pages` if it is still empty. So a loop that grows a `Vec` through a
    /// few classes and drops it does not carve and release their pages each time, and at most
    /// `SPARES` pages are kept empty.
    ///
    /// # Safety
    /// `block` came from [`Small::alloc`] with this `class` and is not used after.
    #[inline]
    pub(super) unsafe fn free<M: Memory>(
        &mut self,
        block: *mut u8,
        class: usize,
        pages: &mut Pages<M>,
    ) {
        let page = pages.page(block);
        let span = self.span(page, pages);
        // SAFETY: the block's page is carved (the caller's promise), so its span is in the table;
        // the block is ours again, at least 16 bytes.
        unsafe {
            let was_full = (*span).free == NONE && (*span).fresh == NONE;
            block.cast::<u16>().write((*span).free);
            // The low 16 bits of an address are its offset in its page: the memory's base is a
            // page's.
            (*span).free = block.addr() as u16;
            (*span).live -= 1;
            if was_full {
                self.push(class, page, pages);
            } else if (*span).live == 0 {
                self.spare(class, page, pages);
            }
        }
    }

    /// Makes `page`, of `class` and empty, the newest spare, and gives back the oldest if it is
    /// still empty.
    #[inline]
    fn spare<M: Memory>(&mut self, class: usize, page: usize, pages: &mut Pages<M>) {
        let span = self.span(page, pages);
        // SAFETY: the page is carved (its block was just freed), so its span is in the table.
        unsafe {
            if (*span).spare != 0 {
                return;
            }
            (*span).spare = 1;
        }
        self.enlist(class, page, pages);
    }

    /// Puts `page` last among the spares and gives back the one it pushes out.
    #[cold]
    fn enlist<M: Memory>(&mut self, class: usize, page: usize, pages: &mut Pages<M>) {
        let newest = (page as u16, class as u8);
        let oldest = self.spares[0];
        self.spares.copy_within(1.., 0);
        self.spares[SPARES - 1] = newest;
        self.give_back(oldest, pages);
    }

    /// Gives back every spare still empty: called before the memory grows, so that no spare is
    /// kept at the price of a page more.
    #[cold]
    pub(super) fn give_back_spares<M: Memory>(&mut self, pages: &mut Pages<M>) {
        for spare in std::mem::replace(&mut self.spares, [(0, 0); SPARES]) {
            self.give_back(spare, pages);
        }
    }

    /// Gives a page leaving the spares back to `pages` if it is still empty.
    fn give_back<M: Memory>(&mut self, (page, class): (u16, u8), pages: &mut Pages<M>) {
        let page = usize::from(page);
        if page == 0 {
            return;
        }
        let span = self.span(page, pages);
        // SAFETY: pages are given back only here, as they leave the spares, so a spare is carved
        // for its class until then.
        unsafe { (*span).spare = 0 };
        if unsafe { (*span).live } == 0 {
            self.unlink(usize::from(class), page, pages);
            // SAFETY: no block of the page is handed out, and it is off its class's list.
            unsafe { pages.free(pages.address(page), 1) };
        }
    }

    /// Carves a fresh page into blocks of `class`, lists it and returns its first block.
    #[cold]
    fn carve<M: Memory>(&mut self, class: usize, pages: &mut Pages<M>) -> *mut u8 {
        if pages.must_grow(0) {
            self.give_back_spares(pages);
        }
        let start = pages.alloc(1, 0);
        if start.is_null() {
            return start;
        }
        let page = pages.page(start);
        let table = page / SPANS_PER_PAGE;
        if self.tables[table] == 0 {
            let spans = pages.alloc(1, 0);
            if spans.is_null() {
                // SAFETY: allocated above, not handed out.
                unsafe { pages.free(start, 1) };
                return spans;
            }
            self.tables[table] = pages.page(spans) as u16;
        }
        let size = class_size(class) as u16;
        // SAFETY: the table covering `page` is allocated above.
        unsafe {
            self.span(page, pages).write(Span {
                free: NONE,
                fresh: next_fresh(0, size),
                size,
                live: 1,
                next: 0,
                prev: 0,
                spare: 0,
            })
        };
        // Every class has at least two blocks a page, so the rest are free.
        self.push(class, page, pages);
        start
    }

    /// The span of `page`, in the table page that covers it (which must be allocated).
    fn span<M: Memory>(&self, page: usize, pages: &Pages<M>) -> *mut Span {
        let table = pages.address(usize::from(self.tables[page / SPANS_PER_PAGE]));
        table.cast::<Span>().wrapping_add(page % SPANS_PER_PAGE)
    }

    fn push<M: Memory>(&mut self, class: usize, page: usize, pages: &Pages<M>) {
        let head = self.partial[class];
        // SAFETY: `page` and `head` (when not 0) are carved, their spans in the table.
        unsafe {
            let span = self.span(page, pages);
            (*span).next = head;
            (*span).prev = 0;
            if head != 0 {
                (*self.span(usize::from(head), pages)).prev = page as u16;
            }
        }
        self.partial[class] = page as u16;
    }

    fn unlink<M: Memory>(&mut self, class: usize, page: usize, pages: &Pages<M>) {
        // SAFETY: `page` is on the list of `class`, and so are its linked neighbours.
        unsafe {
            let Span { next, prev, .. } = self.span(page, pages).read();
            if prev == 0 {
                self.partial[class] = next;
            } else {
                (*self.span(usize::from(prev), pages)).next = next;
            }
            if next != 0 {
                (*self.span(usize::from(next), pages)).prev = prev;
            }
        }
    }
}

/// The offset of the block after the one at `offset`, or `NONE` past the page's last block. Blocks
/// lie at multiples of their size from the page's start, so a block at a multiple of its size is
/// aligned to the largest power of two that divides it.
fn next_fresh(offset: u16, size: u16) -> u16 {
    let next = usize::from(offset) + 2 * usize::from(size);
    if next > 1 << PAGE_SHIFT {
        NONE
    } else {
        offset + size
    }
}
