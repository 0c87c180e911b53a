//! A store's log file: a 16-byte header, then one frame per write. Opening checks the header, hands
//! each committed frame's body to the store to replay, and cuts off a torn last frame; appending
//! writes a whole frame and, when asked, syncs it before returning.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::codec::Malformed;
use super::crc::crc32;
use super::FileOptions;
use crate::error::{Error, FileProblem, Result};

/// The first bytes of every log.
const MAGIC: [u8; 8] = *b"CORTEXLG";
/// The format version this build writes and the newest it reads.
pub(super) const VERSION: u8 = 1;
/// Magic, version, content, two reserved bytes, and a CRC-32 of those twelve.
pub(super) const HEADER_LEN: usize = 16;
/// A frame's length, the length inverted (so a garbled length is told from a torn write), and the
/// CRC-32 of its body.
pub(super) const FRAME_HEADER_LEN: usize = 12;

/// What a log holds; one file of each kind per directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Content {
    Events = 1,
    Graph = 2,
}

impl Content {
    fn name(self) -> &'static str {
        match self {
            Content::Events => "event",
            Content::Graph => "graph",
        }
    }

    pub(super) fn file_name(self) -> &'static str {
        match self {
            Content::Events => "events.log",
            Content::Graph => "graph.log",
        }
    }

    /// Where a fresh log is written before it is renamed into place.
    fn fresh_file_name(self) -> &'static str {
        match self {
            Content::Events => "events.log.new",
            Content::Graph => "graph.log.new",
        }
    }
}

/// An open log, positioned at the end of its last committed frame.
#[derive(Debug)]
pub(super) struct LogFile {
    path: PathBuf,
    file: File,
    /// Where the last committed frame ends.
    end: u64,
    sync: bool,
    /// The frame being built: its header's room, then the body.
    frame: Vec<u8>,
    /// A failed write could not be undone, so the file's end is unknown: writes are refused.
    broken: bool,
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

/// The header of a `content` log of this version.
fn header(content: Content) -> [u8; HEADER_LEN] {
    let mut header = [0; HEADER_LEN];
    header[..8].copy_from_slice(&MAGIC);
    header[8] = VERSION;
    header[9] = content as u8;
    let crc = crc32(&header[..12]);
    header[12..].copy_from_slice(&crc.to_le_bytes());
    header
}

/// Checks that `bytes` start with the header of a `content` log this build reads.
pub(super) fn check_header(bytes: &[u8], content: Content) -> Result<(), FileProblem> {
    let not_ours = FileProblem::NotALog {
        expected: content.name(),
    };
    if bytes.len() < HEADER_LEN || bytes[..8] != MAGIC {
        return Err(not_ours);
    }
    let crc = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
    if crc != crc32(&bytes[..12]) {
        return Err(FileProblem::Corrupt {
            offset: 0,
            what: "the header's checksum does not match",
        });
    }
    if bytes[8] > VERSION {
        return Err(FileProblem::NewerVersion {
            found: bytes[8],
            supported: VERSION,
        });
    }
    if bytes[8] == 0 || bytes[9] != content as u8 {
        return Err(not_ours);
    }
    Ok(())
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Calls `each` with the body of every committed frame of `log` (the bytes after the header), in
/// order, and returns where the last one ends: short of `log.len()` when the last frame is torn. A
/// frame is torn when it is cut short, or when it is the last and its checksum fails, or when its
/// length is garbled and nothing but zeros follows (a file extended but never written). Any other
/// damage, and any body `each` refuses, is [`FileProblem::Corrupt`] at the frame's offset in the file.
pub(super) fn frames(
    log: &[u8],
    mut each: impl FnMut(&[u8]) -> Result<(), Malformed>,
) -> Result<usize, FileProblem> {
    let corrupt = |at: usize, what| FileProblem::Corrupt {
        offset: (HEADER_LEN + at) as u64,
        what,
    };
    let mut at = 0;
    while at < log.len() {
        let rest = &log[at..];
        if rest.len() < FRAME_HEADER_LEN {
            break;
        }
        let len = u32_at(rest, 0);
        if len != !u32_at(rest, 4) {
            if rest.iter().all(|&b| b == 0) {
                break;
            }
            return Err(corrupt(at, "a frame's length is garbled"));
        }
        let end = FRAME_HEADER_LEN + len as usize;
        if rest.len() < end {
            break;
        }
        let body = &rest[FRAME_HEADER_LEN..end];
        if crc32(body) != u32_at(rest, 8) {
            if rest.len() == end {
                break;
            }
            return Err(corrupt(at, "a frame's checksum does not match"));
        }
        each(body).map_err(|what| corrupt(at, what))?;
        at += end;
    }
    Ok(at)
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
        replay: impl FnMut(&[u8]) -> Result<(), Malformed>,
    ) -> Result<LogFile> {
        directory(dir, options.create_if_missing)?;
        let path = dir.join(content.file_name());
        let opened = OpenOptions::new().read(true).write(true).open(&path);
        let mut file = match opened {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound && options.create_if_missing => {
                create(dir, &path, content)?;
                OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(&path)
                    .map_err(|e| io_error("open", &path, e))?
            }
            Err(e) => return Err(io_error("open", &path, e)),
        };
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| io_error("read", &path, e))?;
        check_header(&bytes, content).map_err(|p| problem(&path, p))?;
        let valid = frames(&bytes[HEADER_LEN..], replay).map_err(|p| problem(&path, p))?;
        let end = (HEADER_LEN + valid) as u64;
        if end < bytes.len() as u64 {
            file.set_len(end)
                .and_then(|()| file.sync_all())
                .map_err(|e| io_error("cut the torn end off", &path, e))?;
        }
        file.seek(SeekFrom::Start(end))
            .map_err(|e| io_error("seek in", &path, e))?;
        Ok(LogFile {
            path,
            file,
            end,
            sync: options.sync,
            frame: Vec::new(),
            broken: false,
        })
    }

    /// The buffer of the next frame: empty but for its header's room. Encode the body into it,
    /// then `commit`.
    pub(super) fn frame(&mut self) -> &mut Vec<u8> {
        self.frame.clear();
        self.frame.extend_from_slice(&[0; FRAME_HEADER_LEN]);
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
        let body = &self.frame[FRAME_HEADER_LEN..];
        let Ok(len) = u32::try_from(body.len()) else {
            return Err(Error::InvalidInput(format!(
                "a write of {} bytes; a file store writes at most 4 GiB at once",
                body.len()
            )));
        };
        let crc = crc32(body);
        self.frame[..4].copy_from_slice(&len.to_le_bytes());
        self.frame[4..8].copy_from_slice(&(!len).to_le_bytes());
        self.frame[8..12].copy_from_slice(&crc.to_le_bytes());
        let written = self
            .file
            .write_all(&self.frame)
            .and_then(|()| match self.sync {
                true => self.file.sync_data(),
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
        Ok(())
    }
}
