//! Two checkouts of one workspace building into one target dir: each is measured by its own sources.
#![allow(clippy::unwrap_used)]

mod common;

use common::{stderr, TinyCrate, WITH_CHECKSUM};

const BUDGET: &str =
    "[tolerance]\npercent = 0.0\nbytes = 0\n\n[artifact.tiny]\nbudget = \"1 MiB\"\n";

/// The optimised size a `size-check --json` run reports for the copy's one artifact.
fn checked_size(copy: &TinyCrate, args: &[&str]) -> (Option<i32>, u64, String) {
    let mut all = vec!["size-check", "--json"];
    all.extend_from_slice(args);
    let output = copy.xtask(&all);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}", stderr(&output)));
    let size = report["artifacts"][0]["opt_bytes"].as_u64().unwrap();
    (output.status.code(), size, stderr(&output))
}

#[test]
fn a_checkout_is_measured_by_its_own_module_whatever_another_built_since() {
    // Both copies of the fixture build into the same target dir, as two worktrees with one
    // CARGO_TARGET_DIR do; cargo names their units alike, since it names them by relative paths.
    let this = TinyCrate::new("shared-target", BUDGET);
    let other = TinyCrate::new("shared-target", BUDGET);
    assert_eq!(this.target_dir, other.target_dir);

    let (code, this_size, err) = checked_size(&this, &["--update"]);
    assert_eq!(code, Some(0), "{err}");

    // The other checkout changes its program and builds it after this one was built.
    other.write("src/main.rs", WITH_CHECKSUM);
    let (code, other_size, err) = checked_size(&other, &["--update"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        other_size > this_size,
        "the other program is larger ({other_size} B against {this_size} B), or this test proves nothing"
    );

    // Unchanged, this checkout measures what its own sources build: no growth, its own bytes.
    let (code, size, err) = checked_size(&this, &[]);
    assert_eq!(size, this_size, "{err}");
    assert_eq!(code, Some(0), "{err}");

    // And the other keeps measuring its own, with this one built last.
    let (code, size, err) = checked_size(&other, &[]);
    assert_eq!((code, size), (Some(0), other_size), "{err}");

    // What each keeps on disk is its own module, wherever the two are read from.
    let ours = std::fs::read(this.gate_dir().join("opt/tiny.wasm")).unwrap();
    let theirs = std::fs::read(other.gate_dir().join("opt/tiny.wasm")).unwrap();
    assert_eq!(ours.len() as u64, this_size);
    assert_eq!(theirs.len() as u64, other_size);
}
