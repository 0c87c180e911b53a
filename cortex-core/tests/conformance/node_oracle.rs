//! The oracle of `find_nodes`: every node checked against every field of the query, with words
//! split and lowercased one character at a time, nothing asked of the library.

use cortex_core::{Node, NodeId, NodeQuery};

/// The lowercased runs of letters and digits of `text`, one character at a time, final sigma `ς`
/// read as `σ` (the documented departure from plain lowercasing).
fn oracle_words(text: &str) -> Vec<String> {
    let mut words = vec![String::new()];
    for c in text.chars() {
        match (c.is_alphanumeric(), words.last_mut()) {
            (true, Some(word)) if c == 'ς' => word.push('σ'),
            (true, Some(word)) => word.extend(c.to_lowercase()),
            (false, Some(word)) if !word.is_empty() => words.push(String::new()),
            _ => {}
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// True when `text` holds no word: a query with such a text is refused, not answered.
pub fn is_wordless(text: &str) -> bool {
    oracle_words(text).is_empty()
}

/// The ids `query` selects out of `nodes`, by checking every node against every field.
pub fn oracle(nodes: &[Node], query: &NodeQuery) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = nodes
        .iter()
        .filter(|n| query.labels.is_empty() || query.labels.contains(&n.label))
        .filter(|n| query.tags.iter().all(|t| n.tags.contains(t)))
        .filter(|n| {
            let mut wanted = query.properties.iter();
            wanted.all(|(k, v)| n.properties.get(k) == Some(v))
        })
        .filter(|n| query.since.is_none_or(|t| n.created_at >= t))
        .filter(|n| query.until.is_none_or(|t| n.created_at < t))
        .filter(|n| query.after.is_none_or(|a| n.id > a))
        .filter(|n| {
            let Some(text) = &query.text else { return true };
            let mut own = oracle_words(&n.label);
            n.tags.iter().for_each(|t| own.extend(oracle_words(t)));
            n.properties
                .values()
                .for_each(|v| own.extend(oracle_words(v)));
            oracle_words(text).iter().all(|w| own.contains(w))
        })
        .map(|n| n.id)
        .collect();
    ids.sort();
    ids.truncate(query.limit.unwrap_or(usize::MAX));
    ids
}
