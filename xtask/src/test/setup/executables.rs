//! Finding a program on `PATH` as a shell would: the first of several names, in order, that is an
//! executable file in any of the directories; and whether a command runs cleanly.

use std::path::{Path, PathBuf};

use xshell::Cmd;

/// Whether `cmd` runs and exits with 0, its output and echo discarded.
pub fn runs_cleanly(cmd: Cmd<'_>) -> bool {
    cmd.quiet().ignore_stdout().ignore_stderr().run().is_ok()
}

/// The first of `names` that is an executable file in a directory of `PATH`.
pub fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    find_in(names, std::env::split_paths(&path))
}

/// The first of `names` that is an executable file in one of `dirs`; an earlier name wins over a
/// later one in an earlier directory.
pub fn find_in(names: &[&str], dirs: impl IntoIterator<Item = PathBuf>) -> Option<PathBuf> {
    let dirs: Vec<PathBuf> = dirs.into_iter().collect();
    names.iter().find_map(|name| {
        dirs.iter()
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
    })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
