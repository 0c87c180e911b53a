//! Stores that live in a directory, so they can be dropped (without a flush) and opened again.

use std::path::Path;

use cortex_core::Result;

/// A store and the directory it lives in; `open` opens it there, fresh or again.
pub(crate) struct OnDisk<S> {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) store: S,
    open: fn(&Path) -> Result<S>,
}

impl<S> OnDisk<S> {
    /// A store in a fresh temporary directory.
    pub(crate) fn new(open: fn(&Path) -> Result<S>) -> OnDisk<S> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = open(dir.path()).expect("open a store in a new directory");
        OnDisk { dir, store, open }
    }

    /// Drops the store, then opens it again from what its directory holds.
    pub(crate) fn reopen(self) -> OnDisk<S> {
        let OnDisk { dir, store, open } = self;
        drop(store);
        let store = open(dir.path()).expect("reopen a store from its directory");
        OnDisk { dir, store, open }
    }
}

/// Which of a sequence's stores on disk a step drops and opens again.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Restart {
    /// The RocksDB store, dropped without flushing, and the file store.
    Crash,
    /// The file store alone.
    Reopen,
}

/// A sequence's RocksDB and file stores, each in a directory of its own.
pub(crate) struct Disks<R, F> {
    pub(crate) rocks: OnDisk<R>,
    pub(crate) file: OnDisk<F>,
}

impl<R, F> Disks<R, F> {
    pub(crate) fn new(rocks: fn(&Path) -> Result<R>, file: fn(&Path) -> Result<F>) -> Disks<R, F> {
        Disks {
            rocks: OnDisk::new(rocks),
            file: OnDisk::new(file),
        }
    }

    /// Drops and reopens the stores `restart` names.
    pub(crate) fn restart(self, restart: Restart) -> Disks<R, F> {
        let Disks { rocks, file } = self;
        match restart {
            Restart::Crash => Disks {
                rocks: rocks.reopen(),
                file: file.reopen(),
            },
            Restart::Reopen => Disks {
                rocks,
                file: file.reopen(),
            },
        }
    }
}
