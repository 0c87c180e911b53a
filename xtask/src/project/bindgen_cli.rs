//! The wasm-bindgen CLI of the version a workspace's Cargo.lock pins (its schema must match the
//! macro's): `WASM_BINDGEN` when set, the one on `PATH` when it is that version, else one cargo
//! installs under the target dir on first use and later runs reuse.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use xshell::{cmd, Shell};

use crate::failure::ConfigError;

/// The variable that names a wasm-bindgen CLI to use instead of looking for one.
pub const ENV: &str = "WASM_BINDGEN";

/// A wasm-bindgen CLI and the version it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindgenCli {
    pub path: PathBuf,
    pub version: String,
}

/// The version of the `wasm-bindgen` crate `lock` (a Cargo.lock's text, read from `file`) pins.
pub fn locked_version(file: &Path, lock: &str) -> Result<String, ConfigError> {
    let parsed: toml::Table = toml::from_str(lock).map_err(|err| {
        ConfigError::new(
            format!("{}: {}", file.display(), err.message()),
            "regenerate it with `cargo generate-lockfile`",
        )
    })?;
    let mut versions: Vec<&str> = parsed
        .get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter(|package| package.get("name").and_then(toml::Value::as_str) == Some("wasm-bindgen"))
        .filter_map(|package| package.get("version").and_then(toml::Value::as_str))
        .collect();
    versions.dedup();
    match versions.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => Err(ConfigError::new(
            format!("{} pins no version of wasm-bindgen", file.display()),
            "run `cargo generate-lockfile` in the workspace, so the CLI can be matched to it",
        )),
        several => Err(ConfigError::new(
            format!(
                "{} pins several versions of wasm-bindgen ({}), and one CLI can read only one",
                file.display(),
                several.join(", ")
            ),
            format!(
                "unify them, e.g. `cargo update -p wasm-bindgen@{} --precise {}`",
                several[0],
                several[several.len() - 1]
            ),
        )),
    }
}

/// The version `cli --version` reports (`wasm-bindgen 0.2.100`), or `None` when it does not run.
fn reported_version(sh: &Shell, cli: &Path) -> Option<String> {
    let out = cmd!(sh, "{cli} --version")
        .quiet()
        .ignore_stderr()
        .read()
        .ok()?;
    out.split_whitespace().nth(1).map(str::to_owned)
}

/// Where the gate installs wasm-bindgen-cli `version` under `target_dir`.
pub fn install_root(target_dir: &Path, version: &str) -> PathBuf {
    target_dir
        .join("tools")
        .join(format!("wasm-bindgen-{version}"))
}

/// A wasm-bindgen CLI of `version`: `WASM_BINDGEN` (refused when it is another version), the one on
/// `PATH` when it is this version, or the one under `target_dir`, installed by cargo if missing.
pub fn ensure(sh: &Shell, target_dir: &Path, version: &str) -> anyhow::Result<BindgenCli> {
    let install = format!("cargo install --locked wasm-bindgen-cli --version ={version}");
    if let Some(named) = std::env::var_os(ENV) {
        let path = PathBuf::from(named);
        return match reported_version(sh, &path) {
            Some(found) if found == version => Ok(BindgenCli {
                path,
                version: found,
            }),
            found => Err(ConfigError::new(
                format!(
                    "{ENV}={} is wasm-bindgen {}, and Cargo.lock pins wasm-bindgen {version}; \
                     another version would refuse the module or misread it",
                    path.display(),
                    found.as_deref().unwrap_or("(it does not run)")
                ),
                format!(
                    "unset {ENV} to let the gate install {version} under the target dir, \
                     or point it at wasm-bindgen {version} (`{install}`)"
                ),
            )
            .into()),
        };
    }
    let on_path = PathBuf::from("wasm-bindgen");
    match reported_version(sh, &on_path) {
        Some(found) if found == version => {
            return Ok(BindgenCli {
                path: on_path,
                version: found,
            })
        }
        Some(found) => eprintln!(
            "note: wasm-bindgen on PATH is {found}, and Cargo.lock pins {version}; not using it"
        ),
        None => {}
    }
    let root = install_root(target_dir, version);
    let installed = root
        .join("bin")
        .join(format!("wasm-bindgen{}", std::env::consts::EXE_SUFFIX));
    if reported_version(sh, &installed).as_deref() == Some(version) {
        return Ok(BindgenCli {
            path: installed,
            version: version.to_owned(),
        });
    }
    eprintln!(
        "installing wasm-bindgen-cli {version} (the version Cargo.lock pins) into {}; \
         this takes minutes, once per target dir: {install} --root {}",
        root.display(),
        root.display()
    );
    let started = Instant::now();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Installed beside its place and moved there whole, so a run that stops half-way, or another
    // installing at the same time, never leaves a half-written CLI where it is looked for.
    let staging = root.with_extension(format!("partial-{}", std::process::id()));
    // Its own build dir, so the install neither waits for nor fills the workspace's.
    let _target = sh.push_env("CARGO_TARGET_DIR", staging.join("build"));
    let status = cmd!(
        sh,
        "{cargo} install --locked wasm-bindgen-cli --version ={version} --root {staging}"
    )
    .run();
    if let Err(err) = status {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(ConfigError::new(
            format!("cargo could not install wasm-bindgen-cli {version}, which Cargo.lock pins: {err}"),
            format!(
                "pin a wasm-bindgen that installs here (`cargo update -p wasm-bindgen --precise VERSION`), \
                 or install it yourself and set {ENV} to its path"
            ),
        )
        .into());
    }
    // What it compiled is not needed once the binary is in place.
    let _ = std::fs::remove_dir_all(staging.join("build"));
    let _ = std::fs::remove_dir_all(&root);
    if let Err(err) = std::fs::rename(&staging, &root) {
        // Another run put its install there first; this one is not needed.
        let _ = std::fs::remove_dir_all(&staging);
        if !installed.exists() {
            return Err(err)
                .with_context(|| format!("move the installed CLI to {}", root.display()));
        }
    }
    eprintln!(
        "installed wasm-bindgen-cli {version} in {:.0}s; later runs reuse {}",
        started.elapsed().as_secs_f64(),
        installed.display()
    );
    let found = reported_version(sh, &installed)
        .with_context(|| format!("run {} --version", installed.display()))?;
    Ok(BindgenCli {
        path: installed,
        version: found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "greet"
version = "0.1.0"

[[package]]
name = "wasm-bindgen"
version = "0.2.100"
"#;

    #[test]
    fn the_pinned_version_is_read_from_the_lock() {
        assert_eq!(
            locked_version(Path::new("Cargo.lock"), LOCK).unwrap(),
            "0.2.100"
        );
    }

    #[test]
    fn a_lock_without_it_or_with_two_is_refused_with_the_fix() {
        let none = locked_version(Path::new("Cargo.lock"), "version = 4\n").unwrap_err();
        assert!(
            none.message.contains("pins no version of wasm-bindgen"),
            "{none}"
        );
        let two = format!("{LOCK}\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.99\"\n");
        let err = locked_version(Path::new("Cargo.lock"), &two).unwrap_err();
        assert!(
            err.message
                .contains("several versions of wasm-bindgen (0.2.100, 0.2.99)"),
            "{err}"
        );
        assert!(
            err.fix
                .contains("cargo update -p wasm-bindgen@0.2.100 --precise 0.2.99"),
            "{err}"
        );
    }
}
