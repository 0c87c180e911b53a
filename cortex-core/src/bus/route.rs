//! `Route`: a subscriber's filter checked once, at subscribe, for `publish` to compare each event with.
//!
//! `EventFilter::matches_kind_and_source` checks every kind pattern again on each call (a malformed
//! one matches nothing); a bus routes every publish through every subscriber's filter, so it checks
//! them once and, when one is `*`, drops the kind test altogether.

use crate::error::Result;
use crate::event::{EventFilter, NodeId};
use crate::kind_pattern::{any_kind, validate_kind_patterns};

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
        // By reference, as `EventFilter::matches_kind_and_source` does: no 33-byte copy per event.
        self.source.as_ref().is_none_or(|s| s == source)
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
