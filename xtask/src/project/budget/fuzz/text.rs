//! Mutations of a configuration file's text: lines deleted, duplicated, swapped or inserted; a
//! number, quoted string or key replaced; characters inserted, repeated or deleted; the text
//! truncated. Shared by the fuzz tests of `size-budget.toml` and `size-baseline.json`, each with
//! the values, names and lines that mean something in its own format.

use std::cell::Cell;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::TestRunner;

/// What a format's mutations draw from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vocabulary {
    /// Replacements for a number: negative, huge, float, string, other types.
    pub(crate) values: &'static [&'static str],
    /// Replacements for the contents of a quoted string: sizes, names, escapes, unicode.
    pub(crate) strings: &'static [&'static str],
    /// Replacements for the key a line starts with.
    pub(crate) keys: &'static [&'static str],
    /// Whole lines to insert: headers, entries, half entries.
    pub(crate) lines: &'static [&'static str],
}

/// Characters that mean something to TOML or JSON, and some that mean nothing to either.
const CHARS: &[char] = &[
    '"',
    '\'',
    '[',
    ']',
    '{',
    '}',
    '=',
    ':',
    ',',
    '.',
    '-',
    '#',
    '\\',
    '\n',
    '\r',
    '\t',
    ' ',
    '\0',
    'ü',
    '☃',
    '\u{feff}',
    '\u{10ffff}',
    '0',
    '9',
    'e',
];

