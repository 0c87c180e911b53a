//! Random sequences of C ABI calls against the optimised cortex-core module: random handles (open,
//! closed, never issued), random pointers and lengths (inside host blocks at any offset, anywhere in
//! linear memory, null, negative, overflowing, past the end), random sizes and frees. No call traps,
//! every failure is a documented code with a last-error message, no call writes to host memory
//! other than the output it reports, and afterwards a store still answers a known-good session.
//!
//! Output buffers are host blocks, zero-length, or regions the ABI must refuse: the ABI's contract
//! (cortex-core/src/ffi/mod.rs) leaves writes into memory the module itself uses to the host's care.
//! Refused outputs end far past memory, not just past it: the ignored test below shows why.
//!
//! The property runs as many sequences as `xtask::fuzz::cases` says, each on a fresh instance;
//! `CORTEX_FUZZ_CASES=N` runs N: `CORTEX_FUZZ_CASES=2000 cargo nextest run -p xtask --test abi_fuzz`.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

mod abi_sequence;

use std::cell::RefCell;
use std::collections::BTreeMap;

use common::core_module::fresh;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use xtask::runtime::cortex_abi::{decode_events, decode_reached, E_BAD_POINTER};

use abi_sequence::{call, ensure, Session};

/// [`xtask::fuzz::cases`] sequences; a failure prints its shrunk sequence and writes nothing into
/// the source tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(xtask::fuzz::cases())
    }
}

/// After the random calls: a store opened now gets a fresh handle and answers appends, counts,
/// queries, neighbours and traversals exactly; the stores still open still count right.
fn known_good(session: &mut Session) -> Result<(), TestCaseError> {
    let trap = |err: anyhow::Error| TestCaseError::fail(format!("{err:#}"));
    session.check_open_counts()?;
    let abi = &mut session.abi;
    let h = abi.store_open().map_err(trap)?;
    ensure(session.handles.iter().all(|s| s.id != h), || {
        format!("store_open reissued handle {h}")
    })?;
    let (source, kind, payload) = ([7u8; 32], b"known.good", b"a payload that survived");
    let [source_ptr, kind_ptr, payload_ptr] =
        [&source[..], kind, payload].map(|bytes| abi.put(bytes).unwrap());
    let (kind_len, payload_len) = (kind.len() as i32, payload.len() as i32);
    let id = abi
        .append(
            h,
            source_ptr,
            (kind_ptr, kind_len),
            (payload_ptr, payload_len),
        )
        .map_err(trap)?;
    ensure(id >= 0, || format!("append to a fresh store returned {id}"))?;
    let count = abi.event_count(h).map_err(trap)?;
    ensure(count == 1, || {
        format!("a fresh store counts {count} events")
    })?;
    let out = abi.put(&[0; 4096]).unwrap();
    let written = abi
        .query_kind(h, (kind_ptr, kind_len), (out, 4096))
        .map_err(trap)?;
    ensure(written > 0, || format!("query_kind returned {written}"))?;
    let records = decode_events(&abi.read(out, written as usize).unwrap()).map_err(trap)?;
    let found: Vec<_> = records
        .iter()
        .map(|r| (r.id, r.source, &r.payload[..]))
        .collect();
    ensure(found == [(id as u64, source, &payload[..])], || {
        format!("query_kind found {found:?}")
    })?;

    let [a, b] = [[0xa0u8; 32], [0xb0; 32]].map(|node| abi.put(&node).unwrap());
    let (label, rel) = (abi.put(b"node").unwrap(), abi.put(b"next").unwrap());
    for node in [a, b] {
        let put = abi.put_node(h, node, (label, 4)).map_err(trap)?;
        ensure(put == 0, || format!("put_node returned {put}"))?;
    }
    let put = abi.put_edge(h, a, b, (rel, 4), 0.5).map_err(trap)?;
    ensure(put == 0, || format!("put_edge returned {put}"))?;
    let count = abi.neighbors(h, a, 0, (out, 4096)).map_err(trap)?;
    let far = abi.read(out, 32 * count.max(0) as usize).unwrap();
    ensure(count == 1 && far == [0xb0; 32], || {
        format!("neighbors of a gave {count}: {far:?}")
    })?;
    let count = abi.traverse(h, a, 3, (out, 4096)).map_err(trap)?;
    let reached = decode_reached(&abi.read(out, 36 * count.max(0) as usize).unwrap());
    ensure(reached == [([0xa0; 32], 0), ([0xb0; 32], 1)], || {
        format!("traverse from a gave {reached:?}")
    })?;
    Ok(())
}

