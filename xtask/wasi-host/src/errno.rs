//! The errno values this host returns (preview1 numbering), and a call's result as one.

pub(crate) const SUCCESS: i32 = 0;
pub(crate) const EBADF: i32 = 8;
pub(crate) const EFAULT: i32 = 21;
pub(crate) const EINVAL: i32 = 28;
pub(crate) const ENOSYS: i32 = 52;
pub(crate) const ENOTSUP: i32 = 58;

/// The errno a host function returns for `result`.
#[inline]
pub(crate) fn errno(result: Result<(), i32>) -> i32 {
    result.err().unwrap_or(SUCCESS)
}
