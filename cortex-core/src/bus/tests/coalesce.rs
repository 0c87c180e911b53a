//! `Coalesce`: one queued event per kind and source, replaced in place; the oldest makes room otherwise.

use super::*;

#[tokio::test(flavor = "current_thread")]
async fn a_new_event_replaces_the_queued_one_with_its_key_in_place() {
    let bus = EventBus::new(3, BackpressurePolicy::Coalesce);
    let mut receiver = subscribe_all(&bus);
    // Queue after each, worked out by hand:
    // 1 a/s1 -> [1]; 2 b/s1 -> [1 2]; 3 a/s1 replaces 1 -> [3 2]; 4 a/s2 (other source) -> [3 2 4];
    // 5 c/s1, full and no key shared, drops the oldest -> [2 4 5]; 6 b/s1 replaces 2 -> [6 4 5].
    for (n, kind, source) in [
        (1, "a", "s1"),
        (2, "b", "s1"),
        (3, "a", "s1"),
        (4, "a", "s2"),
        (5, "c", "s1"),
        (6, "b", "s1"),
    ] {
        bus.publish(keyed(n, kind, source)).await.unwrap();
    }
    assert_eq!(drain(&mut receiver), [6, 4, 5]);
    assert_counts!(bus.stats(), { published: 6, delivered: 3, dropped_oldest: 1, coalesced: 2 });
    assert_counts!(receiver.stats(), { queued: 6, delivered: 3, dropped_oldest: 1, coalesced: 2 });
}

#[tokio::test(flavor = "current_thread")]
async fn a_read_event_is_not_replaced_and_a_limit_counts_replacements() {
    let bus = EventBus::new(2, BackpressurePolicy::Coalesce);
    let limited = EventFilter {
        limit: Some(3),
        ..EventFilter::default()
    };
    let mut receiver = bus.subscribe(limited).unwrap();
    bus.publish(keyed(1, "a", "s")).await.unwrap();
    assert_eq!(receiver.try_recv().map(|e| e.payload[0]), Some(1));
    // 1 was read, so 2 is queued anew; 3 replaces 2 and is the third event the limit counts.
    bus.publish(keyed(2, "a", "s")).await.unwrap();
    bus.publish(keyed(3, "a", "s")).await.unwrap();
    bus.publish(keyed(4, "a", "s")).await.unwrap();
    assert_eq!(drain(&mut receiver), [3]);
    assert_eq!(
        receiver.recv().await,
        None,
        "the limit ends the subscription"
    );
    assert_eq!(receiver.stats().coalesced, 1);
    assert_eq!(bus.stats().unrouted, 1);
}
