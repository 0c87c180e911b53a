//! Valid records cut into their fields, and mutations aimed at one field: a length prefix, a varint
//! or a text garbled on its own, so decoding gets past the fields before it.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

use super::super::{
    decode_node, encode_event, encode_node, put_varint, EVENT_VERSION, NODE_VERSION,
};
use crate::event::{Event, EventId, NodeId};
use crate::graph::Node;

/// What a field holds, which decides the mutations that aim at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Version,
    Varint,
    Fixed,
    Text,
    Bytes,
    Tag,
}

/// One field of a record: its length prefix (text and bytes only) and the bytes it holds.
#[derive(Clone, Debug)]
pub(super) struct Field {
    kind: Kind,
    prefix: Vec<u8>,
    body: Vec<u8>,
}

impl Field {
    fn plain(kind: Kind, body: Vec<u8>) -> Self {
        let prefix = Vec::new();
        Field { kind, prefix, body }
    }

    fn prefixed(kind: Kind, body: &[u8]) -> Self {
        let prefix = varint(body.len() as u64);
        let body = body.to_vec();
        Field { kind, prefix, body }
    }
}

fn varint(value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, value);
    out
}

/// The bytes of a record cut into fields.
pub(super) fn flatten(fields: &[Field]) -> Vec<u8> {
    fields
        .iter()
        .flat_map(|f| f.prefix.iter().chain(&f.body))
        .copied()
        .collect()
}

/// An event's fields, in the order `encode_event` writes them (checked against it).
fn event_fields(event: &Event) -> Vec<Field> {
    let mut fields = vec![
        Field::plain(Kind::Version, vec![EVENT_VERSION]),
        Field::plain(Kind::Varint, varint(event.id.0)),
        Field::plain(Kind::Varint, varint(event.timestamp)),
        Field::plain(Kind::Fixed, event.source.0.to_vec()),
        Field::prefixed(Kind::Text, event.kind.as_bytes()),
        Field::prefixed(Kind::Bytes, &event.payload),
    ];
    match event.parent {
        None => fields.push(Field::plain(Kind::Tag, vec![0])),
        Some(parent) => {
            fields.push(Field::plain(Kind::Tag, vec![1]));
            fields.push(Field::plain(Kind::Varint, varint(parent.0)));
        }
    }
    assert_eq!(
        flatten(&fields),
        encode_event(event),
        "event layout drifted"
    );
    fields
}

/// A node's fields, in the order `encode_node` writes them (checked against it); or, for `old`, in
/// the order version 1 wrote them, without tags and times (checked by decoding them).
fn node_fields(node: &Node, old: bool) -> Vec<Field> {
    let mut fields = vec![
        Field::plain(Kind::Version, vec![if old { 1 } else { NODE_VERSION }]),
        Field::plain(Kind::Fixed, node.id.0.to_vec()),
    ];
    if !old {
        fields.push(Field::plain(Kind::Varint, varint(node.created_at)));
        fields.push(Field::plain(Kind::Varint, varint(node.updated_at)));
    }
    fields.push(Field::prefixed(Kind::Text, node.label.as_bytes()));
    if !old {
        fields.push(Field::plain(Kind::Varint, varint(node.tags.len() as u64)));
        for tag in &node.tags {
            fields.push(Field::prefixed(Kind::Text, tag.as_bytes()));
        }
    }
    fields.push(Field::plain(
        Kind::Varint,
        varint(node.properties.len() as u64),
    ));
    for (key, value) in &node.properties {
        fields.push(Field::prefixed(Kind::Text, key.as_bytes()));
        fields.push(Field::prefixed(Kind::Text, value.as_bytes()));
    }
    if old {
        let mut plain = node.clone();
        (plain.tags, plain.created_at, plain.updated_at) = (Default::default(), 0, 0);
        let decoded = decode_node(&flatten(&fields)).expect("a version 1 node decodes");
        assert_eq!(decoded, plain, "version 1 node layout drifted");
    } else {
        assert_eq!(flatten(&fields), encode_node(node), "node layout drifted");
    }
    fields
}

