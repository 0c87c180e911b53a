//! Publishing on the bus to a subscriber that never reads.

use std::hint::black_box;

use cortex_core::bus::{BackpressurePolicy, BusReceiver, EventBus};
use cortex_core::EventFilter;

use super::inputs::{err, event};
use super::workload::{Sizes, Workload};

/// `events` published with `try_publish` on a bus (capacity 256, DropNewest) whose one subscriber
/// to `*` is never read: the upstream scenario.
pub(super) struct BusPublish {
    events: u64,
    bus: EventBus,
    _receiver: BusReceiver,
}

impl BusPublish {
    pub(super) fn setup(sizes: &Sizes) -> Result<Box<dyn Workload>, String> {
        let (bus, receiver) = Self::fresh()?;
        Ok(Box::new(BusPublish {
            events: sizes.bus_events,
            bus,
            _receiver: receiver,
        }))
    }

    fn fresh() -> Result<(EventBus, BusReceiver), String> {
        let bus = EventBus::new(256, BackpressurePolicy::DropNewest);
        let filter = EventFilter {
            kinds: vec!["*".to_owned()],
            ..EventFilter::default()
        };
        let receiver = bus.subscribe(filter).map_err(err)?;
        Ok((bus, receiver))
    }
}

impl Workload for BusPublish {
    fn prepare(&mut self) -> Result<(), String> {
        (self.bus, self._receiver) = Self::fresh()?;
        Ok(())
    }

    fn run(&mut self) -> Result<u64, String> {
        for i in 0..self.events {
            black_box(self.bus.try_publish(event("bench.event", i))).map_err(err)?;
        }
        Ok(self.events)
    }
}
