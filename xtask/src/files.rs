//! Files the xtask writes: atomically, with content stamps that let unchanged work be skipped, and
//! the CI step summary.

pub mod atomic;
pub mod stamp;
pub mod summary;
