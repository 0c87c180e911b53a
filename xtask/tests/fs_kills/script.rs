//! The writer's script: opens, event appends (single and batched), graph puts and removals, a
//! close and reopen, and enough rewrites of one node for the graph log to compact; and the writer
//! that runs it through the C ABI until its fuel runs out.

use std::collections::BTreeSet;

use xtask::runtime::cortex_abi::{encode_new_events, CortexAbi, NewEventRecord};

use super::state::State;

pub const KINDS: &[&str] = &["note", "tick", "alert"];
pub const LABELS: &[&str] = &["person", "place", "thing", "hot-a", "hot-b"];
const RELATIONS: &[&str] = &["knows", "near"];
/// The node rewritten until the graph log compacts.
pub const HOT: u8 = 99;
/// Rewrites of [`HOT`]: past the store's compaction threshold (1024 frames of garbage) once.
const HOT_WRITES: usize = 1100;
/// Where the store lives, inside the granted directory.
pub const PATH: &str = "/data/store";

#[derive(Debug, Clone)]
pub enum Op {
    Open,
    Close,
    Append(&'static str, Vec<u8>),
    Batch(Vec<(&'static str, Vec<u8>)>),
    PutNode(u8, &'static str),
    PutEdge(u8, &'static str, u8),
    RemoveNode(u8),
    RemoveEdge(u8, &'static str, u8),
}

/// A node's 32-byte id: its number in every byte.
pub fn node_id(n: u8) -> [u8; 32] {
    [n; 32]
}

/// Every node id the script uses.
pub fn node_ids() -> Vec<u8> {
    (1..=10).chain([HOT]).collect()
}

/// splitmix64: the test's own random numbers.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len() as u64) as usize]
    }
}

/// The script, the same for every trial; which of its ops are the ordinary writes (`mixed`) and
/// which rewrite the hot node.
pub fn script() -> (Vec<Op>, Vec<usize>, Vec<usize>) {
    let mut rng = Rng(0x5eed);
    let mut model = State::default();
    let (mut ops, mut mixed_at, mut hot_at) = (vec![Op::Open], Vec::new(), Vec::new());
    let mut mixed = |ops: &mut Vec<Op>, model: &mut State, count: usize| {
        for _ in 0..count {
            let op = mixed_op(&mut rng, model);
            model.apply(&op);
            mixed_at.push(ops.len());
            ops.push(op);
        }
    };
    mixed(&mut ops, &mut model, 40);
    ops.extend([Op::Close, Op::Open]);
    for i in 0..HOT_WRITES {
        hot_at.push(ops.len());
        ops.push(Op::PutNode(HOT, if i % 2 == 0 { "hot-a" } else { "hot-b" }));
    }
    mixed(&mut ops, &mut model, 30);
    (ops, mixed_at, hot_at)
}

fn mixed_op(rng: &mut Rng, model: &State) -> Op {
    let payload = |rng: &mut Rng| {
        let len = rng.below(40);
        (0..len).map(|_| rng.next() as u8).collect::<Vec<u8>>()
    };
    let nodes: Vec<u8> = model.nodes.keys().copied().filter(|&n| n != HOT).collect();
    let edges: Vec<_> = model
        .edges
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    match rng.below(10) {
        3 => {
            let n = 2 + rng.below(4);
            Op::Batch((0..n).map(|_| (rng.pick(KINDS), payload(rng))).collect())
        }
        4 | 5 => Op::PutNode(1 + rng.below(10) as u8, rng.pick(&LABELS[..3])),
        6 if nodes.len() >= 2 => {
            Op::PutEdge(rng.pick(&nodes), rng.pick(RELATIONS), rng.pick(&nodes))
        }
        7 if !nodes.is_empty() => Op::RemoveNode(rng.pick(&nodes)),
        8 if !edges.is_empty() => {
            let (from, rel, to) = &edges[rng.below(edges.len() as u64) as usize];
            let rel = RELATIONS.iter().find(|r| **r == rel.as_str()).unwrap();
            Op::RemoveEdge(*from, rel, *to)
        }
        _ => Op::Append(rng.pick(KINDS), payload(rng)),
    }
}

/// Why a writer stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum Stop {
    /// Before its next call began (while the test put the call's arguments in memory).
    Before,
    /// Inside a call.
    During,
}

/// An instance running the script, with the fuel left before and after its last call.
pub struct Writer {
    pub abi: CortexAbi,
    pub flags: i32,
    handle: i32,
    pub call_fuel: (u64, u64),
}

impl Writer {
    pub fn new(abi: CortexAbi, flags: i32) -> Self {
        Writer {
            abi,
            flags,
            handle: 0,
            call_fuel: (0, 0),
        }
    }

    fn fuel(&self) -> u64 {
        self.abi.fuel().map_or(0, |(now, _)| now)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(i32, i32), Stop> {
        self.abi.put_region(bytes).map_err(|_| Stop::Before)
    }

    /// Runs the ABI call `f`; a trap (fuel exhausted) is a stop during it. A call that returns an
    /// error code is a failure of the test.
    fn call<T: Copy + Into<i64>>(
        &mut self,
        what: &Op,
        f: impl FnOnce(&mut CortexAbi) -> anyhow::Result<T>,
    ) -> Result<T, Stop> {
        let start = self.fuel();
        let result = f(&mut self.abi).map_err(|_| Stop::During)?;
        self.call_fuel = (start, self.fuel());
        let code: i64 = result.into();
        if code < 0 {
            let message = self.abi.last_error_message().unwrap_or_default();
            panic!("{what:?} returned {code}: {message}");
        }
        Ok(result)
    }

    /// Runs `op`; `Ok` once its call returned, which acknowledges it.
    pub fn run(&mut self, op: &Op) -> Result<(), Stop> {
        match op {
            Op::Open => {
                let flags = self.flags;
                let path = self.put(PATH.as_bytes())?;
                self.handle = self.call(op, |abi| {
                    abi.call::<_, i32>("cortex_open_dir", (path.0, path.1, flags))
                })?;
            }
            Op::Close => {
                let handle = self.handle;
                self.call(op, |abi| abi.store_close(handle))?;
            }
            Op::Append(kind, payload) => {
                let (source, kind, payload) = (
                    self.put(&[7; 32])?,
                    self.put(kind.as_bytes())?,
                    self.put(payload)?,
                );
                let handle = self.handle;
                self.call(op, |abi| abi.append(handle, source.0, kind, payload))?;
            }
            Op::Batch(events) => {
                let records: Vec<_> = events
                    .iter()
                    .map(|(kind, payload)| NewEventRecord::new([7; 32], kind, payload))
                    .collect();
                let input = self.put(&encode_new_events(&records))?;
                let out = self.put(&vec![0; 8 * events.len()])?;
                let handle = self.handle;
                let n = self.call(op, |abi| abi.append_batch(handle, input, out))?;
                assert_eq!(n as usize, events.len(), "a batch's count");
            }
            Op::PutNode(id, label) => {
                let (at, label) = (self.put(&node_id(*id))?, self.put(label.as_bytes())?);
                let handle = self.handle;
                self.call(op, |abi| abi.put_node(handle, at.0, label))?;
            }
            Op::PutEdge(from, rel, to) => {
                let (from, to) = (self.put(&node_id(*from))?, self.put(&node_id(*to))?);
                let rel = self.put(rel.as_bytes())?;
                let handle = self.handle;
                self.call(op, |abi| abi.put_edge(handle, from.0, to.0, rel, 1.0))?;
            }
            Op::RemoveNode(id) => {
                let at = self.put(&node_id(*id))?;
                let handle = self.handle;
                self.call(op, |abi| abi.remove_node(handle, at.0))?;
            }
            Op::RemoveEdge(from, rel, to) => {
                let (from, to) = (self.put(&node_id(*from))?, self.put(&node_id(*to))?);
                let rel = self.put(rel.as_bytes())?;
                let handle = self.handle;
                self.call(op, |abi| abi.remove_edge(handle, from.0, rel, to.0))?;
            }
        }
        Ok(())
    }
}
