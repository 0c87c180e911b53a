//! The file calls on a path under a directory descriptor: opening, stat, renaming, unlinking, and
//! making and removing directories.

use wasmtime::Linker;

use super::put_stat;
use crate::errno::EINVAL;
use crate::memory::{put_u32, region};
use crate::serve::serve;
use crate::Host;

/// The `len` bytes of a path at `ptr`, copied out so the memory can be written after.
#[inline]
fn path(memory: &mut [u8], ptr: i32, len: i32) -> Result<Vec<u8>, i32> {
    Ok(region(memory, ptr, usize::try_from(len).map_err(|_| EINVAL)?)?.to_vec())
}

/// Links the `path_*` calls of [`super::NAMES`].
pub(super) fn add(linker: &mut Linker<Host>) -> wasmtime::Result<()> {
    serve!(linker, "path_open", (
        memory,
        host,
        fd: i32,
        lookup: i32,
        path_ptr: i32,
        path_len: i32,
        oflags: i32,
        rights: i64,
        _inheriting: i64,
        fdflags: i32,
        out: i32,
    ) => {
        let name = path(memory, path_ptr, path_len)?;
        let opened = host
            .files
            .open(fd, lookup, &name, oflags, rights as u64, fdflags)?;
        put_u32(memory, out, opened as u32)
    });
    serve!(linker, "path_filestat_get", (memory, host, fd: i32, flags: i32, path_ptr: i32, path_len: i32, out: i32) => {
        let name = path(memory, path_ptr, path_len)?;
        put_stat(memory, out, &host.files.path_filestat(fd, flags, &name)?)
    });
    serve!(linker, "path_rename", (memory, host, fd: i32, from: i32, from_len: i32, new_fd: i32, to: i32, to_len: i32) => {
        let (from, to) = (path(memory, from, from_len)?, path(memory, to, to_len)?);
        host.files.rename(fd, &from, new_fd, &to)
    });
    serve!(linker, "path_unlink_file", (memory, host, fd: i32, ptr: i32, len: i32) => {
        host.files.unlink(fd, &path(memory, ptr, len)?)
    });
    serve!(linker, "path_create_directory", (memory, host, fd: i32, ptr: i32, len: i32) => {
        host.files.create_directory(fd, &path(memory, ptr, len)?)
    });
    serve!(linker, "path_remove_directory", (memory, host, fd: i32, ptr: i32, len: i32) => {
        host.files.remove_directory(fd, &path(memory, ptr, len)?)
    });
    Ok(())
}
