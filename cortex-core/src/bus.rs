//! `EventBus`: a bounded, in-process fan-out of new events with an explicit backpressure policy.
//!
//! The bus carries `NewEvent`s, not stored `Event`s: it sits in front of storage, so its producers (a
//! sensor loop, a wasm host through the C ABI, another task) need no store, and ids and timestamps are
//! given once, by whichever store a subscriber feeds (`EventBus::feed`).
//!
//! Each subscriber has its own `VecDeque` behind one std `Mutex` (never held across an `.await`); a
//! receiver parks its task's waker in its slot, and `tokio::sync::Notify` wakes blocked publishers. A
//! tokio `mpsc` channel can only wait or fail when full and a `broadcast` one only lets readers lag, so
//! neither could drop, replace or sample queued events per subscriber and count it. Needing only `sync` and `rt`, the bus runs on a current-thread
//! runtime inside wasm as well as on the multi-threaded one natively.
//!
//! A publish that every subscriber would drop (each full under `DropNewest`, taking every event)
//! takes no lock: it only counts itself on an atomic (`Shared::saturated`), so subscribers nobody
//! reads cost their publishers almost nothing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use crate::error::{Error, Result};
use crate::event::{EventFilter, NewEvent};
use crate::input::refuse_wildcard;

mod feed;
mod offer;
mod receiver;
mod route;
#[cfg(test)]
mod tests;

use offer::{Offer, Slot};
pub use receiver::BusReceiver;

/// What `publish` does when a matching subscriber's queue already holds `capacity` events. The bus
/// has one (the default of its subscribers); `EventBus::subscribe_with` gives a subscriber its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackpressurePolicy {
    /// Wait until every matching subscriber has room (`try_publish` fails with `Error::Full` instead).
    Block,
    /// Make room by discarding that subscriber's oldest queued event.
    DropOldest,
    /// Discard the new event for that subscriber; others still receive it.
    DropNewest,
    /// Reject the whole publish with `Error::Full`; no subscriber receives the event.
    Error,
    /// Keep at most one queued event per key (kind and source): a new event replaces the queued one
    /// with its key in place, full or not; when the queue is full and none shares its key, the oldest
    /// queued event makes room. For state where only the latest value of each source matters.
    Coalesce,
    /// While the queue is full, keep one new event in every `n` (the `n`-th, `2n`-th, … met by a full
    /// queue; the oldest queued event makes room) and discard the others; 0 is taken as 1, which is
    /// `DropOldest`. For high-rate streams a slow reader may thin out.
    Sample(u32),
}

/// Counters of one bus since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BusStats {
    /// Publishes accepted (not rejected, not after `close`).
    pub published: u64,
    /// Events handed to receivers by `recv`/`try_recv`, over all subscribers.
    pub delivered: u64,
    /// Queued events discarded to make room (`DropOldest`, `Coalesce`, `Sample`), over all subscribers.
    pub dropped_oldest: u64,
    /// New events a full subscriber did not get (`DropNewest`), over all subscribers.
    pub dropped_newest: u64,
    /// Queued events replaced in place by a newer one with the same kind and source (`Coalesce`).
    pub coalesced: u64,
    /// New events a full subscriber skipped as not the one in `n` it keeps (`Sample`).
    pub sampled_out: u64,
    /// Publishes refused with `Error::Full` (policy `Error`, or `try_publish` under `Block`), counting a
    /// batch cut short by a full queue once.
    pub rejected: u64,
    /// Accepted publishes that no subscriber's filter matched, so nobody received them.
    pub unrouted: u64,
}

/// Counters of one subscriber.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SubscriberStats {
    /// Events put in this subscriber's queue (a coalesced one in place of its predecessor).
    pub queued: u64,
    /// Events taken out of the queue by `recv`/`try_recv`.
    pub delivered: u64,
    pub dropped_oldest: u64,
    pub dropped_newest: u64,
    pub coalesced: u64,
    pub sampled_out: u64,
}

/// A bounded multi-producer, multi-subscriber event bus. Clones share the same bus.
#[derive(Clone, Debug)]
pub struct EventBus {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    capacity: usize,
    policy: BackpressurePolicy,
    // Nothing under this lock can panic halfway through an update, so a poisoned lock is still consistent.
    state: Mutex<State>,
    /// Woken whenever a queue shrinks, a subscriber leaves, or the bus closes: blocked publishers retry.
    room: Notify,
    /// `SATURATED` while every subscriber's queue is full under `DropNewest` and takes every event,
    /// so that any publish is dropped by all of them: publishes then only count themselves here, in
    /// the bits below it, without the lock (a never-read subscriber costs its publishers no lock).
    /// Whoever takes the lock adds that count to the counters and ends the state (`Shared::lock`);
    /// a publish sets it again if it still holds.
    saturated: AtomicU64,
}

