//! Publishes that every full `DropNewest` subscriber drops are counted without the bus's lock; the
//! counters, the queues and what a later subscriber or reader sees must be as if each had taken it.

use super::*;

/// A bus of one under `DropNewest` with one subscriber to `filter`, after `try_publish` of
/// `event(n)` for each `n` below `count`: the subscriber's queue is full after the first.
fn saturated(filter: EventFilter, count: u8) -> (EventBus, BusReceiver) {
    let bus = EventBus::new(1, BackpressurePolicy::DropNewest);
    let receiver = bus.subscribe(filter).unwrap();
    for n in 0..count {
        bus.try_publish(event(n)).unwrap();
    }
    (bus, receiver)
}

/// Two never-read `*` subscribers, full, then `extra` more publishes: each is dropped by both.
#[tokio::test(flavor = "current_thread")]
async fn drops_counted_without_the_lock_add_up_as_with_it() {
    let capacity = 3;
    let bus = EventBus::new(capacity, BackpressurePolicy::DropNewest);
    let mut a = subscribe_all(&bus);
    let b = subscribe_all(&bus);
    let extra = 50u64;
    for n in 0..capacity as u64 + extra {
        bus.try_publish(event(n as u8)).unwrap();
        // The async path takes the same way.
        bus.publish(event(n as u8)).await.unwrap();
    }
    // Oracle: every publish is accepted; the first `capacity` fill both queues, the rest are
    // dropped by both.
    let published = 2 * (capacity as u64 + extra);
    let stats = bus.stats();
    assert_eq!(stats.published, published);
    assert_eq!(stats.dropped_newest, 2 * (published - capacity as u64));
    assert_eq!(a.stats().dropped_newest, published - capacity as u64);
    assert_eq!(b.stats().dropped_newest, published - capacity as u64);
    // What stayed queued is the oldest three, in order.
    assert_eq!(drain(&mut a), [0, 0, 1]);

    // `a` has room now: the next publish reaches it, and only `b` drops it.
    bus.try_publish(event(200)).unwrap();
    assert_eq!(drain(&mut a), [200]);
    assert_eq!(b.stats().dropped_newest, published - capacity as u64 + 1);
    assert_eq!(a.stats().dropped_newest, published - capacity as u64);
}

/// A subscriber that arrives while every queue drops is not counted for drops before it came, and
/// gets what is published after.
#[tokio::test(flavor = "current_thread")]
async fn a_subscriber_joining_a_saturated_bus_starts_from_nothing() {
    let (bus, full) = saturated(EventFilter::default(), 10);
    let mut late = subscribe_all(&bus);
    assert_eq!(late.stats().dropped_newest, 0);
    bus.try_publish(event(10)).unwrap();
    assert_eq!(drain(&mut late), [10]);
    assert_eq!(full.stats().dropped_newest, 10);
    assert_eq!(bus.stats().dropped_newest, 10);
}

/// Closing ends the unlocked way too: a publish after `close` fails.
#[tokio::test(flavor = "current_thread")]
async fn a_closed_saturated_bus_refuses_publishes() {
    let (bus, _full) = saturated(EventFilter::default(), 3);
    bus.close();
    assert!(matches!(bus.try_publish(event(3)), Err(Error::Closed)));
    assert!(matches!(bus.publish(event(4)).await, Err(Error::Closed)));
    assert_eq!(bus.stats().published, 3);
}

/// Threads publishing at once while a reader takes events now and then: every publish is either
/// delivered (now or at the end) or counted as dropped, none both, none lost.
#[test]
fn concurrent_publishes_and_reads_lose_no_count() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let bus = EventBus::new(2, BackpressurePolicy::DropNewest);
    let mut receiver = subscribe_all(&bus);
    let (threads, each) = (4u64, 20_000u64);
    let done = AtomicBool::new(false);
    let mut taken = 0u64;
    std::thread::scope(|scope| {
        let publishers: Vec<_> = (0..threads)
            .map(|_| {
                let bus = bus.clone();
                scope.spawn(move || {
                    for n in 0..each {
                        bus.try_publish(event(n as u8)).unwrap();
                    }
                })
            })
            .collect();
        let reader = scope.spawn(|| {
            let mut taken = 0u64;
            while !done.load(Ordering::Acquire) {
                taken += receiver.try_recv().map_or(0, |_| 1);
                std::thread::yield_now();
            }
            (taken, receiver)
        });
        for publisher in publishers {
            publisher.join().unwrap();
        }
        done.store(true, Ordering::Release);
        let (during, mut receiver) = reader.join().unwrap();
        taken = during + drain(&mut receiver).len() as u64;
        let stats = bus.stats();
        assert_eq!(stats.published, threads * each);
        assert_eq!(taken + stats.dropped_newest, threads * each, "{stats:?}");
        assert_eq!(receiver.stats().delivered, taken);
        assert_eq!(receiver.stats().dropped_newest, stats.dropped_newest);
    });
    assert!(taken >= 2);
}

/// A full subscriber that takes only some kinds drops only those: others stay unrouted, counted
/// the way every publish is, under the lock.
#[test]
fn a_full_subscriber_of_some_kinds_drops_only_those() {
    let ticks = EventFilter {
        kinds: vec!["tick".into()],
        ..EventFilter::default()
    };
    let (bus, receiver) = saturated(ticks, 3);
    for n in 3..5 {
        bus.try_publish(kinded(n, "tock")).unwrap();
    }
    let stats = bus.stats();
    assert_eq!(
        (stats.published, stats.dropped_newest, stats.unrouted),
        (5, 2, 2)
    );
    assert_eq!(receiver.stats().dropped_newest, 2);
}
