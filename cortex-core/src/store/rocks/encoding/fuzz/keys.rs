//! The key and weight parsers of `rocks::keys` on valid keys of every family with their bytes
//! flipped, inserted, deleted, truncated or appended: they never panic, and what they parse is
//! exactly what the key says (writing it back gives the same bytes).

use std::cell::Cell;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

use super::bytes::{apply_bytes, byte_mutation};
use super::config;
use crate::event::{EventId, NodeId};
use crate::store::rocks::keys;

/// A valid key (or weight value) of one of the column families.
fn key() -> impl Strategy<Value = Vec<u8>> {
    let id = any::<u64>().prop_map(EventId);
    let node = any::<[u8; 32]>().prop_map(NodeId);
    // Relations and kinds with the separator byte inside them are what makes splitting hard.
    let name = "[a-z\\x00\u{e9}]{0,6}";
    prop_oneof![
        1 => id.clone().prop_map(|id| keys::event(id).to_vec()),
        1 => (name, id.clone()).prop_map(|(kind, id)| keys::by_kind(&kind, id)),
        1 => name.prop_map(|kind| keys::kind_prefix(&kind)),
        1 => (node.clone(), id.clone()).prop_map(|(source, id)| keys::by_source(&source, id)),
        1 => (any::<u64>(), id).prop_map(|(at, id)| keys::by_time(at, id).to_vec()),
        5 => (node.clone(), name, node.clone()).prop_map(|(a, rel, b)| keys::adjacency(&a, &rel, &b)),
        1 => (node, proptest::option::of(name)).prop_map(|(a, rel)| keys::adjacency_prefix(&a, rel.as_deref())),
        1 => any::<f64>().prop_map(|w| keys::weight(w).to_vec()),
    ]
}

#[test]
fn mutated_keys_parse_to_what_they_say_or_to_nothing() {
    let (adjacencies, total) = (Cell::new(0u32), Cell::new(0u32));
    let mutated = (key(), vec(byte_mutation(), 0..=2)).prop_map(|(mut key, mutations)| {
        for mutation in &mutations {
            apply_bytes(&mut key, mutation);
        }
        key
    });
    TestRunner::new(config())
        .run(&mutated, |key| {
            if let Some(id) = keys::trailing_id(&key) {
                prop_assert!(key.ends_with(&keys::event(id)));
            }
            if let Some((node, relation, other)) = keys::split_adjacency(&key) {
                prop_assert_eq!(keys::adjacency(&node, relation, &other), key.clone());
                adjacencies.set(adjacencies.get() + 1);
            }
            if let Some(weight) = keys::parse_weight(&key) {
                prop_assert_eq!(keys::weight(weight).to_vec(), key.clone());
            }
            match keys::prefix_end(&key) {
                Some(end) => prop_assert!(end > key && !end.starts_with(&key)),
                None => prop_assert!(key.iter().all(|&b| b == u8::MAX)),
            }
            total.set(total.get() + 1);
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    // Mutants of adjacency keys still parse often enough that the round trip is really checked.
    eprintln!(
        "{} of {} keys parsed as adjacency keys",
        adjacencies.get(),
        total.get()
    );
    assert!(
        adjacencies.get() * 20 >= total.get(),
        "only {} of {} keys parsed as adjacency keys",
        adjacencies.get(),
        total.get()
    );
}
