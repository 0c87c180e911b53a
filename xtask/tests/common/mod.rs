//! What the xtask's end-to-end tests share: the xtask binary run on a copy of the `tiny` fixture
//! crate, and real artifacts built and optimised through the xtask itself.
// Each test binary uses its own part of this; a panic here is the failure report of a test.
#![allow(dead_code, clippy::unwrap_used)]

#[cfg(feature = "runtime")]
pub mod core_module;
#[cfg(feature = "runtime")]
pub mod fs_module;
pub mod function_body;
pub mod git;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

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

    /// Where the xtask keeps this copy's modules under the target dir: cargo's output is copied to
    /// `modules/<artifact>/shipped.wasm`, the optimised module written to `opt/<artifact>.wasm`.
    pub fn gate_dir(&self) -> PathBuf {
        gate_dir_of(self.dir.path(), &self.target_dir)
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

/// Runs `command` and checks it succeeded, saying `what` failed and its stderr if not; its output.
pub fn succeeded(command: &mut Command, what: &str) -> Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}",
        output.status,
        stderr(&output)
    );
    output
}

/// Checks the run exited with `code`, showing its stderr if not; the stderr.
pub fn exited(output: &Output, code: i32) -> String {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "{err}");
    err
}

/// Checks `text` (a run's stdout or stderr) holds `wanted`, showing it whole if not.
pub fn assert_holds(text: &str, wanted: &str) {
    assert!(text.contains(wanted), "no {wanted:?} in:\n{text}");
}

/// Where the xtask keeps the modules of the workspace at `root` under `target_dir`.
pub fn gate_dir_of(root: &Path, target_dir: &Path) -> PathBuf {
    target_dir
        .join("wasm-gate")
        .join(xtask::project::build_dirs::root_key(root))
}

/// The workspace's root directory.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// The workspace's target directory, where `cargo xtask size-check` builds: asked of cargo as the
/// xtask asks it, so it honours `CARGO_TARGET_DIR` and `build.target-dir` alike. Not derived from
/// `CARGO_TARGET_TMPDIR`, which sits under `<target-dir>/<triple>` when the tests are built with
/// `--target`, and under `build.build-dir` when one is set.
pub fn workspace_target_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        xtask::project::Workspace::discover_in(workspace_root())
            .unwrap()
            .target_dir
    })
}

/// The cargo command whose build holds the native wasm-demo: the test build's own selection
/// (`--workspace`, with dev-dependencies), cut down to the demo's integration test, which needs the
/// demo binary. Cargo resolves features for what it selects, so `cargo run -p wasm-demo` would
/// resolve others (cortex-core without `native`, tokio and the proc macros with it) and compile them
/// all again; `tests/feature_alignment.rs` checks this one compiles nothing the test build does not.
pub const NATIVE_DEMO_BUILD: &[&str] = &["test", "--workspace", "--no-run", "--test", "summary"];

/// Runs `xtask wasm -p <package>` from the workspace root into the workspace's own target dir, asserts
/// it succeeded and that the xtask verified the optimised module itself (`verified` is the line it
/// prints for that), and returns the directory where the xtask keeps the workspace's modules
/// (`modules/<artifact>/shipped.wasm`, `opt/<artifact>.wasm`).
///
/// The modules are those `cargo xtask size-check` builds, in the same directories, so a fresh clone
/// compiles them once whichever of the two runs first. Tests that run at once share them safely:
/// cargo's lock on each artifact's target dir lets one build at a time (the others then find it
/// fresh), and the xtask replaces its copy of the module, the optimised module and their stamps
/// atomically, with the same bytes.
pub fn build_with_xtask(package: &str, verified: &str) -> &'static Path {
    let target = workspace_target_dir();
    let output = succeeded(
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["wasm", "-p", package])
            .current_dir(workspace_root())
            .env("CARGO_TARGET_DIR", target),
        &format!("xtask wasm -p {package}"),
    );
    let stderr = stderr(&output);
    // The verdict is skipped only for the very raw and optimised bytes this xtask binary (the one
    // `cargo xtask` runs too) checked before, for example in the size check that ran first.
    let skipped =
        format!("{package}: behaviour check skipped (modules unchanged since they passed it)");
    assert!(
        stderr.contains(&format!("{package}: {verified}")) || stderr.contains(&skipped),
        "the xtask checks it itself (or did for these very modules):\n{stderr}"
    );
    static GATE: OnceLock<PathBuf> = OnceLock::new();
    GATE.get_or_init(|| gate_dir_of(workspace_root(), target))
}

/// The optimised module of a cortex-core `package` (`opt/<package>.wasm`), built by
/// [`build_with_xtask`], which checks it passes the cortex-core ABI session.
pub fn build_cortex_module(package: &str) -> PathBuf {
    let verified = "optimised module passes the cortex-core ABI session";
    let gate = build_with_xtask(package, verified);
    gate.join("opt").join(format!("{package}.wasm"))
}

/// The bytes of the module at `path`, or a panic naming it.
pub fn read_module(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}
