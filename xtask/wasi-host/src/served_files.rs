//! The preview1 file calls, served on the granted directory (`files`): the program's pointers
//! read and written here, the operations themselves there.

use wasmtime::{Caller, Linker};

use crate::errno::{errno, EFAULT, EINVAL};
use crate::files::{at_offset, read_into, write_from, Stat, FILETYPE_CHARACTER_DEVICE};
use crate::memory::{get_u32, memory, put_u32, put_u64, region};
use crate::{Host, MODULE};

/// The file calls served for real; `fd_read` and `fd_write` are in `served`, which hands a file
/// descriptor to [`read`] and [`write`].
pub(crate) const NAMES: &[&str] = &[
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_fdstat_get",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_pread",
    "fd_pwrite",
    "fd_seek",
    "fd_tell",
    "fd_close",
    "fd_sync",
    "fd_datasync",
    "path_open",
    "path_filestat_get",
    "path_rename",
    "path_unlink_file",
    "path_create_directory",
    "path_remove_directory",
];

/// Reads file `fd` into the iovecs at `iovs`; the bytes read.
#[inline]
pub(crate) fn read(
    memory: &mut [u8],
    host: &mut Host,
    fd: i32,
    iovs: i32,
    count: i32,
) -> Result<u32, i32> {
    let file = host.files.readable(fd)?;
    let mut total: u32 = 0;
    for i in 0..count.max(0) {
        let iov = iovs.wrapping_add(8 * i);
        let (ptr, len) = (get_u32(memory, iov)?, get_u32(memory, iov.wrapping_add(4))?);
        let n = read_into(file, region(memory, ptr as i32, len as usize)?)?;
        total = total.wrapping_add(n as u32);
        if n < len as usize {
            break;
        }
    }
    Ok(total)
}

/// Writes the iovecs at `iovs` to file `fd`; the bytes written.
#[inline]
pub(crate) fn write(
    memory: &mut [u8],
    host: &mut Host,
    fd: i32,
    iovs: i32,
    count: i32,
) -> Result<u32, i32> {
    let file = host.files.writable(fd)?;
    let mut total: u32 = 0;
    for i in 0..count.max(0) {
        let iov = iovs.wrapping_add(8 * i);
        let (ptr, len) = (get_u32(memory, iov)?, get_u32(memory, iov.wrapping_add(4))?);
        let n = write_from(file, region(memory, ptr as i32, len as usize)?)?;
        total = total.wrapping_add(n as u32);
        if n < len as usize {
            break;
        }
    }
    Ok(total)
}

/// The `len` bytes of a path at `ptr`, copied out so the memory can be written after.
fn path(memory: &mut [u8], ptr: i32, len: i32) -> Result<Vec<u8>, i32> {
    Ok(region(memory, ptr, usize::try_from(len).map_err(|_| EINVAL)?)?.to_vec())
}

/// A `filestat` (64 bytes) at `ptr`.
fn put_stat(memory: &mut [u8], ptr: i32, stat: &Stat) -> Result<(), i32> {
    let out = region(memory, ptr, 64)?;
    out.fill(0);
    out[0..8].copy_from_slice(&stat.dev.to_le_bytes());
    out[8..16].copy_from_slice(&stat.ino.to_le_bytes());
    out[16] = stat.filetype;
    out[24..32].copy_from_slice(&stat.nlink.to_le_bytes());
    out[32..40].copy_from_slice(&stat.size.to_le_bytes());
    for (i, time) in stat.times.iter().enumerate() {
        out[40 + 8 * i..48 + 8 * i].copy_from_slice(&time.to_le_bytes());
    }
    Ok(())
}

