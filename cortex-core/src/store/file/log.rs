//! A store's log file (its format is in `frame`). Opening checks the header, hands each committed
//! frame's body to the store to replay, and cuts off a torn last frame; appending writes a whole
//! frame and, when asked, syncs it before returning; compaction replaces the file whole.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::codec::Malformed;
use super::frame::{begin_frame, check_header, frames, header, seal, Content, HEADER_LEN};
use super::FileOptions;
use crate::error::{Error, FileProblem, Result};

/// The writes every file store of this process has synced: what a test reads to see that a store
/// with `sync` syncs each write and one without syncs none.
static SYNCED_WRITES: AtomicU64 = AtomicU64::new(0);

/// `sync_data` (`fd_datasync` on WASI) after a write, counted.
fn sync_write(file: &File) -> io::Result<()> {
    file.sync_data()?;
    SYNCED_WRITES.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

pub(super) fn synced_writes() -> u64 {
    SYNCED_WRITES.load(Ordering::Relaxed)
}

/// An open log, positioned at the end of its last committed frame.
#[derive(Debug)]
pub(super) struct LogFile {
    /// Where it sits: a rewrite is written there before it replaces the file.
    dir: PathBuf,
    path: PathBuf,
    content: Content,
    file: File,
    /// Where the last committed frame ends.
    end: u64,
    sync: bool,
    /// The frame being built: its header's room, then the body.
    frame: Vec<u8>,
    /// A failed write could not be undone, so the file's end is unknown: writes are refused.
    broken: bool,
    /// The frames the file holds.
    frame_count: u64,
}

/// An I/O failure on `path`, its kind in the message. Natively the error itself is the source; a
/// wasm module keeps only the kind, as std's full error brings its `Debug` and the OS's messages.
fn io_error(what: &str, path: &Path, error: io::Error) -> Error {
    Error::Backend {
        context: format!("{what} {}: {}", path.display(), error.kind()),
        #[cfg(not(target_family = "wasm"))]
        source: Some(Box::new(error)),
        #[cfg(target_family = "wasm")]
        source: None,
    }
}

fn problem(path: &Path, problem: FileProblem) -> Error {
    Error::StoreFile {
        path: path.to_owned(),
        problem,
    }
}
/// Makes sure `dir` is a directory, creating it (not its parents) if it is missing and that is
/// allowed.
fn directory(dir: &Path, create: bool) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(problem(dir, FileProblem::NotADirectory)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => match create {
            true => std::fs::create_dir(dir).map_err(|e| io_error("create", dir, e)),
            false => Err(problem(dir, FileProblem::Missing)),
        },
        Err(e) => Err(io_error("read", dir, e)),
    }
}

/// Syncs `dir`, so a file just renamed into it stays there. Natively a failure is an error; WASI
/// hosts differ in whether a directory can be synced, so there it is best effort.
fn sync_directory(dir: &Path) -> Result<()> {
    let synced = File::open(dir).and_then(|d| d.sync_all());
    match synced {
        Err(e) if cfg!(not(target_family = "wasm")) => Err(io_error("sync", dir, e)),
        _ => Ok(()),
    }
}

/// Opens an existing file to read and append to.
fn open_rw(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).write(true).open(path)
}

/// Writes a fresh, empty `content` log at `path`: the header into a file beside it, synced, then
/// renamed into place, so `path` never holds a partial header.
fn create(dir: &Path, path: &Path, content: Content) -> Result<()> {
    let fresh = dir.join(content.fresh_file_name());
    let written = File::create(&fresh)
        .and_then(|mut f| f.write_all(&header(content)).and_then(|()| f.sync_all()));
    written.map_err(|e| io_error("create", &fresh, e))?;
    std::fs::rename(&fresh, path).map_err(|e| io_error("rename", &fresh, e))?;
    sync_directory(dir)
}

