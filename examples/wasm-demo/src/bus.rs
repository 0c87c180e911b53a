//! The bus half: the script is published through an `EventBus` whose subscriber feeds the store.

use std::sync::Arc;

use cortex_core::bus::{BackpressurePolicy, EventBus};
use cortex_core::{EventFilter, EventStore, MemoryEventStore};

use crate::report::{number, Report};
use crate::scenario::{self, Scripted};

/// Smaller than the script, so the publisher really waits for the feeder (policy `Block`).
const CAPACITY: usize = 8;
/// A deliberately tiny bus, overrun on purpose to show `DropOldest` counting what it discards.
const SMALL: usize = 4;

/// Publishes every scripted event through a blocking bus into `store`, and checks the counters.
pub async fn feed(report: &mut Report, store: &Arc<MemoryEventStore>, script: &[Scripted]) {
    // A kind pattern: every `link.*` event, follows and shares alike.
    let links = EventFilter {
        kinds: vec![scenario::LINKS.into()],
        ..EventFilter::default()
    };
    let mut live = report.ok("subscribe to a kind pattern", store.try_subscribe(links));
    let bus = EventBus::new(CAPACITY, BackpressurePolicy::Block);
    // The feeder is a future joined with the publisher, not a spawned task: they take turns on the
    // one thread, the publisher waiting whenever the queue is full until the feeder has drained it.
    let Some(feeder) = report.ok(
        "start the feeder",
        bus.feed(Arc::clone(store), EventFilter::default()),
    ) else {
        return;
    };
    let publisher = async {
        for scripted in script {
            if report
                .ok("publish", bus.publish(scripted.event.clone()).await)
                .is_none()
            {
                break;
            }
        }
        bus.close();
    };
    let ((), fed) = tokio::join!(publisher, feeder);
    let appended = report.ok("feed the store", fed).unwrap_or(0);
    let stats = bus.stats();
    let published = script.len() as u64;
    report.check(
        "bus accepted every event",
        stats.published == published,
        || format!("{} of {published}", stats.published),
    );
    report.check("feeder appended every event", appended == published, || {
        format!("{appended} of {published}")
    });
    let lost = stats.dropped_oldest + stats.dropped_newest + stats.rejected;
    report.check(
        "a blocking bus loses nothing",
        lost == 0 && stats.delivered == published,
        || {
            format!(
                "{} delivered, {} dropped oldest, {} dropped newest, {} rejected",
                stats.delivered, stats.dropped_oldest, stats.dropped_newest, stats.rejected
            )
        },
    );

    let mut linked = Vec::new();
    while let Some(event) = live.as_mut().and_then(|live| live.try_recv()) {
        linked.push(event);
    }
    // The reference: the scripted events that become edges, in publish order.
    let expected: Vec<_> = script
        .iter()
        .filter(|s| scenario::edge_of(&s.event.kind, 0).is_some())
        .collect();
    let same = linked.len() == expected.len()
        && linked.iter().zip(&expected).all(|(e, s)| {
            e.kind == s.event.kind && e.source == s.event.source && e.payload == s.event.payload
        });
    report.check(
        "pattern subscription saw every link, in order",
        same,
        || format!("{} of {} link events", linked.len(), expected.len()),
    );

    let (kept, dropped) = overrun(report, script);
    report.line(
        "bus",
        &[
            ("published", number(stats.published)),
            ("appended", number(appended)),
            ("delivered", number(stats.delivered)),
            ("lost", number(lost)),
            ("live_links", number(linked.len() as u64)),
        ],
    );
    report.line(
        "overrun",
        &[
            ("capacity", number(SMALL as u64)),
            ("kept", number(kept as u64)),
            ("dropped_oldest", number(dropped)),
        ],
    );
}

/// Publishes the first few events into a tiny `DropOldest` bus nobody reads yet: the newest survive.
fn overrun(report: &mut Report, script: &[Scripted]) -> (usize, u64) {
    let bus = EventBus::new(SMALL, BackpressurePolicy::DropOldest);
    let Some(mut receiver) = report.ok("subscribe", bus.subscribe(EventFilter::default())) else {
        return (0, 0);
    };
    let burst = &script[..script.len().min(3 * SMALL)];
    for scripted in burst {
        report.ok(
            "publish without waiting",
            bus.try_publish(scripted.event.clone()),
        );
    }
    let mut kept = Vec::new();
    while let Some(event) = receiver.try_recv() {
        kept.push(event);
    }
    let dropped = bus.stats().dropped_oldest;
    let newest: Vec<_> = burst[burst.len().saturating_sub(SMALL)..]
        .iter()
        .map(|s| s.event.clone())
        .collect();
    report.check(
        "drop-oldest keeps the newest events",
        kept == newest,
        || format!("kept {} events", kept.len()),
    );
    report.check(
        "drop-oldest counts what it drops",
        dropped == (burst.len() - kept.len()) as u64,
        || format!("{dropped} dropped"),
    );
    for event in &kept {
        report.checksum.field(&event.payload);
    }
    (kept.len(), dropped)
}