/// Valid events and nodes of every shape the encoding has (with and without a parent; nodes of
/// both versions, with none or several tags and properties), as fields.
pub(super) fn record() -> impl Strategy<Value = Vec<Field>> {
    let event = (
        any::<u64>(),
        any::<u64>(),
        any::<[u8; 32]>(),
        "\\PC{1,12}",
        vec(any::<u8>(), 0..40),
        any::<Option<u64>>(),
    )
        .prop_map(|(id, timestamp, source, kind, payload, parent)| {
            event_fields(&Event {
                id: EventId(id),
                timestamp,
                source: NodeId(source),
                kind,
                payload,
                parent: parent.map(EventId),
            })
        });
    let node = (
        (any::<[u8; 32]>(), any::<u64>(), any::<u64>(), any::<bool>()),
        "\\PC{0,8}",
        proptest::collection::btree_set("\\PC{0,6}", 0..4),
        proptest::collection::btree_map("\\PC{0,6}", "\\PC{0,6}", 0..5),
    )
        .prop_map(
            |((id, created_at, updated_at, old), label, tags, properties)| {
                let node = Node {
                    id: NodeId(id),
                    label,
                    tags,
                    properties,
                    created_at,
                    updated_at,
                };
                node_fields(&node, old)
            },
        );
    prop_oneof![event, node]
}

/// A change to one field. Indices pick among the fields it can apply to; the version field is
/// left alone by all but `Version`, so most mutants get past the version check.
#[derive(Clone, Debug)]
pub(super) enum FieldMutation {
    Version(u8),
    /// A varint (value, count or length prefix) written as another value, or non-minimally.
    Varint(Index, VarintForm),
    /// A length prefix announcing `delta` more (or fewer) bytes than follow.
    Length(Index, i64),
    /// A text or bytes field given another body (and the prefix that matches it).
    Body(Index, Vec<u8>),
    /// A field's body grown or shrunk with its prefix unchanged (an id of the wrong size).
    Resize(Index, i8),
    /// The parent tag set to another byte.
    Tag(u8),
    Swap(Index, Index),
    Duplicate(Index),
    Remove(Index),
}

/// How a mutated varint is written.
#[derive(Clone, Debug)]
pub(super) enum VarintForm {
    Value(u64),
    /// `value` followed by `extra` needless continuation bytes: still decodable, not canonical.
    Padded(u64, u8),
    /// Continuation bytes, then one final byte: ten or more bytes overflow or overrun a u64.
    Run(u8, u8),
}

impl VarintForm {
    fn bytes(&self) -> Vec<u8> {
        match *self {
            VarintForm::Value(value) => varint(value),
            VarintForm::Padded(value, extra) => {
                let mut out = varint(value);
                if extra > 0 {
                    *out.last_mut().expect("a varint has a byte") |= 0x80;
                    out.extend(std::iter::repeat_n(0x80, usize::from(extra - 1)));
                    out.push(0);
                }
                out
            }
            VarintForm::Run(len, last) => {
                let mut out = vec![0xff; usize::from(len)];
                out.push(last);
                out
            }
        }
    }
}

/// Bodies for text fields: short arbitrary bytes, and the classic invalid UTF-8 sequences.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..8),
        Just(vec![0xff]),
        Just(vec![b'a', 0xc3]),
        Just(vec![0xed, 0xa0, 0x80]),
        Just(vec![0xf4, 0x90, 0x80, 0x80]),
        Just(vec![0xc0, 0x80]),
    ]
}

