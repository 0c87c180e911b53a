//! Reads and writes of an open file, each failure as a preview1 errno.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

use crate::errno::from_io;

/// Reads into `buf` until it is full or the file ends; the bytes read.
pub(crate) fn read_into(file: &mut File, buf: &mut [u8]) -> Result<usize, i32> {
    file.read(buf).map_err(|e| from_io(&e))
}

/// Writes all of `bytes`; the bytes written.
pub(crate) fn write_from(file: &mut File, bytes: &[u8]) -> Result<usize, i32> {
    file.write(bytes).map_err(|e| from_io(&e))
}

/// Runs `io` with `file` positioned at `offset`, then puts the position back: `fd_pread` and
/// `fd_pwrite` without a platform's positioned calls.
pub(crate) fn at_offset<T>(
    file: &mut File,
    offset: u64,
    io: impl FnOnce(&mut File) -> Result<T, i32>,
) -> Result<T, i32> {
    let here = file.stream_position().map_err(|e| from_io(&e))?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| from_io(&e))?;
    let result = io(file);
    file.seek(SeekFrom::Start(here)).map_err(|e| from_io(&e))?;
    result
}
