//! The granted directory and the descriptors opened in it: descriptor 3 is the directory itself
//! (the program's one preopen), 4 and up what it opened since. Each operation returns a preview1
//! errno on failure; `served_files` reads and writes the program's memory around them.

use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use std::path::PathBuf;

use crate::confine::resolve;
use crate::errno::{from_io, EBADF, EINVAL, EISDIR, ENOTCAPABLE, ENOTDIR};

mod calls;
mod io_at;
mod open;
mod stat;

pub use calls::FileCalls;
pub(crate) use io_at::{at_offset, read_into, write_from};
use stat::{stat, FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE};
pub(crate) use stat::{Stat, FILETYPE_CHARACTER_DEVICE};

/// The first descriptor after stdin, stdout and stderr: the granted directory.
pub(crate) const PREOPEN: i32 = 3;

/// `lookupflags`: follow a symlink in the last component.
const SYMLINK_FOLLOW: i32 = 1;
/// Rights bits: reading and writing bytes.
const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_WRITE: u64 = 1 << 6;
/// Every right preview1 defines, what a directory and its files may pass on.
const ALL_RIGHTS: u64 = (1 << 29) - 1;

/// A descriptor opened in the granted directory.
#[derive(Debug)]
struct Opened {
    file: File,
    /// Where it is, relative to the granted directory: what a path under a directory is resolved from.
    at: PathBuf,
    directory: bool,
    rights: u64,
}

/// The granted directory, if any, and what is open in it.
#[derive(Debug, Default)]
pub(crate) struct Files {
    /// The directory on the host, and the name the program knows it by.
    granted: Option<(PathBuf, Vec<u8>)>,
    /// Descriptor `PREOPEN + i` is `open[i]`.
    open: Vec<Option<Opened>>,
    pub(crate) calls: FileCalls,
}

impl Files {
    /// `host` granted to the program as `guest`, opened as descriptor 3.
    pub(crate) fn grant(host: PathBuf, guest: &str) -> io::Result<Self> {
        let file = File::open(&host)?;
        if !file.metadata()?.is_dir() {
            return Err(io::ErrorKind::NotADirectory.into());
        }
        let root = Opened {
            file,
            at: PathBuf::new(),
            directory: true,
            rights: ALL_RIGHTS,
        };
        Ok(Self {
            granted: Some((host, guest.as_bytes().to_owned())),
            open: vec![Some(root)],
            calls: FileCalls::default(),
        })
    }

    fn opened(&mut self, fd: i32) -> Result<&mut Opened, i32> {
        let index = usize::try_from(fd.wrapping_sub(PREOPEN)).map_err(|_| EBADF)?;
        self.open
            .get_mut(index)
            .and_then(Option::as_mut)
            .ok_or(EBADF)
    }

    /// The open file `fd`, if it has `right`.
    pub(crate) fn file(&mut self, fd: i32, right: u64) -> Result<&mut File, i32> {
        let opened = self.opened(fd)?;
        match (opened.directory, opened.rights & right == right) {
            (true, _) if right & (RIGHT_FD_READ | RIGHT_FD_WRITE) != 0 => Err(EISDIR),
            (_, false) => Err(ENOTCAPABLE),
            _ => Ok(&mut opened.file),
        }
    }

    /// The file `fd` to read from.
    pub(crate) fn readable(&mut self, fd: i32) -> Result<&mut File, i32> {
        self.file(fd, RIGHT_FD_READ)
    }

    /// The file `fd` to write to.
    pub(crate) fn writable(&mut self, fd: i32) -> Result<&mut File, i32> {
        self.file(fd, RIGHT_FD_WRITE)
    }

    /// `path` under the directory `fd`, as a path on the host.
    fn host_path(&mut self, fd: i32, path: &[u8], follow_last: bool) -> Result<PathBuf, i32> {
        let at = {
            let opened = self.opened(fd)?;
            if !opened.directory {
                return Err(ENOTDIR);
            }
            opened.at.clone()
        };
        let root = &self.granted.as_ref().ok_or(EBADF)?.0;
        Ok(root.join(resolve(root, &at, path, follow_last)?))
    }

