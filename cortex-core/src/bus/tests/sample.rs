//! `Sample(n)`: while the queue is full, the n-th new event is kept (the oldest makes room), the rest skipped.

use super::*;

#[tokio::test(flavor = "current_thread")]
async fn a_full_queue_keeps_one_event_in_every_n() {
    // 1, 2 fill the queue; then 3, 4 skipped, 5 kept ([2 5]), 6, 7 skipped, 8 kept ([5 8]), 9, 10 skipped.
    let (bus, mut receiver, held) = drained_after(2, BackpressurePolicy::Sample(3), 1..=10).await;
    assert_eq!(held, [5, 8]);
    assert_counts!(receiver.stats(), {
        queued: 4, delivered: 2, dropped_oldest: 2, sampled_out: 6
    });
    // The count of events met full carries over: after 9 and 10, the next full meeting (13) is the third.
    publish_each(&bus, 11..=13).await;
    assert_eq!(drain(&mut receiver), [12, 13]);
    assert_counts!(bus.stats(), {
        published: 13, delivered: 4, dropped_oldest: 3, sampled_out: 6
    });
}

#[tokio::test(flavor = "current_thread")]
async fn sample_of_zero_is_sample_of_one_which_drops_the_oldest() {
    let (_, receiver, held) = drained_after(2, BackpressurePolicy::Sample(0), 1..=5).await;
    assert_eq!(held, [4, 5]);
    let stats = receiver.stats();
    assert_eq!((stats.dropped_oldest, stats.sampled_out), (3, 0));
}

#[tokio::test(flavor = "current_thread")]
async fn subscribers_choose_their_own_policy_and_the_bus_gives_the_default() {
    let bus = EventBus::new(2, BackpressurePolicy::DropNewest);
    let mut default = subscribe_all(&bus);
    let mut sampled = bus
        .subscribe_with(EventFilter::default(), BackpressurePolicy::Sample(2))
        .unwrap();
    let mut coalesced = bus
        .subscribe_with(EventFilter::default(), BackpressurePolicy::Coalesce)
        .unwrap();
    // One key throughout. DropNewest: [1 2]. Sample(2): 3 skipped, 4 kept -> [2 4]. Coalesce: [4].
    publish_each(&bus, 1..=4).await;
    assert_eq!(drain(&mut default), [1, 2]);
    assert_eq!(drain(&mut sampled), [2, 4]);
    assert_eq!(drain(&mut coalesced), [4]);
    assert_counts!(bus.stats(), {
        published: 4, delivered: 5,
        dropped_oldest: 1, dropped_newest: 2, coalesced: 3, sampled_out: 1
    });
    assert_eq!(bus.policy(), BackpressurePolicy::DropNewest);
}

#[tokio::test(flavor = "current_thread")]
async fn one_blocking_subscriber_holds_publishers_on_a_dropping_bus() {
    let bus = EventBus::new(1, BackpressurePolicy::DropOldest);
    let mut blocking = bus
        .subscribe_with(EventFilter::default(), BackpressurePolicy::Block)
        .unwrap();
    let mut dropping = subscribe_all(&bus);
    bus.publish(event(1)).await.unwrap();
    assert!(matches!(
        bus.try_publish(event(2)),
        Err(Error::Full { capacity: 1 })
    ));
    assert_eq!(drain(&mut blocking), [1]);
    bus.publish(event(3)).await.unwrap();
    assert_eq!(drain(&mut blocking), [3]);
    // The dropping subscriber never saw 2: the refused publish reached nobody.
    assert_eq!(drain(&mut dropping), [3]);
    assert_eq!(dropping.stats().dropped_oldest, 1);
}
