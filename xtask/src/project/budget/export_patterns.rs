//! The patterns of an artifact's `exports`: a name, or a prefix ending in `*`.

/// Whether `name` is what `pattern` asks for: the name itself, or any name starting with the text
/// before a final `*`.
pub fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// What is wrong with `pattern` as an export pattern, if anything.
pub fn pattern_error(pattern: &str) -> Option<&'static str> {
    if pattern.is_empty() {
        Some("is empty")
    } else if pattern.trim_end_matches('*').contains('*') || pattern.ends_with("**") {
        Some("holds `*` before its end; `*` may only end a pattern, as in \"cortex_*\"")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_names_or_prefixes() {
        assert!(matches("cortex_*", "cortex_append"));
        assert!(matches("*", "anything"));
        assert!(!matches("cortex_*", "cortex"));
        assert!(matches("memory", "memory"));
        assert!(!matches("memory", "memory2"));
        assert_eq!(pattern_error("cortex_*"), None);
        assert!(pattern_error("").is_some());
        assert!(pattern_error("cor*tex").is_some());
        assert!(pattern_error("cortex**").is_some());
    }
}
