//! `Route`: a subscriber's filter read once, at subscribe, into what `publish` compares each event with.
//!
//! `EventFilter::matches_kind_and_source` reads every kind pattern again on each call; a bus routes
//! every publish through every subscriber's filter, so it keeps the patterns already read instead.

use crate::error::Result;
use crate::event::{EventFilter, NodeId};
use crate::kind_pattern::KindPattern;
use crate::store::validate::refuse_wildcard;

/// The kind and source half of one `EventFilter`, the half an event not stamped yet can be matched by.
#[derive(Debug)]
pub(super) struct Route {
    /// `None` when the filter selects every kind (no kinds, or `*` among them).
    kinds: Option<Vec<KindText>>,
    source: Option<NodeId>,
}

/// One kind pattern other than `*`, owned.
#[derive(Debug)]
enum KindText {
    /// Every kind starting with this text.
    Prefix(Box<str>),
    /// Exactly this kind.
    Exact(Box<str>),
}

impl Route {
    /// Reads `filter`'s kinds, failing with `Error::InvalidKind` on a malformed pattern.
    pub(super) fn new(filter: &EventFilter) -> Result<Self> {
        let mut kinds = Some(Vec::with_capacity(filter.kinds.len()));
        for pattern in &filter.kinds {
            let text = match KindPattern::parse(pattern)? {
                KindPattern::Any => None,
                KindPattern::Prefix(head) => Some(KindText::Prefix(head.into())),
                KindPattern::Exact(kind) => Some(KindText::Exact(kind.into())),
            };
            match (text, kinds.as_mut()) {
                (Some(text), Some(kinds)) => kinds.push(text),
                (Some(_), None) => {}
                (None, _) => kinds = None,
            }
        }
        // No kinds at all is every kind, as `*` is.
        if kinds.as_ref().is_some_and(Vec::is_empty) {
            kinds = None;
        }
        Ok(Route {
            kinds,
            source: filter.source,
        })
    }

    /// What `EventFilter::matches_kind_and_source` answers for the filter this route was read from.
    pub(super) fn matches(&self, kind: &str, source: &NodeId) -> bool {
        self.source.is_none_or(|s| s == *source)
            && self.kinds.as_ref().is_none_or(|kinds| {
                kinds.iter().any(|text| match text {
                    KindText::Prefix(head) => kind.starts_with(&**head),
                    KindText::Exact(exact) => kind == &**exact,
                })
            })
    }
}

/// `refuse_wildcard`, the same error, with the search done eight bytes at a time: every publish pays
/// it, and a byte-by-byte search of a typical kind costs about as much as the rest of routing it.
pub(super) fn refuse_star(kind: &str) -> Result<()> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const STARS: u64 = u64::from_ne_bytes([b'*'; 8]);
    let mut words = kind.as_bytes().chunks_exact(8);
    // A byte of the word equals '*' exactly when that byte of `x` is zero, which the classic
    // "has a zero byte" test finds in the whole word at once.
    let mut star = words.by_ref().any(|word| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_ne_bytes(bytes) ^ STARS;
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    });
    star |= words.remainder().contains(&b'*');
    if star {
        refuse_wildcard(kind)?;
    }
    Ok(())
}
