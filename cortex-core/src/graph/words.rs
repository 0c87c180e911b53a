//! The words `find_nodes` matches a text by: runs of Unicode letters and digits (the Alphabetic and
//! Numeric properties), lowercased, so matching is whole-word and case-insensitive.

use std::collections::BTreeSet;

use super::Node;

/// Each word of `text`, lowercased, in order and with repeats.
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// The distinct words a node can be found by: those of its label, its tags and its property values
/// (not of the property keys, which name a field rather than describe the node).
pub(crate) fn node_words(node: &Node) -> BTreeSet<String> {
    let texts = std::iter::once(node.label.as_str())
        .chain(node.tags.iter().map(String::as_str))
        .chain(node.properties.values().map(String::as_str));
    texts.flat_map(words).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits() {
        let found: Vec<String> = words("Hello, wörld! x86-64 ÆON__ 東京 ").collect();
        assert_eq!(found, ["hello", "wörld", "x86", "64", "æon", "東京"]);
        assert_eq!(words(" -- ,. ").count(), 0);
    }

    #[test]
    fn a_node_is_found_by_its_label_tags_and_values_but_not_its_keys() {
        let node = Node::new(crate::NodeId::from_name("n"), "Blue Car")
            .with_tag("fast")
            .with_property("colour", "Deep-Blue");
        let expected = ["blue", "car", "deep", "fast"];
        assert_eq!(node_words(&node), expected.map(String::from).into());
    }
}
