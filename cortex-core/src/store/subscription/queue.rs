//! One subscription's queue: the events a store has handed it and not yet read, shared by the store's
//! end ([`Sender`]) and the subscriber's ([`Receiver`]).
//!
//! An unbounded `VecDeque` behind a std `Mutex`, with the waker of a receiver waiting on it parked
//! beside, as the bus keeps its subscribers (`bus::receiver`). Not a tokio `mpsc` channel: its
//! lock-free block list, and the thread parking its `try_recv` falls back to while a send is half
//! done, would add KBs to every wasm module, for a queue whose every push the store makes while it
//! holds its own write lock anyway.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use crate::event::Event;

#[derive(Debug, Default)]
struct State {
    events: VecDeque<Event>,
    /// The task waiting for the next event, if one is.
    waker: Option<Waker>,
    /// The receiver is gone or wants no more: the store may forget the sender.
    closed: bool,
    /// The sender is gone (its store was dropped): no event comes after those queued.
    ended: bool,
}

type Shared = Arc<Mutex<State>>;

/// Every change is one push, pop or flag, so a queue whose lock a panicking thread held is still
/// whole; it is used on.
fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A new queue's two ends.
pub(super) fn queue() -> (Sender, Receiver) {
    let shared = Shared::default();
    (Sender(shared.clone()), Receiver(shared))
}

/// The store's end. Dropping it ends the subscription once its queued events are read.
#[derive(Debug)]
pub(super) struct Sender(Shared);

impl Sender {
    /// Queues `event` and wakes the receiver; false, with nothing queued, once it is closed.
    pub(super) fn send(&self, event: Event) -> bool {
        let mut state = lock(&self.0);
        if state.closed {
            return false;
        }
        state.events.push_back(event);
        let waker = state.waker.take();
        drop(state);
        // Woken outside the lock, so the woken task never finds it held.
        if let Some(waker) = waker {
            waker.wake();
        }
        true
    }

    pub(super) fn is_closed(&self) -> bool {
        lock(&self.0).closed
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        let mut state = lock(&self.0);
        state.ended = true;
        let waker = state.waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The subscriber's end. Dropping it closes the queue.
#[derive(Debug)]
pub(super) struct Receiver(Shared);

impl Receiver {
    /// The next queued event; `Ready(None)` once the sender is gone and the queue empty. With `cx`,
    /// a `Pending` parks its waker under the same lock a send takes, so no event slips between.
    pub(super) fn poll_recv(&self, cx: Option<&mut Context<'_>>) -> Poll<Option<Event>> {
        let mut state = lock(&self.0);
        if let Some(event) = state.events.pop_front() {
            return Poll::Ready(Some(event));
        }
        if state.ended {
            return Poll::Ready(None);
        }
        if let Some(cx) = cx {
            match &state.waker {
                Some(parked) if parked.will_wake(cx.waker()) => {}
                _ => state.waker = Some(cx.waker().clone()),
            }
        }
        Poll::Pending
    }

    /// Tells the sender to stop: its next `send` fails, and the store forgets it.
    pub(super) fn close(&self) {
        let mut state = lock(&self.0);
        state.closed = true;
        // What is queued will not be read.
        state.events.clear();
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    use super::*;
    use crate::event::{EventId, NodeId};

    fn event(id: u64) -> Event {
        Event {
            id: EventId(id),
            timestamp: id,
            source: NodeId::from_name("s"),
            kind: "k".into(),
            payload: Vec::new(),
            parent: None,
        }
    }

    /// Counts its wakes: the oracle for "the waiting task was woken".
    #[derive(Default)]
    struct Wakes(AtomicUsize);

    impl Wake for Wakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn events_come_out_in_the_order_they_went_in() {
        let (sender, receiver) = queue();
        for id in 1..=3 {
            assert!(sender.send(event(id)));
        }
        let ids: Vec<u64> = std::iter::from_fn(|| match receiver.poll_recv(None) {
            Poll::Ready(event) => event.map(|e| e.id.0),
            Poll::Pending => None,
        })
        .collect();
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(receiver.poll_recv(None), Poll::Pending);
    }

    #[test]
    fn a_waiting_receiver_is_woken_by_a_send_and_by_the_sender_going() {
        let wakes = Arc::new(Wakes::default());
        let waker = Waker::from(wakes.clone());
        let mut cx = Context::from_waker(&waker);
        let (sender, receiver) = queue();
        assert_eq!(receiver.poll_recv(Some(&mut cx)), Poll::Pending);
        assert!(sender.send(event(1)));
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        assert!(matches!(receiver.poll_recv(Some(&mut cx)), Poll::Ready(Some(e)) if e.id.0 == 1));
        assert_eq!(receiver.poll_recv(Some(&mut cx)), Poll::Pending);
        // A send without a waiting task wakes nobody; the sender's end wakes the one waiting.
        drop(sender);
        assert_eq!(wakes.0.load(Ordering::SeqCst), 2);
        assert_eq!(receiver.poll_recv(Some(&mut cx)), Poll::Ready(None));
    }

    #[test]
    fn events_queued_before_the_sender_went_are_still_read() {
        let (sender, receiver) = queue();
        assert!(sender.send(event(1)));
        drop(sender);
        assert!(matches!(receiver.poll_recv(None), Poll::Ready(Some(e)) if e.id.0 == 1));
        assert_eq!(receiver.poll_recv(None), Poll::Ready(None));
    }

    #[test]
    fn a_closed_or_dropped_receiver_refuses_sends() {
        let (sender, receiver) = queue();
        assert!(!sender.is_closed());
        receiver.close();
        assert!(sender.is_closed());
        assert!(!sender.send(event(1)));
        let (sender, receiver) = queue();
        drop(receiver);
        assert!(sender.is_closed() && !sender.send(event(1)));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn recv_waits_for_a_send_from_another_task() {
        let (sender, receiver) = queue();
        let waiting = tokio::spawn(async move { poll_fn(|cx| receiver.poll_recv(Some(cx))).await });
        tokio::task::yield_now().await;
        assert!(sender.send(event(7)));
        // Bounded, so a send that failed to wake the task fails the test instead of hanging it.
        let got = tokio::time::timeout(std::time::Duration::from_secs(10), waiting)
            .await
            .expect("the send wakes the waiting task")
            .expect("the waiting task");
        assert_eq!(got.map(|e| e.id.0), Some(7));
    }
}
