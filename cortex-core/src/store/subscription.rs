//! Live subscriptions to a store: each subscriber gets its own channel of the events appended after it subscribed.
//!
//! One unbounded queue per subscriber (`queue.rs`), filled by the store right after a successful write.
//! Unbounded because a store write must never wait for, or fail because of, a slow reader, and the
//! filter runs on the writing side so a subscriber only ever holds events it asked for. A `broadcast`
//! channel would instead clone every event into one ring shared by all readers and silently skip events
//! for a reader that falls behind; here nothing is lost, and a reader that stops reading should drop its
//! `Subscription`, which unregisters it on the next write.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use crate::event::{Event, EventFilter};
use crate::kind_pattern::validate_kind_patterns;

mod queue;
use queue::{queue, Receiver, Sender};

/// Matching events appended to a store after `subscribe` returned, in append order.
///
/// `filter.limit` means "deliver at most this many, then end". `recv` returns `None` once the limit is
/// reached or the store is dropped and every delivered event has been read. It is also a
/// `futures_core::Stream` of the same events, so `StreamExt` combinators apply.
#[derive(Debug)]
pub struct Subscription {
    events: Receiver,
    remaining: Option<usize>,
}

impl Subscription {
    /// Waits for the next matching event; `None` once the subscription has ended.
    pub async fn recv(&mut self) -> Option<Event> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The next matching event if one is already waiting, without blocking.
    pub fn try_recv(&mut self) -> Option<Event> {
        if self.remaining == Some(0) {
            return None;
        }
        match self.events.poll_recv(None) {
            Poll::Ready(Some(event)) => Some(self.count(event)),
            Poll::Ready(None) | Poll::Pending => None,
        }
    }

    /// `recv` as a poll, shared by the `Stream` impl.
    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        if self.remaining == Some(0) {
            return Poll::Ready(None);
        }
        self.events
            .poll_recv(Some(cx))
            .map(|event| event.map(|e| self.count(e)))
    }

    fn count(&mut self, event: Event) -> Event {
        if let Some(left) = self.remaining.as_mut() {
            *left -= 1;
            if *left == 0 {
                // Tell the store to stop sending; it unregisters closed channels on the next write.
                self.events.close();
            }
        }
        event
    }
}

impl futures_core::Stream for Subscription {
    type Item = Event;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.get_mut().poll_recv(cx)
    }
}

/// The subscribers of one store. Backends embed it, call `subscribe` from `EventStore::subscribe` and
/// `publish` after each successful write (while still holding their write lock, so delivery follows id order).
#[derive(Debug, Default)]
pub(crate) struct Subscribers {
    // The Vec stays consistent even if a thread panicked while holding the lock (every change is a
    // single push or retain), so a poisoned lock is safe to keep using.
    list: Mutex<Vec<Subscriber>>,
    /// False while `list` is surely empty, so a write with nobody listening skips the lock. Set under the
    /// lock before `subscribe` returns, cleared under it when the last subscriber goes.
    any: AtomicBool,
}

#[derive(Debug)]
struct Subscriber {
    filter: EventFilter,
    sender: Sender,
}

impl Subscribers {
    /// Registers `filter`; one with a malformed kind pattern selects nothing, so its subscription ends at
    /// once (`EventStore::try_subscribe` reports it instead).
    pub(crate) fn subscribe(&self, filter: EventFilter) -> Subscription {
        let (sender, events) = queue();
        let remaining = match validate_kind_patterns(&filter.kinds) {
            Ok(()) => filter.limit,
            Err(_) => Some(0),
        };
        if remaining != Some(0) {
            let mut list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
            list.push(Subscriber { filter, sender });
            self.any.store(true, Ordering::SeqCst);
        }
        Subscription { events, remaining }
    }

    /// Hands `event` to every subscriber whose filter matches, forgetting those that went away.
    pub(crate) fn publish(&self, event: &Event) {
        self.publish_all(std::slice::from_ref(event));
    }

