//! Recall: the actors found again with `find_nodes` by label, tag, text and creation time, and paged.
//!
//! Every expected answer comes from how the scenario built the nodes (`scenario::tags`,
//! `scenario::display_name`), never from the store. Only names and counts are printed: creation times
//! come from the wall clock, so they differ from run to run and are compared, not shown.

use std::collections::BTreeSet;

use cortex_core::{Error, GraphStore, MemoryGraphStore, NodeId, NodeQuery, Timestamp};

use crate::report::Report;
use crate::scenario::{self, Scripted, ACTORS, LABEL};

/// Page size of the node walk: three pages over the eight actors.
const PAGE: usize = 3;
/// Text queries with the words each holds, lower case, as the reference reads them.
const TEXTS: [(&str, &[&str]); 3] = [
    // Case is ignored: the name property is "Ada".
    ("ADA", &["ada"]),
    // Whole words only: "ad" begins "Ada" but is no word of it.
    ("ad", &["ad"]),
    // Words are split at anything but letters and digits, and may come from tags.
    ("Popular-SOUTH", &["popular", "south"]),
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
    // The words a node was given: its label, its tags and its name, lower case.
    let words = |index: usize| {
        let mut words = vec![LABEL.to_owned(), scenario::display_name(index)];
        words[1].make_ascii_lowercase();
        words.extend(tags[index].iter().map(|t| (*t).to_owned()));
        words
    };
    let actors = |keep: &dyn Fn(usize) -> bool| -> Vec<NodeId> {
        let ids: BTreeSet<NodeId> = (0..ACTORS.len())
            .filter(|&i| keep(i))
            .map(scenario::actor)
            .collect();
        ids.into_iter().collect()
    };

    let every = actors(&|_| true);
    let label = names(&find(
        report,
        graph,
        NodeQuery::default().labels([LABEL]),
        &every,
    ));
    let north = names(&find(
        report,
        graph,
        NodeQuery::default().tags(["north"]),
        &actors(&|i| tags[i].contains(&"north")),
    ));
    let both = ["south", "popular"];
    let south_popular = names(&find(
        report,
        graph,
        NodeQuery::default().tags(both),
        &actors(&|i| both.iter().all(|t| tags[i].contains(t))),
    ));
    report.line(
        "find",
        &[
            ("label:actor", label),
            ("tag:north", north),
            ("tags:south+popular", south_popular),
        ],
    );

    let mut texts = Vec::new();
    for (text, query_words) in TEXTS {
        let expected = actors(&|i| {
            let words = words(i);
            query_words.iter().all(|q| words.iter().any(|w| w == q))
        });
        let found = find(report, graph, NodeQuery::default().text(text), &expected);
        texts.push((text, names(&found)));
    }
    let wordless = graph.find_nodes(&NodeQuery::default().text("--"));
    report.check(
        "a text without a word is refused",
        matches!(wordless, Err(Error::InvalidInput(_))),
        || "\"--\" was not an InvalidInput error".into(),
    );
    report.line("text", &texts);

    window(report, graph, puts, &every);
    walk(report, graph, &every);
}

/// Runs `query`, checks it finds exactly `expected` (ascending ids), and returns the ids it found.
fn find(
    report: &mut Report,
    graph: &MemoryGraphStore,
    query: NodeQuery,
    expected: &[NodeId],
) -> Vec<NodeId> {
    let found: Vec<NodeId> = report
        .ok("find nodes", graph.find_nodes(&query))
        .unwrap_or_default()
        .iter()
        .map(|node| node.id)
        .collect();
    report.check("find_nodes finds what was put", found == expected, || {
        format!("{} found, {} expected", names(&found), names(expected))
    });
    report.checksum.u64(found.len() as u64);
    for id in &found {
        report.checksum.bytes(&id.0);
    }
    found
}

/// Creation-time windows: one around the puts holds every actor, one that ends at the first reading
/// or starts after the last holds none.
fn window(
    report: &mut Report,
    graph: &MemoryGraphStore,
    (before, after): (Timestamp, Timestamp),
    every: &[NodeId],
) {
    let actors = NodeQuery::default().labels([LABEL]);
    let count = |report: &mut Report, query: NodeQuery, expected: &[NodeId]| {
        find(report, graph, query, expected).len().to_string()
    };
    let around = count(
        report,
        actors.clone().since(before).until(after.saturating_add(1)),
        every,
    );
    let earlier = count(report, actors.clone().until(before), &[]);
    let later = count(report, actors.since(after.saturating_add(1)), &[]);
    report.line(
        "created",
        &[
            ("around_puts", around),
            ("before_puts", earlier),
            ("after_puts", later),
        ],
    );
}

/// Walks the actors `PAGE` at a time with the `after` cursor; the pages must add up to all of them.
fn walk(report: &mut Report, graph: &MemoryGraphStore, every: &[NodeId]) {
    let mut walked: Vec<NodeId> = Vec::new();
    let mut pages = 0;
    loop {
        let mut query = NodeQuery::default().labels([LABEL]).limit(PAGE);
        query.after = walked.last().copied();
        let Some(page) = report.ok("find a page of nodes", graph.find_nodes(&query)) else {
            break;
        };
        if page.is_empty() || page.len() > PAGE {
            report.check("node page within limit", page.len() <= PAGE, || {
                format!("{} nodes on a page of {PAGE}", page.len())
            });
            break;
        }
        pages += 1;
        walked.extend(page.iter().map(|node| node.id));
    }
    report.check("node pages add up to every actor", walked == every, || {
        format!("{} walked, {} expected", names(&walked), names(every))
    });
    report.check(
        "every node page but the last is full",
        pages == every.len().div_ceil(PAGE),
        || format!("{pages} pages for {} nodes", every.len()),
    );
    for id in &walked {
        report.checksum.bytes(&id.0);
    }
    report.line(
        "walk",
        &[
            ("label", LABEL.into()),
            ("limit", PAGE.to_string()),
            ("pages", pages.to_string()),
            ("nodes", walked.len().to_string()),
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
