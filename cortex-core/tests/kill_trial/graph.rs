//! The graph's crash trial: a writer putting and removing nodes and edges is killed again and again;
//! after each kill the graph is what the acknowledged writes made plus all or nothing of the one in
//! flight, every index (labels, tags, properties, words, incoming edges, counts) answers as
//! recomputed here, and the graph goes on taking writes.

use std::path::Path;

use cortex_core::GraphStore;

use super::splitmix::SplitMix64;
use super::writer::{self, Plan, Transcript};
use super::Backend;

mod model;
pub mod op;

use model::Graph;
use op::{Op, NODES};

/// The writer stops by itself after this many writes, should the parent never kill it.
const WRITER_LIMIT: u64 = 1_000_000;

/// Which write a writer makes next, given its store, its random source and the version a put node
/// would carry.
pub type Choose<S> = fn(&S, &mut SplitMix64, u64) -> Op;

/// Runs the trial on `backend`: in the writer child, writes as `choose` picks until killed; in the
/// parent, kills writers, hands each kill's directory to `after_kill` before reopening it, and checks
/// each recovery.
pub fn run<S: GraphStore>(
    backend: &Backend<S>,
    choose: Choose<S>,
    mut after_kill: impl FnMut(&Path),
) {
    if let Some((path, plan)) = writer::writer_plan() {
        write_until_killed(backend, choose, &path, plan);
        return;
    }
    let (seed, kills) = writer::seed_and_kills(backend.test);
    let mut rng = SplitMix64::new(seed);
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut graph = Graph::default();
    let mut next_version = 0;
    for kill in 0..kills {
        let plan = Plan {
            seed: rng.next(),
            first: next_version,
            sync: rng.below(2) == 0,
        };
        let announced = writer::kill_a_writer(backend.test, dir.path(), plan, &mut rng);
        let context = format!("seed {seed}, kill {kill}");
        after_kill(dir.path());
        let store = backend.reopen(dir.path(), plan.sync, &context);
        (backend.check)(&store, &context);
        next_version = graph.check_recovered(&store, &announced, &context, next_version);
        // The reopened graph takes new writes: a new version of a node, and an edge to itself.
        let node = rng.below(NODES);
        for op in [
            Op::PutNode {
                node,
                version: next_version,
            },
            Op::PutEdge {
                edge: (node, 0, node),
                quarters: rng.below(64),
            },
        ] {
            assert_eq!(op.run(&store), graph.apply(&op), "{context}: {op:?}");
        }
        next_version += 1;
        graph.check(&store, &context);
    }
    let context = format!("seed {seed}, final reopen");
    let store = backend.reopen(dir.path(), true, &context);
    (backend.check)(&store, &context);
    graph.check_recovered(&store, &[], &context, 0);
}

/// The child: writes from version `plan.first` on until killed, each announced before it starts and
/// acknowledged once it returned.
fn write_until_killed<S: GraphStore>(
    backend: &Backend<S>,
    choose: Choose<S>,
    path: &Path,
    plan: Plan,
) {
    let store = (backend.open)(path, plan.sync).expect("open the graph");
    let mut rng = SplitMix64::new(plan.seed);
    let mut out = Transcript::new();
    for version in plan.first..plan.first + WRITER_LIMIT {
        let op = choose(&store, &mut rng, version);
        out.op(&op.line());
        out.ack(op.run(&store));
    }
}
