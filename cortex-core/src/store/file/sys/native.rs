//! The log's file operations over `std::fs`, natively (and on any target but wasm32-wasip1).

use std::fs::OpenOptions;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, FileProblem, Result};

/// Why a file operation failed: the OS's own error.
pub(in crate::store::file) type IoError = io::Error;

/// An I/O failure on `path`: what was being done, the error's kind, and the error as the source.
pub(in crate::store::file) fn io_error(what: &str, path: &Path, error: IoError) -> Error {
    Error::Backend {
        context: format!("{what} {}: {}", path.display(), error.kind()),
        source: Some(Box::new(error)),
    }
}

/// A store's directory, by its path.
#[derive(Debug)]
pub(in crate::store::file) struct Dir {
    path: PathBuf,
}

/// An open file of a [`Dir`].
#[derive(Debug)]
pub(in crate::store::file) struct File(std::fs::File);

impl Dir {
    /// The directory at `path`, created (not its parents) if it is missing and `create` allows.
    pub(in crate::store::file) fn open(path: &Path, create: bool) -> Result<Dir> {
        let problem = |problem| Error::StoreFile {
            path: path.to_owned(),
            problem,
        };
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(problem(FileProblem::NotADirectory)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => match create {
                true => std::fs::create_dir(path).map_err(|e| io_error("create", path, e))?,
                false => return Err(problem(FileProblem::Missing)),
            },
            Err(e) => return Err(io_error("read", path, e)),
        }
        Ok(Dir {
            path: path.to_owned(),
        })
    }

    /// The path of its file `name`, for messages.
    pub(in crate::store::file) fn file_path(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Its existing file `name`, to read and write; `None` if there is none.
    pub(in crate::store::file) fn open_file(&self, name: &str) -> Result<Option<File>, IoError> {
        match OpenOptions::new()
            .read(true)
            .write(true)
            .open(self.file_path(name))
        {
            Ok(file) => Ok(Some(File(file))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Its file `name`, created or emptied, to write.
    pub(in crate::store::file) fn create_file(&self, name: &str) -> Result<File, IoError> {
        std::fs::File::create(self.file_path(name)).map(File)
    }

    /// Renames its file `from` to `to`, replacing any file `to`.
    pub(in crate::store::file) fn rename(&self, from: &str, to: &str) -> Result<(), IoError> {
        std::fs::rename(self.file_path(from), self.file_path(to))
    }

    pub(in crate::store::file) fn remove_file(&self, name: &str) -> Result<(), IoError> {
        std::fs::remove_file(self.file_path(name))
    }

    /// Syncs the directory itself, so a file just renamed into it stays there.
    pub(in crate::store::file) fn sync(&self) -> Result<(), IoError> {
        std::fs::File::open(&self.path).and_then(|dir| dir.sync_all())
    }
}

impl File {
    pub(in crate::store::file) fn len(&self) -> Result<u64, IoError> {
        Ok(self.0.metadata()?.len())
    }

    /// Fills `buf` from the file's position (its start, once opened).
    pub(super) fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), IoError> {
        self.0.read_exact(buf)
    }

    /// Writes all of `bytes` at the file's position.
    pub(in crate::store::file) fn write_all(&mut self, bytes: &[u8]) -> Result<(), IoError> {
        self.0.write_all(bytes)
    }

    /// Moves the file's position to `offset` from its start.
    pub(in crate::store::file) fn seek(&mut self, offset: u64) -> Result<(), IoError> {
        self.0.seek(SeekFrom::Start(offset)).map(drop)
    }

    /// Cuts the file to `len` bytes (or extends it with zeros).
    pub(in crate::store::file) fn set_len(&self, len: u64) -> Result<(), IoError> {
        self.0.set_len(len)
    }

    /// Its bytes reach the device: `fdatasync`.
    pub(in crate::store::file) fn sync_data(&self) -> Result<(), IoError> {
        self.0.sync_data()
    }

    /// Its bytes and its metadata reach the device: `fsync`.
    pub(in crate::store::file) fn sync_all(&self) -> Result<(), IoError> {
        self.0.sync_all()
    }
}

/// A file too large to read into memory.
pub(super) fn too_large() -> IoError {
    io::ErrorKind::OutOfMemory.into()
}
