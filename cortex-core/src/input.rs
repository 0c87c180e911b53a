//! The rules on the names a caller gives (event kinds, node labels and tags, edge relations), below
//! the model so the stores and the bus apply the same ones.

use crate::error::{Error, Quoted, Result};

/// Longest accepted event kind, in bytes.
pub const MAX_KIND_LEN: usize = 255;
/// Longest accepted edge relation, in bytes.
pub(crate) const MAX_RELATION_LEN: usize = 255;
/// Longest accepted node label, in bytes.
pub(crate) const MAX_LABEL_LEN: usize = 255;
/// Longest accepted node tag, in bytes.
pub(crate) const MAX_TAG_LEN: usize = 255;

/// Checks an event kind: 1..=[`MAX_KIND_LEN`] bytes, without `*` (which only kind patterns hold).
/// The only kind check: stores apply it before they stamp an event (the bus checks only the `*`,
/// which its routing needs, and leaves the rest to the store it feeds), and embedders reach it as
/// `cortex_core::event::validate_kind`.
pub fn validate_kind(kind: &str) -> Result<()> {
    bounded_name("kind", kind, MAX_KIND_LEN).map_err(Error::InvalidKind)?;
    refuse_wildcard(kind)
}

/// Refuses a kind holding `*`: a filter reads `*` as a wildcard, so such a kind could not be selected alone.
pub(crate) fn refuse_wildcard(kind: &str) -> Result<()> {
    if holds_star(kind) {
        return Err(Error::InvalidKind(format!(
            "kind {} holds '*', which is kept for kind patterns; name the kind without it",
            Quoted(kind)
        )));
    }
    Ok(())
}

/// True when `kind` holds a `*`, searched eight bytes at a time: every publish and every append
/// asks, and on wasm a byte-at-a-time loop is not vectorised.
fn holds_star(kind: &str) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const STARS: u64 = u64::from_ne_bytes([b'*'; 8]);
    let mut words = kind.as_bytes().chunks_exact(8);
    // A byte of the word equals '*' exactly when that byte of `x` is zero, which the classic
    // "has a zero byte" test finds in the whole word at once.
    let star = words.by_ref().any(|word| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_ne_bytes(bytes) ^ STARS;
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    });
    star || words.remainder().contains(&b'*')
}

/// The length rule shared by kinds, labels and relations; the caller picks the error variant.
pub(crate) fn bounded_name(what: &str, value: &str, max: usize) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if value.len() > max {
        return Err(format!(
            "{what} is {} bytes, at most {max} are allowed",
            value.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-wise search against `str::contains`, the oracle: a star at every position of
    /// every length up to five words, and bytes one bit away from '*' or inside multi-byte
    /// characters, which are not stars.
    #[test]
    fn the_star_search_finds_a_star_at_every_position_of_every_length() {
        for len in 0..=40 {
            let plain = "k".repeat(len);
            assert!(!holds_star(&plain), "{plain:?}");
            for at in 0..len {
                let mut bytes = plain.clone().into_bytes();
                bytes[at] = b'*';
                let kind = String::from_utf8(bytes).unwrap();
                assert!(holds_star(&kind), "{kind:?}");
                assert!(matches!(refuse_wildcard(&kind), Err(Error::InvalidKind(_))));
            }
        }
        for kind in [
            "++++++++++",
            "\u{2a2a}\u{12a}x",
            "jjjjjjjjjjjjjjjjj",
            "\u{7f}\u{80}*",
        ] {
            assert_eq!(holds_star(kind), kind.contains('*'), "{kind:?}");
        }
    }
}
