//! How much memory the heap holds under churn, against the most the workload itself held live.
//!
//! Each workload keeps its own oracle: the blocks it holds, the bytes they ask for, and the most
//! those came to at once. Every block is filled with a tag of its own and checked before it is
//! freed, so a heap that hands out memory twice fails here too. Wasm memory never shrinks, so the
//! figure that matters is the memory's size at the end: the most it ever grew to.

use std::alloc::Layout;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::super::sizes::{class_size, CLASSES};
use super::{heap, Arena, Heap, PAGE};

/// A seeded xorshift64*: the same workload on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() % (high - low + 1) as u64) as usize
    }
}

/// A live block, the tag its bytes hold, and its layout.
struct Held {
    block: *mut u8,
    layout: Layout,
    tag: u8,
}

/// The workload's side: the heap, the blocks held, and the bytes they ask for now and at most.
struct Churn {
    heap: Box<Heap<Arena>>,
    live: usize,
    peak_live: usize,
    allocations: u64,
}

/// What a workload came to: the memory's size at the end and the most bytes held at once.
#[derive(Debug)]
struct Footprint {
    memory: usize,
    peak_live: usize,
}

impl Footprint {
    fn ratio(&self) -> f64 {
        self.memory as f64 / self.peak_live as f64
    }
}

impl Churn {
    /// A heap over an arena of 16 Ki pages (1 GiB of address space, touched only as it is used).
    fn new() -> Self {
        Churn {
            heap: heap(16 * 1024),
            live: 0,
            peak_live: 0,
            allocations: 0,
        }
    }

    /// Allocates `size` bytes and fills them with a tag of their own.
    fn alloc(&mut self, size: usize) -> Held {
        let layout = Layout::from_size_align(size, 8).expect("a layout");
        let block = self.heap.alloc(layout);
        assert!(
            !block.is_null(),
            "{size} bytes refused with {} live in {} bytes of memory",
            self.live,
            self.memory()
        );
        self.allocations += 1;
        let tag = (self.allocations % 251) as u8 + 1;
        // SAFETY: the block is fresh and holds `size` bytes.
        unsafe { block.write_bytes(tag, size) };
        self.live += size;
        self.peak_live = self.peak_live.max(self.live);
        Held { block, layout, tag }
    }

    /// Frees a block after checking it kept its tag.
    fn release(&mut self, Held { block, layout, tag }: Held) {
        // SAFETY: the block is live and holds `layout.size()` bytes.
        let bytes = unsafe { std::slice::from_raw_parts(block, layout.size()) };
        // Every byte equal to the next (one `memcmp`) and the first the tag: all of them are.
        assert!(
            bytes[0] == tag && bytes[1..] == bytes[..bytes.len() - 1],
            "a block of {} bytes lost its tag {tag}",
            layout.size()
        );
        // SAFETY: live until now, allocated with `layout`.
        unsafe { self.heap.dealloc(block, layout) };
        self.live -= layout.size();
    }

    /// Frees random blocks of `held` until the live bytes are at most `limit`.
    fn free_down_to(&mut self, held: &mut Vec<Held>, limit: usize, rng: &mut Rng) {
        while self.live > limit {
            let index = rng.next() as usize % held.len();
            self.release(held.swap_remove(index));
        }
    }

    fn memory(&self) -> usize {
        self.heap.pages.memory.pages * PAGE
    }

    /// Frees what is still held and says what the workload came to.
    fn footprint(mut self, held: impl IntoIterator<Item = Held>) -> Footprint {
        for block in held {
            self.release(block);
        }
        Footprint {
            memory: self.memory(),
            peak_live: self.peak_live,
        }
    }
}

/// 40 phases, one for each size class in a shuffled order: each fills `volume` bytes with blocks of
/// its class, then frees every block of the phase before in a shuffled order.
fn phases_of_one_class(volume: usize) -> Footprint {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut order: Vec<usize> = (0..CLASSES).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.between(0, i));
    }
    let mut churn = Churn::new();
    let mut previous = Vec::new();
    for class in order {
        let size = class_size(class);
        let phase: Vec<Held> = (0..volume / size).map(|_| churn.alloc(size)).collect();
        while !previous.is_empty() {
            let index = rng.between(0, previous.len() - 1);
            churn.release(previous.swap_remove(index));
        }
        previous = phase;
    }
    churn.footprint(previous)
}