impl LogFile {
    /// Opens the `content` log in `dir`, creating both if allowed, and replays it: `replay` gets the
    /// body of each committed frame in order. A torn last frame is cut off the file; nothing else
    /// is written unless the whole log replayed.
    pub(super) fn open(
        dir: &Path,
        content: Content,
        options: &FileOptions,
        // `dyn`: one copy of opening serves both stores, where a generic would make one each.
        replay: &mut dyn FnMut(&[u8]) -> Result<(), Malformed>,
    ) -> Result<LogFile> {
        directory(dir, options.create_if_missing)?;
        let path = dir.join(content.file_name());
        let opened = open_rw(&path);
        let mut file = match opened {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound && options.create_if_missing => {
                create(dir, &path, content)?;
                open_rw(&path).map_err(|e| io_error("open", &path, e))?
            }
            Err(e) => return Err(io_error("open", &path, e)),
        };
        let mut bytes = Vec::new();
        let read = file.metadata().and_then(|meta| {
            // A log too large to address is refused, never read in part (and then cut short).
            let len = usize::try_from(meta.len()).map_err(|_| io::ErrorKind::OutOfMemory)?;
            bytes.resize(len, 0);
            file.read_exact(&mut bytes)
        });
        read.map_err(|e| io_error("read", &path, e))?;
        check_header(&bytes, content).map_err(|p| problem(&path, p))?;
        let mut frame_count = 0;
        let mut counted = |body: &[u8]| {
            frame_count += 1;
            replay(body)
        };
        let valid = frames(&bytes[HEADER_LEN..], &mut counted).map_err(|p| problem(&path, p))?;
        let end = (HEADER_LEN + valid) as u64;
        if end < bytes.len() as u64 {
            file.set_len(end)
                .and_then(|()| file.sync_all())
                .map_err(|e| io_error("cut the torn end off", &path, e))?;
        }
        file.seek(SeekFrom::Start(end))
            .map_err(|e| io_error("seek in", &path, e))?;
        Ok(LogFile {
            dir: dir.to_owned(),
            path,
            content,
            file,
            end,
            sync: options.sync,
            frame: Vec::new(),
            broken: false,
            frame_count,
        })
    }

    pub(super) fn frame_count(&self) -> u64 {
        self.frame_count
    }

    /// Replaces the whole log by `frames` (`count` frames, each sealed by [`seal`]): written beside
    /// it, synced, then renamed over it, so a crash leaves either log whole. On a failure before the
    /// rename the old log stays as it was.
    pub(super) fn replace(&mut self, frames: &[u8], count: u64) -> Result<()> {
        let content = self.content;
        let fresh = self.dir.join(content.fresh_file_name());
        let written = File::create(&fresh).and_then(|mut f| {
            f.write_all(&header(content))?;
            f.write_all(frames)?;
            f.sync_all()
        });
        if let Err(e) = written {
            let _ = std::fs::remove_file(&fresh);
            return Err(io_error("write", &fresh, e));
        }
        std::fs::rename(&fresh, &self.path).map_err(|e| io_error("rename", &fresh, e))?;
        // From here the new log is in place: a failure leaves this store unable to write.
        self.broken = true;
        sync_directory(&self.dir)?;
        let mut file = open_rw(&self.path).map_err(|e| io_error("open", &self.path, e))?;
        let end = (HEADER_LEN + frames.len()) as u64;
        file.seek(SeekFrom::Start(end))
            .map_err(|e| io_error("seek in", &self.path, e))?;
        (self.file, self.end, self.frame_count, self.broken) = (file, end, count, false);
        Ok(())
    }

    /// The buffer of the next frame: empty but for its header's room. Encode the body into it,
    /// then `commit`.
    pub(super) fn frame(&mut self) -> &mut Vec<u8> {
        self.frame.clear();
        begin_frame(&mut self.frame);
        &mut self.frame
    }

    /// Appends the frame built in [`LogFile::frame`], synced if the store syncs. On failure the
    /// file is cut back to its last committed frame, so the write left nothing behind.
    pub(super) fn commit(&mut self) -> Result<()> {
        if self.broken {
            return Err(Error::Backend {
                context: format!(
                    "{}: an earlier write failed and could not be undone; reopen the store",
                    self.path.display()
                ),
                source: None,
            });
        }
        seal(&mut self.frame)?;
        let written = self
            .file
            .write_all(&self.frame)
            .and_then(|()| match self.sync {
                true => sync_write(&self.file),
                false => Ok(()),
            });
        if let Err(e) = written {
            let end = self.end;
            let undone = self
                .file
                .set_len(end)
                .and_then(|()| self.file.seek(SeekFrom::Start(end)));
            self.broken = undone.is_err();
            return Err(io_error("append to", &self.path, e));
        }
        self.end += self.frame.len() as u64;
        self.frame_count += 1;
        Ok(())
    }
}
