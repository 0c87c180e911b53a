//! What the xtask's end-to-end tests share: the xtask binary run on a copy of the `tiny` fixture
//! crate, and real artifacts built and optimised through the xtask itself.
// Each test binary uses its own part of this; a panic here is the failure report of a test.
#![allow(dead_code, clippy::unwrap_used)]

#[cfg(feature = "runtime")]
pub mod core_module;
pub mod function_body;
pub mod git;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixture's program with a function that LTO and wasm-opt keep: it has a loop and two callers.
pub const WITH_CHECKSUM: &str = r#"//! A small program for the size gate's end-to-end test, with one more function.

#[inline(never)]
fn checksum_of_words(words: &[&str]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for word in words {
        for byte in word.bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
        }
    }
    hash
}

fn main() {
    let words = ["alpha", "beta", "gamma"];
    for (i, word) in words.iter().enumerate() {
        println!("{i}: {word} has {} letters", word.len());
    }
    println!("{}", checksum_of_words(std::hint::black_box(&words)));
    println!("{}", checksum_of_words(std::hint::black_box(&words[1..])));
}
"#;

/// A copy of `fixtures/tiny` in a temporary directory, with a budget file of the test's choosing,
/// so budget and baseline files can be written into it.
pub struct TinyCrate {
    pub dir: tempfile::TempDir,
    pub target_dir: PathBuf,
}

impl TinyCrate {
    /// `target` names the target directory under the tests' own, so tests that run in parallel
    /// never replace each other's modules mid-read, while a re-run stays warm.
    pub fn new(target: &str, budget: &str) -> TinyCrate {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let source = manifest_dir.join("tests/fixtures/tiny");
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        for file in ["Cargo.toml", "src/main.rs"] {
            std::fs::copy(source.join(file), dir.path().join(file)).unwrap();
        }
        // The fixture is measured with the compiler the workspace pins.
        let toolchain = manifest_dir.join("../rust-toolchain.toml");
        std::fs::copy(toolchain, dir.path().join("rust-toolchain.toml")).unwrap();
        let target_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(target);
        let tiny = TinyCrate { dir, target_dir };
        tiny.write("size-budget.toml", budget);
        tiny
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    pub fn write(&self, file: &str, contents: &str) {
        std::fs::write(self.path(file), contents).unwrap();
    }

    pub fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.path(file)).unwrap()
    }

    /// Runs the xtask binary in the copy, into its own target directory.
    pub fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .current_dir(self.dir.path())
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap()
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs `xtask wasm -p <package>` from the workspace root into a target dir the tests own (warm on
/// reruns), asserts it succeeded and that the xtask verified the optimised module itself (`verified` is
/// the line it prints for that), and returns that target dir.
pub fn build_with_xtask(package: &str, verified: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasm-builds");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["wasm", "-p", package])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let stderr = stderr(&output);
    assert!(
        output.status.success(),
        "xtask wasm -p {package} failed:\n{stderr}"
    );
    let skipped =
        format!("{package}: behaviour check skipped (modules unchanged since they passed it)");
    assert!(
        stderr.contains(&format!("{package}: {verified}")) || stderr.contains(&skipped),
        "the xtask checks it itself (or did for these very modules):\n{stderr}"
    );
    target
}
