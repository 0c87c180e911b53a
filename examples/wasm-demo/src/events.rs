//! The event half of the scenario: what the store holds after the bus fed it, and queries over it.

use cortex_core::{Event, EventFilter, EventStore, MemoryEventStore};

use crate::report::{number, Report};
use crate::scenario::{self, Scripted, ACTORS, KINDS};

/// Page size of the cursor walk, small enough that it takes several pages.
const PAGE: usize = 5;
/// Kind patterns and the kinds each must select, spelled out: a prefix pattern per family, and a
/// pattern without `*`, which is one exact kind (no kind is just "post").
const PATTERNS: [(&str, &[&str]); 3] = [
    ("link.*", &["link.follow", "link.share"]),
    ("post.*", &["post.like", "post.note"]),
    ("post", &[]),
];

/// Checks the stored log against the script, runs the queries, and returns every event in append order.
pub fn check(report: &mut Report, store: &MemoryEventStore, script: &[Scripted]) -> Vec<Event> {
    let all = report
        .ok("query all events", store.query(&EventFilter::default()))
        .unwrap_or_default();
    let stored = report.ok("count events", store.len()).unwrap_or(0);
    report.check(
        "store holds every published event",
        stored == script.len() as u64,
        || format!("{stored} stored, {} published", script.len()),
    );
    let same = all.len() == script.len()
        && all.iter().zip(script).all(|(e, s)| {
            e.source == s.event.source && e.kind == s.event.kind && e.payload == s.event.payload
        });
    report.check("stored events are the script, in order", same, || {
        "the log differs from the script".into()
    });
    report.check(
        "ids increase in append order",
        all.windows(2).all(|w| w[0].id < w[1].id),
        || "ids out of order".into(),
    );
    for event in &all {
        report
            .checksum
            .u64(event.id.0)
            .field(event.kind.as_bytes())
            .bytes(&event.source.0)
            .field(&event.payload);
    }

    let mut kinds = Vec::new();
    for kind in KINDS {
        let filter = EventFilter {
            kinds: vec![kind.to_owned()],
            ..EventFilter::default()
        };
        let found = report
            .ok("query by kind", store.query(&filter))
            .unwrap_or_default();
        let expected = script.iter().filter(|s| s.event.kind == kind).count();
        report.check(
            "query by kind",
            found.len() == expected && found.iter().all(|e| e.kind == kind),
            || format!("kind {kind}: {} found, {expected} expected", found.len()),
        );
        kinds.push((kind, number(found.len() as u64)));
    }
    report.line("kinds", &kinds);
    patterns(report, store, &all);

    let mut sources = Vec::new();
    for (index, name) in ACTORS.iter().enumerate() {
        let source = scenario::actor(index);
        let filter = EventFilter {
            source: Some(source),
            ..EventFilter::default()
        };
        let found = report
            .ok("query by source", store.query(&filter))
            .unwrap_or_default();
        let expected = script.iter().filter(|s| s.event.source == source).count();
        report.check(
            "query by source",
            found.len() == expected && found.iter().all(|e| e.source == source),
            || format!("source {name}: {} found, {expected} expected", found.len()),
        );
        sources.push((*name, number(found.len() as u64)));
    }
    report.line("sources", &sources);

    pages(report, store);
    all
}

/// Queries by kind pattern; each answer must be the log's events of the pattern's kinds, in order.
fn patterns(report: &mut Report, store: &MemoryEventStore, all: &[Event]) {
    let mut counts = Vec::new();
    for (pattern, kinds) in PATTERNS {
        let filter = EventFilter {
            kinds: vec![pattern.to_owned()],
            ..EventFilter::default()
        };
        let found = report
            .ok("query by kind pattern", store.query(&filter))
            .unwrap_or_default();
        let expected: Vec<&Event> = all
            .iter()
            .filter(|e| kinds.contains(&e.kind.as_str()))
            .collect();
        report.check(
            "a kind pattern selects its kinds",
            found.iter().eq(expected.iter().copied()),
            || {
                format!(
                    "{pattern}: {} found, {} expected",
                    found.len(),
                    expected.len()
                )
            },
        );
        report.checksum.u64(found.len() as u64);
        for event in &found {
            report.checksum.u64(event.id.0);
        }
        counts.push((pattern, number(found.len() as u64)));
    }
    report.line("patterns", &counts);
}

/// Walks the "post.like" events a page at a time with a cursor; the pages must add up to one query.
fn pages(report: &mut Report, store: &MemoryEventStore) {
    let likes = EventFilter {
        kinds: vec!["post.like".into()],
        ..EventFilter::default()
    };
    let whole = report
        .ok("query likes", store.query(&likes))
        .unwrap_or_default();
    let mut walked: Vec<Event> = Vec::new();
    let mut pages = 0;
    loop {
        let page = EventFilter {
            after: walked.last().map(|e| e.id),
            limit: Some(PAGE),
            ..likes.clone()
        };
        let Some(page) = report.ok("query a page", store.query(&page)) else {
            break;
        };
        if page.len() > PAGE {
            report.check("page within limit", false, || {
                format!("{} events on a page of {PAGE}", page.len())
            });
            break;
        }
        if page.is_empty() {
            break;
        }
        pages += 1;
        walked.extend(page);
    }
    report.check("pages add up to the whole query", walked == whole, || {
        format!(
            "{} events over {pages} pages, {} in one query",
            walked.len(),
            whole.len()
        )
    });
    for event in &walked {
        report.checksum.u64(event.id.0);
    }
    report.line(
        "pages",
        &[
            ("kind", "post.like".into()),
            ("limit", number(PAGE as u64)),
            ("pages", number(pages as u64)),
            ("events", number(walked.len() as u64)),
        ],
    );
}
