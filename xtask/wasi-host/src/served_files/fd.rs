//! The file calls on a descriptor: what it is, its stat and size, positioned reads and writes,
//! seeking, closing and syncing.

use wasmtime::{Caller, Linker};

use super::{put_stat, transfer, Way};
use crate::errno::{errno, EFAULT};
use crate::files::FILETYPE_CHARACTER_DEVICE;
use crate::memory::{put_u32, put_u64, region};
use crate::serve::serve;
use crate::{Host, MODULE};

/// Links the `fd_*` calls of [`super::NAMES`].
pub(super) fn add(linker: &mut Linker<Host>) -> wasmtime::Result<()> {
    serve!(linker, "fd_prestat_get", (memory, host, fd: i32, out: i32) => {
        let len = host.files.prestat(fd)?.len();
        // Tag 0: a directory, then the length of its name.
        put_u32(memory, out, 0)?;
        put_u32(memory, out.wrapping_add(4), len as u32)
    });
    serve!(linker, "fd_prestat_dir_name", (memory, host, fd: i32, out: i32, len: i32) => {
        let name = host.files.prestat(fd)?;
        let room = region(memory, out, len as u32 as usize)?;
        room.get_mut(..name.len())
            .ok_or(EFAULT)?
            .copy_from_slice(name);
        Ok(())
    });
    serve!(linker, "fd_fdstat_get", (memory, host, fd: i32, out: i32) => {
        let (filetype, rights) = match fd {
            0..=2 => (FILETYPE_CHARACTER_DEVICE, u64::MAX >> 35),
            _ => host.files.fdstat(fd)?,
        };
        region(memory, out, 24)?.fill(0);
        region(memory, out, 1)?[0] = filetype;
        put_u64(memory, out.wrapping_add(8), rights)?;
        put_u64(memory, out.wrapping_add(16), rights)
    });
    serve!(linker, "fd_filestat_get", (memory, host, fd: i32, out: i32) => {
        put_stat(memory, out, &host.files.filestat(fd)?)
    });
    linker.func_wrap(
        MODULE,
        "fd_filestat_set_size",
        |mut caller: Caller<'_, Host>, fd: i32, size: i64| {
            errno(caller.data_mut().files.set_size(fd, size as u64))
        },
    )?;
    serve!(linker, "fd_pread", (memory, host, fd: i32, iovs: i32, count: i32, offset: i64, out: i32) => {
        let total = transfer(memory, host, fd, iovs, count, Way::Read, Some(offset as u64))?;
        put_u32(memory, out, total)
    });
    serve!(linker, "fd_pwrite", (memory, host, fd: i32, iovs: i32, count: i32, offset: i64, out: i32) => {
        let total = transfer(memory, host, fd, iovs, count, Way::Write, Some(offset as u64))?;
        put_u32(memory, out, total)
    });
    serve!(linker, "fd_seek", (memory, host, fd: i32, offset: i64, whence: i32, out: i32) => {
        let at = host.files.seek(fd, offset, whence)?;
        put_u64(memory, out, at)
    });
    serve!(linker, "fd_tell", (memory, host, fd: i32, out: i32) => {
        let at = host.files.seek(fd, 0, 1)?;
        put_u64(memory, out, at)
    });
    linker.func_wrap(
        MODULE,
        "fd_close",
        |mut caller: Caller<'_, Host>, fd: i32| errno(caller.data_mut().files.close(fd)),
    )?;
    linker.func_wrap(
        MODULE,
        "fd_sync",
        |mut caller: Caller<'_, Host>, fd: i32| errno(caller.data_mut().files.sync(fd, false)),
    )?;
    linker.func_wrap(
        MODULE,
        "fd_datasync",
        |mut caller: Caller<'_, Host>, fd: i32| errno(caller.data_mut().files.sync(fd, true)),
    )?;
    Ok(())
}
