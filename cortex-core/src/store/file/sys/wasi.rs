//! The log's file operations on wasm32-wasip1, as WASI preview 1 calls: the store's directory is
//! found among those the host granted and opened as a descriptor, and its files are opened,
//! renamed and removed relative to that descriptor.
#![allow(unsafe_code)]

use std::path::{Path, PathBuf};

use self::errno::{check, EIO, ENOENT, ENOMEM, ENOTDIR, EOVERFLOW, SHORT_READ};
pub(in crate::store::file) use self::errno::{io_error, IoError};
use super::granted;
use crate::error::{Error, FileProblem, Result};

mod errno;

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    // Each as WASI preview 1 declares it: descriptors and flags as integers, a path as a pointer
    // and a length, the results written through the last pointers, an errno returned.
    fn fd_prestat_get(fd: u32, prestat: *mut [u32; 2]) -> u16;
    fn fd_prestat_dir_name(fd: u32, name: *mut u8, len: usize) -> u16;
    fn path_open(
        dir: u32,
        lookup: u32,
        path: *const u8,
        path_len: usize,
        oflags: u16,
        rights: u64,
        inheriting: u64,
        fdflags: u16,
        fd: *mut u32,
    ) -> u16;
    fn path_create_directory(dir: u32, path: *const u8, path_len: usize) -> u16;
    fn path_rename(
        dir: u32,
        from: *const u8,
        from_len: usize,
        to_dir: u32,
        to: *const u8,
        to_len: usize,
    ) -> u16;
    fn path_unlink_file(dir: u32, path: *const u8, path_len: usize) -> u16;
    fn fd_read(fd: u32, iovs: *const [usize; 2], iovs_len: usize, read: *mut usize) -> u16;
    fn fd_write(fd: u32, iovs: *const [usize; 2], iovs_len: usize, written: *mut usize) -> u16;
    fn fd_seek(fd: u32, offset: i64, whence: u8, at: *mut u64) -> u16;
    fn fd_filestat_get(fd: u32, stat: *mut [u64; 8]) -> u16;
    fn fd_filestat_set_size(fd: u32, size: u64) -> u16;
    fn fd_datasync(fd: u32) -> u16;
    fn fd_sync(fd: u32) -> u16;
    fn fd_close(fd: u32) -> u16;
}

const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const O_CREAT: u16 = 1;
const O_DIRECTORY: u16 = 2;
const O_TRUNC: u16 = 8;

/// What a log does with a file: datasync, read, seek, sync, tell, write, filestat get and set size.
const FILE_RIGHTS: u64 = 1 | 1 << 1 | 1 << 2 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 21 | 1 << 22;
/// What a log does with its directory: sync, create a directory or a file, open, rename from and
/// to, get a file's status, set a file's size (`O_TRUNC`) and unlink a file.
const DIR_RIGHTS: u64 =
    1 << 4 | 1 << 9 | 1 << 10 | 1 << 13 | 1 << 16 | 1 << 17 | 1 << 18 | 1 << 19 | 1 << 26;

/// An open descriptor, closed when dropped.
#[derive(Debug)]
struct Fd(u32);

impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: a plain call on a descriptor this value owns; no memory is passed.
        unsafe { fd_close(self.0) };
    }
}

fn open_at(
    dir: u32,
    path: &[u8],
    oflags: u16,
    rights: u64,
    inheriting: u64,
) -> Result<Fd, IoError> {
    let mut fd = 0;
    // SAFETY: `path` is readable for its length and `fd` writable for the whole call.
    let errno = unsafe {
        path_open(
            dir,
            LOOKUP_SYMLINK_FOLLOW,
            path.as_ptr(),
            path.len(),
            oflags,
            rights,
            inheriting,
            0,
            &mut fd,
        )
    };
    check(errno).map(|()| Fd(fd))
}

