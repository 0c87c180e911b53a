//! WASI errnos as the file store's I/O errors: the few it tells apart, their names in messages.

use std::fmt;
use std::path::Path;

use crate::error::Error;

pub(super) const EIO: u16 = 29;
pub(super) const ENOENT: u16 = 44;
pub(super) const ENOMEM: u16 = 48;
pub(super) const ENOTDIR: u16 = 54;
pub(super) const EOVERFLOW: u16 = 61;
/// Not a WASI errno: a read that found the file shorter than its size said.
pub(super) const SHORT_READ: u16 = u16::MAX;

/// Why a WASI call failed: its errno.
#[derive(Clone, Copy, Debug)]
pub(in crate::store::file) struct IoError(pub(super) u16);

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            2 | 63 => "permission denied",
            20 => "already exists",
            19 | 51 => "no space left",
            EIO => "I/O error",
            31 => "is a directory",
            ENOENT => "not found",
            ENOMEM => "too large to read into memory",
            52 | 58 => "not supported by the host",
            ENOTDIR => "not a directory",
            69 => "read-only file system",
            76 => "not granted by the host",
            SHORT_READ => "the file ended before its size",
            // As a u32: its formatting is in the module already, a u16's would be code of its own.
            errno => return write!(f, "WASI errno {}", u32::from(errno)),
        };
        f.write_str(name)
    }
}

/// An I/O failure on `path`: what was being done and the errno's name.
pub(in crate::store::file) fn io_error(what: &str, path: &Path, error: IoError) -> Error {
    Error::Backend {
        context: format!("{what} {}: {error}", path.display()),
        source: None,
    }
}

pub(super) fn check(errno: u16) -> Result<(), IoError> {
    match errno {
        0 => Ok(()),
        errno => Err(IoError(errno)),
    }
}
