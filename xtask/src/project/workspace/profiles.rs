//! The cargo profiles a build can name: cargo's own, the root manifest's `[profile.*]`, and those of
//! the cargo config files cargo reads for a build started in the workspace.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The profiles cargo defines whatever the manifest says.
pub const BUILT_IN_PROFILES: [&str; 4] = ["dev", "release", "test", "bench"];

/// The profiles a workspace whose root manifest reads `manifest` can build with, when no cargo
/// config defines more.
pub fn profiles(manifest: &str) -> BTreeSet<String> {
    profiles_with_configs(manifest, &[])
}

/// The profiles of a workspace whose root manifest reads `manifest` and whose builds see the cargo
/// config files reading `configs`. A file that is not TOML defines none (cargo refuses it itself).
pub fn profiles_with_configs(manifest: &str, configs: &[String]) -> BTreeSet<String> {
    BUILT_IN_PROFILES
        .iter()
        .map(|p| (*p).to_owned())
        .chain(defined(manifest))
        .chain(configs.iter().flat_map(|config| defined(config)))
        .collect()
}

/// The names under `[profile]` in a manifest or a cargo config.
fn defined(text: &str) -> Vec<String> {
    toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|table| Some(table.get("profile")?.as_table()?.keys().cloned().collect()))
        .unwrap_or_default()
}

/// The cargo config files a build started in `dir` reads, in cargo's search order: `.cargo/config.toml`
/// in `dir` and in each of its parents, then `config.toml` in the cargo home. Where a directory has
/// both `config` (the older name) and `config.toml`, cargo reads `config`, and so is it here. A file
/// is listed once, where the cargo home is also a parent's `.cargo`.
pub fn config_files(dir: &Path, cargo_home: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    let config_dirs = dir
        .ancestors()
        .map(|ancestor| ancestor.join(".cargo"))
        .chain([cargo_home.to_path_buf()]);
    for config_dir in config_dirs {
        let found = ["config", "config.toml"]
            .iter()
            .map(|name| config_dir.join(name))
            .find(|file| file.is_file());
        if let Some(file) = found.filter(|file| !files.contains(file)) {
            files.push(file);
        }
    }
    files
}

/// The cargo home: `CARGO_HOME`, or `.cargo` in the home directory.
pub fn cargo_home() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home),
        None => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(".cargo"),
    }
}

/// The profiles of the workspace at `root`: its manifest's and those of the cargo configs a build
/// there reads.
pub fn of_workspace(root: &Path) -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    let configs: Vec<String> = config_files(root, &cargo_home())
        .iter()
        .filter_map(|file| std::fs::read_to_string(file).ok())
        .collect();
    profiles_with_configs(&manifest, &configs)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn a_profile_in_a_cargo_config_counts_as_one_in_the_manifest() {
        let manifest = "[package]\nname = \"x\"\n[profile.release]\nlto = true\n";
        let config = "[alias]\nxtask = \"run -p xtask --\"\n\n[profile.wasm-release]\ninherits = \"release\"\nopt-level = \"z\"\n";
        let without = profiles(manifest);
        assert!(!without.contains("wasm-release"), "{without:?}");
        let with = profiles_with_configs(manifest, &[config.to_owned()]);
        assert!(with.contains("wasm-release"), "{with:?}");
        assert!(with.contains("release") && with.contains("dev"), "{with:?}");
        assert_eq!(
            profiles_with_configs(manifest, &["not toml [".to_owned()]),
            without
        );
    }

    #[test]
    fn config_files_are_found_in_the_workspace_its_parents_and_the_cargo_home() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("outer/ws");
        let home = tmp.path().join("home/.cargo");
        write(&root.join(".cargo/config.toml"), "");
        write(&tmp.path().join("outer/.cargo/config.toml"), "");
        // The older name wins over config.toml where both are there.
        write(&tmp.path().join(".cargo/config"), "");
        write(&tmp.path().join(".cargo/config.toml"), "");
        write(&home.join("config.toml"), "");
        write(&root.join("member/.cargo/config.toml"), "");
        let files = config_files(&root, &home);
        let expected = [
            root.join(".cargo/config.toml"),
            tmp.path().join("outer/.cargo/config.toml"),
            tmp.path().join(".cargo/config"),
            home.join("config.toml"),
        ];
        assert_eq!(files[..expected.len()], expected, "{files:?}");
        // Whatever lies above the temporary directory comes between, and nothing else.
        assert_eq!(files.last(), Some(&home.join("config.toml")), "{files:?}");
        assert!(
            !files.contains(&root.join("member/.cargo/config.toml")),
            "{files:?}"
        );
    }

    #[test]
    fn the_cargo_home_is_read_once_when_it_is_also_a_parents_cargo_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        write(&tmp.path().join(".cargo/config.toml"), "");
        std::fs::create_dir_all(&root).unwrap();
        let files = config_files(&root, &tmp.path().join(".cargo"));
        let home_config = tmp.path().join(".cargo/config.toml");
        assert_eq!(
            files.iter().filter(|file| **file == home_config).count(),
            1,
            "{files:?}"
        );
    }

    #[test]
    fn a_workspace_whose_wasm_release_lives_in_its_cargo_config_has_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        write(&root.join("Cargo.toml"), "[workspace]\n");
        assert!(!of_workspace(&root).contains("wasm-release"));
        write(
            &root.join(".cargo/config.toml"),
            "[profile.wasm-release]\ninherits = \"release\"\n",
        );
        assert!(of_workspace(&root).contains("wasm-release"));
    }
}
