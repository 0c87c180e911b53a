//! Paths outside the directory a host granted, through `cortex_open_dir` of the optimised
//! cortex-core-fs module in the embedded host: a `..` out of it, a directory never granted and a
//! symlink leading out are `CORTEX_E_STORE_FILE` with a message naming the path, and nothing is
//! created outside; a symlink that stays inside is followed.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::fs_module::{granted, open_dir, Granted, E_STORE_FILE, UNLIMITED};

/// Every path under `dir`, sorted: what a test compares before and after.
fn tree(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            found.push(path.strip_prefix(dir).unwrap().display().to_string());
            if path.is_dir() && !path.is_symlink() {
                pending.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn paths_that_leave_the_granted_directory_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let inside = root.path().join("granted");
    let outside = root.path().join("outside");
    std::fs::create_dir_all(&inside).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, inside.join("out-absolute")).unwrap();
    std::os::unix::fs::symlink("../outside", inside.join("out-relative")).unwrap();
    std::fs::create_dir(inside.join("sub")).unwrap();
    std::os::unix::fs::symlink("sub", inside.join("in-relative")).unwrap();
    let before = tree(root.path());

    let Granted { mut abi, .. } = granted(&inside, UNLIMITED);
    for path in [
        "/data/../outside/store",
        "/data/sub/../../outside/store",
        "/elsewhere/store",
        "/data/out-absolute/store",
        "/data/out-relative/store",
        "/data/out-relative",
    ] {
        let code = open_dir(&mut abi, path, 0).unwrap();
        assert_eq!(code, E_STORE_FILE, "cortex_open_dir({path:?})");
        let message = abi.last_error_message().unwrap();
        assert!(message.contains(path), "{path:?}: {message}");
        assert_eq!(tree(root.path()), before, "{path:?} changed the disk");
    }

    let handle = open_dir(&mut abi, "/data/in-relative/store", 0).unwrap();
    assert!(
        handle > 0,
        "a symlink inside the granted directory: {handle}"
    );
    assert!(inside.join("sub/store").is_dir());
    assert!(tree(&outside).is_empty(), "{:?}", tree(&outside));
}
