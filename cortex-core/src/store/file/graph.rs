//! `FileGraphStore`: a `MemoryGraphStore` answering every read, and a log every change goes to
//! first: a put node (with the time it was put), a node's removal, a put edge, an edge's removal.
//!
//! A change is checked against the graph (an edge's ends exist, a removal removes something) under
//! the store's lock, logged, and only then applied, so the log holds exactly the changes that took
//! effect and replaying them rebuilds the same graph with the same stamps.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use super::codec::{Decoder, Encoder, Malformed};
use super::frame::{begin_frame, seal, Content};
use super::log::LogFile;
use super::FileOptions;
use crate::error::{Error, Result};
use crate::event::{now_millis, NodeId, Timestamp};
use crate::graph::{Direction, Edge, Node, NodeQuery, Path as GraphPath};
use crate::store::validate::{validate_edge, validate_node};
use crate::store::{GraphStore, MemoryGraphStore};

/// A directed property graph in a directory (its file `graph.log`), held in memory too.
#[derive(Debug)]
pub struct FileGraphStore {
    graph: MemoryGraphStore,
    /// `None` for a store without a file (the C ABI's in-memory stores): it writes nothing.
    log: Mutex<Option<LogFile>>,
    /// `FileOptions::compact_after`.
    compact_after: u64,
}

const PUT_NODE: u8 = 1;
const REMOVE_NODE: u8 = 2;
const PUT_EDGE: u8 = 3;
const REMOVE_EDGE: u8 = 4;
/// A node as compaction writes it: with both its stamps.
const RESTORE_NODE: u8 = 5;

/// A node's frame: `PUT_NODE` with the time it is put, or `RESTORE_NODE` with its two stamps.
fn encode_node(out: &mut Vec<u8>, tag: u8, stamps: &[Timestamp], node: &Node) {
    let mut e = Encoder(out);
    e.u8(tag);
    for &stamp in stamps {
        e.u64(stamp);
    }
    e.id(&node.id);
    e.bytes(node.label.as_bytes());
    e.u32(node.tags.len() as u32);
    for tag in &node.tags {
        e.bytes(tag.as_bytes());
    }
    e.u32(node.properties.len() as u32);
    for (key, value) in &node.properties {
        e.bytes(key.as_bytes());
        e.bytes(value.as_bytes());
    }
}

fn encode_edge(out: &mut Vec<u8>, tag: u8, from: &NodeId, relation: &str, to: &NodeId) {
    let mut e = Encoder(out);
    e.u8(tag);
    e.id(from);
    e.bytes(relation.as_bytes());
    e.id(to);
}

/// Applies one logged change to `graph`, as it was applied when it was logged.
fn replay(graph: &MemoryGraphStore, body: &[u8]) -> Result<(), Malformed> {
    let mut d = Decoder::new(body);
    let refused = |_| "a change the graph refuses";
    match d.u8()? {
        tag @ (PUT_NODE | RESTORE_NODE) => {
            // Put once at each stamp: first put at `created_at`, then replaced at `updated_at`.
            let stamps = match tag {
                PUT_NODE => [d.u64()?; 2],
                _ => [d.u64()?, d.u64()?],
            };
            let mut node = Node::new(d.id()?, d.string()?);
            for _ in 0..d.count(4)? {
                node.tags.insert(d.string()?);
            }
            for _ in 0..d.count(8)? {
                let key = d.string()?;
                node.properties.insert(key, d.string()?);
            }
            d.end()?;
            validate_node(&node).map_err(refused)?;
            if stamps[0] != stamps[1] {
                // A stand-in put at `created_at`, replaced at once: the node keeps its stamp.
                let stand_in = Node::new(node.id, String::new());
                graph.put_valid_node(stand_in, stamps[0]).map_err(refused)?;
            }
            graph.put_valid_node(node, stamps[1]).map_err(refused)
        }
        REMOVE_NODE => {
            let id = d.id()?;
            d.end()?;
            match graph.remove_node(&id).map_err(refused)? {
                true => Ok(()),
                false => Err("the removal of a node that is not there"),
            }
        }
        PUT_EDGE => {
            let from = d.id()?;
            let relation = d.string()?;
            let to = d.id()?;
            let weight = f64::from_bits(d.u64()?);
            d.end()?;
            let edge = Edge {
                from,
                to,
                relation,
                weight,
            };
            graph.put_edge(edge).map_err(refused)
        }
        REMOVE_EDGE => {
            let from = d.id()?;
            let relation = d.string()?;
            let to = d.id()?;
            d.end()?;
            match graph.remove_edge(&from, &relation, &to).map_err(refused)? {
                true => Ok(()),
                false => Err("the removal of an edge that is not there"),
            }
        }
        _ => Err("a frame of an unknown kind"),
    }
}

