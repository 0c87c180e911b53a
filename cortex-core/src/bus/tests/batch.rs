//! `publish_batch`: in order, under one lock, stopping at the first event a full queue refuses.

use super::*;

fn events(range: std::ops::RangeInclusive<u8>) -> Vec<NewEvent> {
    range.map(event).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn a_batch_is_offered_in_order_and_stops_where_a_queue_refuses() {
    let bus = EventBus::new(3, BackpressurePolicy::Error);
    let mut first = subscribe_all(&bus);
    let mut second = subscribe_all(&bus);
    assert_eq!(bus.publish_batch(events(1..=5)).unwrap(), 3);
    assert_eq!(drain(&mut first), [1, 2, 3]);
    assert_eq!(drain(&mut second), [1, 2, 3]);
    assert_counts!(bus.stats(), { published: 3, delivered: 6, rejected: 1 });
    // The caller retries from where the batch stopped.
    assert_eq!(bus.publish_batch(events(4..=5)).unwrap(), 2);
    assert_eq!(drain(&mut first), [4, 5]);
}

/// Under `Block` a batch stops at a full queue instead of waiting; under `DropOldest` it goes on.
#[tokio::test(flavor = "current_thread")]
async fn a_blocking_bus_does_not_wait_inside_a_batch() {
    for (policy, batch, taken, held, rejected) in [
        (BackpressurePolicy::Block, 1..=3, 2, [1, 2], 1),
        (BackpressurePolicy::DropOldest, 1..=5, 5, [4, 5], 0),
    ] {
        let bus = EventBus::new(2, policy);
        let mut receiver = subscribe_all(&bus);
        assert_eq!(
            bus.publish_batch(events(batch)).unwrap(),
            taken,
            "{policy:?}"
        );
        assert_eq!(drain(&mut receiver), held, "{policy:?}");
        assert_eq!(bus.stats().rejected, rejected, "{policy:?}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_starred_kind_refuses_the_whole_batch_and_a_closed_bus_refuses_any() {
    let bus = EventBus::new(8, BackpressurePolicy::DropOldest);
    let mut receiver = subscribe_all(&bus);
    let mut batch = events(1..=3);
    batch[2].kind = "tick.*".into();
    assert!(matches!(
        bus.publish_batch(batch),
        Err(Error::InvalidKind(_))
    ));
    assert_eq!(drain(&mut receiver), [0u8; 0]);
    assert_eq!(bus.stats(), BusStats::default());
    assert_eq!(bus.publish_batch(Vec::new()).unwrap(), 0);
    bus.close();
    assert!(matches!(
        bus.publish_batch(events(1..=1)),
        Err(Error::Closed)
    ));
}
