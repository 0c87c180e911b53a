//! Fuzzing `size-budget.toml` parsing: the repository's own file and other valid budgets, mutated
//! as text (see `text`), are parsed against a workspace of known crates. Nothing panics: a budget
//! comes back, or a `ConfigError` whose cause is one line naming the file and a line of it, with a
//! fix — what the xtask prints before it exits with code 2.
//!
//! The property runs as many cases as [`crate::fuzz::cases`] says; `CORTEX_FUZZ_CASES=N` runs N:
//! `CORTEX_FUZZ_CASES=20000 cargo test -p xtask --lib fuzz`.

pub(crate) mod text;

use proptest::prelude::*;

use super::tests::{crates, WITH_TOLERANCES};
use super::*;
use crate::failure::{exit_code, render};
use text::{run_mutants, Vocabulary};

/// Valid budgets using every key the format has, and the repository's own. Shrinking prefers
/// the first, so a failure is shown on the smallest seed that shows it.
const SEEDS: &[&str] = &[
    WITH_TOLERANCES,
    r#"[artifact.b]
crate = "two-bins"
target = "b"
budget = "1.5 MiB"
tolerance = { percent = 0.5, bytes = 4096 }
"#,
    include_str!("../../../../size-budget.toml"),
];

// Kept in rows: one item to a line would make the table longer than the test.
#[rustfmt::skip]
const TOML: Vocabulary = Vocabulary {
    values: &[
        "-1", "0", "18446744073709551615", "18446744073709551616", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "1.5", "-0.0", "1e308", "1e400", "nan",
        "-inf", "0x10", "1_000", "\"769 KiB\"", "\"-3 KiB\"", "\"1.5 B\"", "\"abc\"", "\"\"",
        "true", "[]", "{}", "{ percent = 1 }", "1979-05-27",
    ],
    strings: &[
        "", "769 KiB", "0.5 KiB", "1.1 B", "99999999999999999999 GiB", "18446744073709551615 B",
        "16 TiB", "1e3 KiB", " 1 MiB ", "☃ KiB", "cortex-core", "wasm-demo", "two-bins",
        "only-rlib", "a", "b", "nope", "ü", "\\u0000", "\\n", "\\", "\\x",
    ],
    keys: &[
        "budget", "crate", "target", "tolerance", "percent", "bytes", "artifact", "unknown",
        "ü", "\"quoted\"", "a.b", "",
    ],
    lines: &[
        "[tolerance]", "[artifact]", "[artifact.x]", "[artifact.cortex-core]",
        "[artifact.\"☃\"]", "[[artifact]]", "[artifact.two-bins]", "budget = 1",
        "budget = -1", "percent = -1", "percent = nan", "bytes = \"1 KiB\"", "tolerance = { }",
        "tolerance = { percent = 1e309 }", "crate = \"two-bins\"", "crate = \"only-rlib\"",
        "target = \"a\"", "target = \"zzz\"", "artifact = 3", "= 1", "ü = \"☃\"", "#", "",
    ],
};

/// `message` reads `<file>:<line>: <cause>`, with a cause and a line that is in `text` (the line
/// after a final newline counts: it is where a text that ends too soon fails).
pub(crate) fn names_a_line_of(message: &str, file: &str, text: &str) -> Result<(), TestCaseError> {
    let line = message
        .strip_prefix(file)
        .and_then(|rest| rest.strip_prefix(':'))
        .and_then(|rest| rest.split_once(": "))
        .and_then(|(line, cause)| Some((line.parse::<usize>().ok()?, cause)));
    let Some((line, cause)) = line else {
        return Err(TestCaseError::fail(format!("no file:line in {message:?}")));
    };
    prop_assert!(!cause.trim().is_empty(), "an empty cause in {message:?}");
    prop_assert!(
        (1..=text.split('\n').count()).contains(&line),
        "line {line} is not in the text: {message:?}"
    );
    Ok(())
}

/// The checks of an error the parser gave for `text`: a cause naming the file and a line of it,
/// a fix, each on one line, and exit code 2.
fn check_error(text: &str, err: ConfigError) -> Result<(), TestCaseError> {
    let ConfigError { message, fix } = &err;
    prop_assert!(!fix.trim().is_empty(), "no fix for {message:?}");
    // Names quoted from the file (`crate = "a\nb"`) are shown as written, line breaks and all;
    // the parser's own words stay on one line.
    let own_words = |text: &str| -> String { text.split('`').step_by(2).collect() };
    prop_assert!(
        !own_words(message).contains(['\n', '\r']),
        "cause {message:?}"
    );
    prop_assert!(!own_words(fix).contains(['\n', '\r']), "fix {fix:?}");
    names_a_line_of(message, FILE_NAME, text)?;
    let err = anyhow::Error::from(err.clone());
    prop_assert_eq!(exit_code(&err), std::process::ExitCode::from(2));
    prop_assert_eq!(render(&err), format!("error: {message}\n  fix: {fix}\n"));
    Ok(())
}

/// What a budget that parsed is used for: picking artifacts by name and growth arithmetic.
fn use_budget(budget: &SizeBudget) -> Result<(), TestCaseError> {
    prop_assert!(!budget.artifacts.is_empty());
    prop_assert_eq!(budget.select(&[])?.len(), budget.artifacts.len());
    for artifact in &budget.artifacts {
        let _ = budget.find(&artifact.name);
        let _ = budget.select(std::slice::from_ref(&artifact.krate));
        for baseline in [0, 1, 118_471, u64::MAX] {
            artifact.tolerance.allowed_growth(baseline);
        }
    }
    Ok(())
}

#[test]
fn mutated_budgets_parse_or_fail_with_a_config_error() {
    let crates = crates();
    for seed in SEEDS {
        parse(FILE_NAME, seed, &crates, &super::tests::profiles())
            .expect("every seed is a valid budget");
    }
    // Mutants that got past TOML syntax and shape: parsed, or refused by the checks of names,
    // sizes and tolerances that only a file close to a valid one reaches. At least 3 in 20.
    run_mutants(SEEDS, TOML, "got past TOML syntax", (3, 20), |text| {
        match parse(FILE_NAME, &text, &crates, &super::tests::profiles()) {
            Ok(budget) => {
                use_budget(&budget)?;
                Ok(true)
            }
            Err(err) => {
                // toml's own errors carry the one fix that describes the whole format.
                let checked = !err.fix.starts_with("entries are `[artifact.NAME]`");
                check_error(&text, err)?;
                Ok(checked)
            }
        }
    });
}
