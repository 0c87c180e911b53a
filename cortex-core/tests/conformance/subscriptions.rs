//! Conformance cases of `EventStore::subscribe`: only later, matching events, and limits.

use cortex_core::{Error, EventFilter, EventStore, Result};

use super::{id, new_event, Backend};

pub fn subscribers_get_only_later_matching_events(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    s.events.append(new_event("ann", "alarm", b"before"))?;
    let mut alarms = s.events.subscribe(EventFilter {
        kinds: vec!["alarm".into()],
        ..Default::default()
    });
    let mut from_bob = s.events.subscribe(EventFilter {
        source: Some(id("bob")),
        ..Default::default()
    });
    assert_eq!(
        alarms.try_recv(),
        None,
        "nothing appended before subscribing is delivered"
    );

    let first = s.events.append(new_event("ann", "alarm", b"1"))?;
    s.events.append(new_event("ann", "tick", b"2"))?;
    let batch = s.events.append_batch(vec![
        new_event("bob", "alarm", b"3"),
        new_event("bob", "tick", b"4"),
    ])?;
    assert!(s.events.append(new_event("bob", "", b"refused")).is_err());

    assert_eq!(alarms.try_recv(), Some(first));
    assert_eq!(alarms.try_recv(), Some(batch[0].clone()));
    assert_eq!(alarms.try_recv(), None);
    let runtime = current_thread_runtime()?;
    let received = runtime.block_on(async { (from_bob.recv().await, from_bob.recv().await) });
    assert_eq!(received, (Some(batch[0].clone()), Some(batch[1].clone())));
    assert_eq!(from_bob.try_recv(), None);
    Ok(())
}

pub fn subscription_limit_ends_it(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let mut two = s.events.subscribe(EventFilter {
        limit: Some(2),
        ..Default::default()
    });
    for n in 0..4u8 {
        s.events.append(new_event("ann", "k", &[n]))?;
    }
    let runtime = current_thread_runtime()?;
    let received = runtime.block_on(async {
        let mut received = Vec::new();
        while let Some(event) = two.recv().await {
            received.push(event.payload[0]);
        }
        received
    });
    assert_eq!(received, [0, 1]);
    Ok(())
}

/// The single-threaded runtime a wasm embedder would have, to await subscriptions on.
fn current_thread_runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Error::Backend {
            context: "cannot build a tokio runtime".into(),
            source: Some(Box::new(e)),
        })
}