/// Which blocks a workload frees to stay at its live volume.
#[derive(Clone, Copy)]
enum Eviction {
    /// Each block lives about as long as the others: the oldest goes first, give or take `jitter`
    /// allocations (a queue, a window of recent records).
    Aged { jitter: u64 },
    /// Any block is as likely to go as any other, however old.
    Random,
}

/// `steps` allocations whose typical size drifts from 16 bytes to 4 KiB (geometrically, each within
/// a quarter of it either way), blocks freed by `eviction` to keep `volume` bytes live.
fn drifting_size(volume: usize, steps: u32, eviction: Eviction) -> Footprint {
    let mut rng = Rng(0xd1b5_4a32_d192_ed03);
    let mut churn = Churn::new();
    let mut held = Vec::new();
    // By when each block is due to go, for `Aged`.
    let mut due = BinaryHeap::new();
    for step in 0..steps {
        let typical = 16.0 * 256f64.powf(f64::from(step) / f64::from(steps));
        let low = (typical * 0.75) as usize;
        let block = churn.alloc(rng.between(low.max(1), (typical * 1.25) as usize));
        match eviction {
            Eviction::Random => {
                held.push(block);
                churn.free_down_to(&mut held, volume, &mut rng);
            }
            Eviction::Aged { jitter } => {
                let at = u64::from(step) + rng.next() % (jitter + 1);
                due.push(Due(Reverse(at), block));
                while churn.live > volume {
                    let Due(_, block) = due.pop().expect("a block held");
                    churn.release(block);
                }
            }
        }
    }
    churn.footprint(
        held.into_iter()
            .chain(due.into_iter().map(|Due(_, block)| block)),
    )
}

/// A held block and when it is due to go; ordered by that alone.
struct Due(Reverse<u64>, Held);

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

/// `steps` allocations of 1 byte to 2 MiB, uniformly, random blocks freed to keep `volume` live.
fn random_size(volume: usize, steps: u32) -> Footprint {
    let mut rng = Rng(0x6a09_e667_f3bc_c909);
    let mut churn = Churn::new();
    let mut held = Vec::new();
    for _ in 0..steps {
        held.push(churn.alloc(rng.between(1, 2 << 20)));
        churn.free_down_to(&mut held, volume, &mut rng);
    }
    churn.footprint(held)
}

/// What the memory holds besides blocks: page 0 (never the heap's) and the page of the span table.
const FIXED: usize = 2 * PAGE;

/// Asserts the memory at most `times` the peak live bytes plus [`FIXED`], and prints both.
fn assert_within(name: &str, footprint: Footprint, times: f64) {
    eprintln!("{name}: {footprint:?}, {:.2} times", footprint.ratio());
    assert!(
        footprint.memory as f64 <= times * footprint.peak_live as f64 + FIXED as f64,
        "{name}: {footprint:?}, {:.2} times the peak live bytes, more than {times}",
        footprint.ratio()
    );
}

#[test]
fn phases_of_one_class_each_hold_at_most_twice_the_peak_live_bytes() {
    assert_within("phases of one class", phases_of_one_class(4 << 20), 2.0);
}

/// Blocks that live about as long as each other, the oldest freed first give or take 10,000
/// allocations: a page of a size no longer asked for empties and serves the sizes that are.
#[test]
fn a_drifting_size_holds_at_most_twice_the_peak_live_bytes() {
    let eviction = Eviction::Aged { jitter: 10_000 };
    assert_within(
        "drifting size",
        drifting_size(4 << 20, 400_000, eviction),
        2.0,
    );
}

/// Blocks freed at random, whatever their age: a page stays while any one of its blocks does, and
/// the last of a page's thousands of 16- or 32-byte blocks outlives the sizes around it by far, so
/// pages of sizes no longer asked for stay. 4.07 times measured (10.3 before pages were given
/// back); the bound guards that figure, it is no promise of the design.
#[test]
fn a_drifting_size_freed_at_random_holds_at_most_four_and_a_half_times_the_peak_live_bytes() {
    assert_within(
        "drifting size, random frees",
        drifting_size(4 << 20, 400_000, Eviction::Random),
        4.5,
    );
}

/// Large blocks take exactly their pages (the tail of a run is freed), so what is lost is the
/// buddy allocator's: a block of n pages needs a free run of the next power of two, aligned to it.
/// 1.98 times measured, flat from 4,000 allocations to 40,000; the bound guards that figure.
#[test]
fn random_sizes_to_2_mib_hold_at_most_two_and_a_half_times_the_peak_live_bytes() {
    assert_within("random sizes", random_size(32 << 20, 20_000), 2.5);
}
