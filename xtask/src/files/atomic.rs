//! Atomic file writes: a temporary file in the same directory, then a rename.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Replace `path` with `contents` so readers see the old file or the new one, never half of one.
pub fn write(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    write_with(path, |staged| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(staged)
            .with_context(|| format!("open {}", staged.display()))?;
        file.write_all(contents)
            .with_context(|| format!("write {}", path.display()))
    })
}

/// Replace `path` with whatever `produce` writes to the staged path it is given (for writers that
/// want a path, such as wasm-opt). On an error the staged file is removed and `path` is untouched.
pub fn write_with(
    path: &Path,
    produce: impl FnOnce(&Path) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    // The same extension, so a writer that looks at it sees what the final file will be.
    let suffix = path
        .extension()
        .map(|ext| format!(".{}", ext.to_string_lossy()))
        .unwrap_or_default();
    let staged = tempfile::Builder::new()
        .suffix(&suffix)
        .tempfile_in(dir)
        .with_context(|| format!("create a temporary file in {}", dir.display()))?;
    produce(staged.path())?;
    staged
        .persist(path)
        .with_context(|| format!("replace {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/out.wasm");
        write(&path, b"first").unwrap();
        write(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let entries = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(entries, 1, "only the file itself");
    }

    #[test]
    fn a_failed_writer_leaves_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.wasm");
        write(&path, b"old").unwrap();
        let err = write_with(&path, |staged| {
            assert_eq!(staged.extension().unwrap(), "wasm");
            std::fs::write(staged, b"half").unwrap();
            anyhow::bail!("the writer failed")
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "the writer failed");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
