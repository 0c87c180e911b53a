//! The C++ compiler RocksDB's build script finds when `cargo xtask test` builds the tests: clang++
//! where it is installed or can be, since RocksDB's C++ is most of a fresh clone's test build and
//! clang++ compiles it unoptimised in clearly less CPU time than g++.
//!
//! It reaches the build as the `c++` first on `PATH` (a link in a directory of the target dir), not
//! through `CXX`: cargo reruns a build script when a `CXX` variable it reads changes, so setting one
//! here alone would rebuild RocksDB whenever the tests are next built without it (clippy, a plain
//! `cargo test`). `PATH` is in no fingerprint: whichever compiler builds RocksDB first, later builds
//! reuse its output. A `CXX` the user set wins, as it would without the link.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xshell::{cmd, Shell};

use super::echo::Echo;
use super::{apt, executables};

/// The Debian/Ubuntu package whose `clang++` is used.
pub const DEBIAN_PACKAGE: &str = "clang";

/// The oldest clang major version that compiles RocksDB's C++20.
const OLDEST_MAJOR: u32 = 14;

/// Why clang++ is installed, as said when installing it.
const WHY: &str = "RocksDB's C++ compiles in about 60% of the CPU time with clang++ as with g++";

/// Environment variables through which the user picks the C++ compiler; any of them set wins.
const USER_CHOICE: [&str; 4] = [
    "CXX",
    "HOST_CXX",
    "CXX_x86_64_unknown_linux_gnu",
    "CXX_x86_64-unknown-linux-gnu",
];

/// The directory to put first on `PATH` for the test build, holding `c++` linked to a clang++; or
/// `None` when the user chose a compiler or no clang++ can be had (g++ then builds RocksDB, slower).
pub fn prefer_clang(sh: &Shell, target_dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    if USER_CHOICE
        .iter()
        .any(|name| std::env::var_os(name).is_some())
    {
        return Ok(None);
    }
    let clang = match find(sh) {
        Some(clang) => clang,
        None if apt::is_available(sh) && apt::Privilege::detect(sh) != apt::Privilege::None => {
            apt::install(sh, DEBIAN_PACKAGE, WHY, Echo::Live)?;
            match find(sh) {
                Some(clang) => clang,
                None => return Ok(None),
            }
        }
        None => {
            eprintln!(
                "note: no clang++ {OLDEST_MAJOR} or newer; RocksDB's C++ builds with the system's c++ \
                 (clang++ would take about 40% less CPU)"
            );
            return Ok(None);
        }
    };
    link_dir(target_dir, &clang).map(Some)
}

/// A clang++ on `PATH` that is new enough, by its own version banner.
fn find(sh: &Shell) -> Option<PathBuf> {
    [
        "clang++",
        "clang++-19",
        "clang++-18",
        "clang++-17",
        "clang++-16",
        "clang++-15",
        "clang++-14",
    ]
    .into_iter()
    .filter_map(|name| executables::on_path(&[name]))
    .find(|clang| {
        let banner = cmd!(sh, "{clang} --version").quiet().ignore_stderr().read();
        banner.is_ok_and(|b| major_version(&b).is_some_and(|major| major >= OLDEST_MAJOR))
    })
}

/// The major version in a `clang++ --version` banner ("Debian clang version 14.0.6", "clang version 18.1.3 (…)").
fn major_version(banner: &str) -> Option<u32> {
    let after = banner.split("clang version ").nth(1)?;
    after.split('.').next()?.trim().parse().ok()
}

/// `<target>/cxx/c++`, linked to `clang`, replaced atomically so a concurrent build never sees none.
fn link_dir(target_dir: &Path, clang: &Path) -> anyhow::Result<PathBuf> {
    let dir = target_dir.join("cxx");
    std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    let link = dir.join("c++");
    if std::fs::read_link(&link).is_ok_and(|to| to == clang) {
        return Ok(dir);
    }
    let staged = dir.join(format!(".c++.{}", std::process::id()));
    let _ = std::fs::remove_file(&staged);
    std::os::unix::fs::symlink(clang, &staged)
        .with_context(|| format!("link {} to {}", staged.display(), clang.display()))?;
    std::fs::rename(&staged, &link).with_context(|| format!("replace {}", link.display()))?;
    Ok(dir)
}

/// `PATH` with `dir` first.
pub fn path_with(dir: &Path) -> anyhow::Result<OsString> {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(&rest));
    std::env::join_paths(dirs).context("a PATH with the C++ compiler's directory first")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_major_version_from_debian_and_upstream_banners() {
        let debian =
            "Debian clang version 14.0.6\nTarget: x86_64-pc-linux-gnu\nThread model: posix\n";
        assert_eq!(major_version(debian), Some(14));
        let upstream = "clang version 18.1.3 (https://github.com/llvm/llvm-project 1234)\n";
        assert_eq!(major_version(upstream), Some(18));
        assert_eq!(major_version("g++ (Debian 12.2.0-14) 12.2.0\n"), None);
    }

    #[test]
    fn the_link_points_at_the_compiler_and_is_replaced_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let shim = link_dir(dir.path(), Path::new("/usr/bin/one")).unwrap();
        assert_eq!(
            std::fs::read_link(shim.join("c++")).unwrap(),
            Path::new("/usr/bin/one")
        );
        link_dir(dir.path(), Path::new("/usr/bin/two")).unwrap();
        assert_eq!(
            std::fs::read_link(shim.join("c++")).unwrap(),
            Path::new("/usr/bin/two")
        );
        // Nothing staged is left beside it.
        assert_eq!(std::fs::read_dir(&shim).unwrap().count(), 1);
    }

    #[test]
    fn the_directory_comes_first_on_path() {
        let path = path_with(Path::new("/x/cxx")).unwrap();
        let first = std::env::split_paths(&path).next().unwrap();
        assert_eq!(first, Path::new("/x/cxx"));
    }
}
