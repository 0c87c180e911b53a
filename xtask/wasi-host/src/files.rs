//! The granted directory and the descriptors opened in it: descriptor 3 is the directory itself
//! (the program's one preopen), 4 and up what it opened since. Each operation returns a preview1
//! errno on failure; `served_files` reads and writes the program's memory around them.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::confine::resolve;
use crate::errno::{from_io, EBADF, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTCAPABLE, ENOTDIR};

/// The first descriptor after stdin, stdout and stderr: the granted directory.
pub(crate) const PREOPEN: i32 = 3;

/// `lookupflags`: follow a symlink in the last component.
const SYMLINK_FOLLOW: i32 = 1;
/// `oflags` bits.
const O_CREAT: i32 = 1;
const O_DIRECTORY: i32 = 2;
const O_EXCL: i32 = 4;
const O_TRUNC: i32 = 8;
/// `fdflags`: every write goes to the end.
const FDFLAG_APPEND: i32 = 1;
/// Rights bits: reading and writing bytes.
const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_WRITE: u64 = 1 << 6;
/// Every right preview1 defines, what a directory and its files may pass on.
const ALL_RIGHTS: u64 = (1 << 29) - 1;

/// `filetype` values.
pub(crate) const FILETYPE_CHARACTER_DEVICE: u8 = 2;
const FILETYPE_DIRECTORY: u8 = 3;
const FILETYPE_REGULAR_FILE: u8 = 4;
const FILETYPE_SYMBOLIC_LINK: u8 = 7;

/// How often the program asked for its writes to be made durable, and for renames: read by a
/// test from outside the store while the program runs, so the counts are shared atomics.
#[derive(Debug, Clone, Default)]
pub struct FileCalls(Arc<[AtomicU64; 3]>);

impl FileCalls {
    /// `fd_sync` calls that succeeded.
    pub fn syncs(&self) -> u64 {
        self.0[0].load(Ordering::Relaxed)
    }
    /// `fd_datasync` calls that succeeded.
    pub fn datasyncs(&self) -> u64 {
        self.0[1].load(Ordering::Relaxed)
    }
    /// `path_rename` calls that succeeded.
    pub fn renames(&self) -> u64 {
        self.0[2].load(Ordering::Relaxed)
    }
    fn count(&self, which: usize) {
        self.0[which].fetch_add(1, Ordering::Relaxed);
    }
}

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

/// A file's `filestat` fields: device, inode, type, links, size, and access, change and status times.
pub(crate) struct Stat {
    pub(crate) dev: u64,
    pub(crate) ino: u64,
    pub(crate) filetype: u8,
    pub(crate) nlink: u64,
    pub(crate) size: u64,
    pub(crate) times: [u64; 3],
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

    /// Opens `path` under the directory `fd` and returns its descriptor.
    pub(crate) fn open(
        &mut self,
        fd: i32,
        lookup: i32,
        path: &[u8],
        oflags: i32,
        rights: u64,
        fdflags: i32,
    ) -> Result<i32, i32> {
        let host = self.host_path(fd, path, lookup & SYMLINK_FOLLOW != 0)?;
        let existing = std::fs::symlink_metadata(&host).ok();
        let (create, exclusive, truncate) = (
            oflags & O_CREAT != 0,
            oflags & O_EXCL != 0,
            oflags & O_TRUNC != 0,
        );
        let directory = match &existing {
            // Only an unfollowed last component can still be a symlink here.
            Some(meta) if meta.is_symlink() => return Err(ELOOP),
            Some(_) if create && exclusive => return Err(EEXIST),
            Some(meta) if meta.is_dir() && truncate => return Err(EISDIR),
            Some(meta) => meta.is_dir(),
            None if oflags & O_DIRECTORY != 0 => return Err(ENOENT),
            None => false,
        };
        if oflags & O_DIRECTORY != 0 && !directory {
            return Err(ENOTDIR);
        }
        let file = if directory {
            File::open(&host)
        } else {
            let write = rights & RIGHT_FD_WRITE != 0;
            OpenOptions::new()
                .read(rights & RIGHT_FD_READ != 0 || !write)
                .write(write || create || truncate)
                .append(fdflags & FDFLAG_APPEND != 0)
                .create(create)
                .create_new(create && exclusive)
                .truncate(truncate)
                .open(&host)
        }
        .map_err(|e| from_io(&e))?;
        let root = &self.granted.as_ref().ok_or(EBADF)?.0;
        let at = host.strip_prefix(root).map_err(|_| ENOTCAPABLE)?.to_owned();
        let opened = Opened {
            file,
            at,
            directory,
            rights: rights & ALL_RIGHTS,
        };
        let index = match self.open.iter().position(Option::is_none) {
            Some(free) => {
                self.open[free] = Some(opened);
                free
            }
            None => {
                self.open.push(Some(opened));
                self.open.len() - 1
            }
        };
        i32::try_from(index)
            .map(|i| i + PREOPEN)
            .map_err(|_| EINVAL)
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

fn stat(meta: &Metadata) -> Stat {
    let filetype = if meta.is_symlink() {
        FILETYPE_SYMBOLIC_LINK
    } else if meta.is_dir() {
        FILETYPE_DIRECTORY
    } else {
        FILETYPE_REGULAR_FILE
    };
    let nanos = |time: io::Result<std::time::SystemTime>| {
        time.ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64)
    };
    #[cfg(unix)]
    let (dev, ino, nlink) = {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino(), meta.nlink())
    };
    #[cfg(not(unix))]
    let (dev, ino, nlink) = (0, 0, 1);
    Stat {
        dev,
        ino,
        filetype,
        nlink,
        size: meta.len(),
        times: [
            nanos(meta.accessed()),
            nanos(meta.modified()),
            nanos(meta.modified()),
        ],
    }
}
