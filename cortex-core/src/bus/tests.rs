//! Each backpressure policy, closing, filtering and feeding a store, on a current-thread runtime.

/// Asserts that `$stats` (a `BusStats` or a `SubscriberStats`) holds the named counts and zero in
/// every other counter.
macro_rules! assert_counts {
    ($stats:expr, { $($counter:ident: $count:expr),+ $(,)? }) => {{
        let stats = $stats;
        let mut expected = zeroed(&stats);
        $(expected.$counter = $count;)+
        assert_eq!(stats, expected);
    }};
}

mod batch;
mod coalesce;
mod model;
mod patterns;
mod route;
mod sample;
mod saturated;
mod stream;

use super::*;
use crate::event::NodeId;
use crate::store::{EventStore, MemoryEventStore};

/// Event `n` (its payload is `[n]`) of `kind` from the node named `source`.
fn keyed(n: u8, kind: &str, source: &str) -> NewEvent {
    NewEvent {
        source: NodeId::from_name(source),
        kind: kind.into(),
        payload: vec![n],
        parent: None,
    }
}

/// Event `n` of `kind` from the one sensor.
fn kinded(n: u8, kind: &str) -> NewEvent {
    keyed(n, kind, "sensor")
}

/// Event `n`: a tick from the one sensor.
fn event(n: u8) -> NewEvent {
    kinded(n, "tick")
}

/// Counters of the same kind as `_like`, all zero.
fn zeroed<T: Default>(_like: &T) -> T {
    T::default()
}

/// A subscription to every event on `bus`, under the bus's own policy.
fn subscribe_all(bus: &EventBus) -> BusReceiver {
    bus.subscribe(EventFilter::default()).unwrap()
}

/// Publishes `event(n)` for each of `numbers`, in order, waiting as the policy says.
async fn publish_each(bus: &EventBus, numbers: impl IntoIterator<Item = u8>) {
    for n in numbers {
        bus.publish(event(n)).await.unwrap();
    }
}

/// A bus of `capacity` under `policy` with one `*` subscriber, after `publish_each(numbers)`: the
/// bus, the subscriber, and the payloads it held then (taken out).
async fn drained_after(
    capacity: usize,
    policy: BackpressurePolicy,
    numbers: impl IntoIterator<Item = u8>,
) -> (EventBus, BusReceiver, Vec<u8>) {
    let bus = EventBus::new(capacity, policy);
    let mut receiver = subscribe_all(&bus);
    publish_each(&bus, numbers).await;
    let held = drain(&mut receiver);
    (bus, receiver, held)
}

fn drain(receiver: &mut BusReceiver) -> Vec<u8> {
    std::iter::from_fn(|| receiver.try_recv())
        .map(|e| e.payload[0])
        .collect()
}

/// Lets spawned tasks run until they block.
async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn block_waits_for_room() {
    let bus = EventBus::new(2, BackpressurePolicy::Block);
    let mut receiver = subscribe_all(&bus);
    bus.publish(event(1)).await.unwrap();
    bus.publish(event(2)).await.unwrap();
    assert!(matches!(
        bus.try_publish(event(9)),
        Err(Error::Full { capacity: 2 })
    ));

    let publisher = tokio::spawn({
        let bus = bus.clone();
        async move { bus.publish(event(3)).await }
    });
    settle().await;
    assert!(
        !publisher.is_finished(),
        "publish must wait while the queue is full"
    );
    assert_eq!(bus.stats().published, 2);

    assert_eq!(receiver.recv().await.map(|e| e.payload[0]), Some(1));
    publisher.await.unwrap().unwrap();
    assert_eq!(drain(&mut receiver), [2, 3]);
    assert_counts!(bus.stats(), { published: 3, delivered: 3, rejected: 1 });
}

#[tokio::test(flavor = "current_thread")]
async fn drop_oldest_keeps_the_newest() {
    let (bus, receiver, held) = drained_after(2, BackpressurePolicy::DropOldest, 1..=5).await;
    assert_eq!(held, [4, 5]);
    assert_counts!(bus.stats(), { published: 5, delivered: 2, dropped_oldest: 3 });
    assert_counts!(receiver.stats(), { queued: 5, delivered: 2, dropped_oldest: 3 });
}

#[tokio::test(flavor = "current_thread")]
async fn drop_newest_keeps_the_oldest_and_spares_other_subscribers() {
    let bus = EventBus::new(2, BackpressurePolicy::DropNewest);
    let mut slow = subscribe_all(&bus);
    let mut fast = subscribe_all(&bus);
    for n in 1..=4 {
        bus.publish(event(n)).await.unwrap();
        assert_eq!(fast.try_recv().map(|e| e.payload[0]), Some(n));
    }
    assert_eq!(drain(&mut slow), [1, 2]);
    assert_counts!(bus.stats(), { published: 4, delivered: 6, dropped_newest: 2 });
    assert_eq!(slow.stats().dropped_newest, 2);
    assert_eq!(fast.stats().dropped_newest, 0);
}

