//! The wasm-bindgen fixture (`fixtures/bindgen`) copied into a temporary workspace, and the xtask
//! binary run on it, for the tests of wasm-bindgen artifacts.
// Each test binary uses its own part of this; a panic here is the failure report of a test.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{exited, gate_dir_of};

/// The fixture's files, as a copy needs them.
const FILES: [&str; 5] = [
    "Cargo.toml",
    "Cargo.lock",
    "src/lib.rs",
    "src/snippets.rs",
    "js/tag.js",
];

/// The wasm-bindgen version `fixtures/bindgen/Cargo.lock` pins.
pub const VERSION: &str = "0.2.100";

/// A copy of `fixtures/bindgen` in a temporary directory, with a budget file of the test's choosing.
pub struct BindgenCrate {
    pub dir: tempfile::TempDir,
}

impl BindgenCrate {
    pub fn new(budget: &str) -> BindgenCrate {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let source = manifest_dir.join("tests/fixtures/bindgen");
        let dir = tempfile::tempdir().unwrap();
        for file in FILES {
            let to = dir.path().join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(source.join(file), to).unwrap();
        }
        let toolchain = manifest_dir.join("../rust-toolchain.toml");
        std::fs::copy(toolchain, dir.path().join("rust-toolchain.toml")).unwrap();
        std::fs::write(dir.path().join("size-budget.toml"), budget).unwrap();
        BindgenCrate { dir }
    }

    /// One target dir for every test here, so wasm-bindgen-cli is installed once; each copy still
    /// builds and keeps its modules apart (the gate keys them by the workspace's path).
    pub fn target_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bindgen")
    }

    pub fn gate_dir(&self) -> PathBuf {
        gate_dir_of(self.dir.path(), &Self::target_dir())
    }

    /// Replaces the copy's size-budget.toml.
    pub fn write_budget(&self, text: &str) {
        std::fs::write(self.dir.path().join("size-budget.toml"), text).unwrap();
    }

    /// Runs wasm-bindgen (the tests' install of it) by hand on the module cargo built for the
    /// copy, with glue for `target`, into a new directory.
    pub fn bind_by_hand(&self, target: &str) -> tempfile::TempDir {
        let out = tempfile::tempdir().unwrap();
        let cli = Self::target_dir().join(format!("tools/wasm-bindgen-{VERSION}/bin/wasm-bindgen"));
        let status = Command::new(&cli)
            .arg(self.gate_dir().join("modules/greet/shipped.wasm"))
            .arg("--out-dir")
            .arg(out.path())
            .args(["--out-name", "greet", "--target", target])
            .args(["--no-typescript", "--no-demangle"])
            .status()
            .unwrap();
        assert!(status.success());
        out
    }

    /// Runs `size-check --json --update` on the copy, checks it passed, and returns its report
    /// and its stderr.
    pub fn size_check_json(&self) -> (serde_json::Value, String) {
        let output = self.xtask(&["size-check", "--json", "--update"], &[]);
        let err = exited(&output, 0);
        (serde_json::from_slice(&output.stdout).unwrap(), err)
    }

    pub fn xtask(&self, args: &[&str], env: &[(&str, &Path)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("CARGO_TARGET_DIR", Self::target_dir())
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("WASM_BINDGEN");
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().unwrap()
    }
}

/// A budget file with the fixture as its one artifact, its defaults untouched.
pub const BUDGET: &str = "[artifact.greet]\nbudget = \"64 KiB\"\n";