    /// `publish` for each of `events` in order, under one lock.
    pub(crate) fn publish_all(&self, events: &[Event]) {
        if !self.any.load(Ordering::SeqCst) {
            return;
        }
        let mut list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        for event in events {
            // One look at each queue: a send finds a closed one itself (and the clone it was
            // given goes, once); an event the filter refuses still forgets a closed one.
            list.retain(|s| match s.filter.matches(event) {
                true => s.sender.send(event.clone()),
                false => !s.sender.is_closed(),
            });
        }
        if list.is_empty() {
            self.any.store(false, Ordering::SeqCst);
        }
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.list
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventId, NodeId};

    fn event(id: u64, kind: &str) -> Event {
        Event {
            id: EventId(id),
            timestamp: id,
            source: NodeId::from_name("s"),
            kind: kind.into(),
            payload: Vec::new(),
            parent: None,
        }
    }

    #[test]
    fn delivers_only_matching_events_in_order() {
        let subscribers = Subscribers::default();
        let mut sub = subscribers.subscribe(EventFilter {
            kinds: vec!["a".into()],
            ..Default::default()
        });
        for (id, kind) in [(1, "a"), (2, "b"), (3, "a")] {
            subscribers.publish(&event(id, kind));
        }
        assert_eq!(sub.try_recv().map(|e| e.id), Some(EventId(1)));
        assert_eq!(sub.try_recv().map(|e| e.id), Some(EventId(3)));
        assert_eq!(sub.try_recv(), None);
    }

    #[test]
    fn patterns_select_by_prefix_and_a_malformed_one_ends_at_once() {
        let subscribers = Subscribers::default();
        let mut sensors = subscribers.subscribe(EventFilter {
            kinds: vec!["sensor.*".into(), "alarm".into()],
            ..Default::default()
        });
        let mut malformed = subscribers.subscribe(EventFilter {
            kinds: vec!["sen*sor".into()],
            ..Default::default()
        });
        for (id, kind) in [
            (1, "sensor.mic"),
            (2, "sensor"),
            (3, "sensors.x"),
            (4, "alarm"),
            (5, "sensor.mic.v1"),
        ] {
            subscribers.publish(&event(id, kind));
        }
        let got: Vec<u64> = std::iter::from_fn(|| sensors.try_recv())
            .map(|e| e.id.0)
            .collect();
        assert_eq!(got, [1, 4, 5]);
        assert_eq!(malformed.try_recv(), None);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_subscription_is_a_stream() {
        use futures_util::StreamExt;
        let subscribers = Subscribers::default();
        let sub = subscribers.subscribe(EventFilter {
            limit: Some(3),
            ..Default::default()
        });
        for id in 1..=5 {
            subscribers.publish(&event(id, if id % 2 == 0 { "even" } else { "odd" }));
        }
        // The limit ends the stream after three events, so `collect` returns.
        let kinds: Vec<String> = sub.map(|e| e.kind).collect().await;
        assert_eq!(kinds, ["odd", "even", "odd"]);
    }

    #[test]
    fn limit_ends_the_subscription_and_unregisters_it() {
        let subscribers = Subscribers::default();
        let mut sub = subscribers.subscribe(EventFilter {
            limit: Some(1),
            ..Default::default()
        });
        subscribers.publish(&event(1, "a"));
        assert!(sub.try_recv().is_some());
        subscribers.publish(&event(2, "a"));
        assert_eq!(sub.try_recv(), None);
        assert!(subscribers.is_empty());
    }

    #[test]
    fn a_subscriber_after_the_last_one_left_still_hears_events() {
        let subscribers = Subscribers::default();
        drop(subscribers.subscribe(EventFilter::default()));
        // This write finds the list empty and stops taking the lock for writes nobody hears.
        subscribers.publish(&event(1, "a"));
        let mut sub = subscribers.subscribe(EventFilter::default());
        subscribers.publish_all(&[event(2, "a"), event(3, "b")]);
        let got: Vec<u64> = std::iter::from_fn(|| sub.try_recv())
            .map(|e| e.id.0)
            .collect();
        assert_eq!(got, [2, 3]);
    }

    #[test]
    fn dropped_subscribers_are_forgotten() {
        let subscribers = Subscribers::default();
        drop(subscribers.subscribe(EventFilter::default()));
        subscribers.publish(&event(1, "a"));
        assert!(subscribers.is_empty());
    }
}
