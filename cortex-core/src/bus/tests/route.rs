//! A subscriber's filter read once (`Route`) against the filter itself, and the word-wise `*` search
//! against a byte-wise one.

use super::super::route::{refuse_star, Route};
use super::*;
use crate::store::validate::refuse_wildcard;

#[test]
fn a_route_matches_exactly_what_its_filter_matches() {
    let patterns = [
        "*",
        "sensor.*",
        "sensor",
        "grid.load",
        "g*",
        "",
        "sensor.mic",
    ];
    let kinds = [
        "sensor",
        "sensor.",
        "sensor.mic",
        "sensors.x",
        "grid.load",
        "grid",
        "",
        "x",
    ];
    let sources = [NodeId::from_name("a"), NodeId::from_name("b")];
    // Every filter of up to two patterns, with and without a source.
    let mut filters = vec![Vec::new()];
    for a in patterns {
        filters.push(vec![a.to_string()]);
        for b in patterns {
            filters.push(vec![a.to_string(), b.to_string()]);
        }
    }
    let mut checked = 0;
    for kinds_of_filter in filters {
        for source in [None, Some(sources[0])] {
            let filter = EventFilter {
                kinds: kinds_of_filter.clone(),
                source,
                ..EventFilter::default()
            };
            let route = Route::new(filter.clone()).unwrap();
            for kind in kinds {
                for from in &sources {
                    assert_eq!(
                        route.matches(kind, from),
                        filter.matches_kind_and_source(kind, from),
                        "{filter:?} on {kind:?} from {from}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000);
    let bad = EventFilter {
        kinds: vec!["a*b".into()],
        ..EventFilter::default()
    };
    assert!(matches!(Route::new(bad), Err(Error::InvalidKind(_))));
}

#[test]
fn the_star_search_finds_a_star_at_every_position_of_every_length() {
    for len in 0..=40 {
        let plain = "k".repeat(len);
        assert!(refuse_star(&plain).is_ok(), "{plain:?}");
        for at in 0..len {
            let mut bytes = plain.clone().into_bytes();
            bytes[at] = b'*';
            let kind = String::from_utf8(bytes).unwrap();
            let (got, want) = (refuse_star(&kind), refuse_wildcard(&kind));
            assert!(got.is_err(), "{kind:?}");
            assert_eq!(got.unwrap_err().to_string(), want.unwrap_err().to_string());
        }
    }
    // Bytes that differ from '*' (0x2a) by one bit, and multi-byte characters, are not stars.
    for kind in [
        "++++++++++",
        "\u{2a2a}\u{12a}x",
        "jjjjjjjjjjjjjjjjj",
        "\u{7f}\u{80}*",
    ] {
        assert_eq!(refuse_star(kind).is_ok(), !kind.contains('*'), "{kind:?}");
    }
}
