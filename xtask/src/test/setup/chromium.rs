//! Whether a headless Chromium is there for the size report's browser tests, and installing Debian's
//! `chromium` when it is missing, as the tests' other system packages are installed.

#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;

use xshell::Shell;

use super::echo::Echo;
use super::{apt, executables};
use crate::failure::ConfigError;

/// The Debian package of the browser; Ubuntu's `chromium` is a snap shim, where Google Chrome serves.
pub const DEBIAN_PACKAGE: &str = "chromium";

/// Why the tests need it, as said when installing it.
pub const WHY: &str = "the size report's tests load it in a real headless browser";

/// The environment variable that names the browser to use instead of the one found on `PATH`.
pub const ENV: &str = "CORTEX_CHROMIUM";

/// Executables that run Chromium or Chrome headless, most likely first.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The browser to run: `$CORTEX_CHROMIUM` when set, else the first of [`NAMES`] on `PATH`.
pub fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(ENV) {
        return Some(PathBuf::from(path)).filter(|path| path.is_file());
    }
    executables::on_path(NAMES)
}

#[cfg(test)]
fn find_in(dirs: impl IntoIterator<Item = PathBuf>) -> Option<PathBuf> {
    executables::find_in(NAMES, dirs)
}

/// The one line a test prints when the browser is missing: what to run to get it.
pub fn missing_message() -> String {
    format!(
        "no headless Chromium found (looked for ${ENV}, then {} on PATH); {WHY}. \
         Run `cargo xtask test --setup-only` (it runs `{}` on Debian), or point {ENV} at a Chrome binary",
        NAMES.join(", "),
        apt::manual_command(DEBIAN_PACKAGE)
    )
}

/// Finds the browser, or installs Debian's package where the machine allows, or says how to get it.
pub fn ensure(sh: &Shell, echo: Echo<'_>) -> anyhow::Result<()> {
    if let Some(path) = std::env::var_os(ENV) {
        if find().is_some() {
            return Ok(());
        }
        return Err(ConfigError::new(
            format!("{ENV} is {}, which is not a file", path.to_string_lossy()),
            format!("point {ENV} at a Chromium or Chrome executable, or unset it"),
        )
        .into());
    }
    if find().is_some() {
        return Ok(());
    }
    if apt::is_available(sh) {
        apt::install(sh, DEBIAN_PACKAGE, WHY, echo)?;
        return match find() {
            Some(_) => Ok(()),
            None => Err(ConfigError::new(
                format!("{DEBIAN_PACKAGE} is installed but no `chromium` is on PATH"),
                format!("point {ENV} at the browser's executable"),
            )
            .into()),
        };
    }
    Err(ConfigError::new(
        format!("no headless Chromium found ({WHY})"),
        format!("install Chromium or Google Chrome, or point {ENV} at its executable"),
    )
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_name_in_order_is_found_in_any_directory() {
        let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let place = |dir: &Path, name: &str, mode: u32| {
            use std::os::unix::fs::PermissionsExt as _;
            let path = dir.join(name);
            std::fs::write(&path, b"#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            path
        };
        let dirs = || [first.path().to_path_buf(), second.path().to_path_buf()];
        assert_eq!(find_in(dirs()), None);
        place(first.path(), "chromium", 0o644);
        assert_eq!(
            find_in(dirs()),
            None,
            "a file that cannot run is no browser"
        );
        let chrome = place(first.path(), "google-chrome", 0o755);
        assert_eq!(find_in(dirs()), Some(chrome));
        let chromium = place(second.path(), "chromium", 0o755);
        assert_eq!(find_in(dirs()), Some(chromium), "chromium before chrome");
    }

    #[test]
    fn the_missing_message_names_the_command_that_installs_it() {
        let message = missing_message();
        assert!(
            message.contains("cargo xtask test --setup-only")
                && message.contains("sudo apt-get install -y chromium"),
            "{message}"
        );
    }
}
