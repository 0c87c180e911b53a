//! `BusReceiver`: one subscriber's end of the bus.

use std::sync::Arc;

use tokio::sync::Notify;

use super::{Shared, SubscriberStats};
use crate::event::NewEvent;

/// Receives, in publish order, the events of one bus subscription. Dropping it unsubscribes (and
/// releases publishers blocked on its full queue).
#[derive(Debug)]
pub struct BusReceiver {
    shared: Arc<Shared>,
    id: u64,
    ready: Arc<Notify>,
}

enum Take {
    Event(NewEvent),
    Empty,
    Ended,
}

impl BusReceiver {
    pub(super) fn new(shared: Arc<Shared>, id: u64, ready: Arc<Notify>) -> Self {
        BusReceiver { shared, id, ready }
    }

    /// The next event; `None` once the bus is closed (or the subscription's limit reached) and the queue is empty.
    pub async fn recv(&mut self) -> Option<NewEvent> {
        loop {
            match self.take() {
                Take::Event(event) => return Some(event),
                Take::Ended => return None,
                // `notify_one` keeps a permit when nobody waits, so a publish between `take` and here is not missed.
                Take::Empty => self.ready.notified().await,
            }
        }
    }

    /// The next event if one is queued, without waiting.
    pub fn try_recv(&mut self) -> Option<NewEvent> {
        match self.take() {
            Take::Event(event) => Some(event),
            Take::Empty | Take::Ended => None,
        }
    }

    /// This subscriber's counters.
    pub fn stats(&self) -> SubscriberStats {
        let state = self.shared.lock();
        state
            .subscribers
            .iter()
            .find(|s| s.id == self.id)
            .map(|s| s.stats)
            .unwrap_or_default()
    }

    fn take(&mut self) -> Take {
        let mut guard = self.shared.lock();
        let state = &mut *guard;
        let closed = state.closed;
        let Some(slot) = state.subscribers.iter_mut().find(|s| s.id == self.id) else {
            return Take::Ended;
        };
        match slot.queue.pop_front() {
            Some(event) => {
                slot.stats.delivered += 1;
                state.stats.delivered += 1;
                self.shared.room.notify_waiters();
                Take::Event(event)
            }
            None if closed || slot.wants == Some(0) => Take::Ended,
            None => Take::Empty,
        }
    }
}

impl Drop for BusReceiver {
    fn drop(&mut self) {
        self.shared.lock().subscribers.retain(|s| s.id != self.id);
        self.shared.room.notify_waiters();
    }
}
