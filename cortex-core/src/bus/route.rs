//! `Route`: a subscriber's filter checked once, at subscribe, for `publish` to compare each event with.
//!
//! `EventFilter::matches_kind_and_source` checks every kind pattern again on each call (a malformed
//! one matches nothing); a bus routes every publish through every subscriber's filter, so it checks
//! them once and, when one is `*`, drops the kind test altogether.

use crate::error::Result;
use crate::event::{EventFilter, NodeId};
use crate::kind_pattern::{any_kind, validate_kind_patterns};
use crate::store::validate::refuse_wildcard;

/// The kind and source half of one `EventFilter`, the half an event not stamped yet can be matched by.
#[derive(Debug)]
pub(super) struct Route {
    /// The filter's kind patterns, checked; empty when they select every kind (none, or `*` among them).
    kinds: Vec<String>,
    source: Option<NodeId>,
}

impl Route {
    /// Takes `filter`'s kinds and source, failing with `Error::InvalidKind` on a malformed pattern.
    pub(super) fn new(filter: EventFilter) -> Result<Self> {
        validate_kind_patterns(&filter.kinds)?;
        let kinds = if any_kind(&filter.kinds) {
            Vec::new()
        } else {
            filter.kinds
        };
        Ok(Route {
            kinds,
            source: filter.source,
        })
    }

    /// Whether this route matches every event: every kind, from every source.
    pub(super) fn takes_everything(&self) -> bool {
        self.kinds.is_empty() && self.source.is_none()
    }

    /// What `EventFilter::matches_kind_and_source` answers for the filter this route was taken from.
    /// The patterns being checked, a trailing `*` is the only one a pattern can hold.
    pub(super) fn matches(&self, kind: &str, source: &NodeId) -> bool {
        self.source.is_none_or(|s| s == *source)
            && (self.kinds.is_empty()
                || self
                    .kinds
                    .iter()
                    .any(|pattern| match pattern.strip_suffix('*') {
                        Some(head) => kind.starts_with(head),
                        None => kind == pattern,
                    }))
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
