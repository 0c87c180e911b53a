//! The wasm build commands the README gives, run as a user types them (from the root or a crate's
//! directory), each checked by what its module exports: the C ABI where the `wasm` feature is on,
//! none of it where it is off.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A command of the README's "Building for wasm" section: the directory it runs in, what follows
/// `cargo` as the README gives it, and the module it writes (relative to the target directory).
struct BuildCommand {
    dir: &'static str,
    args: &'static str,
    module: &'static str,
    exports_abi: bool,
    /// Whether README.md gives it, word for word.
    in_readme: bool,
}

const COMMANDS: &[BuildCommand] = &[
    BuildCommand {
        dir: ".",
        args: "build --target wasm32-wasip1 -p cortex-core",
        module: "wasm32-wasip1/debug/cortex_core.wasm",
        exports_abi: true,
        in_readme: true,
    },
    BuildCommand {
        dir: ".",
        args: "build --target wasm32-wasip1 -p cortex-core --release",
        module: "wasm32-wasip1/release/cortex_core.wasm",
        exports_abi: true,
        in_readme: true,
    },
    BuildCommand {
        dir: ".",
        args: "build --target wasm32-wasip1 -p cortex-core --profile wasm-release",
        module: "wasm32-wasip1/wasm-release/cortex_core.wasm",
        exports_abi: true,
        in_readme: true,
    },
    BuildCommand {
        dir: "examples/wasm-demo",
        args: "build --target wasm32-wasip1 --release",
        module: "wasm32-wasip1/release/wasm-demo.wasm",
        exports_abi: false,
        in_readme: true,
    },
    BuildCommand {
        dir: "cortex-core",
        args: "build --target wasm32-wasip1 --no-default-features --features wasm",
        module: "wasm32-wasip1/debug/cortex_core.wasm",
        exports_abi: true,
        in_readme: true,
    },
    // Not in the README: the same crate without the feature, so the feature is shown to matter.
    BuildCommand {
        dir: "cortex-core",
        args: "build --target wasm32-wasip1 --no-default-features",
        module: "wasm32-wasip1/debug/cortex_core.wasm",
        exports_abi: false,
        in_readme: false,
    },
];

fn exports(module: &Path) -> Vec<String> {
    let bytes = std::fs::read(module).unwrap();
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let wasmparser::Payload::ExportSection(exports) = payload.unwrap() {
            names.extend(exports.into_iter().map(|e| e.unwrap().name.to_owned()));
        }
    }
    names
}

#[test]
fn the_readme_build_commands_work_and_the_wasm_feature_exports_the_abi() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    // A directory the tests own, so these debug and release builds never touch the workspace's.
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("readme-wasm-builds");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    for command in COMMANDS {
        let typed = match command.dir {
            "." => format!("cargo {}", command.args),
            dir => format!("cd {dir} && cargo {}", command.args),
        };
        assert!(
            readme.contains(&typed) || !command.in_readme,
            "README.md no longer gives `{typed}`; keep the two in step"
        );
        common::succeeded(
            Command::new(&cargo)
                .args(command.args.split(' '))
                .current_dir(root.join(command.dir))
                .env("CARGO_TARGET_DIR", &target),
            &format!("`{typed}`"),
        );
        let names = exports(&target.join(command.module));
        assert_eq!(
            names.iter().any(|name| name == "cortex_abi_version"),
            command.exports_abi,
            "`{typed}`: exports {names:?}"
        );
        if command.exports_abi {
            assert!(
                names.iter().any(|name| name == "cortex_append"),
                "`{typed}`: the whole ABI, not just its version: {names:?}"
            );
        }
    }
}