#[derive(Debug, Clone)]
pub(crate) enum TextMutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    InsertLine(Index, &'static str),
    /// The `Index`th number (a run of digits, with its sign and fraction) replaced.
    Number(Index, &'static str),
    /// The contents of the `Index`th quoted string replaced.
    Quoted(Index, &'static str),
    /// The key the `Index`th line starts with replaced.
    Key(Index, &'static str),
    InsertChar(Index, char),
    /// A run of one character: brackets nested deeper than any parser should recurse.
    Repeat(Index, char, u16),
    DeleteChar(Index),
    Truncate(Index),
}

/// One to three mutations drawn from `vocabulary`.
pub(crate) fn mutations(vocabulary: Vocabulary) -> impl Strategy<Value = Vec<TextMutation>> {
    let Vocabulary {
        values,
        strings,
        keys,
        lines,
    } = vocabulary;
    let char = prop_oneof![3 => select(CHARS), 1 => any::<char>()];
    let mutation = prop_oneof![
        2 => any::<Index>().prop_map(TextMutation::DeleteLine),
        2 => any::<Index>().prop_map(TextMutation::DuplicateLine),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| TextMutation::SwapLines(a, b)),
        2 => (any::<Index>(), select(lines)).prop_map(|(at, l)| TextMutation::InsertLine(at, l)),
        4 => (any::<Index>(), select(values)).prop_map(|(at, v)| TextMutation::Number(at, v)),
        3 => (any::<Index>(), select(strings)).prop_map(|(at, s)| TextMutation::Quoted(at, s)),
        2 => (any::<Index>(), select(keys)).prop_map(|(at, k)| TextMutation::Key(at, k)),
        1 => (any::<Index>(), char).prop_map(|(at, c)| TextMutation::InsertChar(at, c)),
        1 => (any::<Index>(), select(&['[', '{', '"', '\\', '\n'][..]), 1u16..2000)
            .prop_map(|(at, c, n)| TextMutation::Repeat(at, c, n)),
        1 => any::<Index>().prop_map(TextMutation::DeleteChar),
        1 => any::<Index>().prop_map(TextMutation::Truncate),
    ];
    vec(mutation, 1..=3)
}

/// Runs `case` on mutants of `seeds` drawn from `vocabulary`, as many as [`crate::fuzz::cases`]
/// says, and asserts that at least `share` (a numerator and a denominator) of them went `deep`:
/// `case` says whether its mutant did, so a vocabulary that stops breaking only the syntax fails.
pub(crate) fn run_mutants(
    seeds: &'static [&'static str],
    vocabulary: Vocabulary,
    deep: &str,
    share: (u32, u32),
    case: impl Fn(String) -> Result<bool, TestCaseError>,
) {
    let (went_deep, total) = (Cell::new(0u32), Cell::new(0u32));
    let mutant = (select(seeds), mutations(vocabulary)).prop_map(|(seed, m)| mutate(seed, &m));
    TestRunner::new(crate::fuzz::config())
        .run(&mutant, |text| {
            went_deep.set(went_deep.get() + u32::from(case(text)?));
            total.set(total.get() + 1);
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    let (went_deep, total) = (went_deep.get(), total.get());
    eprintln!("{went_deep} of {total} mutants {deep}");
    let (numerator, denominator) = share;
    assert!(
        went_deep * denominator >= total * numerator,
        "only {went_deep} of {total} mutants {deep}"
    );
}

/// `text` with every mutation applied in turn; one that finds nothing to aim at changes nothing.
pub(crate) fn mutate(text: &str, mutations: &[TextMutation]) -> String {
    let mut text = text.to_owned();
    for mutation in mutations {
        text = apply(&text, mutation);
    }
    text
}

fn apply(text: &str, mutation: &TextMutation) -> String {
    let mut lines: Vec<&str> = text.split('\n').collect();
    let n = lines.len();
    let replace = |spans: Vec<(usize, usize)>, at: &Index, with: &str| match spans.as_slice() {
        [] => text.to_owned(),
        spans => {
            let (start, end) = spans[at.index(spans.len())];
            format!("{}{with}{}", &text[..start], &text[end..])
        }
    };
    match mutation {
        TextMutation::DeleteLine(at) => {
            lines.remove(at.index(n));
        }
        TextMutation::DuplicateLine(at) => {
            let at = at.index(n);
            lines.insert(at, lines[at]);
        }
        TextMutation::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
        TextMutation::InsertLine(at, line) => lines.insert(at.index(n + 1), line),
        TextMutation::Number(at, value) => return replace(numbers(text), at, value),
        TextMutation::Quoted(at, value) => return replace(quoted(text), at, value),
        TextMutation::Key(at, key) => return replace(keys(text), at, key),
        TextMutation::InsertChar(at, c) => {
            let at = boundaries(text)[at.index(text.chars().count() + 1)];
            return format!("{}{c}{}", &text[..at], &text[at..]);
        }
        TextMutation::Repeat(at, c, n) => {
            let at = boundaries(text)[at.index(text.chars().count() + 1)];
            let run: String = std::iter::repeat_n(*c, usize::from(*n)).collect();
            return format!("{}{run}{}", &text[..at], &text[at..]);
        }
        TextMutation::DeleteChar(at) => {
            let Some((start, c)) = text
                .char_indices()
                .nth(at.index(text.chars().count().max(1)))
            else {
                return text.to_owned();
            };
            return format!("{}{}", &text[..start], &text[start + c.len_utf8()..]);
        }
        TextMutation::Truncate(at) => {
            return text[..boundaries(text)[at.index(text.chars().count() + 1)]].to_owned()
        }
    }
    lines.join("\n")
}

/// Every char boundary of `text`, its end included.
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

/// Byte spans of the numbers in `text`: digits with an optional `-` before and `.digits` after.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = if i > 0 && bytes[i - 1] == b'-' {
            i - 1
        } else {
            i
        };
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        spans.push((start, i));
    }
    spans
}

/// Byte spans of the contents of the double-quoted strings in `text` (escapes are not followed).
fn quoted(text: &str) -> Vec<(usize, usize)> {
    let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i).collect();
    quotes
        .chunks_exact(2)
        .map(|pair| (pair[0] + 1, pair[1]))
        .collect()
}

/// Byte spans of the bare keys that lines start with (`budget = …`, `[artifact.…]` excluded).
fn keys(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        let indent = line.len() - line.trim_start().len();
        let key_len = line[indent..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(line.len() - indent);
        if key_len > 0 {
            spans.push((line_start + indent, line_start + indent + key_len));
        }
        line_start += line.len() + 1;
    }
    spans
}
