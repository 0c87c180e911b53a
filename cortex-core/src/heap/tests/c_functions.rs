//! The C functions wasi-libc calls, held to C's promises: alignment, zeroing, kept bytes, errnos.

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
