//! A path the program names, resolved inside the one directory the host granted: `.` and `..`
//! are applied here, every symlink on the way is followed here, and whatever would leave the
//! directory (an absolute path, a `..` above it, a symlink out of it) is refused with
//! `ENOTCAPABLE` before the host's file system sees the path.

use std::collections::VecDeque;
use std::path::{Component, Path, PathBuf};

use crate::errno::{EILSEQ, ELOOP, ENOENT, ENOTCAPABLE};

/// Symlinks followed in one path before it is refused as a loop, as Linux's limit.
const MAX_LINKS: u32 = 40;

/// `path`, named relative to `base` (a directory inside `root`, itself relative to `root`), as a
/// path relative to `root` with no `.`, `..` or symlink left in it but, when `follow_last` is false,
/// its last component.
pub(crate) fn resolve(
    root: &Path,
    base: &Path,
    path: &[u8],
    follow_last: bool,
) -> Result<PathBuf, i32> {
    let path = std::str::from_utf8(path).map_err(|_| EILSEQ)?;
    if path.is_empty() {
        return Err(ENOENT);
    }
    if path.starts_with('/') {
        return Err(ENOTCAPABLE);
    }
    let mut done: Vec<String> = base
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => part.to_str().map(str::to_owned),
            _ => None,
        })
        .collect();
    let mut pending: VecDeque<String> = parts(path).collect();
    let mut links = 0;
    while let Some(part) = pending.pop_front() {
        match part.as_str() {
            "." => continue,
            ".." => {
                done.pop().ok_or(ENOTCAPABLE)?;
                continue;
            }
            _ => done.push(part),
        }
        if pending.is_empty() && !follow_last {
            break;
        }
        let full: PathBuf = std::iter::once(root.as_os_str())
            .chain(done.iter().map(|part| part.as_ref()))
            .collect();
        let is_link = std::fs::symlink_metadata(&full).is_ok_and(|meta| meta.is_symlink());
        if !is_link {
            continue;
        }
        links += 1;
        if links > MAX_LINKS {
            return Err(ELOOP);
        }
        let target = std::fs::read_link(&full).map_err(|e| crate::errno::from_io(&e))?;
        if target.has_root() {
            return Err(ENOTCAPABLE);
        }
        done.pop();
        let target = target.to_str().ok_or(EILSEQ)?;
        for part in parts(target).collect::<Vec<_>>().into_iter().rev() {
            pending.push_front(part);
        }
    }
    Ok(done.iter().collect())
}

/// The non-empty components of a `/`-separated path.
fn parts(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/')
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
}
