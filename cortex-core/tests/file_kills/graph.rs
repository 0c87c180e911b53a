//! The graph's crash trial on the file store, its log compacted as often as its garbage passes its
//! live records so that kills land inside compactions, and how many did counted.

use std::path::Path;

use cortex_core::{FileGraphStore, FileOptions};

use crate::kill_trial::graph;
use crate::kill_trial::graph::op::{Op, NODES, RELATIONS};
use crate::kill_trial::splitmix::SplitMix64;
use crate::kill_trial::Backend;

const TEST: &str = "graph::acknowledged_file_graph_writes_survive_repeated_kills";

#[test]
fn acknowledged_file_graph_writes_survive_repeated_kills() {
    let backend = Backend {
        test: TEST,
        open,
        check: |_, _| {},
    };
    let (mut kills, mut mid_compaction, mut last_fresh) = (0, 0, None);
    graph::run(&backend, choose, |dir| {
        // A rewrite not yet renamed into place, and not one an earlier kill left: this kill
        // landed inside a compaction.
        let fresh = std::fs::metadata(dir.join("graph.log.new"));
        let fresh = fresh.and_then(|m| m.modified()).ok();
        if fresh.is_some() && fresh != last_fresh {
            mid_compaction += 1;
        }
        last_fresh = fresh;
        kills += 1;
    });
    if kills > 0 {
        eprintln!("{TEST}: {mid_compaction} of {kills} kills left a compaction unfinished");
    }
}

/// Compaction as soon as the garbage passes the live records, so kills land in it.
fn open(path: &Path, sync: bool) -> cortex_core::Result<FileGraphStore> {
    let options = FileOptions {
        sync,
        compact_after: 0,
        ..FileOptions::default()
    };
    FileGraphStore::open(path, options)
}

/// Mostly puts, so the log keeps growing garbage for compactions to collect.
fn choose(_: &FileGraphStore, rng: &mut SplitMix64, version: u64) -> Op {
    let (node, relation) = (rng.below(NODES), rng.below(RELATIONS.len() as u64));
    match rng.below(20) {
        0..=5 => Op::PutNode { node, version },
        6..=12 => Op::PutEdge {
            edge: (node, relation, rng.below(NODES)),
            quarters: rng.below(64),
        },
        13..=16 => Op::RemoveEdge {
            edge: (node, relation, rng.below(NODES)),
        },
        _ => Op::RemoveNode { node },
    }
}
