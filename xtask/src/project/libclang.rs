//! Whether libclang is there for RocksDB's bindings (bindgen loads it at build time), found where
//! bindgen itself looks: `LIBCLANG_PATH`, `llvm-config --libdir`, then the usual library directories.

use std::path::{Path, PathBuf};

/// The Debian/Ubuntu package that provides libclang together with the headers bindgen needs.
pub const DEBIAN_PACKAGE: &str = "libclang-dev";

/// Where a libclang shared library was found, or `None`.
pub fn find(llvm_libdir: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LIBCLANG_PATH") {
        let path = PathBuf::from(path);
        // A file names the library itself; a directory holds it.
        return if path.is_file() {
            Some(path)
        } else {
            library_in(&path)
        };
    }
    search_dirs(llvm_libdir)
        .iter()
        .find_map(|dir| library_in(dir))
}

/// The directories to search, most specific first.
fn search_dirs(llvm_libdir: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = llvm_libdir.map(Path::to_path_buf).into_iter().collect();
    // Versioned LLVM installs (Debian's /usr/lib/llvm-14/lib), newest first.
    for parent in ["/usr/lib", "/usr/lib64", "/usr/local/lib"] {
        let mut versioned: Vec<PathBuf> = std::fs::read_dir(parent)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("llvm"))
            })
            .map(|path| path.join("lib"))
            .collect();
        versioned.sort_by(|a, b| b.cmp(a));
        dirs.extend(versioned);
    }
    // Multiarch directories (x86_64-linux-gnu, aarch64-linux-gnu, …) and the plain ones.
    dirs.extend(
        std::fs::read_dir("/usr/lib")
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.ends_with("-linux-gnu"))
            }),
    );
    dirs.extend(["/usr/lib", "/usr/lib64", "/usr/local/lib"].map(PathBuf::from));
    dirs
}

/// The first `libclang.so`, `libclang.so.N` or `libclang-N.so…` (or `.dylib`) in `dir`.
pub fn library_in(dir: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(is_libclang)
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

fn is_libclang(file_name: &str) -> bool {
    let Some(rest) = file_name.strip_prefix("libclang") else {
        return false;
    };
    let Some(at) = rest.find(".so").or_else(|| rest.find(".dylib")) else {
        return false;
    };
    let (version, suffix) = rest.split_at(at);
    let is_version = |v: &str| {
        v.starts_with(|c: char| c.is_ascii_digit())
            && v.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    // `libclang-cpp.so` is the C++ API, which bindgen cannot use: only a version may follow a dash.
    let version_ok = version.is_empty() || version.strip_prefix('-').is_some_and(is_version);
    let suffix_ok = suffix == ".so"
        || suffix == ".dylib"
        || suffix.strip_prefix(".so.").is_some_and(is_version);
    version_ok && suffix_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_bindgen_can_load_and_none_it_cannot() {
        for good in [
            "libclang.so",
            "libclang.so.1",
            "libclang-14.so.1",
            "libclang-14.0.6.so",
            "libclang.dylib",
        ] {
            assert!(is_libclang(good), "{good}");
        }
        for bad in [
            "libclang-cpp.so.14",
            "libclang.a",
            "libclangBasic.a",
            "libclang-.so",
            "libclang.so-gdb.py",
            "libLLVM-14.so",
        ] {
            assert!(!is_libclang(bad), "{bad}");
        }
    }

    #[test]
    fn a_directory_with_the_library_is_found_and_one_without_is_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("libclang-cpp.so.14"), b"").unwrap();
        assert_eq!(library_in(dir.path()), None);
        std::fs::write(dir.path().join("libclang-14.so.1"), b"").unwrap();
        assert_eq!(
            library_in(dir.path()),
            Some(dir.path().join("libclang-14.so.1"))
        );
        assert_eq!(library_in(&dir.path().join("missing")), None);
    }
}