/// The flag bit of `Shared::saturated`; the bits below count the publishes dropped without the lock.
const SATURATED: u64 = 1 << 63;

#[derive(Debug, Default)]
struct State {
    closed: bool,
    next_subscriber: u64,
    subscribers: Vec<Slot>,
    /// How many subscribers are under `Block` or `Error`, whose full queue can refuse a publish: with
    /// none, `State::offer` routes in one pass, having nothing to check first.
    refusers: usize,
    stats: BusStats,
}

impl EventBus {
    /// A bus whose subscribers each queue at most `capacity` events (at least 1), under `policy`
    /// unless they choose their own.
    pub fn new(capacity: usize, policy: BackpressurePolicy) -> Self {
        let shared = Shared {
            capacity: capacity.max(1),
            policy,
            state: Mutex::new(State::default()),
            room: Notify::new(),
            saturated: AtomicU64::new(0),
        };
        EventBus {
            shared: Arc::new(shared),
        }
    }

    pub fn capacity(&self) -> usize {
        self.shared.capacity
    }

    /// The policy of subscribers that did not choose their own.
    pub fn policy(&self) -> BackpressurePolicy {
        self.shared.policy
    }

    /// Offers `event` to every subscriber whose filter matches, applying each one's policy to its full
    /// queue. A full queue under `Block` makes this wait for room; it fails with `Error::Closed` once
    /// the bus is closed, and with `Error::InvalidKind` for a kind holding `*` (the store it feeds
    /// checks the rest of the kind rule).
    pub async fn publish(&self, event: NewEvent) -> Result<()> {
        refuse_wildcard(&event.kind)?;
        if self.shared.drop_unlocked() {
            return Ok(());
        }
        let mut event = Some(event);
        loop {
            // Registered before looking at the queues, so room made after the check still wakes us.
            let mut room = std::pin::pin!(self.shared.room.notified());
            room.as_mut().enable();
            // An event no queue kept is dropped here, after the lock is released.
            if let Offer::Accepted = self.shared.offer(&mut event, false)? {
                return Ok(());
            }
            room.await;
        }
    }

    /// `publish` without waiting: a full matching queue under `Block` is `Error::Full`.
    pub fn try_publish(&self, event: NewEvent) -> Result<()> {
        refuse_wildcard(&event.kind)?;
        if self.shared.drop_unlocked() {
            return Ok(());
        }
        // An event no queue kept is dropped at the end, after the lock is released.
        let mut event = Some(event);
        match self.shared.offer(&mut event, true)? {
            Offer::Accepted => Ok(()),
            Offer::MustWait => Err(Error::Full {
                capacity: self.shared.capacity,
            }),
        }
    }

    /// Offers `events` in order under one lock, so no other publish lands between them, and returns
    /// how many were accepted. Without waiting: it stops at the first event a full queue refuses
    /// (under `Error`, or `Block`) and the caller may retry from there. Every kind is checked before
    /// any event is offered, so a kind holding `*` is `Error::InvalidKind` with nothing published.
    pub fn publish_batch(&self, events: impl IntoIterator<Item = NewEvent>) -> Result<usize> {
        let events: Vec<NewEvent> = events.into_iter().collect();
        for event in &events {
            refuse_wildcard(&event.kind)?;
        }
        let mut state = self.shared.lock();
        if state.closed {
            return Err(Error::Closed);
        }
        let mut accepted = 0;
        for event in events {
            match state.offer(&mut Some(event), self.shared.capacity) {
                Ok(Offer::Accepted) => accepted += 1,
                Ok(Offer::MustWait) => {
                    state.stats.rejected += 1;
                    break;
                }
                Err(Error::Full { .. }) => break,
                Err(other) => return Err(other),
            }
        }
        Ok(accepted)
    }

