//! What cargo knows about the workspace: its root, target directory and the wasm targets of each crate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use cargo_metadata::{CrateType, MetadataCommand, TargetKind};

use crate::failure::ConfigError;

pub const WASM_TARGET: &str = "wasm32-wasip1";
pub const WASM_PROFILE: &str = "wasm-release";

#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    /// Honours `CARGO_TARGET_DIR` and `build.target-dir`, because cargo computed it.
    pub target_dir: PathBuf,
    /// Where optimised modules go: `<target-dir>/wasm-opt`, unless a base of `size-diff` keeps its own.
    pub opt_dir: PathBuf,
    /// Where the artifacts are built: `<target-dir>/wasm-gate`; the bases of `size-diff` share another.
    pub gate_dir: PathBuf,
    pub crates: BTreeMap<String, WasmCrate>,
}

/// A workspace member and the targets of it that compile to a `.wasm` module.
#[derive(Debug, Clone)]
pub struct WasmCrate {
    pub manifest_dir: PathBuf,
    pub targets: Vec<WasmTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WasmTarget {
    pub name: String,
    pub kind: WasmKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WasmKind {
    Bin,
    Cdylib,
}

impl WasmTarget {
    /// The file cargo writes: `<bin>.wasm`, or `<lib_name>.wasm` with `-` turned into `_` for a cdylib.
    pub fn file_name(&self) -> String {
        match self.kind {
            WasmKind::Bin => format!("{}.wasm", self.name),
            WasmKind::Cdylib => format!("{}.wasm", self.name.replace('-', "_")),
        }
    }

    /// The cargo flag that builds only this target.
    pub fn cargo_selector(&self) -> Vec<String> {
        match self.kind {
            WasmKind::Bin => vec!["--bin".to_owned(), self.name.clone()],
            WasmKind::Cdylib => vec!["--lib".to_owned()],
        }
    }
}

impl Workspace {
    /// Ask cargo about the workspace that contains the current directory.
    pub fn discover() -> anyhow::Result<Workspace> {
        Self::discover_in(Path::new("."))
    }

    /// Ask cargo about the workspace that contains `dir`.
    pub fn discover_in(dir: &Path) -> anyhow::Result<Workspace> {
        let mut metadata = MetadataCommand::new();
        metadata.no_deps().current_dir(dir);
        let metadata = metadata.exec().map_err(|err| {
            ConfigError::new(
                format!("cargo metadata failed: {err}"),
                "run from inside a cargo workspace",
            )
        })?;
        let mut crates = BTreeMap::new();
        for package in metadata.workspace_packages() {
            let manifest_dir = package
                .manifest_path
                .parent()
                .with_context(|| format!("manifest of {} has no directory", package.name))?;
            let targets = package
                .targets
                .iter()
                .filter_map(|target| {
                    let kind = if target.is_kind(TargetKind::Bin) {
                        WasmKind::Bin
                    } else if target.crate_types.contains(&CrateType::CDyLib) {
                        WasmKind::Cdylib
                    } else {
                        return None;
                    };
                    Some(WasmTarget {
                        name: target.name.clone(),
                        kind,
                    })
                })
                .collect();
            crates.insert(
                package.name.to_string(),
                WasmCrate {
                    manifest_dir: manifest_dir.as_std_path().to_path_buf(),
                    targets,
                },
            );
        }
        let target_dir: PathBuf = metadata.target_directory.into();
        Ok(Workspace {
            root: metadata.workspace_root.into(),
            opt_dir: target_dir.join("wasm-opt"),
            gate_dir: target_dir.join("wasm-gate"),
            target_dir,
            crates,
        })
    }

    /// The target directory of artifact `name`'s own builds. Each artifact has one, because a crate
    /// that is both an artifact and another artifact's dependency is built with other features in
    /// each role, and one shared directory would rebuild it from scratch on every run.
    pub fn artifact_target_dir(&self, name: &str, build: BuildKind) -> PathBuf {
        let kind = match build {
            BuildKind::Shipped => "shipped",
            BuildKind::Named => "named",
        };
        self.gate_dir.join(name).join(kind)
    }

    /// Where cargo puts the unoptimised module of artifact `name`, built from `target`.
    pub fn raw_path(&self, name: &str, target: &WasmTarget, build: BuildKind) -> PathBuf {
        self.artifact_target_dir(name, build)
            .join(WASM_TARGET)
            .join(WASM_PROFILE)
            .join(target.file_name())
    }

    /// Where the optimised module of artifact `name` goes.
    pub fn optimised_path(&self, name: &str) -> PathBuf {
        self.opt_dir.join(format!("{name}.wasm"))
    }
}

/// Which build of an artifact: the module as it ships, or the copy that keeps function names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildKind {
    Shipped,
    Named,
}
