//! Conformance cases of kind patterns (`*`, `prefix*`) in `query` and `subscribe`, and the `*` rule for kinds.

use cortex_core::{Error, Event, EventFilter, EventId, EventStore, Result};

use super::oracle::{self, Log};
use super::{append_logged, new_event, Backend};

/// Kinds on both sides of `sensor.`, one spelt with a 0 byte (which an index keyed by kind ends its
/// names with), and one that only a whole-kind pattern names.
const KINDS: [&str; 10] = [
    "sensor.mic",
    "sensor",
    "sensors.x",
    "sensor.mic.v1",
    "alarm",
    "sensor.cam",
    "x\0y",
    "x",
    "sensor.",
    "xy",
];

fn filter(patterns: &[&str]) -> EventFilter {
    EventFilter {
        kinds: patterns.iter().map(|p| p.to_string()).collect(),
        ..Default::default()
    }
}

fn payloads(events: &[Event]) -> Vec<u8> {
    events.iter().map(|e| e.payload[0]).collect()
}

pub fn query_by_kind_patterns(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let mut log = Log::default();
    // Twice over, so every kind has events before and after the others'.
    for round in 0..2u8 {
        for (n, kind) in (0u8..).zip(KINDS) {
            append_logged(
                &s.events,
                &mut log,
                new_event("ann", kind, &[10 * round + n]),
            )?;
        }
    }
    // Hand-computed from KINDS (payload n is KINDS[n] in round 0, 10 + n in round 1).
    let expected: [(&[&str], &[u8]); 9] = [
        (&["sensor.*"], &[0, 3, 5, 8, 10, 13, 15, 18]),
        (&["sensor.mic*"], &[0, 3, 10, 13]),
        (&["sensor*"], &[0, 1, 2, 3, 5, 8, 10, 11, 12, 13, 15, 18]),
        (
            &["*"],
            &[
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
            ],
        ),
        (&["x*"], &[6, 7, 9, 16, 17, 19]),
        (&["x\0*"], &[6, 16]),
        (
            &["sensor.*", "alarm", "sensor.mic"],
            &[0, 3, 4, 5, 8, 10, 13, 14, 15, 18],
        ),
        (&["sensor.cam*", "sensor.*"], &[0, 3, 5, 8, 10, 13, 15, 18]),
        (&["nothing.*", "sensor.cam.*"], &[]),
    ];
    for (patterns, want) in expected {
        let got = payloads(&s.events.query(&filter(patterns))?);
        assert_eq!(got, want, "{patterns:?}");
        assert_eq!(
            got,
            payloads(&log.answer(&filter(patterns))),
            "{patterns:?} against the oracle"
        );
    }
    // A pattern pages exactly like a kind: after a cursor, at most `limit` at a time.
    let mut pages = Vec::new();
    let mut after: Option<EventId> = None;
    loop {
        let page = s.events.query(&EventFilter {
            after,
            limit: Some(3),
            ..filter(&["sensor.*", "x*"])
        })?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        pages.push(payloads(&page));
    }
    assert_eq!(
        pages,
        [
            vec![0, 3, 5],
            vec![6, 7, 8],
            vec![9, 10, 13],
            vec![15, 16, 17],
            vec![18, 19]
        ]
    );
    // With a source that never wrote, a pattern still selects nothing.
    let elsewhere = EventFilter {
        source: Some(super::id("bob")),
        ..filter(&["*"])
    };
    assert_eq!(s.events.query(&elsewhere)?, Vec::<Event>::new());
    Ok(())
}

pub fn a_star_is_refused_in_kinds_and_before_the_end_of_patterns(
    backend: &impl Backend,
) -> Result<()> {
    let s = backend.fresh();
    s.events.append(new_event("ann", "a", b"1"))?;
    for kind in ["*", "a*", "a*b"] {
        assert!(
            matches!(
                s.events.append(new_event("ann", kind, b"x")),
                Err(Error::InvalidKind(_))
            ),
            "kind {kind:?}"
        );
    }
    assert!(matches!(
        s.events.append_batch(vec![
            new_event("ann", "b", b"2"),
            new_event("ann", "b*", b"3")
        ]),
        Err(Error::InvalidKind(_))
    ));
    assert_eq!(s.events.len()?, 1, "nothing with a starred kind was stored");
    for bad in ["*a", "a*b", "**", "a**"] {
        assert!(oracle::malformed_pattern(bad));
        assert!(
            matches!(
                s.events.query(&filter(&["a", bad])),
                Err(Error::InvalidKind(_))
            ),
            "pattern {bad:?}"
        );
        assert!(
            matches!(
                s.events.try_subscribe(filter(&[bad])),
                Err(Error::InvalidKind(_))
            ),
            "pattern {bad:?}"
        );
        // `subscribe` cannot fail: the malformed filter selects nothing and its subscription ends.
        let mut ended = s.events.subscribe(filter(&[bad]));
        s.events.append(new_event("ann", "a", b"2"))?;
        assert_eq!(ended.try_recv(), None);
    }
    Ok(())
}

pub fn subscriptions_match_kind_patterns(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let mut sensors = s.events.try_subscribe(filter(&["sensor.*"]))?;
    let mut everything = s.events.subscribe(filter(&["*"]));
    let mut some = s.events.subscribe(filter(&["alarm", "x*"]));
    for (n, kind) in (0u8..).zip(KINDS) {
        s.events.append(new_event("ann", kind, &[n]))?;
    }
    let drain = |sub: &mut cortex_core::Subscription| -> Vec<u8> {
        std::iter::from_fn(|| sub.try_recv())
            .map(|e| e.payload[0])
            .collect()
    };
    assert_eq!(drain(&mut sensors), [0, 3, 5, 8]);
    assert_eq!(drain(&mut everything), (0..10).collect::<Vec<u8>>());
    assert_eq!(drain(&mut some), [4, 6, 7, 9]);
    Ok(())
}
