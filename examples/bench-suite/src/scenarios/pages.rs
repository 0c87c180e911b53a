//! Paging through a store after a cursor, as a reader of a long result does.

use std::hint::black_box;

use cortex_core::{
    EventFilter, EventStore, GraphStore, MemoryEventStore, MemoryGraphStore, Node, NodeQuery,
};

use super::inputs::{append_in_batches, err, node_id};
use super::workload::{Sizes, Workload};

/// Pages of 100 from a store, each after the previous page's last id, starting over at the end:
/// `pages` queries a run. `next` queries the page after a cursor and gives the page's last id.
struct Pages<S, Id, F> {
    pages: u64,
    store: S,
    cursor: Option<Id>,
    next: F,
}

impl<S: 'static, Id: Copy + 'static, F> Pages<S, Id, F>
where
    F: FnMut(&S, Option<Id>) -> Result<Option<Id>, String> + 'static,
{
    fn boxed(pages: u64, store: S, next: F) -> Box<dyn Workload> {
        Box::new(Pages {
            pages,
            store,
            cursor: None,
            next,
        })
    }
}

impl<S, Id: Copy, F> Workload for Pages<S, Id, F>
where
    F: FnMut(&S, Option<Id>) -> Result<Option<Id>, String>,
{
    fn run(&mut self) -> Result<u64, String> {
        for _ in 0..self.pages {
            self.cursor = (self.next)(&self.store, self.cursor)?;
        }
        Ok(self.pages)
    }
}

const KINDS: [&str; 4] = ["sensor.reading", "grid.load", "agent.action", "user.note"];

/// Pages of 100 events of one kind (a quarter of the store).
pub(super) fn kind_pages(sizes: &Sizes) -> Result<Box<dyn Workload>, String> {
    let store = MemoryEventStore::new();
    append_in_batches(&store, sizes.query_events, 1_000, |i| {
        KINDS[i as usize % KINDS.len()]
    })?;
    Ok(Pages::boxed(sizes.pages, store, |store, after| {
        let filter = EventFilter {
            kinds: vec![KINDS[0].to_owned()],
            after,
            limit: Some(100),
            ..EventFilter::default()
        };
        let page = store.query(&filter).map_err(err)?;
        let last = page.last().map(|e| e.id);
        black_box(page);
        Ok(last)
    }))
}

const LABELS: [&str; 4] = ["person", "place", "device", "topic"];

/// Pages of 100 nodes by label (a quarter of the graph) with `find_nodes`.
pub(super) fn node_pages(sizes: &Sizes) -> Result<Box<dyn Workload>, String> {
    let graph = MemoryGraphStore::new();
    for i in 0..sizes.query_nodes {
        let node = Node::new(node_id(i), LABELS[i as usize % LABELS.len()])
            .with_tag(format!("group-{}", i % 10));
        graph.put_node(node).map_err(err)?;
    }
    Ok(Pages::boxed(sizes.pages, graph, |graph, after| {
        let mut query = NodeQuery::default().labels([LABELS[0]]).limit(100);
        if let Some(after) = after {
            query = query.after(after);
        }
        let page = graph.find_nodes(&query).map_err(err)?;
        let last = page.last().map(|n| n.id);
        black_box(page);
        Ok(last)
    }))
}
