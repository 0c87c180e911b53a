//! The scenario's executor: one future, polled on the calling thread until it is ready.
//!
//! cortex-core's futures (a publish waiting for room on a `Block` bus, a receiver waiting for an event,
//! the store feeder) wait on tokio's sync primitives, and those wake whichever task polls them: none
//! needs tokio's scheduler, timers or I/O driver. The demo therefore joins its futures and polls them
//! here. A current-thread tokio runtime around the same scenario was a quarter of the module (46 of
//! its 178 KB), and a wasm host that embeds cortex-core pays for one only if it wants one.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// The future waited with nothing left to wake it: on one thread, a deadlock.
#[derive(Debug, PartialEq, Eq)]
pub struct Stalled;

/// Set by the waker; read and cleared after each poll that left the future pending.
struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::Release);
    }
}

/// Polls `future` until it is ready, polling again only after it has been woken.
///
/// Everything the future waits on lives on this thread, so a poll that returns `Pending` without
/// waking the task can never be woken later: that ends the run with [`Stalled`] instead of a hang.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, Stalled> {
    let woken = Arc::new(Woken(AtomicBool::new(false)));
    let waker = Waker::from(Arc::clone(&woken));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Ok(output);
        }
        if !woken.0.swap(false, Ordering::Acquire) {
            return Err(Stalled);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::{pending, poll_fn, ready};
    use std::sync::Arc;
    use std::task::Poll;

    use cortex_core::bus::{BackpressurePolicy, EventBus};
    use cortex_core::{EventFilter, EventStore, MemoryEventStore, NewEvent, NodeId};

    use super::{block_on, Stalled};

    #[test]
    fn a_ready_future_gives_its_output() {
        assert_eq!(block_on(ready(7)), Ok(7));
    }

    #[test]
    fn a_future_that_wakes_itself_is_polled_until_ready() {
        let mut polls = 0;
        let counted = poll_fn(|cx| {
            polls += 1;
            if polls < 5 {
                cx.waker().wake_by_ref();
                Poll::Pending
            } else {
                Poll::Ready(polls)
            }
        });
        assert_eq!(block_on(counted), Ok(5));
    }

    #[test]
    fn a_future_nothing_can_wake_is_a_stall_not_a_hang() {
        assert_eq!(block_on(pending::<()>()), Err(Stalled));
        // A receiver on a bus nobody publishes to or closes: parked for good.
        let bus = EventBus::new(1, BackpressurePolicy::Block);
        let mut receiver = bus.subscribe(EventFilter::default()).unwrap();
        assert_eq!(block_on(receiver.recv()).map(|_| ()), Err(Stalled));
    }

    #[test]
    fn a_blocked_publisher_and_the_feeder_take_turns() {
        // Capacity 1: each publish after the first waits until the feeder has taken the one queued.
        let bus = EventBus::new(1, BackpressurePolicy::Block);
        let store = Arc::new(MemoryEventStore::new());
        let feeder = bus
            .feed(Arc::clone(&store), EventFilter::default())
            .unwrap();
        let publisher = async {
            for n in 0..20u8 {
                let event = NewEvent {
                    source: NodeId::from_name("p"),
                    kind: "tick".into(),
                    payload: vec![n],
                    parent: None,
                };
                bus.publish(event).await.unwrap();
            }
            bus.close();
        };
        let ((), fed) = block_on(async { tokio::join!(publisher, feeder) }).unwrap();
        assert_eq!(fed.unwrap(), 20);
        let payloads: Vec<u8> = store
            .query(&EventFilter::default())
            .unwrap()
            .iter()
            .map(|e| e.payload[0])
            .collect();
        assert_eq!(payloads, (0..20).collect::<Vec<u8>>());
    }
}
