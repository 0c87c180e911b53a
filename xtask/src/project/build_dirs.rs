//! Where a workspace's wasm builds go under a target directory that other checkouts may share: one
//! directory per workspace root, and in it one cargo target dir that artifacts share unless sharing
//! would let two builds write the same file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The directory name of the workspace at `root`: its own name (for a person looking), then a hash
/// of its full path. Cargo names units by paths relative to the workspace, so two checkouts
/// building into one directory would take each other's fresh units for their own; a directory per
/// root keeps them apart.
pub fn root_key(root: &Path) -> String {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let digest = Sha256::digest(root.as_os_str().as_encoded_bytes());
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name: String = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(32)
        .collect();
    if name.is_empty() {
        hash
    } else {
        format!("{name}-{hash}")
    }
}

/// A workspace member as far as sharing a target dir is concerned.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub manifest_dir: PathBuf,
    /// Its library is a `cdylib` or `dylib`: cargo names such a unit's files without a hash, so two
    /// builds of it with other features or flags write the same files.
    pub unhashed_lib: bool,
    /// The directories of the path dependencies it builds with (normal and build dependencies).
    pub path_dependencies: Vec<PathBuf>,
}

/// The members that build in a target dir of their own: every member whose build compiles an
/// unhashed library that another member's build compiles too (with other features, or as the final
/// unit with other flags), so neither build overwrites the other's files. All others share one
/// directory, so each dependency compiles once for them all.
pub fn members_needing_own_dir(members: &[Member]) -> BTreeSet<String> {
    let by_dir: BTreeMap<&Path, &Member> = members
        .iter()
        .map(|m| (m.manifest_dir.as_path(), m))
        .collect();
    let closures: Vec<(&str, BTreeSet<&str>)> = members
        .iter()
        .map(|m| (m.name.as_str(), built_with(m, &by_dir)))
        .collect();
    let mut own = BTreeSet::new();
    for unhashed in members.iter().filter(|m| m.unhashed_lib) {
        let users: Vec<&str> = closures
            .iter()
            .filter(|(_, built)| built.contains(unhashed.name.as_str()))
            .map(|(name, _)| *name)
            .collect();
        if users.len() > 1 {
            own.extend(users.into_iter().map(str::to_owned));
        }
    }
    own
}

/// The members whose units `start`'s build compiles: itself and its path dependencies, transitively.
fn built_with<'a>(start: &'a Member, by_dir: &BTreeMap<&Path, &'a Member>) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(member) = stack.pop() {
        if seen.insert(member.name.as_str()) {
            stack.extend(
                member
                    .path_dependencies
                    .iter()
                    .filter_map(|dir| by_dir.get(dir.as_path()).copied()),
            );
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, unhashed_lib: bool, deps: &[&str]) -> Member {
        Member {
            name: name.into(),
            manifest_dir: PathBuf::from(format!("/ws/{name}")),
            unhashed_lib,
            path_dependencies: deps
                .iter()
                .map(|d| PathBuf::from(format!("/ws/{d}")))
                .collect(),
        }
    }

    #[test]
    fn a_cdylib_another_member_builds_sends_both_to_their_own_dirs() {
        let members = [
            member("core", true, &[]),
            member("demo", false, &["core"]),
            member("bench", false, &["demo"]),
            member("other", false, &["util"]),
            member("util", false, &[]),
            member("plugin", true, &["util"]),
        ];
        let own = members_needing_own_dir(&members);
        // bench reaches core through demo; util is hashed, so its users share; plugin is built alone.
        assert_eq!(
            own.into_iter().collect::<Vec<_>>(),
            ["bench", "core", "demo"]
        );
    }

    #[test]
    fn members_of_rlibs_and_lone_cdylibs_all_share() {
        let members = [
            member("a", false, &["lib"]),
            member("b", false, &["lib"]),
            member("lib", false, &[]),
            member("module", true, &["lib"]),
        ];
        assert!(members_needing_own_dir(&members).is_empty());
    }

    #[test]
    fn the_key_names_the_directory_and_tells_two_paths_apart() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("my app"), dir.path().join("other"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(b.join("my app")).unwrap();
        let key = root_key(&a);
        assert!(key.starts_with("my_app-"), "{key}");
        assert_eq!(key.len(), "my_app-".len() + 16, "{key}");
        assert_eq!(
            key,
            root_key(&a.join("..").join("my app")),
            "same place, same key"
        );
        assert_ne!(key, root_key(&b.join("my app")), "same name elsewhere");
    }
}
