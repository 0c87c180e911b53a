//! A file's `filestat`, from the host's metadata.

use std::fs::Metadata;
use std::io;

/// `filetype` values.
pub(crate) const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub(super) const FILETYPE_DIRECTORY: u8 = 3;
pub(super) const FILETYPE_REGULAR_FILE: u8 = 4;
const FILETYPE_SYMBOLIC_LINK: u8 = 7;

/// A file's `filestat` fields: device, inode, type, links, size, and access, change and status times.
pub(crate) struct Stat {
    pub(crate) dev: u64,
    pub(crate) ino: u64,
    pub(crate) filetype: u8,
    pub(crate) nlink: u64,
    pub(crate) size: u64,
    pub(crate) times: [u64; 3],
}

/// The `filestat` of a file with metadata `meta`.
pub(super) fn stat(meta: &Metadata) -> Stat {
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
