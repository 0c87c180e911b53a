//! The operations graph sequences are drawn from, and how often each comes.

use cortex_core::Direction;
use proptest::prelude::*;

use super::{Find, Op, Put, COLOURS, NODES, RELATIONS};
use crate::on_disk::Restart;

pub(super) fn op() -> impl Strategy<Value = Op> {
    let n = || 0..NODES;
    let relation = || prop::sample::select(RELATIONS.to_vec());
    let direction = prop::sample::select(vec![
        Direction::Outgoing,
        Direction::Incoming,
        Direction::Both,
    ]);
    // Weights are multiples of a quarter, so the reference sums them exactly.
    let weight = prop::sample::select(vec![0.0, 0.25, 1.0, 2.5, 4.0, -1.0]);
    let put = (
        n(),
        prop::sample::select(vec!["person", "place", ""]),
        0u8..10,
        prop::option::of(prop::sample::select(COLOURS.to_vec())),
    )
        .prop_map(|(node, label, tags, colour)| Put {
            node,
            label,
            tags,
            colour,
        });
    let mark = || prop::option::of((n(), any::<bool>()));
    let find = (
        prop::sample::subsequence(vec!["person", "place", "nobody"], 0..=2),
        prop::sample::subsequence(vec!["x", "y", "z z"], 0..=2),
        prop::option::of(prop::sample::select(COLOURS.to_vec())),
        prop::option::of(prop::sample::select(vec![
            "blue",
            "DARK blue",
            "person",
            "z",
            "3",
            "x y",
            ",,",
        ])),
        (mark(), mark()),
        prop::option::of(n()),
        prop::option::of(0usize..4),
    )
        .prop_map(
            |(labels, tags, colour, text, (since, until), after, limit)| Find {
                labels,
                tags,
                colour,
                text,
                since,
                until,
                after,
                limit,
            },
        );
    // Reopening RocksDB is by far the dearest step, hence about one crash in every other sequence;
    // reopening the file store reads one small file, so it comes every few steps.
    prop_oneof![
        12 => put.prop_map(Op::PutNode),
        3 => n().prop_map(Op::GetNode),
        4 => n().prop_map(Op::RemoveNode),
        18 => (n(), relation(), n(), weight).prop_map(|(a, r, b, w)| Op::PutEdge(a, r, b, w)),
        3 => (n(), relation(), n()).prop_map(|(a, r, b)| Op::GetEdge(a, r, b)),
        3 => (n(), relation(), n()).prop_map(|(a, r, b)| Op::RemoveEdge(a, r, b)),
        6 => (n(), direction, prop::option::of(prop::sample::select(vec!["r", "s"]))).prop_map(|(a, d, r)| Op::Neighbors(a, d, r)),
        6 => (n(), 0usize..5).prop_map(|(a, d)| Op::Traverse(a, d)),
        6 => (n(), n()).prop_map(|(a, b)| Op::ShortestPath(a, b)),
        2 => Just(Op::Counts),
        8 => find.prop_map(Op::FindNodes),
        1 => Just(Op::Restart(Restart::Crash)),
        12 => Just(Op::Restart(Restart::Reopen)),
    ]
}