impl FileGraphStore {
    /// Opens the graph log in `dir` (creating the directory and the log if `create_if_missing`)
    /// and replays it. A torn last write is cut off; any other damage, or a file that is not a graph
    /// log this build reads, is `Error::StoreFile` naming the file, and nothing is changed.
    pub fn open(dir: impl AsRef<Path>, options: FileOptions) -> Result<Self> {
        let graph = MemoryGraphStore::new();
        let log = LogFile::open(dir.as_ref(), Content::Graph, &options, &mut |body| {
            replay(&graph, body)
        })?;
        Ok(FileGraphStore {
            graph,
            log: Mutex::new(Some(log)),
            compact_after: options.compact_after,
        })
    }

    /// A store without a file: see `FileEventStore::in_memory`.
    #[cfg(all(target_family = "wasm", feature = "wasm"))]
    pub(crate) fn in_memory() -> Self {
        FileGraphStore {
            graph: MemoryGraphStore::new(),
            log: Mutex::new(None),
            compact_after: 0,
        }
    }

    /// `MemoryGraphStore::with_node`, for the C ABI.
    #[cfg(all(target_family = "wasm", feature = "wasm"))]
    pub(crate) fn with_node<R>(
        &self,
        id: &NodeId,
        f: impl FnOnce(Option<&Node>) -> R,
    ) -> Result<R> {
        self.graph.with_node(id, f)
    }

    /// `MemoryGraphStore::for_each_found`, for the C ABI.
    #[cfg(all(target_family = "wasm", feature = "wasm"))]
    pub(crate) fn for_each_found(&self, query: &NodeQuery, each: impl FnMut(&Node)) -> Result<()> {
        self.graph.for_each_found(query, each)
    }

    fn log(&self) -> Result<MutexGuard<'_, Option<LogFile>>> {
        self.log.lock().map_err(|_| Error::Backend {
            context: "file graph store lock poisoned by a panic in another thread".into(),
            source: None,
        })
    }

    /// Rewrites the log with only what is live once its garbage (frames a later write replaced
    /// or undid) passes both the store's `compact_after` and the live records. A failed rewrite
    /// leaves the log as it was, and the write that was logged before it stands.
    fn compact_if_due(&self, log: &mut Option<LogFile>) -> Result<()> {
        let Some(log) = log else {
            return Ok(());
        };
        let live = self.graph.node_count()? + self.graph.edge_count()?;
        let garbage = log.frame_count().saturating_sub(live);
        if garbage <= self.compact_after.max(live) {
            return Ok(());
        }
        let mut frames = Vec::new();
        let mut nodes = Vec::new();
        self.graph.for_each_found(&NodeQuery::default(), |node| {
            let start = begin_frame(&mut frames);
            let stamps = [node.created_at, node.updated_at];
            encode_node(&mut frames, RESTORE_NODE, &stamps, node);
            nodes.push((start, node.id));
        })?;
        let mut starts: Vec<usize> = nodes.iter().map(|&(start, _)| start).collect();
        for (_, id) in &nodes {
            for edge in self.graph.neighbors(id, Direction::Outgoing, None)? {
                starts.push(begin_frame(&mut frames));
                encode_edge(&mut frames, PUT_EDGE, &edge.from, &edge.relation, &edge.to);
                Encoder(&mut frames).u64(edge.weight.to_bits());
            }
        }
        starts.push(frames.len());
        for pair in starts.windows(2) {
            seal(&mut frames[pair[0]..pair[1]])?;
        }
        let _ = log.replace(&frames, live);
        Ok(())
    }

    fn has_node(&self, id: &NodeId) -> Result<bool> {
        self.graph.with_node(id, |node| node.is_some())
    }
}

