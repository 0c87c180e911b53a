//! Random sequences of calls into the cortex-core C ABI, and the host that makes them: which calls
//! (`calls`), the host's own memory in the module (`host`), what it expects of its stores
//! (`model`), and one module instance driven call by call with every answer checked (`session`).

mod calls;
mod host;
mod model;
mod session;

use proptest::test_runner::TestCaseError;

pub use calls::call;
pub use session::Session;

/// Fails the case with `what` unless `ok`.
pub fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), TestCaseError> {
    if ok {
        Ok(())
    } else {
        Err(TestCaseError::fail(what()))
    }
}
