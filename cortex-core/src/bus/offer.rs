//! Routing one event to the subscribers' queues, each applying its own backpressure policy.
//!
//! An offer looks before it moves anything: a first pass matches each subscriber once and settles,
//! from a reference to the event, what its policy will do with it (`Plan`); a second carries the plans
//! out. So an event that no queue keeps (a full `DropNewest` subscriber, one that matches nobody) is
//! never moved or cloned, only counted, and the one subscriber that keeps it last takes it without a clone.

use std::collections::VecDeque;
use std::task::Waker;

use super::route::Route;
use super::{BackpressurePolicy, BusStats, State, SubscriberStats};
use crate::error::{Error, Result};
use crate::event::{EventFilter, NewEvent};

/// One subscriber's queue and what decides what goes in it.
#[derive(Debug)]
pub(super) struct Slot {
    pub(super) id: u64,
    /// The filter's kinds and source, read once.
    route: Route,
    /// What this subscriber does with the event being offered, from `State::offer`'s first pass.
    plan: Plan,
    /// Under `Plan::Replace`, the position of the queued event replaced.
    replace_at: usize,
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

/// What one subscriber's policy does with the event on offer; settled before any is carried out, so
/// a publish that `Error` or `Block` stops changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    /// Not for this subscriber (its filter or its limit).
    Pass,
    /// Its queue is full under `DropNewest`: the event is counted as dropped.
    DropNewest,
    /// Its queue is full under `Sample`, and this is not the one in `n` kept.
    SampleOut,
    /// Queued at the back, the oldest queued event making room if the queue is full.
    Push,
    /// Put in place of the queued event at `Slot::replace_at`, which has its key (`Coalesce`).
    Replace,
}

/// The outcome of offering an event to the current subscribers.
pub(super) enum Offer {
    /// Published. The event is left with the caller if no queue kept it, to be dropped once the
    /// lock is released rather than while every other publisher waits.
    Accepted,
    /// A full matching queue whose policy is `Block`: nothing changed, and the event is still the caller's.
    MustWait,
}

impl Plan {
    fn keeps_event(self) -> bool {
        matches!(self, Plan::Push | Plan::Replace)
    }
}

impl Slot {
    /// Fails with `Error::InvalidKind` on a malformed kind pattern in `filter`.
    pub(super) fn new(id: u64, filter: EventFilter, policy: BackpressurePolicy) -> Result<Self> {
        Ok(Slot {
            id,
            wants: filter.limit,
            route: Route::new(filter)?,
            plan: Plan::Pass,
            replace_at: 0,
            policy,
            queue: VecDeque::new(),
            stats: SubscriberStats::default(),
            full_streak: 0,
            waker: None,
        })
    }

    /// Whether this subscriber drops any event published now: it takes every event, has no limit, and
    /// its queue is full under `DropNewest`.
    pub(super) fn drops_every_new_event(&self, capacity: usize) -> bool {
        self.policy == BackpressurePolicy::DropNewest
            && self.wants.is_none()
            && self.route.takes_everything()
            && self.queue.len() >= capacity
    }

    /// Whether this subscriber's full queue stops a publish (`Block`, `Error`).
    pub(super) fn may_refuse(&self) -> bool {
        matches!(
            self.policy,
            BackpressurePolicy::Block | BackpressurePolicy::Error
        )
    }

    pub(super) fn wake(&mut self) {
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }

