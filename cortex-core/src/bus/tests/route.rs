//! A subscriber's filter read once (`Route`) against the filter itself.

use super::super::route::Route;
use super::*;

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