/// Every directory the host granted: its descriptor and its name. Descriptors from 3 up, until
/// the first that is not one, as wasi-libc finds them.
fn granted_dirs() -> Vec<(u32, Vec<u8>)> {
    let mut dirs = Vec::new();
    for fd in 3.. {
        let mut prestat = [0u32; 2];
        // SAFETY: `prestat` is the 8 bytes (tag, then name length) the host writes.
        if unsafe { fd_prestat_get(fd, &mut prestat) } != 0 {
            break;
        }
        // The tag's byte: 0 is a directory, the only kind preview 1 defines.
        if prestat[0] & 0xff != 0 {
            continue;
        }
        let mut name = vec![0; prestat[1] as usize];
        // SAFETY: `name` is writable for the length the host gave.
        if unsafe { fd_prestat_dir_name(fd, name.as_mut_ptr(), name.len()) } == 0 {
            dirs.push((fd, name));
        }
    }
    dirs
}

/// A store's directory: a descriptor of it, and its path for messages.
#[derive(Debug)]
pub(in crate::store::file) struct Dir {
    fd: Fd,
    path: PathBuf,
}

/// An open file of a [`Dir`].
#[derive(Debug)]
pub(in crate::store::file) struct File(Fd);

impl Dir {
    /// The directory at `path` inside one the host granted, created (not its parents) if it is
    /// missing and `create` allows.
    pub(in crate::store::file) fn open(path: &Path, create: bool) -> Result<Dir> {
        let problem = |problem| Error::StoreFile {
            path: path.to_owned(),
            problem,
        };
        let bytes = path.as_os_str().as_encoded_bytes();
        let Some((granted, inside)) = granted::resolve(&granted_dirs(), bytes) else {
            return Err(Error::Backend {
                context: format!(
                    "open {}: not inside a directory the host granted (grant it, and name no `..`)",
                    path.display()
                ),
                source: None,
            });
        };
        let open = || {
            open_at(
                granted,
                inside,
                O_DIRECTORY,
                DIR_RIGHTS,
                DIR_RIGHTS | FILE_RIGHTS,
            )
        };
        let fd = match open() {
            Ok(fd) => fd,
            Err(IoError(ENOENT)) if create => {
                // SAFETY: `inside` is readable for its length.
                let made = unsafe { path_create_directory(granted, inside.as_ptr(), inside.len()) };
                check(made).map_err(|e| io_error("create", path, e))?;
                open().map_err(|e| io_error("open", path, e))?
            }
            Err(IoError(ENOENT)) => return Err(problem(FileProblem::Missing)),
            Err(IoError(ENOTDIR)) => return Err(problem(FileProblem::NotADirectory)),
            Err(e) => return Err(io_error("open", path, e)),
        };
        Ok(Dir {
            fd,
            path: path.to_owned(),
        })
    }

    /// The path of its file `name`, for messages.
    pub(in crate::store::file) fn file_path(&self, name: &str) -> PathBuf {
        let mut path = self.path.clone().into_os_string();
        if !path.as_encoded_bytes().ends_with(b"/") {
            path.push("/");
        }
        path.push(name);
        PathBuf::from(path)
    }