impl GraphStore for FileGraphStore {
    fn put_node(&self, node: Node) -> Result<()> {
        validate_node(&node)?;
        let mut log = self.log()?;
        let now = now_millis();
        if let Some(log) = &mut *log {
            encode_node(log.frame(), PUT_NODE, &[now], &node);
            log.commit()?;
        }
        self.graph.put_valid_node(node, now)?;
        self.compact_if_due(&mut log)
    }

    fn get_node(&self, id: &NodeId) -> Result<Option<Node>> {
        self.graph.get_node(id)
    }

    fn remove_node(&self, id: &NodeId) -> Result<bool> {
        let mut log = self.log()?;
        if !self.has_node(id)? {
            return Ok(false);
        }
        if let Some(log) = &mut *log {
            let mut e = Encoder(log.frame());
            e.u8(REMOVE_NODE);
            e.id(id);
            log.commit()?;
        }
        let removed = self.graph.remove_node(id)?;
        self.compact_if_due(&mut log)?;
        Ok(removed)
    }

    fn put_edge(&self, edge: Edge) -> Result<()> {
        validate_edge(&edge)?;
        let mut log = self.log()?;
        for end in [&edge.from, &edge.to] {
            if !self.has_node(end)? {
                return Err(Error::MissingNode(*end));
            }
        }
        if let Some(log) = &mut *log {
            let frame = log.frame();
            encode_edge(frame, PUT_EDGE, &edge.from, &edge.relation, &edge.to);
            Encoder(frame).u64(edge.weight.to_bits());
            log.commit()?;
        }
        self.graph.put_edge(edge)?;
        self.compact_if_due(&mut log)
    }

    fn get_edge(&self, from: &NodeId, relation: &str, to: &NodeId) -> Result<Option<Edge>> {
        self.graph.get_edge(from, relation, to)
    }

    fn remove_edge(&self, from: &NodeId, relation: &str, to: &NodeId) -> Result<bool> {
        let mut log = self.log()?;
        if self.graph.get_edge(from, relation, to)?.is_none() {
            return Ok(false);
        }
        if let Some(log) = &mut *log {
            encode_edge(log.frame(), REMOVE_EDGE, from, relation, to);
            log.commit()?;
        }
        let removed = self.graph.remove_edge(from, relation, to)?;
        self.compact_if_due(&mut log)?;
        Ok(removed)
    }

    fn neighbors(
        &self,
        node: &NodeId,
        direction: Direction,
        relation: Option<&str>,
    ) -> Result<Vec<Edge>> {
        self.graph.neighbors(node, direction, relation)
    }

    fn traverse(&self, start: &NodeId, max_depth: usize) -> Result<Vec<(NodeId, usize)>> {
        self.graph.traverse(start, max_depth)
    }

    fn shortest_path(&self, from: &NodeId, to: &NodeId) -> Result<Option<GraphPath>> {
        self.graph.shortest_path(from, to)
    }

    fn find_nodes(&self, query: &NodeQuery) -> Result<Vec<Node>> {
        self.graph.find_nodes(query)
    }

    fn node_count(&self) -> Result<u64> {
        self.graph.node_count()
    }

    fn edge_count(&self) -> Result<u64> {
        self.graph.edge_count()
    }
}
