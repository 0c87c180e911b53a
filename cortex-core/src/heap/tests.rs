//! The heap on an arena: every block aligned, inside the memory, apart from every other live block
//! and keeping its bytes; freed runs joined with their buddies; out of memory as null, not a panic.

use std::alloc::Layout;
use std::collections::BTreeMap;

use proptest::prelude::*;

use super::pages::PAGE_SHIFT;
use super::{Heap, Memory};

const PAGE: usize = 1 << PAGE_SHIFT;

/// An arena of `capacity` pages, aligned to a page, that starts with one page in use (page 0 is never
/// the heap's, as on wasm).
struct Arena {
    start: *mut u8,
    capacity: usize,
    pages: usize,
}

impl Arena {
    fn new(capacity: usize) -> Self {
        let layout = Self::layout(capacity);
        // SAFETY: the layout is not zero-sized.
        let start = unsafe { std::alloc::alloc(layout) };
        assert!(!start.is_null(), "the test arena could not be allocated");
        Arena {
            start,
            capacity,
            pages: 1,
        }
    }

    fn layout(capacity: usize) -> Layout {
        Layout::from_size_align(capacity * PAGE, PAGE).expect("an arena layout")
    }

    /// Where the heap may hand out blocks: past page 0, before the memory's end.
    fn heap_range(&self) -> std::ops::Range<usize> {
        self.base() + PAGE..self.base() + self.pages * PAGE
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { std::alloc::dealloc(self.start, Self::layout(self.capacity)) };
    }
}

impl Memory for Arena {
    fn base(&self) -> usize {
        self.start.expose_provenance()
    }

    fn pages(&self) -> usize {
        self.pages
    }

    fn grow(&mut self, count: usize) -> bool {
        if self.pages + count > self.capacity {
            return false;
        }
        self.pages += count;
        true
    }
}

fn heap(capacity: usize) -> Box<Heap<Arena>> {
    Box::new(Heap::new(Arena::new(capacity)))
}

/// The page number of `block` in the heap's arena.
fn page_of(heap: &Heap<Arena>, block: *mut u8) -> usize {
    (block.addr() - heap.pages.memory.base()) / PAGE
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).expect("a test layout")
}

/// The model: each live block's address, layout and the byte it was filled with.
#[derive(Default)]
struct Live {
    blocks: BTreeMap<usize, (Layout, u8)>,
}

impl Live {
    /// Checks a fresh block against the memory and every live block, then fills it.
    fn add(&mut self, heap: &Heap<Arena>, block: *mut u8, layout: Layout, fill: u8) {
        let at = block.addr();
        assert_eq!(
            at % layout.align(),
            0,
            "{layout:?} at {at:#x} is not aligned"
        );
        let range = heap.pages.memory.heap_range();
        assert!(
            range.start <= at && at + layout.size() <= range.end,
            "{layout:?} at {at:#x} is outside the heap {range:x?}"
        );
        if let Some((&before, &(other, _))) = self.blocks.range(..=at).next_back() {
            assert!(
                before + other.size() <= at,
                "{layout:?} at {at:#x} overlaps the block at {before:#x}"
            );
        }
        if let Some((&after, _)) = self.blocks.range(at..).next() {
            assert!(
                at + layout.size() <= after,
                "{layout:?} at {at:#x} overlaps the block at {after:#x}"
            );
        }
        // SAFETY: the block is live and holds `layout.size()` bytes.
        unsafe { block.write_bytes(fill, layout.size()) };
        self.blocks.insert(at, (layout, fill));
    }

    /// Takes a block out of the model after checking it still holds its fill.
    fn take(&mut self, at: usize) -> (*mut u8, Layout) {
        let (layout, fill) = self.blocks.remove(&at).expect("a live block");
        let block = std::ptr::with_exposed_provenance_mut::<u8>(at);
        // SAFETY: the block is live and holds `layout.size()` bytes.
        let bytes = unsafe { std::slice::from_raw_parts(block, layout.size()) };
        assert!(
            bytes.iter().all(|&b| b == fill),
            "the block at {at:#x} lost its bytes"
        );
        (block, layout)
    }
}

#[derive(Debug, Clone)]
enum Op {
    Alloc { size: usize, align_shift: u32 },
    Free(usize),
    Realloc(usize, usize),
}