#[tokio::test(flavor = "current_thread")]
async fn error_policy_rejects_for_everyone() {
    let bus = EventBus::new(2, BackpressurePolicy::Error);
    let mut full = subscribe_all(&bus);
    let mut other = subscribe_all(&bus);
    bus.publish(event(1)).await.unwrap();
    other.try_recv().unwrap();
    bus.publish(event(2)).await.unwrap();
    other.try_recv().unwrap();
    assert!(matches!(
        bus.publish(event(3)).await,
        Err(Error::Full { capacity: 2 })
    ));
    assert_eq!(
        other.try_recv(),
        None,
        "a rejected event reaches no subscriber"
    );
    assert_eq!(drain(&mut full), [1, 2]);
    bus.publish(event(4)).await.unwrap();
    assert_counts!(bus.stats(), { published: 3, delivered: 4, rejected: 1 });
}

#[tokio::test(flavor = "current_thread")]
async fn close_drains_then_ends_and_frees_blocked_publishers() {
    let bus = EventBus::new(1, BackpressurePolicy::Block);
    let mut receiver = subscribe_all(&bus);
    bus.publish(event(1)).await.unwrap();
    let blocked = tokio::spawn({
        let bus = bus.clone();
        async move { bus.publish(event(2)).await }
    });
    settle().await;
    bus.close();
    assert!(matches!(blocked.await.unwrap(), Err(Error::Closed)));
    assert!(matches!(bus.publish(event(3)).await, Err(Error::Closed)));
    assert!(matches!(
        bus.subscribe(EventFilter::default()),
        Err(Error::Closed)
    ));
    assert_eq!(receiver.recv().await.map(|e| e.payload[0]), Some(1));
    assert_eq!(receiver.recv().await, None);
    assert_eq!(bus.stats().published, 1);
}

#[tokio::test(flavor = "current_thread")]
async fn dropping_a_receiver_unblocks_publishers() {
    let bus = EventBus::new(1, BackpressurePolicy::Block);
    let receiver = subscribe_all(&bus);
    bus.publish(event(1)).await.unwrap();
    let blocked = tokio::spawn({
        let bus = bus.clone();
        async move { bus.publish(event(2)).await }
    });
    settle().await;
    assert!(!blocked.is_finished());
    drop(receiver);
    blocked.await.unwrap().unwrap();
    assert_eq!(bus.subscriber_count(), 0);
    assert_eq!(bus.stats().unrouted, 1);
}

#[tokio::test(flavor = "current_thread")]
async fn filters_and_limits_select_what_a_subscriber_gets() {
    let bus = EventBus::new(8, BackpressurePolicy::Error);
    let only_alarms = EventFilter {
        kinds: vec!["alarm".into()],
        limit: Some(2),
        ..EventFilter::default()
    };
    let mut alarms = bus.subscribe(only_alarms).unwrap();
    for (n, kind) in [(1, "tick"), (2, "alarm"), (3, "alarm"), (4, "alarm")] {
        bus.publish(kinded(n, kind)).await.unwrap();
    }
    assert_eq!(alarms.recv().await.map(|e| e.payload[0]), Some(2));
    assert_eq!(alarms.recv().await.map(|e| e.payload[0]), Some(3));
    assert_eq!(alarms.recv().await, None, "the limit ends the subscription");
    assert_eq!(bus.stats().unrouted, 2);

    let stamped = EventFilter {
        since: Some(1),
        ..EventFilter::default()
    };
    assert!(matches!(
        bus.subscribe(stamped),
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test(flavor = "current_thread")]
async fn feed_appends_everything_until_the_bus_closes() {
    let bus = EventBus::new(4, BackpressurePolicy::Block);
    let store = Arc::new(MemoryEventStore::new());
    let feeder = bus
        .spawn_feeder(
            Arc::clone(&store) as Arc<dyn EventStore>,
            EventFilter::default(),
        )
        .unwrap();
    publish_each(&bus, 1..=10).await;
    bus.close();
    assert_eq!(feeder.await.unwrap().unwrap(), 10);
    let stored = store.query(&EventFilter::default()).unwrap();
    assert_eq!(
        stored.iter().map(|e| e.payload[0]).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    assert_eq!(bus.stats().delivered, 10);
}

#[tokio::test(flavor = "current_thread")]
async fn feed_stops_at_the_first_refused_event() {
    let bus = EventBus::new(4, BackpressurePolicy::Error);
    let store = Arc::new(MemoryEventStore::new());
    let feed = bus
        .feed(Arc::clone(&store), EventFilter::default())
        .unwrap();
    bus.publish(event(1)).await.unwrap();
    bus.publish(kinded(2, "")).await.unwrap();
    bus.close();
    assert!(matches!(feed.await, Err(Error::InvalidKind(_))));
    assert_eq!(store.len().unwrap(), 1);
}