    /// The length of the granted directory's name, when `fd` is the granted directory.
    pub(crate) fn prestat(&self, fd: i32) -> Result<&[u8], i32> {
        match (&self.granted, self.open.first()) {
            (Some((_, guest)), Some(Some(_))) if fd == PREOPEN => Ok(guest),
            _ => Err(EBADF),
        }
    }

    /// `fd`'s type and rights.
    pub(crate) fn fdstat(&mut self, fd: i32) -> Result<(u8, u64), i32> {
        let opened = self.opened(fd)?;
        let filetype = match opened.directory {
            true => FILETYPE_DIRECTORY,
            false => FILETYPE_REGULAR_FILE,
        };
        Ok((filetype, opened.rights))
    }

    pub(crate) fn filestat(&mut self, fd: i32) -> Result<Stat, i32> {
        let meta = self.opened(fd)?.file.metadata().map_err(|e| from_io(&e))?;
        Ok(stat(&meta))
    }

    pub(crate) fn path_filestat(&mut self, fd: i32, flags: i32, path: &[u8]) -> Result<Stat, i32> {
        let follow = flags & SYMLINK_FOLLOW != 0;
        let host = self.host_path(fd, path, follow)?;
        let meta = std::fs::symlink_metadata(host).map_err(|e| from_io(&e))?;
        Ok(stat(&meta))
    }

    pub(crate) fn close(&mut self, fd: i32) -> Result<(), i32> {
        self.opened(fd)?;
        self.open[(fd - PREOPEN) as usize] = None;
        Ok(())
    }

    /// `fd_seek`: `whence` 0 from the start, 1 from here, 2 from the end; the new offset.
    pub(crate) fn seek(&mut self, fd: i32, offset: i64, whence: i32) -> Result<u64, i32> {
        let to = match whence {
            0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| EINVAL)?),
            1 => SeekFrom::Current(offset),
            2 => SeekFrom::End(offset),
            _ => return Err(EINVAL),
        };
        let file = &mut self.opened(fd)?.file;
        file.seek(to).map_err(|e| from_io(&e))
    }

    /// `fd_sync` (`data_only` false) or `fd_datasync`, counted once done.
    pub(crate) fn sync(&mut self, fd: i32, data_only: bool) -> Result<(), i32> {
        let file = &self.opened(fd)?.file;
        let synced = match data_only {
            true => file.sync_data(),
            false => file.sync_all(),
        };
        synced.map_err(|e| from_io(&e))?;
        self.calls.count(usize::from(data_only));
        Ok(())
    }

    pub(crate) fn set_size(&mut self, fd: i32, size: u64) -> Result<(), i32> {
        self.writable(fd)?.set_len(size).map_err(|e| from_io(&e))
    }

    pub(crate) fn rename(
        &mut self,
        fd: i32,
        from: &[u8],
        new_fd: i32,
        to: &[u8],
    ) -> Result<(), i32> {
        let from = self.host_path(fd, from, false)?;
        let to = self.host_path(new_fd, to, false)?;
        std::fs::rename(from, to).map_err(|e| from_io(&e))?;
        self.calls.count(2);
        Ok(())
    }

    pub(crate) fn unlink(&mut self, fd: i32, path: &[u8]) -> Result<(), i32> {
        let host = self.host_path(fd, path, false)?;
        if std::fs::symlink_metadata(&host).is_ok_and(|meta| meta.is_dir()) {
            return Err(EISDIR);
        }
        std::fs::remove_file(host).map_err(|e| from_io(&e))
    }

    pub(crate) fn create_directory(&mut self, fd: i32, path: &[u8]) -> Result<(), i32> {
        let host = self.host_path(fd, path, false)?;
        std::fs::create_dir(host).map_err(|e| from_io(&e))
    }

    pub(crate) fn remove_directory(&mut self, fd: i32, path: &[u8]) -> Result<(), i32> {
        let host = self.host_path(fd, path, false)?;
        std::fs::remove_dir(host).map_err(|e| from_io(&e))
    }
}