/// Links every function of [`NAMES`].
pub(crate) fn add(linker: &mut Linker<Host>) -> wasmtime::Result<()> {
    linker.func_wrap(
        MODULE,
        "fd_prestat_get",
        |mut caller: Caller<'_, Host>, fd: i32, out: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let len = host.files.prestat(fd)?.len();
                // Tag 0: a directory, then the length of its name.
                put_u32(memory, out, 0)?;
                put_u32(memory, out.wrapping_add(4), len as u32)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_dir_name",
        |mut caller: Caller<'_, Host>, fd: i32, out: i32, len: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let name = host.files.prestat(fd)?;
                let room = region(memory, out, len as u32 as usize)?;
                room.get_mut(..name.len())
                    .ok_or(EFAULT)?
                    .copy_from_slice(name);
                Ok(())
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_fdstat_get",
        |mut caller: Caller<'_, Host>, fd: i32, out: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let (filetype, rights) = match fd {
                    0..=2 => (FILETYPE_CHARACTER_DEVICE, u64::MAX >> 35),
                    _ => host.files.fdstat(fd)?,
                };
                region(memory, out, 24)?.fill(0);
                region(memory, out, 1)?[0] = filetype;
                put_u64(memory, out.wrapping_add(8), rights)?;
                put_u64(memory, out.wrapping_add(16), rights)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_filestat_get",
        |mut caller: Caller<'_, Host>, fd: i32, out: i32| {
            errno(
                memory(&mut caller)
                    .and_then(|(memory, host)| put_stat(memory, out, &host.files.filestat(fd)?)),
            )
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_filestat_set_size",
        |mut caller: Caller<'_, Host>, fd: i32, size: i64| {
            errno(caller.data_mut().files.set_size(fd, size as u64))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_pread",
        |mut caller: Caller<'_, Host>, fd: i32, iovs: i32, count: i32, offset: i64, out: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let file = host.files.readable(fd)?;
                let mut total = 0u32;
                at_offset(file, offset as u64, |file| {
                    for i in 0..count.max(0) {
                        let iov = iovs.wrapping_add(8 * i);
                        let (ptr, len) =
                            (get_u32(memory, iov)?, get_u32(memory, iov.wrapping_add(4))?);
                        let n = read_into(file, region(memory, ptr as i32, len as usize)?)?;
                        total = total.wrapping_add(n as u32);
                        if n < len as usize {
                            break;
                        }
                    }
                    Ok(())
                })?;
                put_u32(memory, out, total)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_pwrite",
        |mut caller: Caller<'_, Host>, fd: i32, iovs: i32, count: i32, offset: i64, out: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let file = host.files.writable(fd)?;
                let mut total = 0u32;
                at_offset(file, offset as u64, |file| {
                    for i in 0..count.max(0) {
                        let iov = iovs.wrapping_add(8 * i);
                        let (ptr, len) =
                            (get_u32(memory, iov)?, get_u32(memory, iov.wrapping_add(4))?);
                        let n = write_from(file, region(memory, ptr as i32, len as usize)?)?;
                        total = total.wrapping_add(n as u32);
                        if n < len as usize {
                            break;
                        }
                    }
                    Ok(())
                })?;
                put_u32(memory, out, total)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_seek",
        |mut caller: Caller<'_, Host>, fd: i32, offset: i64, whence: i32, out: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let at = host.files.seek(fd, offset, whence)?;
                put_u64(memory, out, at)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_tell",
        |mut caller: Caller<'_, Host>, fd: i32, out: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let at = host.files.seek(fd, 0, 1)?;
                put_u64(memory, out, at)
            }))
        },
    )?;
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
    linker.func_wrap(
        MODULE,
        "path_open",
        |mut caller: Caller<'_, Host>,
         fd: i32,
         lookup: i32,
         path_ptr: i32,
         path_len: i32,
         oflags: i32,
         rights: i64,
         _inheriting: i64,
         fdflags: i32,
         out: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let name = path(memory, path_ptr, path_len)?;
                let opened = host
                    .files
                    .open(fd, lookup, &name, oflags, rights as u64, fdflags)?;
                put_u32(memory, out, opened as u32)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_filestat_get",
        |mut caller: Caller<'_, Host>,
         fd: i32,
         flags: i32,
         path_ptr: i32,
         path_len: i32,
         out: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let name = path(memory, path_ptr, path_len)?;
                put_stat(memory, out, &host.files.path_filestat(fd, flags, &name)?)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_rename",
        |mut caller: Caller<'_, Host>,
         fd: i32,
         from: i32,
         from_len: i32,
         new_fd: i32,
         to: i32,
         to_len: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let (from, to) = (path(memory, from, from_len)?, path(memory, to, to_len)?);
                host.files.rename(fd, &from, new_fd, &to)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_unlink_file",
        |mut caller: Caller<'_, Host>, fd: i32, ptr: i32, len: i32| {
            errno(
                memory(&mut caller)
                    .and_then(|(memory, host)| host.files.unlink(fd, &path(memory, ptr, len)?)),
            )
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_create_directory",
        |mut caller: Caller<'_, Host>, fd: i32, ptr: i32, len: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                host.files.create_directory(fd, &path(memory, ptr, len)?)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_remove_directory",
        |mut caller: Caller<'_, Host>, fd: i32, ptr: i32, len: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                host.files.remove_directory(fd, &path(memory, ptr, len)?)
            }))
        },
    )?;
    Ok(())
}