fn size() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 1usize..64, 3 => 64usize..4096, 2 => 4096usize..40_000, 1 => 40_000usize..600_000]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (size(), 0u32..13).prop_map(|(size, align_shift)| Op::Alloc { size, align_shift }),
        3 => any::<usize>().prop_map(Op::Free),
        2 => (any::<usize>(), size()).prop_map(|(pick, size)| Op::Realloc(pick, size)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The oracle is the model of live blocks: none may overlap another or lose a byte.
    #[test]
    fn live_blocks_stay_aligned_apart_and_intact(ops in prop::collection::vec(op(), 1..300)) {
        let mut heap = heap(512);
        let mut live = Live::default();
        for (step, op) in ops.into_iter().enumerate() {
            let fill = step as u8 | 1;
            match op {
                Op::Alloc { size, align_shift } => {
                    let layout = layout(size, 1 << align_shift);
                    let block = heap.alloc(layout);
                    prop_assert!(!block.is_null(), "{layout:?} refused with room to spare");
                    live.add(&heap, block, layout, fill);
                }
                Op::Free(pick) if !live.blocks.is_empty() => {
                    let at = *live.blocks.keys().nth(pick % live.blocks.len()).expect("a pick");
                    let (block, layout) = live.take(at);
                    // SAFETY: live until now, with this layout.
                    unsafe { heap.dealloc(block, layout) };
                }
                Op::Realloc(pick, size) if !live.blocks.is_empty() => {
                    let at = *live.blocks.keys().nth(pick % live.blocks.len()).expect("a pick");
                    let (_, old_fill) = live.blocks[&at];
                    let (block, layout) = live.take(at);
                    // SAFETY: live until now, with this layout; the new size keeps it valid.
                    let moved = unsafe { heap.realloc(block, layout, size) };
                    prop_assert!(!moved.is_null());
                    // SAFETY: the block holds at least the kept bytes.
                    let kept = unsafe { std::slice::from_raw_parts(moved, layout.size().min(size)) };
                    prop_assert!(kept.iter().all(|&b| b == old_fill), "realloc lost bytes");
                    live.add(&heap, moved, self::layout(size, layout.align()), fill);
                }
                _ => {}
            }
        }
    }
}

/// Four single pages freed one by one come back as one run of four: the oracle is the buddy layout
/// worked out by hand (page 0 is the arena's own, so runs of one page go to pages 1, 2, 3, ...).
#[test]
fn freed_neighbours_join_into_a_larger_run() {
    let mut heap = heap(64);
    let one = layout(PAGE, PAGE);
    let singles: Vec<_> = (0..8).map(|_| heap.alloc(one)).collect();
    assert_eq!(
        singles
            .iter()
            .map(|&b| page_of(&heap, b))
            .collect::<Vec<_>>(),
        (1..9).collect::<Vec<_>>()
    );
    for &block in &singles[3..7] {
        // SAFETY: each is live, allocated with `one`.
        unsafe { heap.dealloc(block, one) };
    }
    let grown = heap.pages.memory.pages;
    let four = heap.alloc(layout(4 * PAGE, PAGE));
    assert_eq!(
        page_of(&heap, four),
        4,
        "pages 4-7 were free and are buddies"
    );
    assert_eq!(
        heap.pages.memory.pages, grown,
        "the run came from freed pages, not new ones"
    );
}

/// A block of three pages takes three: the memory grows by what the block needs past the pages
/// skipped to align it, and those serve the next blocks.
#[test]
fn a_large_block_takes_only_its_pages() {
    let mut heap = heap(64);
    let three = layout(3 * PAGE, 8);
    let block = heap.alloc(three);
    assert_eq!(
        page_of(&heap, block),
        4,
        "runs of four pages start at multiples of four"
    );
    assert_eq!(
        heap.pages.memory.pages, 7,
        "pages 4-6, after page 0 and the skipped 1-3"
    );
    let one = heap.alloc(layout(PAGE, 8));
    assert_eq!(
        page_of(&heap, one),
        1,
        "a skipped page serves the next block"
    );
    // SAFETY: live, allocated with `three`.
    unsafe { heap.dealloc(block, three) };
    heap.alloc(layout(2 * PAGE, 8));
    heap.alloc(layout(PAGE, 8));
    assert_eq!(heap.pages.memory.pages, 7, "the freed pages served both");
}

