//! Conformance cases of `find_nodes` and of the times stores stamp on nodes; answers come from a plain
//! scan (`node_oracle`) over the nodes each test put, with the times read back.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cortex_core::{Error, GraphStore, Node, NodeId, NodeQuery, Result, Timestamp};

mod seeded;

use super::node_oracle::{is_wordless, oracle};
use super::{id, Backend};
use seeded::{put_seeded, random_query, Rng};

/// The system clock in milliseconds, read by the test itself to bound what the store stamps.
fn now() -> Timestamp {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH);
    since_epoch.expect("a clock after 1970").as_millis() as u64
}

/// Sleeps long enough that the next stamp is a later millisecond than every earlier one.
fn next_millisecond() {
    let start = now();
    while now() <= start {
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn ids_of(nodes: &[Node]) -> Vec<NodeId> {
    nodes.iter().map(|n| n.id).collect()
}

/// Every node as the store holds it now (times included), in id order.
fn read_back<G: GraphStore>(graph: &G, ids: &[NodeId]) -> Result<Vec<Node>> {
    let mut nodes = Vec::new();
    for id in ids {
        nodes.extend(graph.get_node(id)?);
    }
    nodes.sort_by_key(|n| n.id);
    Ok(nodes)
}

pub fn nodes_are_stamped_by_the_store(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let ann = id("ann");
    let before = now();
    s.graph.put_node(Node::new(ann, "person"))?;
    let first = s.graph.get_node(&ann)?.expect("ann was put");
    assert!(
        (before..=now()).contains(&first.created_at),
        "{first:?} stamped outside {before}.."
    );
    assert_eq!(first.updated_at, first.created_at, "a new node: {first:?}");

    next_millisecond();
    let mut replacement = Node::new(ann, "person").with_tag("renamed");
    // What a caller sets is not what is stored: the store keeps the time the node was first put.
    (replacement.created_at, replacement.updated_at) = (7, u64::MAX);
    let before = now();
    s.graph.put_node(replacement)?;
    let second = s.graph.get_node(&ann)?.expect("ann was replaced");
    assert_eq!(second.created_at, first.created_at, "{second:?}");
    assert!((before..=now()).contains(&second.updated_at), "{second:?}");
    assert!(second.updated_at > first.updated_at);

    // Removed and put again, it is a new node.
    assert!(s.graph.remove_node(&ann)?);
    next_millisecond();
    let before = now();
    s.graph.put_node(Node::new(ann, "person"))?;
    let third = s.graph.get_node(&ann)?.expect("ann was put again");
    assert!(third.created_at >= before && third.created_at > first.created_at);
    Ok(())
}

pub fn find_nodes_answers_as_a_scan_does(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let nodes = put_seeded(&s.graph)?;
    let stamps: Vec<Timestamp> = nodes.iter().map(|n| n.created_at).collect();
    let ids = ids_of(&nodes);
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut non_empty = 0;
    for _ in 0..400 {
        let query = random_query(&mut rng, &stamps, &ids);
        let found = s.graph.find_nodes(&query)?;
        let expected = oracle(&nodes, &query);
        assert_eq!(ids_of(&found), expected, "{query:?}");
        // Whole nodes, as `get_node` returns them.
        assert_eq!(found, read_back(&s.graph, &expected)?, "{query:?}");
        non_empty += usize::from(!expected.is_empty());
    }
    // The seeded graph is varied enough that most queries find something to compare.
    assert!(
        non_empty > 150,
        "only {non_empty} of 400 queries found a node"
    );
    // No criterion at all: every node.
    assert_eq!(ids_of(&s.graph.find_nodes(&NodeQuery::default())?), ids);
    Ok(())
}

pub fn find_nodes_pages_exactly(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let nodes = put_seeded(&s.graph)?;
    let queries = [
        NodeQuery::default(),
        NodeQuery::default().labels(["person", "place"]),
        NodeQuery::default().tags(["red"]),
        NodeQuery::default()
            .properties([("kind", "a")])
            .text("alpha"),
        NodeQuery::default().labels(["thing"]).tags(["green"]),
    ];
    for query in queries {
        let expected = oracle(&nodes, &query);
        for page in [1, 3, 7] {
            let mut paged = Vec::new();
            let mut after = None;
            loop {
                let mut q = query.clone().limit(page);
                q.after = after;
                let found = s.graph.find_nodes(&q)?;
                assert!(found.len() <= page, "{q:?}");
                let Some(last) = found.last() else { break };
                after = Some(last.id);
                paged.extend(ids_of(&found));
            }
            assert_eq!(paged, expected, "{query:?} in pages of {page}");
        }
        assert!(s.graph.find_nodes(&query.clone().limit(0))?.is_empty());
    }
    // A cursor need not be a stored id.
    let q = NodeQuery::default().after(id("s050x"));
    assert_eq!(ids_of(&s.graph.find_nodes(&q)?), oracle(&nodes, &q));
    Ok(())
}

pub fn find_nodes_by_creation_time(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let mut groups: Vec<Vec<NodeId>> = Vec::new();
    for group in 0..3 {
        next_millisecond();
        let members: Vec<NodeId> = (0..4).map(|n| id(&format!("g{group}n{n}"))).collect();
        for (n, member) in members.iter().enumerate() {
            let label = if n % 2 == 0 { "even" } else { "odd" };
            s.graph.put_node(Node::new(*member, label))?;
        }
        groups.push(members);
    }
    // A group's nodes may straddle a millisecond (a slow store, a busy machine): each group is
    // known by its first and its last creation time, and groups are a millisecond apart.
    let stamps = |group: usize| -> Result<Vec<Timestamp>> {
        groups[group]
            .iter()
            .map(|id| Ok(s.graph.get_node(id)?.expect("stored").created_at))
            .collect()
    };
    let first = |group: usize| -> Result<Timestamp> {
        Ok(stamps(group)?.into_iter().min().expect("a group has nodes"))
    };
    let (t1, t2) = (first(1)?, first(2)?);
    let last = stamps(2)?.into_iter().max().expect("a group has nodes");
    let sorted = |picked: &[usize]| {
        let mut ids: Vec<NodeId> = picked.iter().flat_map(|&g| groups[g].clone()).collect();
        ids.sort();
        ids
    };
    let cases = [
        (NodeQuery::default().since(t1), sorted(&[1, 2])),
        (NodeQuery::default().until(t1), sorted(&[0])),
        (NodeQuery::default().since(t1).until(t2), sorted(&[1])),
        (NodeQuery::default().since(t2).until(t1), vec![]),
        (NodeQuery::default().since(last + 1), vec![]),
    ];
    for (query, expected) in cases {
        assert_eq!(ids_of(&s.graph.find_nodes(&query)?), expected, "{query:?}");
    }
    // With a label, and replacing a node keeps it where it was in time.
    s.graph
        .put_node(Node::new(groups[0][0], "even").with_tag("moved"))?;
    let q = NodeQuery::default().labels(["even"]).until(t1);
    let mut expected = vec![groups[0][0], groups[0][2]];
    expected.sort();
    assert_eq!(ids_of(&s.graph.find_nodes(&q)?), expected);
    Ok(())
}

pub fn text_matches_whole_words_ignoring_case(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let car = Node::new(id("t1"), "vehicle")
        .with_tag("Fast")
        .with_property("colour", "Deep-Blue")
        .with_property("name", "Blue Car");
    let bird = Node::new(id("t2"), "bird").with_property("name", "bluebird");
    let school = Node::new(id("t3"), "École").with_property("note", "x86_64 (ÉCOLE normale)");
    // A property key is not text the node is found by.
    let keyed = Node::new(id("t4"), "vehicle").with_property("blue", "red");
    for node in [car, bird, school, keyed] {
        s.graph.put_node(node)?;
    }
    let cases: [(&str, &[&str]); 12] = [
        ("blue", &["t1"]),
        ("BLUE car", &["t1"]),
        ("  blue, car!  ", &["t1"]),
        ("fast", &["t1"]),
        ("deep blue", &["t1"]),
        ("bluebird", &["t2"]),
        ("blu", &[]),
        ("école", &["t3"]),
        ("ÉCOLE normale x86", &["t3"]),
        ("x86_64", &["t3"]),
        ("ecole", &[]),
        ("red", &["t4"]),
    ];
    for (text, expected) in cases {
        let found = s.graph.find_nodes(&NodeQuery::default().text(text))?;
        let expected: Vec<NodeId> = expected.iter().map(|name| id(name)).collect();
        assert_eq!(ids_of(&found), expected, "text {text:?}");
    }
    for wordless in ["", "  ,.-!  ", "_"] {
        assert!(is_wordless(wordless));
        let found = s.graph.find_nodes(&NodeQuery::default().text(wordless));
        assert!(
            matches!(found, Err(Error::InvalidInput(_))),
            "text {wordless:?}: {found:?}"
        );
    }
    Ok(())
}

pub fn replaced_and_removed_nodes_leave_the_indexes(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let n = id("n");
    let old = Node::new(n, "before")
        .with_tag("old-tag")
        .with_property("k", "v1")
        .with_property("text", "ancient words");
    let new = Node::new(n, "after")
        .with_tag("new-tag")
        .with_property("k", "v2")
        .with_property("text", "fresh words");
    s.graph.put_node(old)?;
    s.graph
        .put_node(Node::new(id("other"), "before").with_tag("old-tag"))?;
    s.graph.put_node(new)?;
    let olds = [
        NodeQuery::default().labels(["before"]),
        NodeQuery::default().tags(["old-tag"]),
        NodeQuery::default().properties([("k", "v1")]),
        NodeQuery::default().text("ancient"),
    ];
    let news = [
        NodeQuery::default().labels(["after"]),
        NodeQuery::default().tags(["new-tag"]),
        NodeQuery::default().properties([("k", "v2")]),
        NodeQuery::default().text("fresh words"),
    ];
    for query in &olds {
        let found = ids_of(&s.graph.find_nodes(query)?);
        assert!(
            !found.contains(&n),
            "{query:?} still finds the replaced node"
        );
    }
    for query in &news {
        assert_eq!(ids_of(&s.graph.find_nodes(query)?), [n], "{query:?}");
    }
    assert!(s.graph.remove_node(&n)?);
    for query in olds.iter().chain(&news) {
        let found = ids_of(&s.graph.find_nodes(query)?);
        assert!(!found.contains(&n), "{query:?} finds a removed node");
    }
    let query = NodeQuery::default().tags(["old-tag"]);
    assert_eq!(ids_of(&s.graph.find_nodes(&query)?), [id("other")]);
    Ok(())
}
