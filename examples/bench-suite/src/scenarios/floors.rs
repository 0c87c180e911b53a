//! Figures that other figures stand on: building events alone, reading the clock, and the
//! allocator under churn.

use std::hint::black_box;

use super::inputs::event;
use super::workload::Workload;

/// The events of `bus_publish` built and dropped, nothing published: the floor under it, and on each
/// target the part of its figure that is the loop's own `format!` and allocations, not the bus.
pub(super) struct BuildOnly(pub(super) u64);

impl Workload for BuildOnly {
    fn run(&mut self) -> Result<u64, String> {
        for i in 0..self.0 {
            black_box(event("bench.event", i));
        }
        Ok(self.0)
    }
}

/// `Instant::now()` alone: on wasm a WASI `clock_time_get` call into the host, the call a memory
/// append makes once per event, so the host's share of the other figures can be read off.
pub(super) struct ClockRead(pub(super) u64);

impl Workload for ClockRead {
    fn run(&mut self) -> Result<u64, String> {
        for _ in 0..self.0 {
            black_box(std::time::Instant::now());
        }
        Ok(self.0)
    }
}

/// 32 phases, each filling `.0` bytes with boxed slices of one size, the sizes going from 32 bytes
/// to 32 KiB and back in a fixed zigzag, each phase dropping the one before once it is filled: an
/// allocation a slice. Its peak is what the allocator keeps of memory freed by sizes no longer
/// asked for (at least twice `.0`: two phases live at once).
pub(super) struct HeapChurn(pub(super) usize);

impl Workload for HeapChurn {
    fn run(&mut self) -> Result<u64, String> {
        let mut allocations = 0;
        let mut previous: Vec<Box<[u8]>> = Vec::new();
        for phase in 0..32u32 {
            // Even phases climb from 32 bytes, odd ones come down from 32 KiB, ten doublings each.
            let step = if phase % 2 == 0 { phase } else { 32 - phase };
            let size = (32.0 * 2f64.powf(f64::from(step) * 10.0 / 31.0)) as usize;
            let count = self.0 / size;
            let blocks: Vec<Box<[u8]>> = (0..count)
                .map(|i| vec![i as u8; size].into_boxed_slice())
                .collect();
            allocations += count as u64;
            previous = black_box(blocks);
        }
        drop(previous);
        Ok(allocations)
    }
}
