//! A store's log file (its format is in `frame`). Opening checks the header, hands each committed
//! frame's body to the store to replay, and cuts off a torn last frame; appending writes a whole
//! frame and, when asked, syncs it before returning; compaction replaces the file whole.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::codec::Malformed;
use super::frame::{begin_frame, check_header, frames, header, seal, Content, HEADER_LEN};
use super::sys::{io_error, Dir, File, IoError};
use super::FileOptions;
use crate::error::{Error, Result};

/// The writes every file store of this process has synced: what a test reads to see that a store
/// with `sync` syncs each write and one without syncs none.
static SYNCED_WRITES: AtomicU64 = AtomicU64::new(0);

/// `sync_data` after a write, counted.
fn sync_write(file: &File) -> Result<(), IoError> {
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
    dir: Dir,
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

/// Syncs `dir`, so a file just renamed into it stays there. Natively a failure is an error; WASI
/// hosts differ in whether a directory can be synced, so there it is best effort.
fn sync_directory(dir: &Dir, path: &Path) -> Result<()> {
    match dir.sync() {
        Err(e) if cfg!(not(target_family = "wasm")) => Err(io_error("sync", path, e)),
        _ => Ok(()),
    }
}

/// Writes `parts` into `dir`'s file `name`, created or emptied, and syncs it; on a failure the
/// file is removed again.
fn write_fresh(dir: &Dir, name: &str, parts: &[&[u8]]) -> Result<()> {
    let written = dir.create_file(name).and_then(|mut file| {
        for part in parts {
            file.write_all(part)?;
        }
        file.sync_all()
    });
    written.map_err(|e| {
        let _ = dir.remove_file(name);
        io_error("write", &dir.file_path(name), e)
    })
}

/// Replaces `dir`'s `content` log by a fresh one holding `parts` after its header: written beside
/// it, synced, then renamed into place, so the log is never partial.
fn write_log(dir: &Dir, content: Content, parts: &[&[u8]]) -> Result<()> {
    let fresh = content.fresh_file_name();
    write_fresh(dir, fresh, parts)?;
    dir.rename(fresh, content.file_name())
        .map_err(|e| io_error("rename", &dir.file_path(fresh), e))
}

/// The log at `path` is not there (and `create_if_missing` is off, or it vanished).
fn missing(path: &Path) -> Error {
    Error::Backend {
        context: format!(
            "open {}: no such log; create_if_missing creates one",
            path.display()
        ),
        source: None,
    }
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
        let dir = Dir::open(dir, options.create_if_missing)?;
        let name = content.file_name();
        let path = dir.file_path(name);
        let opened = match dir.open_file(name) {
            Ok(None) if options.create_if_missing => {
                write_log(&dir, content, &[&header(content)])?;
                sync_directory(&dir, &path)?;
                dir.open_file(name)
            }
            opened => opened,
        };
        let mut file = match opened {
            Ok(Some(file)) => file,
            Ok(None) => return Err(missing(&path)),
            Err(e) => return Err(io_error("open", &path, e)),
        };
        let bytes = file.read_all().map_err(|e| io_error("read", &path, e))?;
        check_header(&bytes, content).map_err(|problem| Error::StoreFile {
            path: path.clone(),
            problem,
        })?;
        let mut frame_count = 0;
        let mut counted = |body: &[u8]| {
            frame_count += 1;
            replay(body)
        };
        let valid =
            frames(&bytes[HEADER_LEN..], &mut counted).map_err(|problem| Error::StoreFile {
                path: path.clone(),
                problem,
            })?;
        let end = (HEADER_LEN + valid) as u64;
        if end < bytes.len() as u64 {
            file.set_len(end)
                .and_then(|()| file.sync_all())
                .map_err(|e| io_error("cut the torn end off", &path, e))?;
        }
        file.seek(end).map_err(|e| io_error("seek in", &path, e))?;
        Ok(LogFile {
            dir,
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
        write_log(&self.dir, self.content, &[&header(self.content), frames])?;
        // From here the new log is in place: a failure leaves this store unable to write.
        self.broken = true;
        sync_directory(&self.dir, &self.path)?;
        let name = self.content.file_name();
        let mut file = match self.dir.open_file(name) {
            Ok(Some(file)) => file,
            Ok(None) => return Err(missing(&self.path)),
            Err(e) => return Err(io_error("open", &self.path, e)),
        };
        let end = (HEADER_LEN + frames.len()) as u64;
        file.seek(end)
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
            let undone = self.file.set_len(end).and_then(|()| self.file.seek(end));
            self.broken = undone.is_err();
            return Err(io_error("append to", &self.path, e));
        }
        self.end += self.frame.len() as u64;
        self.frame_count += 1;
        Ok(())
    }
}