/// Shrinking a block of pages keeps it where it is and frees the pages it no longer needs.
#[test]
fn shrinking_a_large_block_frees_its_tail_in_place() {
    let mut heap = heap(64);
    let four = layout(4 * PAGE, 8);
    let block = heap.alloc(four);
    let grown = heap.pages.memory.pages;
    // SAFETY: live, allocated with `four`; a smaller size with the same alignment is valid.
    let shrunk = unsafe { heap.realloc(block, four, PAGE + 1) };
    assert_eq!(shrunk, block);
    let next = heap.alloc(layout(2 * PAGE, 8));
    assert_eq!(page_of(&heap, next), page_of(&heap, block) + 2);
    assert_eq!(
        heap.pages.memory.pages, grown,
        "the freed tail served the next block"
    );
}

/// Sizes past 128 bytes go up in quarters: the oracle is the rule, 600 bytes in a 640-byte block.
#[test]
fn blocks_are_at_most_a_quarter_larger_than_asked() {
    let mut heap = heap(8);
    let block = layout(600, 8);
    let (first, second) = (heap.alloc(block), heap.alloc(block));
    assert_eq!(second.addr() - first.addr(), 640);
}

/// Small blocks of one size come from one page until it is used up, and a freed block is the next
/// one handed out.
#[test]
fn small_blocks_share_a_page_and_are_reused() {
    let mut heap = heap(8);
    let small = layout(24, 8);
    let first = heap.alloc(small);
    let second = heap.alloc(small);
    assert_eq!(
        second.addr() - first.addr(),
        32,
        "24 bytes take a 32-byte block"
    );
    // SAFETY: live, allocated with `small`.
    unsafe { heap.dealloc(first, small) };
    assert_eq!(heap.alloc(small), first);
    assert_eq!(
        heap.pages.memory.pages, 3,
        "one page of blocks and one of the span table besides page 0"
    );
}

/// Pages whose small blocks are all free stay carved for their class while the memory has room,
/// and serve a large block rather than the memory growing for it.
#[test]
fn pages_of_free_small_blocks_serve_their_class_then_any_size() {
    let mut heap = heap(16);
    let small = layout(1024, 8);
    let blocks: Vec<_> = (0..2 * PAGE / 1024).map(|_| heap.alloc(small)).collect();
    let grown = heap.pages.memory.pages;
    assert_eq!(grown, 4, "two pages of blocks, the span table and page 0");
    let carved = [
        page_of(&heap, blocks[0]),
        page_of(&heap, blocks[PAGE / 1024]),
    ];
    for &block in &blocks {
        // SAFETY: each is live, allocated with `small`.
        unsafe { heap.dealloc(block, small) };
    }
    let again = heap.alloc(small);
    assert!(
        carved.contains(&page_of(&heap, again)),
        "a kept page serves its class"
    );
    // SAFETY: live, allocated with `small`.
    unsafe { heap.dealloc(again, small) };
    let one = heap.alloc(layout(PAGE, 8));
    assert!(
        carved.contains(&page_of(&heap, one)),
        "an emptied page serves a large block"
    );
    assert_eq!(
        heap.pages.memory.pages, grown,
        "the memory did not grow for it"
    );
}

/// When the memory cannot grow, an allocation is null, and memory freed later serves it.
#[test]
fn out_of_memory_is_null_until_memory_is_freed() {
    let mut heap = heap(5);
    let big = layout(2 * PAGE, 8);
    let first = heap.alloc(big);
    assert!(!first.is_null());
    let pages = heap.pages.memory.pages;
    assert!(
        heap.alloc(big).is_null(),
        "{pages} of 5 pages in use: no room for two more aligned"
    );
    assert!(heap.alloc(layout(usize::MAX / 4, 8)).is_null());
    // SAFETY: live, allocated with `big`.
    unsafe { heap.dealloc(first, big) };
    assert_eq!(heap.alloc(big), first);
}

/// C's functions, as wasi-libc calls them: the oracles are C's own promises (16-byte alignment,
/// zeroed `calloc`, bytes kept by `realloc`, the error numbers of `posix_memalign`).
mod c_functions {
    use std::ptr;

