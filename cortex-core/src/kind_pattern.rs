//! Kind patterns, the one matcher behind `EventFilter::kinds` in store queries, store subscriptions and the bus.
//!
//! `*` alone matches every kind; a pattern ending in `*` matches every kind that starts with the text
//! before it (`sensor.*` matches `sensor.mic` and `sensor.mic.v1`, not `sensor` or `sensors.x`); any
//! other pattern is a kind, compared whole. Kinds may not contain `*`, so a pattern never has to be
//! told apart from a kind that happens to end in one.

use crate::error::{Error, Quoted, Result};

/// What one entry of `EventFilter::kinds` selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KindPattern<'a> {
    /// `*`: every kind.
    Any,
    /// `text*`: every kind starting with `text` (never empty: that is `Any`).
    Prefix(&'a str),
    /// Exactly this kind.
    Exact(&'a str),
}

impl<'a> KindPattern<'a> {
    /// Reads a pattern, refusing one with a `*` anywhere but at its end.
    pub(crate) fn parse(pattern: &'a str) -> Result<Self> {
        let (head, wildcard) = match pattern.strip_suffix('*') {
            Some(head) => (head, true),
            None => (pattern, false),
        };
        if head.bytes().any(|b| b == b'*') {
            return Err(Error::InvalidKind(format!(
                "kind pattern {} holds '*' before its end; \
                 '*' may only end a pattern, as in \"sensor.*\"",
                Quoted(pattern)
            )));
        }
        Ok(match (wildcard, head.is_empty()) {
            (true, true) => KindPattern::Any,
            (true, false) => KindPattern::Prefix(head),
            (false, _) => KindPattern::Exact(head),
        })
    }

    pub(crate) fn matches(self, kind: &str) -> bool {
        match self {
            KindPattern::Any => true,
            KindPattern::Prefix(head) => kind.starts_with(head),
            KindPattern::Exact(exact) => kind == exact,
        }
    }
}

/// Checks every pattern of a filter's `kinds`, so a malformed one is an error instead of matching nothing.
pub fn validate_kind_patterns(patterns: &[String]) -> Result<()> {
    patterns
        .iter()
        .try_for_each(|p| KindPattern::parse(p).map(drop))
}

/// True when `kind` matches any of `patterns`, or `patterns` is empty. A malformed pattern matches
/// nothing: read as a kind, it holds a `*` no stored kind can hold.
pub(crate) fn matches_any(patterns: &[String], kind: &str) -> bool {
    patterns.is_empty()
        || patterns
            .iter()
            .any(|p| KindPattern::parse(p).is_ok_and(|p| p.matches(kind)))
}

/// True when one of `patterns` is `*`, so the kind part of the filter selects every event.
pub(crate) fn any_kind(patterns: &[String]) -> bool {
    patterns.is_empty() || patterns.iter().any(|p| p == "*")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selects(pattern: &str, kind: &str) -> bool {
        KindPattern::parse(pattern).unwrap().matches(kind)
    }

    #[test]
    fn a_trailing_star_matches_by_prefix_and_nothing_else_does() {
        assert!(selects("*", "sensor"));
        assert!(selects("*", "x\0y"));
        assert!(selects("sensor.*", "sensor.mic"));
        assert!(selects("sensor.*", "sensor.mic.v1"));
        assert!(selects("sensor.*", "sensor."));
        assert!(!selects("sensor.*", "sensor"));
        assert!(!selects("sensor.*", "sensors.x"));
        assert!(selects("sensor", "sensor"));
        assert!(!selects("sensor", "sensor.mic"));
        assert!(!selects("", "sensor"));
    }

    #[test]
    fn a_star_before_the_end_is_refused() {
        for bad in ["**", "a*b", "*a", "a**", "a*b*"] {
            assert!(
                matches!(KindPattern::parse(bad), Err(Error::InvalidKind(_))),
                "{bad:?}"
            );
            assert!(
                !matches_any(&[bad.into()], "a*b"),
                "{bad:?} matches nothing"
            );
        }
        assert!(validate_kind_patterns(&["a".into(), "b*".into(), "*".into()]).is_ok());
        assert!(validate_kind_patterns(&["a".into(), "*b".into()]).is_err());
    }

    #[test]
    fn an_empty_list_or_a_lone_star_selects_every_kind() {
        assert!(matches_any(&[], "k"));
        assert!(any_kind(&[]));
        assert!(any_kind(&["a".into(), "*".into()]));
        assert!(!any_kind(&["a*".into()]));
    }
}
