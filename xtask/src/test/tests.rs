//! The test command's runner arguments, exit codes and the join of its build and set-up.

use std::os::unix::process::ExitStatusExt as _;

use super::*;
use crate::failure::ConfigError;

/// A wait status as the kernel reports it: the exit code in the second byte, or the signal.
fn exited(code: i32) -> ExitStatus {
    ExitStatus::from_raw(code << 8)
}

fn ok() -> Setup {
    Setup {
        result: Ok(()),
        log: String::new(),
    }
}

fn failed() -> Setup {
    Setup {
        result: Err(ConfigError::new("no chromium", "install it").into()),
        log: "$ apt-get install chromium\nE: no such package\n".into(),
    }
}

/// The arguments of a command line, split at its spaces.
fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn the_build_step_builds_what_the_run_step_runs_and_keeps_arguments_after_the_separator() {
    let user = words("-p xtask -- --nocapture");
    assert_eq!(
        Runner::Nextest.args(Step::Build, &user),
        words("nextest run --workspace --no-run -p xtask -- --nocapture")
    );
    assert_eq!(
        Runner::Nextest.args(Step::Run, &user),
        words("nextest run --workspace -p xtask -- --nocapture")
    );
    assert_eq!(
        Runner::CargoTest.args(Step::Build, &user),
        words("test --workspace --no-run -p xtask -- --nocapture")
    );
    assert_eq!(
        Runner::CargoTest.args(Step::Run, &[]),
        words("test --workspace")
    );
}

#[test]
fn the_runner_code_is_passed_on_and_a_signal_counts_as_a_failure() {
    assert_eq!(failure_code(exited(0)), None);
    assert_eq!(failure_code(exited(101)), Some(101));
    assert_eq!(failure_code(exited(2)), Some(2));
    assert_eq!(failure_code(ExitStatus::from_raw(9)), Some(1), "killed");
}

#[test]
fn the_tests_run_only_when_the_build_and_the_set_up_both_succeeded() {
    assert!(ready_to_run(exited(0), ok()).is_ok());

    let setup = ready_to_run(exited(0), failed()).unwrap_err();
    assert_eq!(
        failure::render(&setup),
        "error: no chromium\n  fix: install it\n",
        "the set-up's own error"
    );
    assert_eq!(failure::exit_code(&setup), std::process::ExitCode::from(2));

    for setup in [ok(), failed()] {
        let build = ready_to_run(exited(101), setup).unwrap_err();
        assert_eq!(
            build.downcast_ref::<AlreadyReported>(),
            Some(&AlreadyReported { code: 101 }),
            "a failed build exits with the runner's code"
        );
    }
}