    /// Its existing file `name`, to read and write; `None` if there is none.
    pub(in crate::store::file) fn open_file(&self, name: &str) -> Result<Option<File>, IoError> {
        match open_at(self.fd.0, name.as_bytes(), 0, FILE_RIGHTS, 0) {
            Ok(fd) => Ok(Some(File(fd))),
            Err(IoError(ENOENT)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Its file `name`, created or emptied, to write.
    pub(in crate::store::file) fn create_file(&self, name: &str) -> Result<File, IoError> {
        open_at(
            self.fd.0,
            name.as_bytes(),
            O_CREAT | O_TRUNC,
            FILE_RIGHTS,
            0,
        )
        .map(File)
    }

    /// Renames its file `from` to `to`, replacing any file `to`.
    pub(in crate::store::file) fn rename(&self, from: &str, to: &str) -> Result<(), IoError> {
        let dir = self.fd.0;
        // SAFETY: both names are readable for their lengths.
        check(unsafe { path_rename(dir, from.as_ptr(), from.len(), dir, to.as_ptr(), to.len()) })
    }

    pub(in crate::store::file) fn remove_file(&self, name: &str) -> Result<(), IoError> {
        // SAFETY: `name` is readable for its length.
        check(unsafe { path_unlink_file(self.fd.0, name.as_ptr(), name.len()) })
    }

    /// Syncs the directory itself, so a file just renamed into it stays there.
    pub(in crate::store::file) fn sync(&self) -> Result<(), IoError> {
        // SAFETY: a plain call on a descriptor this value owns; no memory is passed.
        check(unsafe { fd_sync(self.fd.0) })
    }
}

impl File {
    pub(in crate::store::file) fn len(&self) -> Result<u64, IoError> {
        let mut stat = [0u64; 8];
        // SAFETY: `stat` is the 64 bytes of a filestat, the only memory the host writes.
        check(unsafe { fd_filestat_get(self.0 .0, &mut stat) })?;
        // device, inode, file type (padded to 8 bytes), link count, then the size.
        Ok(stat[4])
    }

    /// Fills `buf` from the file's position (its start, once opened).
    pub(super) fn read_exact(&mut self, mut buf: &mut [u8]) -> Result<(), IoError> {
        while !buf.is_empty() {
            let iov = [buf.as_mut_ptr() as usize, buf.len()];
            let mut read = 0;
            // SAFETY: the one iovec is `buf`, writable for its length; `read` is writable.
            check(unsafe { fd_read(self.0 .0, &iov, 1, &mut read) })?;
            if read == 0 || read > buf.len() {
                return Err(IoError(SHORT_READ));
            }
            buf = &mut buf[read..];
        }
        Ok(())
    }

    /// Writes all of `bytes` at the file's position.
    pub(in crate::store::file) fn write_all(&mut self, mut bytes: &[u8]) -> Result<(), IoError> {
        while !bytes.is_empty() {
            let iov = [bytes.as_ptr() as usize, bytes.len()];
            let mut written = 0;
            // SAFETY: the one iovec is `bytes`, readable for its length; `written` is writable.
            check(unsafe { fd_write(self.0 .0, &iov, 1, &mut written) })?;
            // A host that takes nothing would loop forever: an I/O error.
            if written == 0 || written > bytes.len() {
                return Err(IoError(EIO));
            }
            bytes = &bytes[written..];
        }
        Ok(())
    }

    /// Moves the file's position to `offset` from its start.
    pub(in crate::store::file) fn seek(&mut self, offset: u64) -> Result<(), IoError> {
        let offset = i64::try_from(offset).map_err(|_| IoError(EOVERFLOW))?;
        let mut at = 0;
        // SAFETY: `at` is writable for the whole call. Whence 0: from the start.
        check(unsafe { fd_seek(self.0 .0, offset, 0, &mut at) })
    }

    /// Cuts the file to `len` bytes (or extends it with zeros).
    pub(in crate::store::file) fn set_len(&self, len: u64) -> Result<(), IoError> {
        // SAFETY: a plain call on a descriptor this value owns; no memory is passed.
        check(unsafe { fd_filestat_set_size(self.0 .0, len) })
    }

    /// Its bytes reach the device: `fd_datasync`.
    pub(in crate::store::file) fn sync_data(&self) -> Result<(), IoError> {
        // SAFETY: a plain call on a descriptor this value owns; no memory is passed.
        check(unsafe { fd_datasync(self.0 .0) })
    }

    /// Its bytes and its metadata reach the device: `fd_sync`.
    pub(in crate::store::file) fn sync_all(&self) -> Result<(), IoError> {
        // SAFETY: a plain call on a descriptor this value owns; no memory is passed.
        check(unsafe { fd_sync(self.0 .0) })
    }
}

/// A file too large to read into memory.
pub(super) fn too_large() -> IoError {
    IoError(ENOMEM)
}
