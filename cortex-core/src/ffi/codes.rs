//! Error codes of the C ABI, the failure type behind them, and the last-error message a host can read.

use std::cell::RefCell;

use crate::error::Error;

pub const CORTEX_E_BAD_POINTER: i32 = -1;
pub const CORTEX_E_BAD_HANDLE: i32 = -2;
pub const CORTEX_E_INVALID: i32 = -3;
pub const CORTEX_E_TOO_LARGE: i32 = -4;
pub const CORTEX_E_BUFFER_SMALL: i32 = -5;
pub const CORTEX_E_MISSING_NODE: i32 = -6;
pub const CORTEX_E_NOT_FOUND: i32 = -7;
pub const CORTEX_E_INTERNAL: i32 = -8;
pub const CORTEX_E_FULL: i32 = -9;
pub const CORTEX_E_CLOSED: i32 = -10;
pub const CORTEX_E_STORE_FILE: i32 = -11;

/// Why a call failed: the code it returns and the message `cortex_last_error` hands out.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: i32,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: i32, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let code = match error {
            Error::InvalidKind(_) | Error::InvalidInput(_) => CORTEX_E_INVALID,
            Error::PayloadTooLarge { .. } => CORTEX_E_TOO_LARGE,
            Error::MissingNode(_) => CORTEX_E_MISSING_NODE,
            Error::Full { .. } => CORTEX_E_FULL,
            Error::Closed => CORTEX_E_CLOSED,
            #[cfg(feature = "fs")]
            Error::StoreFile { .. } => CORTEX_E_STORE_FILE,
            _ => CORTEX_E_INTERNAL,
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }
}

pub(crate) type Outcome<T> = Result<T, Failure>;

thread_local! {
    // wasm32-wasip1 runs one thread, so this is the module's single last-error slot.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Runs an export's body and turns its outcome into the ABI's return value, recording the message
/// of a failure. Each export writes its body once, as the closure, over its own parameters.
pub(crate) fn run_i64<T: Into<i64>>(body: impl FnOnce() -> Outcome<T>) -> i64 {
    finish(body())
}

/// [`run_i64`] for the exports that return an i32; every success value they produce fits.
pub(crate) fn run_i32<T: Into<i64>>(body: impl FnOnce() -> Outcome<T>) -> i32 {
    i32::try_from(finish(body())).unwrap_or(CORTEX_E_INTERNAL)
}

/// Turns an outcome into the ABI's return value, recording the message of a failure.
fn finish<T: Into<i64>>(outcome: Outcome<T>) -> i64 {
    match outcome {
        Ok(value) => value.into(),
        Err(failure) => {
            // `try_with`, not `with`: the slot always exists on the module's one thread, and `with`
            // would carry a panic path (with its message and `Debug` output) for the case it cannot.
            let _ = LAST_ERROR.try_with(|slot| {
                if let Ok(mut last) = slot.try_borrow_mut() {
                    *last = failure.message;
                }
            });
            i64::from(failure.code)
        }
    }
}

/// Runs `f` with the last error message (empty if no call has failed yet).
pub(crate) fn with_last_error<R>(f: impl FnOnce(&[u8]) -> R) -> R {
    let last = LAST_ERROR
        .try_with(|slot| {
            slot.try_borrow()
                .map(|last| last.clone())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    f(last.as_bytes())
}