    /// Receives every event published from now on whose kind and source match `filter`, under the bus's
    /// policy; `filter.limit` ends the subscription after that many. Bus events have no id or timestamp
    /// yet, so a filter with `since`, `until` or `after` is rejected rather than silently ignored, and
    /// a malformed kind pattern is `Error::InvalidKind`.
    pub fn subscribe(&self, filter: EventFilter) -> Result<BusReceiver> {
        self.subscribe_with(filter, self.shared.policy)
    }

    /// `subscribe` with this subscriber's own backpressure policy instead of the bus's.
    pub fn subscribe_with(
        &self,
        filter: EventFilter,
        policy: BackpressurePolicy,
    ) -> Result<BusReceiver> {
        if filter.since.is_some() || filter.until.is_some() || filter.after.is_some() {
            return Err(Error::InvalidInput(
                "bus events are not stamped yet: filter them by kind and source only".into(),
            ));
        }
        // Checks the kind patterns, refusing a malformed one, before taking the lock.
        let mut slot = Slot::new(0, filter, policy)?;
        let mut state = self.shared.lock();
        if state.closed {
            return Err(Error::Closed);
        }
        slot.id = state.next_subscriber;
        state.next_subscriber += 1;
        let id = slot.id;
        state.refusers += usize::from(slot.may_refuse());
        state.subscribers.push(slot);
        Ok(BusReceiver::new(Arc::clone(&self.shared), id))
    }

    /// Refuses further publishes and subscriptions; receivers still drain what is queued, then end.
    pub fn close(&self) {
        let mut state = self.shared.lock();
        state.closed = true;
        state.subscribers.iter_mut().for_each(Slot::wake);
        self.shared.room.notify_waiters();
    }

    pub fn is_closed(&self) -> bool {
        self.shared.lock().closed
    }

    pub fn stats(&self) -> BusStats {
        self.shared.lock().stats
    }

    pub fn subscriber_count(&self) -> usize {
        self.shared.lock().subscribers.len()
    }
}

impl Shared {
    /// The state, with the publishes dropped without the lock counted, and that state ended: whoever
    /// holds the lock may change what made it so (a receiver takes an event, a subscriber comes…).
    fn lock(&self) -> MutexGuard<'_, State> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        // Read before it is swapped: zero, it stays zero while the lock is held (only lock holders
        // set it), and a plain load is cheaper than the swap on every other publish.
        if self.saturated.load(Ordering::Acquire) != 0 {
            let dropped = self.saturated.swap(0, Ordering::AcqRel) & !SATURATED;
            if dropped > 0 {
                state.count_unlocked_drops(dropped);
            }
        }
        state
    }

    /// Offers `event` under the lock, counting a refused one as rejected if `count_rejection`. Before
    /// unlocking, notes whether every queue now drops any new event, for the next publishes.
    fn offer(&self, event: &mut Option<NewEvent>, count_rejection: bool) -> Result<Offer> {
        let mut state = self.lock();
        let offer = state.offer(event, self.capacity)?;
        if count_rejection && matches!(offer, Offer::MustWait) {
            state.stats.rejected += 1;
        }
        if state.drops_every_new_event(self.capacity) {
            // Zero since `lock`: nobody counts while it is, and only lock holders set it.
            self.saturated.store(SATURATED, Ordering::Release);
        }
        Ok(offer)
    }

    /// Counts one publish as dropped by every subscriber, without the lock, while they all drop any
    /// new event (see `saturated`); false, counting nothing, otherwise.
    fn drop_unlocked(&self) -> bool {
        let mut current = self.saturated.load(Ordering::Acquire);
        // A count that fills its bits waits for the lock, which empties them.
        while current & SATURATED != 0 && current != u64::MAX {
            match self.saturated.compare_exchange_weak(
                current,
                current + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(now) => current = now,
            }
        }
        false
    }
}

impl State {
    /// Whether every subscriber (there is one at least) takes every event, has a full queue and
    /// drops new events: then any publish only counts, and changes no queue.
    fn drops_every_new_event(&self, capacity: usize) -> bool {
        !self.closed
            && !self.subscribers.is_empty()
            && self
                .subscribers
                .iter()
                .all(|slot| slot.drops_every_new_event(capacity))
    }

    /// Adds `dropped` publishes that every subscriber dropped to the counters, as `offer` would have.
    fn count_unlocked_drops(&mut self, dropped: u64) {
        self.stats.published += dropped;
        self.stats.dropped_newest += dropped * self.subscribers.len() as u64;
        for slot in &mut self.subscribers {
            slot.stats.dropped_newest += dropped;
        }
    }
}