    use super::super::c_api::{EINVAL, ENOMEM};
    use super::*;

    fn bytes<'a>(start: *mut u8, len: usize) -> &'a [u8] {
        // SAFETY: the tests only read blocks they hold, within their length.
        unsafe { std::slice::from_raw_parts(start, len) }
    }

    #[test]
    fn malloc_gives_aligned_blocks_that_free_takes_back() {
        let mut heap = heap(16);
        let mut live = Vec::new();
        for (n, size) in [0usize, 1, 7, 16, 100, 5000, 70_000]
            .into_iter()
            .enumerate()
        {
            let start = heap.malloc(size);
            assert!(
                !start.is_null() && start.addr().is_multiple_of(16),
                "malloc({size})"
            );
            // SAFETY: the block holds `size` bytes.
            unsafe { start.write_bytes(n as u8 + 1, size) };
            live.push((start, size, n as u8 + 1));
        }
        for &(start, size, fill) in &live {
            assert!(
                bytes(start, size).iter().all(|&b| b == fill),
                "a block lost its bytes"
            );
        }
        for (start, ..) in live {
            // SAFETY: live, from `malloc`.
            unsafe { heap.free(start) };
        }
        // SAFETY: C allows freeing null.
        unsafe { heap.free(ptr::null_mut()) };
        let again = heap.malloc(100);
        assert!(!again.is_null());
    }

    #[test]
    fn calloc_zeroes_even_a_reused_block_and_refuses_an_overflowing_product() {
        let mut heap = heap(8);
        let dirty = heap.malloc(64);
        // SAFETY: the block holds 64 bytes; freed once, not used after.
        unsafe {
            dirty.write_bytes(0xff, 64);
            heap.free(dirty);
        }
        let zeroed = heap.calloc(8, 8);
        assert_eq!(zeroed, dirty, "the freed block is the one reused");
        assert_eq!(bytes(zeroed, 64), [0; 64]);
        assert!(heap.calloc(usize::MAX, 2).is_null());
    }

    #[test]
    fn realloc_keeps_the_bytes_that_fit_and_takes_null_as_malloc() {
        let mut heap = heap(16);
        // SAFETY: null is C's "no block yet".
        let start = unsafe { heap.realloc_c(ptr::null_mut(), 10) };
        let pattern: Vec<u8> = (0..10).collect();
        // SAFETY: the block holds 10 bytes.
        unsafe { start.copy_from_nonoverlapping(pattern.as_ptr(), 10) };
        // SAFETY: live blocks from these functions, each given back by the call.
        let grown = unsafe { heap.realloc_c(start, 100_000) };
        assert_eq!(bytes(grown, 10), pattern);
        // SAFETY: as above.
        let shrunk = unsafe { heap.realloc_c(grown, 4) };
        assert_eq!(bytes(shrunk, 4), &pattern[..4]);
    }

    #[test]
    fn posix_memalign_and_aligned_alloc_align_or_refuse() {
        let mut heap = heap(64);
        for align in [8usize, 64, 4096, 1 << 16] {
            let mut out = ptr::null_mut();
            // SAFETY: `out` is writable.
            assert_eq!(unsafe { heap.posix_memalign(&mut out, align, 24) }, 0);
            assert_eq!(out.addr() % align, 0, "posix_memalign to {align}");
            let start = heap.aligned_alloc(align, 24);
            assert_eq!(start.addr() % align, 0, "aligned_alloc to {align}");
            // SAFETY: live blocks from these functions.
            unsafe {
                heap.free(out);
                heap.free(start);
            }
        }
        let mut out = ptr::null_mut();
        for align in [0, 3, 24, size_of::<usize>() / 2] {
            // SAFETY: `out` is writable.
            assert_eq!(
                unsafe { heap.posix_memalign(&mut out, align, 8) },
                EINVAL,
                "{align}"
            );
        }
        assert!(out.is_null(), "out is untouched on failure");
        // SAFETY: `out` is writable.
        assert_eq!(
            unsafe { heap.posix_memalign(&mut out, 16, 1 << 40) },
            ENOMEM
        );
        assert!(heap.aligned_alloc(48, 8).is_null());
    }
}

mod footprint;
