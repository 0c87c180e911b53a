//! The two kinds of failure that map to distinct exit codes.

use std::fmt;
use std::process::ExitCode;

/// Bad configuration or usage (size-budget.toml, a missing tool): exit 2.
#[derive(Debug)]
pub(crate) struct ConfigError(pub(crate) String);

/// An artifact is over budget or grew beyond its tolerance: exit 1.
#[derive(Debug)]
pub(crate) struct GateFailure(pub(crate) String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for GateFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}
impl std::error::Error for GateFailure {}

/// 2 when a `ConfigError` is anywhere in the chain, 1 for everything else.
pub(crate) fn exit_code(err: &anyhow::Error) -> ExitCode {
    if err.chain().any(|cause| cause.is::<ConfigError>()) {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}
