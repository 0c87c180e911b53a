//! `path_open`: which file or directory a program's flags open, created or truncated as they ask.

use std::fs::{File, OpenOptions};

use super::{Files, Opened, ALL_RIGHTS, PREOPEN, RIGHT_FD_READ, RIGHT_FD_WRITE, SYMLINK_FOLLOW};
use crate::errno::{from_io, EBADF, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTCAPABLE, ENOTDIR};

/// `oflags` bits.
const O_CREAT: i32 = 1;
const O_DIRECTORY: i32 = 2;
const O_EXCL: i32 = 4;
const O_TRUNC: i32 = 8;
/// `fdflags`: every write goes to the end.
const FDFLAG_APPEND: i32 = 1;

impl Files {
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
}