    /// Settles what this subscriber's policy does with `event`, changing nothing else. `Block` and
    /// `Error` with a full queue plan a `Push` here; `State::offer` stops before carrying it out.
    // Inlined natively (as `leave_out` and `keep`): once per subscriber per publish, a call costs as
    // much as its body. Not in wasm, where each inlined copy is bytes every module ships.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn plan(&mut self, event: &NewEvent, capacity: usize) -> Plan {
        self.plan = self.settle(event, capacity);
        self.plan
    }

    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn settle(&mut self, event: &NewEvent, capacity: usize) -> Plan {
        if self.wants == Some(0) || !self.route.matches(&event.kind, &event.source) {
            return Plan::Pass;
        }
        let full = self.queue.len() >= capacity;
        match self.policy {
            BackpressurePolicy::Coalesce => {
                let same_key = self
                    .queue
                    .iter()
                    .position(|q| q.kind == event.kind && q.source == event.source);
                match same_key {
                    Some(at) => {
                        self.replace_at = at;
                        Plan::Replace
                    }
                    None => Plan::Push,
                }
            }
            BackpressurePolicy::Sample(n) if full && self.full_streak + 1 < n.max(1) => {
                Plan::SampleOut
            }
            BackpressurePolicy::DropNewest if full => Plan::DropNewest,
            _ => Plan::Push,
        }
    }

    /// Counts the event this subscriber's plan leaves out (`DropNewest`, `SampleOut`).
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn leave_out(&mut self, bus: &mut BusStats) {
        if self.plan == Plan::SampleOut {
            self.full_streak += 1;
            self.stats.sampled_out += 1;
            bus.sampled_out += 1;
        } else {
            self.stats.dropped_newest += 1;
            bus.dropped_newest += 1;
        }
    }

    /// Queues `event` as this subscriber's plan (`Push`, `Replace`) says.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn keep(&mut self, event: NewEvent, capacity: usize, bus: &mut BusStats) {
        if self.plan == Plan::Replace {
            self.queue[self.replace_at] = event;
            self.stats.coalesced += 1;
            bus.coalesced += 1;
        } else {
            if self.queue.len() >= capacity {
                // A full queue that keeps a new event under `Sample` starts counting again.
                self.full_streak = 0;
                self.queue.pop_front();
                self.stats.dropped_oldest += 1;
                bus.dropped_oldest += 1;
            }
            self.queue.push_back(event);
        }
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
    /// Offers the event in `event` to every subscriber whose filter matches. A full matching queue
    /// under `Error` rejects it for everyone; else one under `Block` leaves it in `event` to wait
    /// with; else each matching queue takes it (or not) by its own policy, and `event` keeps it
    /// only if none did.
    pub(super) fn offer(&mut self, event: &mut Option<NewEvent>, capacity: usize) -> Result<Offer> {
        if self.closed {
            return Err(Error::Closed);
        }
        if self.refusers == 0 {
            self.offer_unrefused(event, capacity);
            return Ok(Offer::Accepted);
        }
        let Some(new) = event.as_ref() else {
            return Ok(Offer::Accepted);
        };
        let mut must_wait = false;
        let mut matched = false;
        // The last subscriber that keeps the event takes it; those before it take clones.
        let mut last_keeper = None;
        for (i, slot) in self.subscribers.iter_mut().enumerate() {
            let plan = slot.plan(new, capacity);
            if plan == Plan::Pass {
                continue;
            }
            matched = true;
            if slot.queue.len() >= capacity {
                match slot.policy {
                    BackpressurePolicy::Error => {
                        self.stats.rejected += 1;
                        return Err(Error::Full { capacity });
                    }
                    BackpressurePolicy::Block => must_wait = true,
                    _ => {}
                }
            }
            if plan.keeps_event() {
                last_keeper = Some(i);
            }
        }
        if must_wait {
            return Ok(Offer::MustWait);
        }
        self.stats.published += 1;
        if !matched {
            self.stats.unrouted += 1;
            return Ok(Offer::Accepted);
        }
        let State {
            subscribers, stats, ..
        } = self;
        for (i, slot) in subscribers.iter_mut().enumerate() {
            match slot.plan {
                Plan::Pass => {}
                Plan::DropNewest | Plan::SampleOut => slot.leave_out(stats),
                Plan::Push | Plan::Replace => {
                    let kept = if Some(i) == last_keeper {
                        event.take()
                    } else {
                        event.clone()
                    };
                    if let Some(kept) = kept {
                        slot.keep(kept, capacity, stats);
                    }
                }
            }
        }
        Ok(Offer::Accepted)
    }

    /// `offer` when no subscriber can refuse: each plan is carried out as soon as it is settled, the
    /// keeper met last taking the event and the ones before it clones.
    fn offer_unrefused(&mut self, event: &mut Option<NewEvent>, capacity: usize) {
        let State {
            subscribers, stats, ..
        } = self;
        let Some(new) = event.as_ref() else {
            return;
        };
        stats.published += 1;
        let mut matched = false;
        let mut keeper: Option<&mut Slot> = None;
        for slot in subscribers.iter_mut() {
            match slot.plan(new, capacity) {
                Plan::Pass => continue,
                Plan::DropNewest | Plan::SampleOut => slot.leave_out(stats),
                Plan::Push | Plan::Replace => {
                    if let Some(earlier) = keeper.replace(slot) {
                        earlier.keep(new.clone(), capacity, stats);
                    }
                }
            }
            matched = true;
        }
        if !matched {
            stats.unrouted += 1;
        }
        if let Some(last) = keeper {
            if let Some(kept) = event.take() {
                last.keep(kept, capacity, stats);
            }
        }
    }
}
