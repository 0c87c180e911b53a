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

/// A heap on an arena of `capacity` pages, and a first block of `layout` from it (not null).
fn heap_holding(capacity: usize, layout: Layout) -> (Box<Heap<Arena>>, *mut u8) {
    let mut heap = heap(capacity);
    let block = heap.alloc(layout);
    assert!(
        !block.is_null(),
        "{layout:?} on a fresh heap of {capacity} pages"
    );
    (heap, block)
}

/// The page number of `block` in the heap's arena.
fn page_of(heap: &Heap<Arena>, block: *mut u8) -> usize {
    (block.addr() - heap.pages.memory.base()) / PAGE
}

/// Asserts that `block` starts page `page` of the heap's arena.
#[track_caller]
fn assert_page(heap: &Heap<Arena>, block: *mut u8, page: usize, why: &str) {
    assert_eq!(page_of(heap, block), page, "{why}");
}

/// Asserts that the heap's arena holds `pages` pages, page 0 among them.
#[track_caller]
fn assert_memory_pages(heap: &Heap<Arena>, pages: usize, why: &str) {
    assert_eq!(heap.pages.memory.pages, pages, "{why}");
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
    assert_page(&heap, four, 4, "pages 4-7 were free and are buddies");
    assert_memory_pages(&heap, grown, "the run came from freed pages, not new ones");
}

/// A block of three pages takes three: the memory grows by what the block needs past the pages
/// skipped to align it, and those serve the next blocks.
#[test]
fn a_large_block_takes_only_its_pages() {
    let three = layout(3 * PAGE, 8);
    let (mut heap, block) = heap_holding(64, three);
    assert_page(
        &heap,
        block,
        4,
        "runs of four pages start at multiples of four",
    );
    assert_memory_pages(&heap, 7, "pages 4-6, after page 0 and the skipped 1-3");
    let one = heap.alloc(layout(PAGE, 8));
    assert_page(&heap, one, 1, "a skipped page serves the next block");
    // SAFETY: live, allocated with `three`.
    unsafe { heap.dealloc(block, three) };
    heap.alloc(layout(2 * PAGE, 8));
    heap.alloc(layout(PAGE, 8));
    assert_memory_pages(&heap, 7, "the freed pages served both");
}

/// Shrinking a block of pages keeps it where it is and frees the pages it no longer needs.
#[test]
fn shrinking_a_large_block_frees_its_tail_in_place() {
    let four = layout(4 * PAGE, 8);
    let (mut heap, block) = heap_holding(64, four);
    let grown = heap.pages.memory.pages;
    // SAFETY: live, allocated with `four`; a smaller size with the same alignment is valid.
    let shrunk = unsafe { heap.realloc(block, four, PAGE + 1) };
    assert_eq!(shrunk, block);
    let next = heap.alloc(layout(2 * PAGE, 8));
    assert_eq!(page_of(&heap, next), page_of(&heap, block) + 2);
    assert_memory_pages(&heap, grown, "the freed tail served the next block");
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
    let small = layout(24, 8);
    let (mut heap, first) = heap_holding(8, small);
    let second = heap.alloc(small);
    assert_eq!(
        second.addr() - first.addr(),
        32,
        "24 bytes take a 32-byte block"
    );
    // SAFETY: live, allocated with `small`.
    unsafe { heap.dealloc(first, small) };
    assert_eq!(heap.alloc(small), first);
    assert_memory_pages(
        &heap,
        3,
        "one page of blocks and one of the span table besides page 0",
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
    assert_memory_pages(&heap, grown, "the memory did not grow for it");
}

/// When the memory cannot grow, an allocation is null, and memory freed later serves it.
#[test]
fn out_of_memory_is_null_until_memory_is_freed() {
    let big = layout(2 * PAGE, 8);
    let (mut heap, first) = heap_holding(5, big);
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

mod c_functions;
mod footprint;
