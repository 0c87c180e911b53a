//! Atomic file writes: a temporary file in the same directory, then a rename.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Replace `path` with `contents` so readers see the old file or the new one, never half of one.
pub(crate) fn write(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let mut staged = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("create a temporary file in {}", dir.display()))?;
    staged
        .write_all(contents)
        .with_context(|| format!("write {}", path.display()))?;
    staged
        .persist(path)
        .with_context(|| format!("replace {}", path.display()))?;
    Ok(())
}
