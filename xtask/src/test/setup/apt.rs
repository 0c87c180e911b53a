//! Installing a Debian/Ubuntu package the tests need, as root or through password-less sudo, and
//! otherwise stopping with the exact command to run.

use anyhow::Context as _;
use xshell::{cmd, Cmd, Shell};

use super::echo::Echo;
use super::executables::runs_cleanly;
use crate::failure::ConfigError;

/// Whether this machine manages its packages with dpkg and apt (Debian, Ubuntu and their kin).
pub fn is_available(sh: &Shell) -> bool {
    runs_cleanly(cmd!(sh, "dpkg-query --version")) && runs_cleanly(cmd!(sh, "apt-get --version"))
}

/// Whether dpkg lists `package` as installed.
pub fn is_installed(sh: &Shell, package: &str) -> bool {
    let format = "${Status}";
    cmd!(sh, "dpkg-query --show -f {format} {package}")
        .quiet()
        .ignore_stderr()
        .read()
        .is_ok_and(|status| status.trim() == "install ok installed")
}

/// How to become root for apt-get: nothing when already root, `sudo -n` when it needs no password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privilege {
    Root,
    Sudo,
    None,
}

impl Privilege {
    pub fn detect(sh: &Shell) -> Self {
        let uid = cmd!(sh, "id -u").quiet().ignore_stderr().read();
        if uid.is_ok_and(|uid| uid.trim() == "0") {
            Privilege::Root
        } else if runs_cleanly(cmd!(sh, "sudo -n true")) {
            Privilege::Sudo
        } else {
            Privilege::None
        }
    }

    /// `apt-get args…`, run with this privilege.
    fn apt_get<'a>(self, sh: &'a Shell, args: &[&str]) -> Cmd<'a> {
        match self {
            Privilege::Root => cmd!(sh, "apt-get {args...}"),
            Privilege::Sudo | Privilege::None => cmd!(sh, "sudo -n apt-get {args...}"),
        }
    }
}

/// The command a user runs by hand to install `package`.
pub fn manual_command(package: &str) -> String {
    format!("sudo apt-get install -y {package}")
}

/// Installs `package`, saying on stderr what and why; refreshes the package lists once if the
/// first attempt fails (a fresh machine often has none). apt-get's own output goes where `echo` says.
pub fn install(sh: &Shell, package: &str, why: &str, echo: Echo<'_>) -> anyhow::Result<()> {
    let privilege = Privilege::detect(sh);
    if privilege == Privilege::None {
        return Err(missing(package, why).into());
    }
    eprintln!("installing {package}: {why}");
    let _frontend = sh.push_env("DEBIAN_FRONTEND", "noninteractive");
    let install =
        || echo.run(privilege.apt_get(sh, &["install", "-y", "--no-install-recommends", package]));
    if install().is_ok() {
        return Ok(());
    }
    eprintln!("refreshing the package lists, then trying again");
    echo.run(privilege.apt_get(sh, &["update"]))
        .context("apt-get update")?;
    install().map_err(|err| {
        ConfigError::new(
            format!("apt-get could not install {package}: {err}"),
            format!(
                "run `{}` and look at what apt-get says",
                manual_command(package)
            ),
        )
    })?;
    Ok(())
}

/// The error for a package that is missing and cannot be installed from here.
pub fn missing(package: &str, why: &str) -> ConfigError {
    ConfigError::new(
        format!("{package} is not installed ({why}), and installing it needs root"),
        format!("run `{}`, then run this again", manual_command(package)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_root_the_error_gives_the_exact_command() {
        let err = missing("libclang-dev", "RocksDB's bindings need libclang");
        assert_eq!(
            err.to_string(),
            "libclang-dev is not installed (RocksDB's bindings need libclang), and installing it \
             needs root\n  fix: run `sudo apt-get install -y libclang-dev`, then run this again"
        );
    }

    #[test]
    fn root_runs_apt_get_directly_and_others_through_sudo() {
        let sh = Shell::new().unwrap();
        let shown = |privilege: Privilege| privilege.apt_get(&sh, &["update"]).to_string();
        assert_eq!(shown(Privilege::Root), "apt-get update");
        assert_eq!(shown(Privilege::Sudo), "sudo -n apt-get update");
    }
}
