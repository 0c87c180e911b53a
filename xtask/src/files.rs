//! Files the xtask writes: atomically, with content stamps that let unchanged work be skipped, the
//! CI step summary, and the text of its HTML and SVG pages.

pub mod atomic;
pub mod markup;
pub mod stamp;
pub mod summary;
