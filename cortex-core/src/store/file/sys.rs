//! The few file operations a log needs, behind one interface: natively `std::fs`; on
//! wasm32-wasip1 WASI preview 1's own calls, so the module carries neither std's file layer nor
//! wasi-libc's (its C paths, its table of preopened directories, `io::Error` and its formatting).
//!
//! Both sides give a [`Dir`], a store's directory, whose files are named relative to it
//! (`events.log`): it opens, creates, renames and removes them, and syncs itself so a rename
//! stays; and a [`File`], read whole, written at its end, cut back and synced. Their failures are
//! an [`IoError`], which [`io_error`] turns into the crate's error naming the path.

#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
mod native;
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
use native::too_large;
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
pub(super) use native::{io_error, Dir, File, IoError};

// Pure path logic of the WASI side, so its tests run natively too.
#[cfg(any(test, all(target_os = "wasi", target_env = "p1")))]
mod granted;
#[cfg(all(target_os = "wasi", target_env = "p1"))]
mod wasi;
#[cfg(all(target_os = "wasi", target_env = "p1"))]
use wasi::too_large;
#[cfg(all(target_os = "wasi", target_env = "p1"))]
pub(super) use wasi::{io_error, Dir, File, IoError};

impl File {
    /// The whole file, read from its position (its start, once opened). A file too large to hold
    /// in memory is an error, never read in part.
    pub(in crate::store::file) fn read_all(&mut self) -> Result<Vec<u8>, IoError> {
        let len = usize::try_from(self.len()?).map_err(|_| too_large())?;
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(len).map_err(|_| too_large())?;
        bytes.resize(len, 0);
        self.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}
