//! Recall: the actors found again with `find_nodes` by label, tag, text and creation time, and paged.
//!
//! Every expected answer comes from how the scenario built the nodes (`scenario::LABEL`,
//! `scenario::tags`), never from the store. Only names and counts are printed: creation times
//! come from the wall clock, so they differ from run to run and are compared, not shown.

use cortex_core::{Error, GraphStore, MemoryGraphStore, NodeId, NodeQuery, Timestamp};

use crate::report::{number, Report};
use crate::scenario::{self, Scripted, ACTORS, LABEL};

/// Page size of the node walk: three pages over the eight actors.
const PAGE: usize = 3;
/// Tag queries: nodes holding all of these tags.
const TAGS: [(&str, &[&str]); 2] = [
    ("tag:north", &["north"]),
    ("tags:south+popular", &["south", "popular"]),
];
/// Text queries with the words each holds, lower case, as the reference reads them.
const TEXTS: [(&str, &[&str]); 3] = [
    // Case is ignored, and words are split at anything but letters and digits.
    ("Popular-SOUTH", &["popular", "south"]),
    // Whole words only: "pop" begins "popular" but is no word of it.
    ("pop", &["pop"]),
    // The label is a word of its node too.
    ("ACTOR.north", &["actor", "north"]),
];

/// Runs the recall queries against the graph `graph::check` built between the wall-clock readings
/// `puts` (before the first put, after the last).
pub fn check(
    report: &mut Report,
    graph: &MemoryGraphStore,
    script: &[Scripted],
    puts: (Timestamp, Timestamp),
) {
    let tags: Vec<Vec<&str>> = (0..ACTORS.len())
        .map(|index| scenario::tags(script, index))
        .collect();
    let has_tags = |i: usize, wanted: &[&str]| wanted.iter().all(|w| tags[i].contains(w));
    // The words of a node: its tags and its label, all lower case.
    let has_words =
        |i: usize, wanted: &[&str]| wanted.iter().all(|w| tags[i].contains(w) || *w == LABEL);

    let every = find(report, graph, "label:actor", &actors(), &|_| true);
    let mut found = vec![("label:actor", names(&every))];
    for (key, wanted) in TAGS {
        let query = NodeQuery::default().tags(wanted.iter().copied());
        let ids = find(report, graph, key, &query, &|i| has_tags(i, wanted));
        found.push((key, names(&ids)));
    }
    report.line("find", &found);

    let mut texts = Vec::new();
    for (text, wanted) in TEXTS {
        let query = NodeQuery::default().text(text);
        let ids = find(report, graph, text, &query, &|i| has_words(i, wanted));
        texts.push((text, names(&ids)));
    }
    report.check(
        "a text without a word is refused",
        matches!(
            graph.find_nodes(&NodeQuery::default().text("--")),
            Err(Error::InvalidInput(_))
        ),
        || "\"--\" was not an InvalidInput error".into(),
    );
    report.line("text", &texts);

    // Creation-time windows: one around the puts holds every actor; one that ends at the first
    // reading, or starts after the last, holds none.
    let (before, after) = puts;
    let windows = [
        (
            "around_puts",
            actors().since(before).until(after.saturating_add(1)),
            true,
        ),
        ("before_puts", actors().until(before), false),
        ("after_puts", actors().since(after.saturating_add(1)), false),
    ];
    let mut counts = Vec::new();
    for (key, query, all) in windows {
        let ids = find(report, graph, key, &query, &|_| all);
        counts.push((key, number(ids.len() as u64)));
    }
    report.line("created", &counts);

    walk(report, graph, &every);
}

/// Every node labelled as an actor.
fn actors() -> NodeQuery {
    NodeQuery::default().labels([LABEL])
}

/// Runs `query` (`what` names it in a failure) and checks it finds exactly the actors `expected` selects by index, in ascending id
/// order; returns the ids found.
fn find(
    report: &mut Report,
    graph: &MemoryGraphStore,
    what: &str,
    query: &NodeQuery,
    expected: &dyn Fn(usize) -> bool,
) -> Vec<NodeId> {
    let found: Vec<NodeId> = report
        .ok("find nodes", graph.find_nodes(query))
        .unwrap_or_default()
        .iter()
        .map(|node| node.id)
        .collect();
    let expected: Vec<NodeId> = (0..ACTORS.len())
        .filter(|&i| expected(i))
        .map(scenario::actor)
        .collect();
    // The same ids, and ascending: `expected` holds each once, so this is equality up to order.
    let same = found.len() == expected.len()
        && found.iter().all(|id| expected.contains(id))
        && found.windows(2).all(|w| w[0] < w[1]);
    report.check("find_nodes finds the actors it should", same, || {
        format!(
            "{what}: {} found, {} expected",
            names(&found),
            names(&expected)
        )
    });
    report.checksum.u64(found.len() as u64);
    for id in &found {
        report.checksum.bytes(&id.0);
    }
    found
}

/// Walks the actors `PAGE` at a time with the `after` cursor; the pages must add up to `whole`, the
/// answer of one query, and every page but the last must be full.
fn walk(report: &mut Report, graph: &MemoryGraphStore, whole: &[NodeId]) {
    let mut walked: Vec<NodeId> = Vec::new();
    let mut pages = 0;
    loop {
        let cursor = walked.last().copied();
        let mut query = actors().limit(PAGE);
        query.after = cursor;
        let Some(page) = report.ok("find a page of nodes", graph.find_nodes(&query)) else {
            break;
        };
        // A page that does not start past the cursor would walk forever.
        let advances = page
            .first()
            .is_none_or(|first| cursor.is_none_or(|c| first.id > c));
        if page.is_empty() || page.len() > PAGE || !advances {
            report.check(
                "a node page keeps its limit and starts past its cursor",
                page.len() <= PAGE && advances,
                || {
                    format!(
                        "{} nodes on a page of {PAGE}, past the cursor: {advances}",
                        page.len()
                    )
                },
            );
            break;
        }
        pages += 1;
        walked.extend(page.iter().map(|node| node.id));
    }
    report.check(
        "node pages add up to the whole answer",
        walked == whole,
        || format!("{} walked, {} in one query", names(&walked), names(whole)),
    );
    report.check(
        "a walk takes its length over the limit, rounded up, in pages",
        pages == whole.len().div_ceil(PAGE),
        || format!("{pages} pages for {} nodes", whole.len()),
    );
    report.checksum.u64(pages as u64);
    report.line(
        "walk",
        &[
            ("label", LABEL.into()),
            ("limit", number(PAGE as u64)),
            ("pages", number(pages as u64)),
            ("nodes", number(walked.len() as u64)),
        ],
    );
}

/// The actors' names joined by commas, or "none".
fn names(ids: &[NodeId]) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    ids.iter().map(scenario::name).collect::<Vec<_>>().join(",")
}
