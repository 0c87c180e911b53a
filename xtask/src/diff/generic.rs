//! A generic function's name with its type arguments left out, so its instances collapse into one.

/// `core::ptr::drop_in_place::<alloc::vec::Vec<u8>>` → `core::ptr::drop_in_place::<…>`, and
/// `<alloc::vec::Vec<u8> as core::ops::drop::Drop>::drop` → `<alloc::vec::Vec<…> as core::ops::drop::Drop>::drop`:
/// a `<` right after a name or a `::` opens type arguments; anywhere else it opens a qualified path,
/// which stays.
pub fn generic_key(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let after_name = out
            .chars()
            .last()
            .is_some_and(|p| p.is_alphanumeric() || p == '_')
            || out.ends_with("::");
        if c == '<' && after_name {
            let mut depth = 0usize;
            while i < chars.len() {
                match chars[i] {
                    '<' => depth += 1,
                    // The `>` of a `->` in a function type closes nothing.
                    '>' if i > 0 && chars[i - 1] == '-' => {}
                    '>' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            out.push_str("<…>");
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}
