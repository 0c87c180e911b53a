//! How many cases a property test runs: the one reading of `CORTEX_FUZZ_CASES`, shared by the
//! fuzz tests of the lib and of `tests/`.

/// The variable that sets the number of cases, for a longer run than the normal suite's:
/// `CORTEX_FUZZ_CASES=20000 cargo test -p xtask --lib fuzz`.
pub const CASES_VAR: &str = "CORTEX_FUZZ_CASES";

/// The cases of the normal suite.
pub const DEFAULT_CASES: u32 = 256;

/// The number of cases [`CASES_VAR`] asks for, or [`DEFAULT_CASES`] when it is unset.
///
/// # Panics
///
/// When the variable holds no number: a run that asked for a count is not run with another.
pub fn cases() -> u32 {
    match std::env::var(CASES_VAR) {
        Ok(n) => n
            .parse()
            .unwrap_or_else(|_| panic!("{CASES_VAR}={n:?} is not a number of cases")),
        Err(_) => DEFAULT_CASES,
    }
}

/// Proptest's configuration for the lib's fuzz tests: [`cases`] cases, and a failure that prints
/// its shrunk input rather than writing it into the source tree.
#[cfg(test)]
pub(crate) fn config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        failure_persistence: None,
        ..proptest::test_runner::Config::with_cases(cases())
    }
}