#[test]
fn random_abi_calls_never_trap_and_leave_the_store_answering() {
    // (export, outcome) -> calls, over every sequence.
    let tally = RefCell::new(BTreeMap::<(&str, &str), u32>::new());
    let sequences = vec(call(), 1..64);
    TestRunner::new(config())
        .run(&sequences, |calls| {
            let mut session = Session::new(fresh());
            for call in &calls {
                let (export, outcome) = session.run(call)?;
                *tally.borrow_mut().entry((export, outcome)).or_default() += 1;
            }
            let answers = ("cortex_query_kind", "whole answer checked");
            *tally.borrow_mut().entry(answers).or_default() += session.exact_answers;
            known_good(&mut session)
        })
        .unwrap_or_else(|failure| panic!("{failure}"));

    // The sequences reach past the argument checks: every export that can succeed did, and
    // every refusal the ABI documents for a call turned up.
    let tally = tally.into_inner();
    eprintln!("{tally:?}");
    let seen = |export: &str, outcome: &str| tally.contains_key(&(export, outcome));
    for export in [
        "cortex_append",
        "cortex_query_kind",
        "cortex_put_node",
        "cortex_put_edge",
        "cortex_neighbors",
        "cortex_traverse",
        "cortex_query",
        "cortex_put_node_record",
        "cortex_get_node",
        "cortex_shortest_path",
        "cortex_free",
    ] {
        assert!(seen(export, "ok"), "{export} never succeeded: {tally:?}");
        assert!(
            seen(export, "bad pointer"),
            "{export} never refused a pointer: {tally:?}"
        );
        assert!(
            seen(export, "bad handle") || export == "cortex_free",
            "{export} never refused a handle: {tally:?}"
        );
    }
    for (export, outcome) in [
        ("cortex_put_edge", "missing node"),
        ("cortex_traverse", "missing node"),
        ("cortex_query_kind", "buffer small"),
        ("cortex_append", "invalid"),
        ("cortex_query", "invalid"),
        ("cortex_put_node_record", "invalid"),
        ("cortex_get_node", "not found"),
        ("cortex_shortest_path", "missing node"),
        ("cortex_query_kind", "whole answer checked"),
    ] {
        assert!(
            seen(export, outcome),
            "{export} never gave {outcome}: {tally:?}"
        );
    }
}

/// Copying an input in can grow memory: an output that ran past the end of memory when the call
/// began must still be refused, not written over what the allocator keeps at the old end.
#[test]
fn an_output_past_the_end_is_refused_even_when_the_call_grows_memory() {
    // A store with a -> b, then the heap filled so the call's copy of a's id must grow memory.
    let setup = |fill: i32| {
        let mut abi = fresh();
        let h = abi.store_open().unwrap();
        let (label, rel) = (abi.put(b"n").unwrap(), abi.put(b"r").unwrap());
        let [a, b] = [[1u8; 32], [2; 32]].map(|id| abi.put(&id).unwrap());
        for node in [a, b] {
            assert_eq!(abi.put_node(h, node, (label, 1)).unwrap(), 0);
        }
        assert_eq!(abi.put_edge(h, a, b, (rel, 1), 1.0).unwrap(), 0);
        // Small blocks until memory grows use up every free chunk an id copy could take.
        let start = abi.memory_len();
        while abi.memory_len() == start {
            assert!(abi.alloc(32).unwrap() > 0);
        }
        let before = abi.memory_len();
        assert!(abi.alloc(fill).unwrap() > 0);
        (abi.memory_len() > before, abi, h, a)
    };
    // The largest block that still fits leaves too little room for the copy.
    let (mut fits, mut grows) = (1, 1 << 20);
    while fits + 1 < grows {
        let mid = (fits + grows) / 2;
        if setup(mid).0 {
            grows = mid;
        } else {
            fits = mid;
        }
    }
    let (_, mut abi, h, a) = setup(fits);
    let end = i32::try_from(abi.memory_len()).unwrap();
    let code = abi.neighbors(h, a, 0, (end - 16, 48));
    assert_eq!(
        code.map_err(|err| format!("{err:#}")),
        Ok(E_BAD_POINTER),
        "neighbors into 48 bytes at {} with memory ending at {end}",
        end - 16
    );
}
