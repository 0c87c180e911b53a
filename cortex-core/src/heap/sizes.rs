//! Which block a layout gets: one of 40 sizes up to 32 KiB, or a number of whole pages.
//!
//! The sizes go in 16-byte steps to 128 bytes, then four steps to each doubling (160, 192, 224, 256,
//! 320, …, 32 KiB), so a block is never more than a quarter larger than asked for past 128 bytes.
//! Powers of two were a third simpler, but up to twice the bytes: a B-tree node of 584 bytes took
//! 1,024, and the graph scenarios of `cargo xtask bench` used 1.8 times the memory of wasi-libc's.

use std::alloc::Layout;

use super::pages::PAGE_SHIFT;

/// The smallest block, 16 bytes: room for a free-list link, and the alignment C's `malloc` promises.
pub(super) const MIN: usize = 16;
/// The largest block a free list holds; anything larger takes whole pages.
pub(super) const SMALL_MAX: usize = 32 * 1024;
/// How many sizes the free lists hold: eight up to 128 bytes, four for each doubling to 32 KiB.
pub(super) const CLASSES: usize = 8 + 4 * 8;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Block {
    /// A block from the free list of this size class.
    Small(usize),
    /// `count` whole pages, at a page number that is a multiple of 2^`level` (`count` <= 2^`level`).
    Pages { count: usize, level: u32 },
    /// More than the address space holds.
    Unavailable,
}

impl Block {
    #[inline]
    pub(super) fn of(layout: Layout) -> Block {
        let align = layout.align();
        let mut size = layout.size().max(MIN);
        if align > MIN {
            // Only a power-of-two block is aligned past 16 bytes: each lies at a multiple of its size.
            match size.max(align).checked_next_power_of_two() {
                Some(power) => size = power,
                None => return Block::Unavailable,
            }
        }
        if size <= SMALL_MAX {
            return Block::Small(class(size));
        }
        let count = size.div_ceil(1 << PAGE_SHIFT);
        let level = match count.checked_next_power_of_two() {
            Some(power) => power.trailing_zeros(),
            None => return Block::Unavailable,
        };
        Block::Pages {
            count,
            level: level.max(align.trailing_zeros().saturating_sub(PAGE_SHIFT)),
        }
    }
}

/// Whether `layout` is the common case: a small block at most 16-byte aligned, whose class comes
/// from its size alone ([`class`]) without [`Block::of`].
#[inline(always)]
pub(super) fn plain_small(layout: Layout) -> bool {
    layout.size() <= SMALL_MAX && layout.align() <= MIN
}

/// The class of a block of `size` bytes (1 to `SMALL_MAX`: Rust never allocates 0 bytes from a
/// global allocator, and C's calls ask for their header too): the smallest class that holds it.
#[inline(always)]
pub(super) fn class(size: usize) -> usize {
    if size <= 128 {
        return (size - 1) / 16;
    }
    // `size` is in (2^(shift-1), 2^shift]; the class is the quarter of that range it reaches into.
    let shift = usize::BITS - (size - 1).leading_zeros();
    let quarter = ((size - 1) >> (shift - 3)) - 4;
    8 + 4 * (shift as usize - 8) + quarter
}

/// The bytes of a block of `class`.
pub(super) fn class_size(class: usize) -> usize {
    if class < 8 {
        return (class + 1) * 16;
    }
    let (doubling, quarter) = ((class - 8) / 4, (class - 8) % 4);
    (5 + quarter) << (doubling + 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oracle is the list of sizes written out from the rule: 16-byte steps to 128, then four
    /// steps to each doubling.
    #[test]
    fn every_size_gets_the_smallest_class_that_holds_it() {
        let mut sizes: Vec<usize> = (1..=8).map(|n| n * 16).collect();
        for shift in 8..=15 {
            let step = 1 << (shift - 3);
            sizes.extend((5..=8).map(|n| n * step));
        }
        assert_eq!(sizes.len(), CLASSES);
        assert_eq!(sizes.last(), Some(&SMALL_MAX));
        for (index, &size) in sizes.iter().enumerate() {
            assert_eq!(class_size(index), size);
        }
        for size in MIN..=SMALL_MAX {
            let expected = sizes.iter().position(|&s| s >= size).expect("a class");
            assert_eq!(class(size), expected, "{size} bytes");
        }
    }

    #[test]
    fn alignments_past_16_take_power_of_two_blocks_and_large_ones_take_pages() {
        let of = |size, align| Block::of(Layout::from_size_align(size, align).expect("a layout"));
        assert_eq!(of(1, 1), Block::Small(0));
        assert_eq!(of(130, 8), Block::Small(class(160)));
        assert_eq!(of(130, 64), Block::Small(class(256)));
        assert_eq!(of(40_000, 8), Block::Pages { count: 1, level: 0 });
        assert_eq!(of(3 << 16, 8), Block::Pages { count: 3, level: 2 });
        assert_eq!(of(1 << 16, 1 << 18), Block::Pages { count: 4, level: 2 });
        assert_eq!(
            of(5 << 16, 1 << 20),
            Block::Pages {
                count: 16,
                level: 4
            }
        );
    }
}
