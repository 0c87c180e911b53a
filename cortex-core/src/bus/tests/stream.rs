//! `BusReceiver` as a `Stream`: combinators see the queued events, and a waiting stream wakes on publish.

use futures_util::StreamExt;

use super::*;

#[tokio::test(flavor = "current_thread")]
async fn stream_combinators_see_every_queued_event_and_end_with_the_bus() {
    let bus = EventBus::new(8, BackpressurePolicy::DropOldest);
    let receiver = subscribe_all(&bus);
    publish_each(&bus, 1..=6).await;
    bus.close();
    let even: Vec<u8> = receiver
        .map(|e| e.payload[0])
        .filter(|n| std::future::ready(n % 2 == 0))
        .collect()
        .await;
    assert_eq!(even, [2, 4, 6]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_waiting_stream_wakes_when_an_event_arrives() {
    let bus = EventBus::new(2, BackpressurePolicy::Block);
    let mut receiver = subscribe_all(&bus);
    let reader = tokio::spawn(async move {
        let first = receiver.next().await.map(|e| e.payload[0]);
        let rest: Vec<u8> = receiver.map(|e| e.payload[0]).collect().await;
        (first, rest)
    });
    settle().await;
    assert!(!reader.is_finished(), "nothing published yet");
    bus.publish(event(7)).await.unwrap();
    bus.publish(event(8)).await.unwrap();
    settle().await;
    assert!(
        !reader.is_finished(),
        "the stream lasts until the bus closes"
    );
    bus.close();
    // A guard against a stream that is never woken, which would otherwise hang the test.
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), reader).await;
    assert_eq!(read.expect("the stream woke").unwrap(), (Some(7), vec![8]));
}
