//! The preview1 file calls, served on the granted directory (`files`): the program's pointers
//! read and written here, the operations themselves there. Calls on a descriptor are in `fd`,
//! calls on a path under a directory descriptor in `path`.

use wasmtime::Linker;

use crate::files::{read_into, write_from, Stat};
use crate::memory::{each_iovec, region};
use crate::Host;

mod fd;
mod path;

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

/// Links every function of [`NAMES`].
pub(crate) fn add(linker: &mut Linker<Host>) -> wasmtime::Result<()> {
    fd::add(linker)?;
    path::add(linker)
}

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
    each_iovec(memory, iovs, count, |buf| read_into(file, buf))
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
    each_iovec(memory, iovs, count, |bytes| write_from(file, bytes))
}

/// A `filestat` (64 bytes) at `ptr`.
#[inline]
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
