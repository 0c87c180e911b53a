//! `BusReceiver`: one subscriber's end of the bus, as `recv`/`try_recv` and as a `Stream`.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::{Shared, SubscriberStats};
use crate::event::NewEvent;

/// Receives, in publish order, the events of one bus subscription. Dropping it unsubscribes (and
/// releases publishers blocked on its full queue). It is also a `futures_core::Stream` of the same
/// events, ending where `recv` returns `None`, so `StreamExt` combinators apply.
#[derive(Debug)]
pub struct BusReceiver {
    shared: Arc<Shared>,
    id: u64,
}

impl BusReceiver {
    pub(super) fn new(shared: Arc<Shared>, id: u64) -> Self {
        BusReceiver { shared, id }
    }

    /// The next event; `None` once the bus is closed (or the subscription's limit reached) and the queue is empty.
    pub async fn recv(&mut self) -> Option<NewEvent> {
        poll_fn(|cx| self.take(Some(cx))).await
    }

    /// The next event if one is queued, without waiting.
    pub fn try_recv(&mut self) -> Option<NewEvent> {
        match self.take(None) {
            Poll::Ready(event) => event,
            Poll::Pending => None,
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

    /// Takes the next event, or says the subscription ended; on an empty queue, parks `cx`'s waker in
    /// the slot under the same lock a publisher takes to fill it, so no event slips between.
    fn take(&mut self, cx: Option<&mut Context<'_>>) -> Poll<Option<NewEvent>> {
        let mut guard = self.shared.lock();
        let state = &mut *guard;
        let closed = state.closed;
        let Some(slot) = state.subscribers.iter_mut().find(|s| s.id == self.id) else {
            return Poll::Ready(None);
        };
        // Only a full queue can hold a publisher back (under `Block`): waking them from any other
        // would cost every event a call on `Notify` for nothing.
        let was_full = slot.queue.len() >= self.shared.capacity;
        match slot.queue.pop_front() {
            Some(event) => {
                slot.stats.delivered += 1;
                state.stats.delivered += 1;
                if was_full {
                    self.shared.room.notify_waiters();
                }
                Poll::Ready(Some(event))
            }
            None if closed || slot.wants == Some(0) => Poll::Ready(None),
            None => {
                if let Some(cx) = cx {
                    match &slot.waker {
                        Some(parked) if parked.will_wake(cx.waker()) => {}
                        _ => slot.waker = Some(cx.waker().clone()),
                    }
                }
                Poll::Pending
            }
        }
    }
}

impl futures_core::Stream for BusReceiver {
    type Item = NewEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<NewEvent>> {
        self.get_mut().take(Some(cx))
    }
}

impl Drop for BusReceiver {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        if let Some(at) = state.subscribers.iter().position(|s| s.id == self.id) {
            let slot = state.subscribers.remove(at);
            state.refusers -= usize::from(slot.may_refuse());
        }
        drop(state);
        self.shared.room.notify_waiters();
    }
}
