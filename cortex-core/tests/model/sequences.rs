//! Runs a property over random operation sequences as `proptest!` does, and tallies what the file
//! stores went through, so a test can say how often they were reopened and compacted and require it.

use std::cell::Cell;
use std::fmt;

use proptest::collection::vec;
use proptest::strategy::Strategy;
use proptest::test_runner::{TestCaseResult, TestRunner};

use crate::config;

/// What the file stores went through over every case of one property.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    cases: Cell<u64>,
    steps: Cell<u64>,
    reopens: Cell<u64>,
    compactions: Cell<u64>,
}

impl Tally {
    pub(crate) fn step(&self) {
        self.steps.set(self.steps.get() + 1);
    }

    pub(crate) fn reopen(&self) {
        self.reopens.set(self.reopens.get() + 1);
    }

    pub(crate) fn compaction(&self) {
        self.compactions.set(self.compactions.get() + 1);
    }

    pub(crate) fn cases(&self) -> u64 {
        self.cases.get()
    }

    pub(crate) fn reopens(&self) -> u64 {
        self.reopens.get()
    }

    pub(crate) fn compactions(&self) -> u64 {
        self.compactions.get()
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} cases, {} steps: the file store reopened {} times, its log compacted {} times",
            self.cases.get(),
            self.steps.get(),
            self.reopens.get(),
            self.compactions.get()
        )
    }
}

/// Runs `case` on `config()`'s count of sequences of 1 to 63 values drawn from `op`; a failure is
/// shrunk, saved beside `source_file` and replayed first on later runs, as `proptest!` does, and
/// panics, as it does when no case reopened a file store. Returns the tally of the cases, which it
/// also prints on stderr under `name`.
pub(crate) fn check<S: Strategy>(
    source_file: &'static str,
    name: &'static str,
    op: S,
    case: impl Fn(Vec<S::Value>, &Tally) -> TestCaseResult,
) -> Tally {
    let mut config = config();
    config.source_file = Some(source_file);
    config.test_name = Some(name);
    let mut runner = TestRunner::new(config);
    let tally = Tally::default();
    let result = runner.run(&vec(op, 1..64), |ops| {
        tally.cases.set(tally.cases.get() + 1);
        case(ops, &tally)
    });
    if let Err(e) = result {
        panic!("{e}\n{runner}");
    }
    eprintln!("{name}: {tally}");
    assert!(tally.reopens() > 0, "no file store was reopened: {tally}");
    tally
}
