//! `EventBus`: a bounded, in-process fan-out of new events with an explicit backpressure policy.
//!
//! The bus carries `NewEvent`s, not stored `Event`s: it sits in front of storage, so its producers (a
//! sensor loop, a wasm host through the C ABI, another task) need no store, and ids and timestamps are
//! given once, by whichever store a subscriber feeds (`EventBus::feed`).
//!
//! Each subscriber has its own `VecDeque` behind one std `Mutex` (never held across an `.await`), and
//! `tokio::sync::Notify` wakes receivers and blocked publishers. A tokio `mpsc` channel can only wait or
//! fail when full and a `broadcast` one only lets readers lag, so neither could drop the oldest or the
//! newest per subscriber and count it. Needing only `sync` and `rt`, the bus runs on a current-thread
//! runtime inside wasm as well as on the multi-threaded one natively.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use crate::error::{Error, Result};
use crate::event::{EventFilter, NewEvent};

mod feed;
mod receiver;
#[cfg(test)]
mod tests;

pub use receiver::BusReceiver;

/// What `publish` does when a matching subscriber's queue already holds `capacity` events.
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
}

/// Counters of one bus since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BusStats {
    /// Publishes accepted (not rejected, not after `close`).
    pub published: u64,
    /// Events handed to receivers by `recv`/`try_recv`, over all subscribers.
    pub delivered: u64,
    /// Queued events discarded to make room (`DropOldest`), over all subscribers.
    pub dropped_oldest: u64,
    /// New events a full subscriber did not get (`DropNewest`), over all subscribers.
    pub dropped_newest: u64,
    /// Publishes refused with `Error::Full` (policy `Error`, or `try_publish` under `Block`).
    pub rejected: u64,
    /// Accepted publishes that no subscriber's filter matched, so nobody received them.
    pub unrouted: u64,
}

/// Counters of one subscriber.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SubscriberStats {
    /// Events put in this subscriber's queue.
    pub queued: u64,
    /// Events taken out of the queue by `recv`/`try_recv`.
    pub delivered: u64,
    pub dropped_oldest: u64,
    pub dropped_newest: u64,
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
}

#[derive(Debug, Default)]
struct State {
    closed: bool,
    next_subscriber: u64,
    subscribers: Vec<Slot>,
    stats: BusStats,
}

#[derive(Debug)]
struct Slot {
    id: u64,
    filter: EventFilter,
    /// How many more events this subscriber takes (from `filter.limit`); `None` is unlimited.
    wants: Option<usize>,
    queue: VecDeque<NewEvent>,
    stats: SubscriberStats,
    ready: Arc<Notify>,
}

impl Slot {
    fn accepts(&self, event: &NewEvent) -> bool {
        self.wants != Some(0)
            && self
                .filter
                .matches_kind_and_source(&event.kind, &event.source)
    }
}

/// The outcome of offering an event to the current subscribers.
enum Offer {
    Accepted,
    /// Policy `Block` and a matching queue is full: the event is handed back to wait with.
    MustWait(NewEvent),
}

impl State {
    fn offer(
        &mut self,
        event: NewEvent,
        policy: BackpressurePolicy,
        capacity: usize,
    ) -> Result<Offer> {
        if self.closed {
            return Err(Error::Closed);
        }
        let full = |s: &Slot| s.queue.len() >= capacity;
        if self
            .subscribers
            .iter()
            .any(|s| s.accepts(&event) && full(s))
        {
            match policy {
                BackpressurePolicy::Block => return Ok(Offer::MustWait(event)),
                BackpressurePolicy::Error => {
                    self.stats.rejected += 1;
                    return Err(Error::Full { capacity });
                }
                BackpressurePolicy::DropOldest | BackpressurePolicy::DropNewest => {}
            }
        }
        self.stats.published += 1;
        let mut routed = false;
        for slot in self.subscribers.iter_mut().filter(|s| s.accepts(&event)) {
            routed = true;
            if full(slot) {
                if policy == BackpressurePolicy::DropNewest {
                    slot.stats.dropped_newest += 1;
                    self.stats.dropped_newest += 1;
                    continue;
                }
                slot.queue.pop_front();
                slot.stats.dropped_oldest += 1;
                self.stats.dropped_oldest += 1;
            }
            slot.queue.push_back(event.clone());
            slot.stats.queued += 1;
            if let Some(wants) = slot.wants.as_mut() {
                *wants -= 1;
            }
            slot.ready.notify_one();
        }
        if !routed {
            self.stats.unrouted += 1;
        }
        Ok(Offer::Accepted)
    }
}

impl EventBus {
    /// A bus whose subscribers each queue at most `capacity` events (at least 1).
    pub fn new(capacity: usize, policy: BackpressurePolicy) -> Self {
        let shared = Shared {
            capacity: capacity.max(1),
            policy,
            state: Mutex::new(State::default()),
            room: Notify::new(),
        };
        EventBus {
            shared: Arc::new(shared),
        }
    }

    pub fn capacity(&self) -> usize {
        self.shared.capacity
    }

    pub fn policy(&self) -> BackpressurePolicy {
        self.shared.policy
    }

    /// Offers `event` to every subscriber whose filter matches, applying the policy to full queues.
    /// Under `Block` this waits for room; it fails with `Error::Closed` once the bus is closed.
    pub async fn publish(&self, event: NewEvent) -> Result<()> {
        let mut event = event;
        loop {
            // Registered before looking at the queues, so room made after the check still wakes us.
            let mut room = std::pin::pin!(self.shared.room.notified());
            room.as_mut().enable();
            match self
                .shared
                .lock()
                .offer(event, self.shared.policy, self.shared.capacity)?
            {
                Offer::Accepted => return Ok(()),
                Offer::MustWait(returned) => event = returned,
            }
            room.await;
        }
    }

    /// `publish` without waiting: under `Block`, a full matching queue is `Error::Full`.
    pub fn try_publish(&self, event: NewEvent) -> Result<()> {
        let mut state = self.shared.lock();
        match state.offer(event, self.shared.policy, self.shared.capacity)? {
            Offer::Accepted => Ok(()),
            Offer::MustWait(_) => {
                state.stats.rejected += 1;
                Err(Error::Full {
                    capacity: self.shared.capacity,
                })
            }
        }
    }

    /// Receives every event published from now on whose kind and source match `filter`; `filter.limit`
    /// ends the subscription after that many. Bus events have no id or timestamp yet, so a filter with
    /// `since`, `until` or `after` is rejected rather than silently ignored.
    pub fn subscribe(&self, filter: EventFilter) -> Result<BusReceiver> {
        if filter.since.is_some() || filter.until.is_some() || filter.after.is_some() {
            return Err(Error::InvalidInput(
                "bus events are not stamped yet: filter them by kind and source only".into(),
            ));
        }
        let mut state = self.shared.lock();
        if state.closed {
            return Err(Error::Closed);
        }
        let id = state.next_subscriber;
        state.next_subscriber += 1;
        let ready = Arc::new(Notify::new());
        let wants = filter.limit;
        state.subscribers.push(Slot {
            id,
            filter,
            wants,
            queue: VecDeque::new(),
            stats: SubscriberStats::default(),
            ready: Arc::clone(&ready),
        });
        Ok(BusReceiver::new(Arc::clone(&self.shared), id, ready))
    }

    /// Refuses further publishes and subscriptions; receivers still drain what is queued, then end.
    pub fn close(&self) {
        let mut state = self.shared.lock();
        state.closed = true;
        for slot in &state.subscribers {
            slot.ready.notify_one();
        }
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
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
