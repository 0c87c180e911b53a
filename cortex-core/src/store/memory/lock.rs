//! `Lock`: what the memory stores keep their data under. Natively it is std's `RwLock`, so readers
//! on several threads share it. On wasm there is one thread and no reader to share with, and std's
//! `RwLock` there checks its state with `assert_eq!`, whose message formatting cost the module about
//! 2 KB; a `Mutex` with the same two methods has none of it.

#[cfg(not(target_family = "wasm"))]
pub(super) use std::sync::{
    RwLock as Lock, RwLockReadGuard as ReadGuard, RwLockWriteGuard as WriteGuard,
};

#[cfg(target_family = "wasm")]
pub(super) use single_thread::{Lock, ReadGuard, WriteGuard};

#[cfg(target_family = "wasm")]
mod single_thread {
    use std::sync::{LockResult, Mutex, MutexGuard};

    /// A `Mutex` answering to `read` and `write`. No store method takes the lock while it holds
    /// it, so a reader never waits on itself.
    #[derive(Debug, Default)]
    pub(in super::super) struct Lock<T>(Mutex<T>);

    pub(in super::super) type ReadGuard<'a, T> = MutexGuard<'a, T>;
    pub(in super::super) type WriteGuard<'a, T> = MutexGuard<'a, T>;

    impl<T> Lock<T> {
        pub(in super::super) fn read(&self) -> LockResult<ReadGuard<'_, T>> {
            self.0.lock()
        }

        pub(in super::super) fn write(&self) -> LockResult<WriteGuard<'_, T>> {
            self.0.lock()
        }
    }
}
