//! The errno values this host returns (preview1 numbering), and a call's result as one.

use std::io;

pub(crate) const SUCCESS: i32 = 0;
pub(crate) const EACCES: i32 = 2;
pub(crate) const EBADF: i32 = 8;
pub(crate) const EEXIST: i32 = 20;
pub(crate) const EFAULT: i32 = 21;
pub(crate) const EILSEQ: i32 = 25;
pub(crate) const EINVAL: i32 = 28;
pub(crate) const EIO: i32 = 29;
pub(crate) const EISDIR: i32 = 31;
pub(crate) const ELOOP: i32 = 32;
pub(crate) const ENOENT: i32 = 44;
pub(crate) const ENOSYS: i32 = 52;
pub(crate) const ENOTDIR: i32 = 54;
pub(crate) const ENOTEMPTY: i32 = 55;
pub(crate) const ENOTSUP: i32 = 58;
/// A path that leaves the granted directory, or a right the descriptor was not opened with.
pub(crate) const ENOTCAPABLE: i32 = 76;

/// The errno a host function returns for `result`.
#[inline]
pub(crate) fn errno(result: Result<(), i32>) -> i32 {
    result.err().unwrap_or(SUCCESS)
}

/// The errno for a failed file operation on the host: by its kind, so it does not depend on the
/// host's own errno numbering.
pub(crate) fn from_io(error: &io::Error) -> i32 {
    match error.kind() {
        io::ErrorKind::NotFound => ENOENT,
        io::ErrorKind::PermissionDenied => EACCES,
        io::ErrorKind::AlreadyExists => EEXIST,
        io::ErrorKind::InvalidInput => EINVAL,
        io::ErrorKind::NotADirectory => ENOTDIR,
        io::ErrorKind::IsADirectory => EISDIR,
        io::ErrorKind::DirectoryNotEmpty => ENOTEMPTY,
        io::ErrorKind::Unsupported => ENOTSUP,
        _ => EIO,
    }
}