pub(super) fn field_mutation() -> impl Strategy<Value = FieldMutation> {
    let form = prop_oneof![
        any::<u64>().prop_map(VarintForm::Value),
        (any::<u64>(), 0u8..4).prop_map(|(v, extra)| VarintForm::Padded(v, extra)),
        (8u8..12, any::<u8>()).prop_map(|(len, last)| VarintForm::Run(len, last)),
    ];
    let delta = prop_oneof![-3i64..=3, any::<i64>()];
    prop_oneof![
        1 => any::<u8>().prop_map(FieldMutation::Version),
        3 => (any::<Index>(), form).prop_map(|(i, f)| FieldMutation::Varint(i, f)),
        3 => (any::<Index>(), delta).prop_map(|(i, d)| FieldMutation::Length(i, d)),
        2 => (any::<Index>(), body()).prop_map(|(i, b)| FieldMutation::Body(i, b)),
        2 => (any::<Index>(), -4i8..=4).prop_map(|(i, d)| FieldMutation::Resize(i, d)),
        2 => any::<u8>().prop_map(FieldMutation::Tag),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(i, j)| FieldMutation::Swap(i, j)),
        1 => any::<Index>().prop_map(FieldMutation::Duplicate),
        1 => any::<Index>().prop_map(FieldMutation::Remove),
    ]
}

/// The item `index` picks out of `items`, if there is any.
fn pick<T>(items: impl Iterator<Item = T>, index: &Index) -> Option<T> {
    let mut items: Vec<T> = items.collect();
    (!items.is_empty()).then(|| items.swap_remove(index.index(items.len())))
}

/// Applies `mutation` to `fields`; one that finds no field to aim at changes nothing.
pub(super) fn apply(fields: &mut Vec<Field>, mutation: &FieldMutation) {
    // Structural changes keep off the version field, the first.
    let body_fields = 1..fields.len();
    match mutation {
        FieldMutation::Version(byte) => fields[0].body = vec![*byte],
        FieldMutation::Varint(at, form) => {
            let varints = fields.iter_mut().flat_map(|f| {
                let body = (f.kind == Kind::Varint).then_some(&mut f.body);
                let prefix = (!f.prefix.is_empty()).then_some(&mut f.prefix);
                body.into_iter().chain(prefix)
            });
            if let Some(bytes) = pick(varints, at) {
                *bytes = form.bytes();
            }
        }
        FieldMutation::Length(at, delta) => {
            if let Some(f) = pick(fields.iter_mut().filter(|f| !f.prefix.is_empty()), at) {
                let len = (f.body.len() as i128 + i128::from(*delta)).clamp(0, u64::MAX.into());
                f.prefix = varint(len as u64);
            }
        }
        FieldMutation::Body(at, body) => {
            let texts = fields.iter_mut().filter(|f| !f.prefix.is_empty());
            if let Some(f) = pick(texts, at) {
                *f = Field::prefixed(f.kind, body);
            }
        }
        FieldMutation::Resize(at, delta) => {
            if let Some(f) = pick(fields.iter_mut().skip(1), at) {
                let len = f.body.len().saturating_add_signed(isize::from(*delta));
                f.body.resize(len, 0x5a);
            }
        }
        FieldMutation::Tag(byte) => {
            if let Some(f) = fields.iter_mut().find(|f| f.kind == Kind::Tag) {
                f.body = vec![*byte];
            }
        }
        FieldMutation::Swap(a, b) if !body_fields.is_empty() => {
            let (a, b) = (
                1 + a.index(body_fields.len()),
                1 + b.index(body_fields.len()),
            );
            fields.swap(a, b);
        }
        FieldMutation::Duplicate(at) if !body_fields.is_empty() => {
            let at = 1 + at.index(body_fields.len());
            fields.insert(at, fields[at].clone());
        }
        FieldMutation::Remove(at) if !body_fields.is_empty() => {
            fields.remove(1 + at.index(body_fields.len()));
        }
        FieldMutation::Swap(..) | FieldMutation::Duplicate(_) | FieldMutation::Remove(_) => {}
    }
}
