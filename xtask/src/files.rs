//! Files the xtask writes: atomically, and with content stamps that let unchanged work be skipped.

pub mod atomic;
pub mod stamp;
