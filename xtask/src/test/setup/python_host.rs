//! The Python host the ABI tests drive cortex-core's module with: a virtualenv under the target
//! directory holding the `wasmtime` package from PyPI, made (and python3's venv module installed
//! through apt where needed) by `cargo xtask test`.

use std::path::{Path, PathBuf};

use xshell::{cmd, Shell};

use super::apt;
use super::echo::Echo;
use super::executables::runs_cleanly;
use crate::failure::ConfigError;

/// The wasmtime release the host is tested with; pinned so a new release cannot change the test.
pub const WASMTIME: &str = "wasmtime==50.0.1";

/// The Debian/Ubuntu package that gives python3 its `venv` module (and python3 itself).
pub const DEBIAN_PACKAGE: &str = "python3-venv";

/// Why the tests need it, as said when installing.
const WHY: &str = "a test drives cortex-core's wasm module from Python through its C ABI";

/// The virtualenv, kept under the target directory so a `cargo clean` removes it too.
pub fn venv_dir(target_dir: &Path) -> PathBuf {
    target_dir.join("python-host").join("venv")
}

/// The virtualenv's interpreter.
pub fn python(target_dir: &Path) -> PathBuf {
    venv_dir(target_dir).join("bin").join("python")
}

/// The commands that make the host by hand, for messages.
pub fn install_command(target_dir: &Path) -> String {
    let venv = venv_dir(target_dir);
    format!(
        "python3 -m venv {0} && {0}/bin/pip install {WASMTIME}",
        venv.display()
    )
}

/// Whether the virtualenv's python imports the pinned wasmtime.
pub fn is_ready(sh: &Shell, target_dir: &Path) -> bool {
    let python = python(target_dir);
    let version = WASMTIME.trim_start_matches("wasmtime==");
    let check = format!(
        "import importlib.metadata as m; import wasmtime; \
         assert m.version('wasmtime') == '{version}'"
    );
    python.is_file() && runs_cleanly(cmd!(sh, "{python} -c {check}"))
}

/// Makes the virtualenv with the pinned wasmtime unless it is there, saying on stderr what it
/// installs and why; stops with the exact commands when it cannot. The installers' own output goes
/// where `echo` says.
pub fn ensure(sh: &Shell, target_dir: &Path, echo: Echo<'_>) -> anyhow::Result<()> {
    if is_ready(sh, target_dir) {
        return Ok(());
    }
    if !has_venv_module(sh) {
        if !apt::is_available(sh) {
            return Err(ConfigError::new(
                format!("python3 with its venv module is not installed ({WHY})"),
                "install Python 3 with venv (Fedora: `sudo dnf install python3`, macOS: \
                 `brew install python`), then run this again",
            )
            .into());
        }
        apt::install(sh, DEBIAN_PACKAGE, WHY, echo)?;
    }
    let venv = venv_dir(target_dir);
    eprintln!(
        "installing {WASMTIME} from PyPI into {}: {WHY}",
        venv.display()
    );
    let made = echo
        .run(cmd!(sh, "python3 -m venv --clear {venv}").quiet())
        .and_then(|()| {
            let pip = venv.join("bin").join("pip");
            echo.run(
                cmd!(
                    sh,
                    "{pip} install --quiet --disable-pip-version-check {WASMTIME}"
                )
                .quiet(),
            )
        });
    made.map_err(|err| {
        ConfigError::new(
            format!("could not make the Python host: {err}"),
            format!(
                "run `{}` and look at what it says",
                install_command(target_dir)
            ),
        )
    })?;
    anyhow::ensure!(
        is_ready(sh, target_dir),
        "{} was installed but its python cannot import it",
        WASMTIME
    );
    Ok(())
}

/// Whether `python3 -m venv` can work: Debian ships `ensurepip` separately, in python3-venv.
fn has_venv_module(sh: &Shell) -> bool {
    let code = "import venv, ensurepip";
    runs_cleanly(cmd!(sh, "python3 -c {code}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_virtualenv_lives_under_the_target_dir_and_the_command_names_the_pin() {
        let target = Path::new("/t/target");
        assert_eq!(
            python(target),
            Path::new("/t/target/python-host/venv/bin/python")
        );
        assert_eq!(
            install_command(target),
            "python3 -m venv /t/target/python-host/venv && \
             /t/target/python-host/venv/bin/pip install wasmtime==50.0.1"
        );
    }

    #[test]
    fn an_empty_target_dir_holds_no_ready_host() {
        let dir = tempfile::tempdir().unwrap();
        let sh = Shell::new().unwrap();
        assert!(!is_ready(&sh, dir.path()));
    }
}
