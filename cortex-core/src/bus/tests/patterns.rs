//! Kind patterns on the bus: the same matcher as the stores, and `*` kept out of published kinds.

use super::*;

fn patterns(kinds: &[&str]) -> EventFilter {
    EventFilter {
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        ..EventFilter::default()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_prefix_pattern_routes_every_kind_under_it_and_nothing_else() {
    let bus = EventBus::new(8, BackpressurePolicy::DropOldest);
    let mut sensors = bus.subscribe(patterns(&["sensor.*"])).unwrap();
    let mut everything = bus.subscribe(patterns(&["*"])).unwrap();
    let mut mixed = bus.subscribe(patterns(&["alarm", "sensor.mic.*"])).unwrap();
    for (n, kind) in [
        (1, "sensor.mic"),
        (2, "sensor"),
        (3, "sensors.x"),
        (4, "sensor.mic.v1"),
        (5, "alarm"),
        (6, "alarms"),
    ] {
        bus.publish(kinded(n, kind)).await.unwrap();
    }
    assert_eq!(drain(&mut sensors), [1, 4]);
    assert_eq!(drain(&mut everything), [1, 2, 3, 4, 5, 6]);
    assert_eq!(drain(&mut mixed), [4, 5]);
}

#[tokio::test(flavor = "current_thread")]
async fn malformed_patterns_and_starred_kinds_are_invalid_kinds() {
    let bus = EventBus::new(8, BackpressurePolicy::DropOldest);
    for bad in ["*sensor", "sen*sor", "**"] {
        assert!(
            matches!(bus.subscribe(patterns(&[bad])), Err(Error::InvalidKind(_))),
            "{bad:?}"
        );
    }
    let mut all = subscribe_all(&bus);
    assert!(matches!(
        bus.publish(kinded(1, "sensor.*")).await,
        Err(Error::InvalidKind(_))
    ));
    assert!(matches!(
        bus.try_publish(kinded(2, "*")),
        Err(Error::InvalidKind(_))
    ));
    assert_eq!(drain(&mut all), [0u8; 0]);
    assert_eq!(bus.stats().published, 0);
}
