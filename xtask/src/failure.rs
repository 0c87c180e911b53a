//! The failures a user can cause, as data until they are printed, and the exit code each one means.

use std::fmt;
use std::process::ExitCode;

use serde::{Deserialize, Serialize};

/// Bad usage or configuration (size-budget.toml, a missing tool or target): exit 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// What is wrong, naming the file, line or thing.
    pub message: String,
    /// How to put it right.
    pub fix: String,
}

impl ConfigError {
    pub fn new(message: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n  fix: {}", self.message, self.fix)
    }
}

impl std::error::Error for ConfigError {}

/// One check that did not pass: an artifact over its budget or grown past its tolerance, or an
/// optimised module that behaves differently from the unoptimised one. A shard file carries it to
/// `size-check --merge` as these fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedCheck {
    pub problem: String,
    /// How to put it right, when there is one simple way.
    pub fix: Option<String>,
    /// Lines shown below it (what grew since the baseline), each ending in a newline.
    pub details: String,
}

impl fmt::Display for FailedCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem)?;
        if let Some(fix) = &self.fix {
            write!(f, "\n  fix: {fix}")?;
        }
        if !self.details.is_empty() {
            write!(f, "\n{}", self.details.trim_end_matches('\n'))?;
        }
        Ok(())
    }
}

/// What the gate exists to catch: exit 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateFailure {
    pub checks: Vec<FailedCheck>,
}

impl From<FailedCheck> for GateFailure {
    fn from(check: FailedCheck) -> Self {
        Self {
            checks: vec![check],
        }
    }
}

impl fmt::Display for GateFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.checks.as_slice() {
            [only] => only.fmt(f),
            checks => write!(f, "{} checks failed", checks.len()),
        }
    }
}

impl std::error::Error for GateFailure {}

/// Failures already told on stderr, by the command itself line by line or by a process it handed
/// over to (the test runner, whose code it passes on): exit with `code` and add nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlreadyReported {
    pub code: u8,
}

impl fmt::Display for AlreadyReported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed (reported above), exit {}", self.code)
    }
}

impl std::error::Error for AlreadyReported {}

/// 2 when a [`ConfigError`] is anywhere in the chain, the code of an [`AlreadyReported`] failure,
/// 1 for everything else.
pub fn exit_code(err: &anyhow::Error) -> ExitCode {
    if let Some(reported) = err.downcast_ref::<AlreadyReported>() {
        ExitCode::from(reported.code)
    } else if err.chain().any(|cause| cause.is::<ConfigError>()) {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// The text of a failed command, for stderr: the one place failures become `error:` lines.
pub fn render(err: &anyhow::Error) -> String {
    if err.is::<AlreadyReported>() {
        return String::new();
    }
    let Some(gate) = err.downcast_ref::<GateFailure>() else {
        return format!("error: {err:#}\n");
    };
    let mut out: String = gate
        .checks
        .iter()
        .map(|check| format!("error: {check}\n"))
        .collect();
    if gate.checks.len() > 1 {
        out += &format!("error: {gate}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_exit_2_wherever_they_are_in_the_chain() {
        let err = anyhow::Error::from(ConfigError::new("bad", "mend it")).context("load");
        assert_eq!(exit_code(&err), ExitCode::from(2));
        assert_eq!(render(&err), "error: load: bad\n  fix: mend it\n");
        assert_eq!(exit_code(&anyhow::anyhow!("disk full")), ExitCode::from(1));
    }

    #[test]
    fn a_failure_already_reported_passes_its_code_on_and_adds_no_line() {
        let err = anyhow::Error::from(AlreadyReported { code: 100 });
        assert_eq!(exit_code(&err), ExitCode::from(100));
        assert_eq!(render(&err), "");
    }

    #[test]
    fn every_failed_check_gets_its_own_error_line_then_a_count() {
        let check = |problem: &str, fix: Option<&str>, details: &str| FailedCheck {
            problem: problem.into(),
            fix: fix.map(Into::into),
            details: details.into(),
        };
        let err = anyhow::Error::from(GateFailure {
            checks: vec![
                check("a: over", Some("shrink a"), "  grew: x\n"),
                check("b: differs", None, ""),
            ],
        });
        assert_eq!(exit_code(&err), ExitCode::from(1));
        assert_eq!(
            render(&err),
            "error: a: over\n  fix: shrink a\n  grew: x\nerror: b: differs\nerror: 2 checks failed\n"
        );
        let one = anyhow::Error::from(GateFailure::from(check("c: over", None, "")));
        assert_eq!(render(&one), "error: c: over\n");
    }
}
