//! The preview1 file calls, served on the granted directory (`files`): the program's pointers
//! read and written here, the operations themselves there. Calls on a descriptor are in `fd`,
//! calls on a path under a directory descriptor in `path`.

use std::fs::File;

use wasmtime::Linker;

use crate::files::{at_offset, read_into, write_from, Stat};
use crate::memory::{each_iovec, region};
use crate::Host;

mod fd;
mod path;

/// The file calls served for real; `fd_read` and `fd_write` are in `served`, which hands a file
/// descriptor to [`transfer`].
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

/// Which way a transfer between a file and the program's iovecs goes.
#[derive(Clone, Copy)]
pub(crate) enum Way {
    /// From the file into the iovecs; the file must be open for reading.
    Read,
    /// From the iovecs to the file; the file must be open for writing.
    Write,
}

/// Moves the iovecs at `iovs` between file `fd` and memory the `way` given, at `offset` (the
/// file's position left as it was) or, without one, at and past the file's position; the bytes
/// moved.
#[inline]
pub(crate) fn transfer(
    memory: &mut [u8],
    host: &mut Host,
    fd: i32,
    iovs: i32,
    count: i32,
    way: Way,
    offset: Option<u64>,
) -> Result<u32, i32> {
    let file = match way {
        Way::Read => host.files.readable(fd)?,
        Way::Write => host.files.writable(fd)?,
    };
    let mut each = |file: &mut File| {
        each_iovec(memory, iovs, count, |buf| match way {
            Way::Read => read_into(file, buf),
            Way::Write => write_from(file, buf),
        })
    };
    match offset {
        Some(offset) => at_offset(file, offset, each),
        None => each(file),
    }
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
