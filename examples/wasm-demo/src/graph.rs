//! The graph half: actors become tagged nodes, follows and shares become edges, then a traversal, a
//! shortest path and recall.

use cortex_core::event::now_millis;
use cortex_core::{Direction, Edge, Event, GraphStore, MemoryGraphStore, Node, NodeId};

use crate::recall;
use crate::report::{decimal, number, Report};
use crate::scenario::{self, Scripted, ACTORS};

/// Where the traversal and the path start and end, and how deep the traversal goes.
const START: usize = 0;
const GOAL: usize = 5;
const MAX_DEPTH: usize = 3;

/// (from, relation, to) and weight; a later event replaces an earlier edge, as `put_edge` does.
/// A few dozen edges scanned in place: an ordered map here would ship one more copy of the B-tree
/// code than the store already brings, for lookups a scan does as well at this size.
type Edges = Vec<((NodeId, &'static str, NodeId), f64)>;

/// The edges the script implies, computed without the store: the reference the store must agree with.
fn expected_edges(script: &[Scripted]) -> Edges {
    let mut edges = Edges::new();
    for (sequence, s) in script.iter().enumerate() {
        if let Some((relation, weight)) = scenario::edge_of(&s.event.kind, sequence) {
            let key = (s.event.source, relation, scenario::actor(s.target));
            match edges.iter_mut().find(|(k, _)| *k == key) {
                Some((_, w)) => *w = weight,
                None => edges.push((key, weight)),
            }
        }
    }
    edges
}

/// Builds the graph from the stored events and checks traversal and shortest path against the reference.
pub fn check(report: &mut Report, graph: &MemoryGraphStore, events: &[Event], script: &[Scripted]) {
    // The store stamps `created_at` from the wall clock: these readings bracket every put.
    let before = now_millis();
    for index in 0..ACTORS.len() {
        let mut node = Node::new(scenario::actor(index), scenario::LABEL);
        for tag in scenario::tags(script, index) {
            node = node.with_tag(tag);
        }
        report.ok("put node", graph.put_node(node));
    }
    let after = now_millis();
    for (sequence, event) in events.iter().enumerate() {
        let Some((relation, weight)) = scenario::edge_of(&event.kind, sequence) else {
            continue;
        };
        // The payload names the target: "name#n".
        let target = event
            .payload
            .split(|&b| b == b'#')
            .next()
            .unwrap_or_default();
        let to = NodeId::from_name(std::str::from_utf8(target).unwrap_or_default());
        let edge = Edge {
            from: event.source,
            to,
            relation: relation.into(),
            weight,
        };
        report.ok("put edge", graph.put_edge(edge));
    }

    let expected = expected_edges(script);
    let nodes = report.ok("count nodes", graph.node_count()).unwrap_or(0);
    let edges = report.ok("count edges", graph.edge_count()).unwrap_or(0);
    report.check("one node per actor", nodes == ACTORS.len() as u64, || {
        format!("{nodes} nodes")
    });
    report.check(
        "one edge per (from, relation, to)",
        edges == expected.len() as u64,
        || format!("{edges} edges, {} expected", expected.len()),
    );
    let outgoing: usize = (0..ACTORS.len())
        .filter_map(|i| {
            graph
                .neighbors(&scenario::actor(i), Direction::Outgoing, None)
                .ok()
        })
        .map(|n| n.len())
        .sum();
    report.check(
        "outgoing neighbours cover every edge",
        outgoing == expected.len(),
        || format!("{outgoing} outgoing, {} edges", expected.len()),
    );
    report.line(
        "graph",
        &[("nodes", number(nodes)), ("edges", number(edges))],
    );

    traverse(report, graph, &expected);
    shortest_path(report, graph, &expected);
    recall::check(report, graph, script, (before, after));
}

fn traverse(report: &mut Report, graph: &MemoryGraphStore, expected: &Edges) {
    let start = scenario::actor(START);
    let visits = report
        .ok("traverse", graph.traverse(&start, MAX_DEPTH))
        .unwrap_or_default();
    // Breadth-first depth is the hop distance, whatever order neighbours come in.
    let mut depths = vec![(start, 0usize)];
    let mut frontier = vec![start];
    for depth in 1..=MAX_DEPTH {
        let mut next = Vec::new();
        for ((from, _, to), _) in expected {
            if frontier.contains(from) && !depths.iter().any(|(id, _)| id == to) {
                depths.push((*to, depth));
                next.push(*to);
            }
        }
        frontier = next;
    }
    // The same (node, depth) pairs each way and as many visits as nodes: each node once, at its depth.
    let same = visits.len() == depths.len()
        && visits.iter().all(|v| depths.contains(v))
        && depths.iter().all(|d| visits.contains(d));
    report.check(
        "traversal starts at the start",
        visits.first() == Some(&(start, 0)),
        || "start is not first".into(),
    );
    report.check(
        "traversal reaches each node once, at its hop distance",
        same,
        || {
            format!(
                "{} visits, {} nodes within {MAX_DEPTH} hops",
                visits.len(),
                depths.len()
            )
        },
    );
    report.check(
        "traversal is breadth-first",
        visits.windows(2).all(|w| w[0].1 <= w[1].1),
        || "depths decrease".into(),
    );
    let order: Vec<String> = visits
        .iter()
        .map(|(id, depth)| format!("{}@{depth}", scenario::name(id)))
        .collect();
    for (id, depth) in &visits {
        report.checksum.bytes(&id.0).u64(*depth as u64);
    }
    report.line(
        "traverse",
        &[
            ("from", ACTORS[START].into()),
            ("max_depth", number(MAX_DEPTH as u64)),
            ("reached", number(visits.len() as u64)),
            ("order", order.join(",")),
        ],
    );
}

fn shortest_path(report: &mut Report, graph: &MemoryGraphStore, expected: &Edges) {
    let (from, to) = (scenario::actor(START), scenario::actor(GOAL));
    let path = report
        .ok("shortest path", graph.shortest_path(&from, &to))
        .flatten();
    let reference = dijkstra(expected, from, to);
    match (&path, reference) {
        (Some(path), Some(cost)) => {
            let ends = path.nodes.first() == Some(&from) && path.nodes.last() == Some(&to);
            report.check("path runs from start to goal", ends, || {
                "wrong endpoints".into()
            });
            report.check("path is the cheapest", path.cost == cost, || {
                format!("cost {} instead of {}", decimal(path.cost), decimal(cost))
            });
            let walked: Option<f64> = path
                .nodes
                .windows(2)
                .map(|w| cheapest(expected, w[0], w[1]))
                .sum();
            report.check(
                "path cost is the sum of its edges",
                walked == Some(path.cost),
                || {
                    let walked = walked.map_or_else(|| "none".into(), decimal);
                    format!("edges sum to {walked}, path says {}", decimal(path.cost))
                },
            );
        }
        (path, cost) => report.check(
            "path exists exactly when reachable",
            path.is_none() && cost.is_none(),
            || {
                let found = |cost: Option<f64>| cost.map_or_else(|| "none".into(), decimal);
                format!(
                    "store found {}, reference found {}",
                    found(path.as_ref().map(|p| p.cost)),
                    found(cost)
                )
            },
        ),
    }
    let route = path.as_ref().map_or_else(
        || "none".into(),
        |p| {
            p.nodes
                .iter()
                .map(scenario::name)
                .collect::<Vec<_>>()
                .join(">")
        },
    );
    let cost = path.as_ref().map_or(-1.0, |p| p.cost);
    for id in path.iter().flat_map(|p| &p.nodes) {
        report.checksum.bytes(&id.0);
    }
    report.checksum.u64(cost.to_bits());
    report.line("path", &[("route", route), ("cost", decimal(cost))]);
}

/// The lightest edge from `a` to `b` over any relation.
fn cheapest(edges: &Edges, a: NodeId, b: NodeId) -> Option<f64> {
    edges
        .iter()
        .filter(|((f, _, t), _)| *f == a && *t == b)
        .map(|(_, w)| *w)
        .reduce(f64::min)
}

/// Reference shortest-path cost: Dijkstra over a handful of nodes, by scanning.
fn dijkstra(edges: &Edges, from: NodeId, to: NodeId) -> Option<f64> {
    let mut best = vec![(from, 0.0f64)];
    let mut done = Vec::new();
    while let Some((node, cost)) = best
        .iter()
        .filter(|(n, _)| !done.contains(n))
        .copied()
        .reduce(|a, b| if b.1 < a.1 { b } else { a })
    {
        if node == to {
            return Some(cost);
        }
        done.push(node);
        for ((f, _, t), w) in edges {
            if *f != node {
                continue;
            }
            match best.iter_mut().find(|(n, _)| n == t) {
                Some((_, c)) if cost + w < *c => *c = cost + w,
                Some(_) => {}
                None => best.push((*t, cost + w)),
            }
        }
    }
    None
}
