//! The text of the HTML and SVG pages the xtask writes and the browser prints: characters that
//! would read as markup written as entities, and a printed DOM's text read back.

/// The characters markup gives a meaning, with their entities. `&` comes first, so escaping in
/// this order never touches an entity it wrote, and reading back in the reverse order never makes
/// one out of an escaped `&`.
const ENTITIES: [(&str, &str); 4] = [
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ("\"", "&quot;"),
];

/// `text` fit for an element's content or a quoted attribute value.
pub fn escape(text: &str) -> String {
    ENTITIES
        .iter()
        .fold(text.to_owned(), |text, (raw, entity)| {
            text.replace(raw, entity)
        })
}

/// The text a browser's printed DOM says: the entities of [`escape`] and the `&nbsp;` a browser
/// writes for a no-break space, each read back as its character.
pub fn unescape(html: &str) -> String {
    ENTITIES
        .iter()
        .rev()
        .fold(html.replace("&nbsp;", "\u{a0}"), |text, (raw, entity)| {
            text.replace(entity, raw)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entity_is_written_and_read_back() {
        for (text, escaped) in [
            ("a<b>", "a&lt;b&gt;"),
            ("\"c\"", "&quot;c&quot;"),
            ("&amp;", "&amp;amp;"),
            ("&lt;", "&amp;lt;"),
        ] {
            assert_eq!(escape(text), escaped);
            assert_eq!(unescape(escaped), text);
        }
    }

    #[test]
    fn the_printed_body_reads_as_the_text_the_page_set() {
        assert_eq!(
            unescape("loaded:&lt;a &amp;amp; b&gt;&nbsp;"),
            "loaded:<a &amp; b>\u{a0}"
        );
    }
}
