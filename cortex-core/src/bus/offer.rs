//! Routing one event to the subscribers' queues, each applying its own backpressure policy.

use std::collections::VecDeque;
use std::task::Waker;

use super::{BackpressurePolicy, BusStats, State, SubscriberStats};
use crate::error::{Error, Result};
use crate::event::{EventFilter, NewEvent};

/// One subscriber's queue and what decides what goes in it.
#[derive(Debug)]
pub(super) struct Slot {
    pub(super) id: u64,
    pub(super) filter: EventFilter,
    pub(super) policy: BackpressurePolicy,
    /// How many more events this subscriber takes (from `filter.limit`); `None` is unlimited.
    pub(super) wants: Option<usize>,
    pub(super) queue: VecDeque<NewEvent>,
    pub(super) stats: SubscriberStats,
    /// Under `Sample(n)`: events met by a full queue since the last one kept.
    pub(super) full_streak: u32,
    /// The receiver's task, parked on an empty queue; taken and woken when an event arrives or the bus closes.
    pub(super) waker: Option<Waker>,
}

/// The outcome of offering an event to the current subscribers.
pub(super) enum Offer {
    Accepted,
    /// A full matching queue whose policy is `Block`: the event is handed back to wait with.
    MustWait(NewEvent),
}

impl Slot {
    pub(super) fn new(id: u64, filter: EventFilter, policy: BackpressurePolicy) -> Self {
        Slot {
            id,
            wants: filter.limit,
            filter,
            policy,
            queue: VecDeque::new(),
            stats: SubscriberStats::default(),
            full_streak: 0,
            waker: None,
        }
    }

    fn accepts(&self, event: &NewEvent) -> bool {
        self.wants != Some(0)
            && self
                .filter
                .matches_kind_and_source(&event.kind, &event.source)
    }

    pub(super) fn wake(&mut self) {
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }

    /// Puts `event` in the queue as this subscriber's policy says; `Block` and `Error` never get
    /// here with a full queue (`State::offer` settles them first).
    fn deliver(&mut self, event: NewEvent, capacity: usize, bus: &mut BusStats) {
        let full = self.queue.len() >= capacity;
        match self.policy {
            BackpressurePolicy::Coalesce => {
                let same_key = self
                    .queue
                    .iter_mut()
                    .find(|q| q.kind == event.kind && q.source == event.source);
                if let Some(queued) = same_key {
                    *queued = event;
                    self.stats.coalesced += 1;
                    bus.coalesced += 1;
                    self.queued();
                    return;
                }
            }
            BackpressurePolicy::Sample(n) if full => {
                self.full_streak += 1;
                if self.full_streak < n.max(1) {
                    self.stats.sampled_out += 1;
                    bus.sampled_out += 1;
                    return;
                }
                self.full_streak = 0;
            }
            BackpressurePolicy::DropNewest if full => {
                self.stats.dropped_newest += 1;
                bus.dropped_newest += 1;
                return;
            }
            _ => {}
        }
        if full {
            self.queue.pop_front();
            self.stats.dropped_oldest += 1;
            bus.dropped_oldest += 1;
        }
        self.queue.push_back(event);
        self.queued();
    }

    fn queued(&mut self) {
        self.stats.queued += 1;
        if let Some(wants) = self.wants.as_mut() {
            *wants -= 1;
        }
        self.wake();
    }
}

impl State {
    /// Offers `event` to every subscriber whose filter matches. A full matching queue under `Error`
    /// rejects it for everyone; else one under `Block` hands it back to wait; else each matching
    /// queue takes it (or not) by its own policy.
    pub(super) fn offer(&mut self, event: NewEvent, capacity: usize) -> Result<Offer> {
        if self.closed {
            return Err(Error::Closed);
        }
        let mut must_wait = false;
        for slot in &self.subscribers {
            if slot.accepts(&event) && slot.queue.len() >= capacity {
                match slot.policy {
                    BackpressurePolicy::Error => {
                        self.stats.rejected += 1;
                        return Err(Error::Full { capacity });
                    }
                    BackpressurePolicy::Block => must_wait = true,
                    _ => {}
                }
            }
        }
        if must_wait {
            return Ok(Offer::MustWait(event));
        }
        self.stats.published += 1;
        let State {
            subscribers, stats, ..
        } = self;
        let mut matching = subscribers.iter_mut().filter(|s| s.accepts(&event));
        // The last matching subscriber takes the event itself; the others take clones.
        match matching.next() {
            None => stats.unrouted += 1,
            Some(mut slot) => {
                for next in matching {
                    slot.deliver(event.clone(), capacity, stats);
                    slot = next;
                }
                slot.deliver(event, capacity, stats);
            }
        }
        Ok(Offer::Accepted)
    }
}
