//! The words `find_nodes` matches a text by: runs of Unicode letters and digits (the Alphabetic and
//! Numeric properties), lowercased (`lowercase.rs`), so matching is whole-word and case-insensitive.
//!
//! Plain loops rather than iterator adapters: this code is in every wasm module that puts a node.

use std::collections::BTreeSet;

use super::lowercase::lowercase;
use super::Node;

/// Calls `each` with every word of `text`, lowercased, in order and with repeats.
pub(crate) fn for_each_word(text: &str, each: &mut impl FnMut(String)) {
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() {
            each(lowercase(word));
        }
    }
}

/// Calls `each` with every word a node can be found by, with repeats: those of its label, its tags
/// and its property values (not of the property keys, which name a field rather than describe it).
pub(crate) fn for_each_node_word(node: &Node, each: &mut impl FnMut(String)) {
    for_each_word(&node.label, each);
    for tag in &node.tags {
        for_each_word(tag, each);
    }
    for value in node.properties.values() {
        for_each_word(value, each);
    }
}

/// The distinct words a node can be found by.
#[cfg_attr(
    not(all(not(target_family = "wasm"), feature = "native")),
    allow(dead_code)
)] // used by RocksDB
pub(crate) fn node_words(node: &Node) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for_each_node_word(node, &mut |word| {
        words.insert(word);
    });
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for_each_word(text, &mut |word| found.push(word));
        found
    }

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits() {
        let found = words("Hello, wörld! x86-64 ÆON__ 東京 hello");
        assert_eq!(
            found,
            ["hello", "wörld", "x86", "64", "æon", "東京", "hello"]
        );
        assert!(words(" -- ,. ").is_empty());
    }

    #[test]
    fn a_node_is_found_by_its_label_tags_and_values_but_not_its_keys() {
        let node = Node::new(crate::event::NodeId::from_name("n"), "Blue Car")
            .with_tag("fast")
            .with_property("colour", "Deep-Blue");
        let expected = ["blue", "car", "deep", "fast"];
        assert_eq!(node_words(&node), expected.map(String::from).into());
    }
}
