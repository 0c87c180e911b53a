//! Structure-aware fuzzing of what RocksDB hands back: valid event and node records, cut into
//! their fields and mutated (see `mutation`), go through every record decoder and at every length;
//! mutated keys and weights go through the key parsers. Nothing panics: a record decodes or fails
//! with a typed `Error`, and whatever decodes encodes back to the same thing.
//!
//! Each property runs 256 cases in the normal suite. `CORTEX_FUZZ_CASES=N` runs N cases instead:
//! `CORTEX_FUZZ_CASES=20000 cargo test -p cortex-core --lib encoding::fuzz`.

mod bytes;
mod keys;
mod mutation;

use std::cell::RefCell;
use std::collections::BTreeMap;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};

use super::*;
use bytes::{apply_bytes, byte_mutation};
use mutation::{apply, field_mutation, flatten, record};

const DEFAULT_CASES: u32 = 256;

/// Proptest's configuration with the number of cases `CORTEX_FUZZ_CASES` asks for.
fn config() -> ProptestConfig {
    let cases = match std::env::var("CORTEX_FUZZ_CASES") {
        Ok(n) => n
            .parse()
            .unwrap_or_else(|_| panic!("CORTEX_FUZZ_CASES={n:?} is not a number of cases")),
        Err(_) => DEFAULT_CASES,
    };
    // A failure prints its shrunk input; nothing is written into the source tree.
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A valid record with up to three field mutations, then up to two byte mutations.
fn mutant() -> impl Strategy<Value = Vec<u8>> {
    (
        record(),
        vec(field_mutation(), 0..=3),
        vec(byte_mutation(), 0..=2),
    )
        .prop_map(|(mut fields, field_mutations, byte_mutations)| {
            for mutation in &field_mutations {
                apply(&mut fields, mutation);
            }
            let mut bytes = flatten(&fields);
            for mutation in &byte_mutations {
                apply_bytes(&mut bytes, mutation);
            }
            bytes
        })
}

/// What a decoder made of its input: a record, or which check refused it.
fn outcome<T>(result: &Result<T>) -> Result<&'static str, TestCaseError> {
    let corrupt = [
        ("empty record", "empty"),
        ("record truncated", "truncated"),
        ("trailing bytes", "trailing bytes"),
        ("not UTF-8", "not UTF-8"),
        ("parent tag", "parent tag"),
        ("out of order", "keys out of order"),
        ("varint overflows", "varint overflow"),
        ("varint longer", "varint too long"),
        ("does not fit in memory", "length too large"),
    ];
    match result {
        Ok(_) => Ok("record"),
        Err(Error::UnsupportedVersion { .. }) => Ok("version"),
        Err(Error::Corrupt(message)) => corrupt
            .iter()
            .find(|(needle, _)| message.contains(needle))
            .map(|&(_, class)| class)
            .ok_or_else(|| TestCaseError::fail(format!("unclassified corruption: {message}"))),
        Err(other) => Err(TestCaseError::fail(format!(
            "a decoder returned {other:?}, not Corrupt or UnsupportedVersion"
        ))),
    }
}

/// Decodes `bytes` as an event and as a node, checks that what decodes round-trips, and says how
/// each decoder ended.
fn decode(bytes: &[u8]) -> Result<[&'static str; 2], TestCaseError> {
    let event = decode_event(bytes);
    if let Ok(event) = &event {
        prop_assert_eq!(&decode_event(&encode_event(event)).unwrap(), event);
    }
    let node = decode_node(bytes);
    if let Ok(node) = &node {
        prop_assert_eq!(&decode_node(&encode_node(node)).unwrap(), node);
    }
    Ok([outcome(&event)?, outcome(&node)?])
}

#[test]
fn mutated_records_decode_or_fail_with_a_typed_error() {
    // (decoder, outcome) -> mutants; and how many mutants got past the version byte.
    let tally = RefCell::new((BTreeMap::<(&str, &str), u32>::new(), 0u32, 0u32));
    TestRunner::new(config())
        .run(&mutant(), |bytes| {
            let outcomes = decode(&bytes)?;
            for len in 0..bytes.len() {
                decode(&bytes[..len])?;
            }
            let (counts, total, past_version) = &mut *tally.borrow_mut();
            for (decoder, outcome) in ["event", "node"].into_iter().zip(outcomes) {
                *counts.entry((decoder, outcome)).or_default() += 1;
            }
            *total += 1;
            // Nodes and events have versions of their own: a mutant is past the version byte when
            // either decoder got beyond it.
            let past = outcomes.iter().any(|o| !matches!(*o, "version" | "empty"));
            *past_version += u32::from(past);
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));

    // The point of starting from valid records: most mutants reach the field decoding that
    // arbitrary bytes (a right first byte in 256) almost never do.
    let (counts, total, past_version) = tally.into_inner();
    eprintln!("{past_version} of {total} mutants past the version byte: {counts:?}");
    assert!(
        past_version * 4 >= total * 3,
        "only {past_version} of {total} mutants got past the version byte"
    );
    // And they reach the checks behind it: each decoder accepts some mutants and refuses others
    // for several different reasons (truncation, UTF-8, varints, tags, key order, trailing bytes).
    for decoder in ["event", "node"] {
        let seen = |outcome: &str| counts.contains_key(&(decoder, outcome));
        let reasons = counts
            .keys()
            .filter(|(d, o)| *d == decoder && !matches!(*o, "record" | "version" | "empty"))
            .count();
        assert!(
            seen("record") && reasons >= 4,
            "the {decoder} decoder saw too few outcomes: {counts:?}"
        );
    }
}
