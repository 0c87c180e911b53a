//! Mutations of raw bytes, blind to any structure: flips, truncation, junk appended, inserted or
//! cut out. Records get them after their field mutations; keys get only these.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

/// A change to the flattened bytes, blind to fields.
#[derive(Clone, Debug)]
pub(super) enum ByteMutation {
    Flip(Index, u8),
    Truncate(Index),
    Append(Vec<u8>),
    Insert(Index, Vec<u8>),
    Delete(Index, u8),
}

pub(super) fn byte_mutation() -> impl Strategy<Value = ByteMutation> {
    prop_oneof![
        (any::<Index>(), 1u8..=255).prop_map(|(i, mask)| ByteMutation::Flip(i, mask)),
        any::<Index>().prop_map(ByteMutation::Truncate),
        vec(any::<u8>(), 1..12).prop_map(ByteMutation::Append),
        (any::<Index>(), vec(any::<u8>(), 1..6)).prop_map(|(i, b)| ByteMutation::Insert(i, b)),
        (any::<Index>(), 1u8..8).prop_map(|(i, n)| ByteMutation::Delete(i, n)),
    ]
}

/// Applies `mutation` to `bytes`; positions are taken modulo the length (or one past it).
pub(super) fn apply_bytes(bytes: &mut Vec<u8>, mutation: &ByteMutation) {
    let len = bytes.len();
    match mutation {
        ByteMutation::Flip(at, mask) if len > 0 => bytes[at.index(len)] ^= mask,
        ByteMutation::Truncate(at) => bytes.truncate(at.index(len + 1)),
        ByteMutation::Append(junk) => bytes.extend_from_slice(junk),
        ByteMutation::Insert(at, junk) => {
            let at = at.index(len + 1);
            bytes.splice(at..at, junk.iter().copied());
        }
        ByteMutation::Delete(at, n) if len > 0 => {
            let at = at.index(len);
            bytes.drain(at..len.min(at + usize::from(*n)));
        }
        ByteMutation::Flip(..) | ByteMutation::Delete(..) => {}
    }
}
