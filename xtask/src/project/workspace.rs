//! What cargo knows about the workspace: its root, target directory and the wasm targets of each crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use cargo_metadata::{CrateType, DependencyKind, MetadataCommand, TargetKind};

mod profiles;

use super::build_dirs::{self, Member};
use crate::failure::ConfigError;
pub use profiles::{cargo_home, profiles, BUILT_IN_PROFILES};

/// The triple an artifact is built for unless size-budget.toml says otherwise.
pub const WASM_TARGET: &str = Triple::Wasip1.as_str();
pub const WASM_PROFILE: &str = "wasm-release";

/// The wasm target an artifact is compiled for: `triple` in size-budget.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Triple {
    /// A WASI module (a command, or a library a WASI host loads): the default.
    Wasip1,
    /// A module with no system interface, as browsers load it (through wasm-bindgen's glue).
    Unknown,
}

impl Triple {
    pub const ALL: [Triple; 2] = [Triple::Wasip1, Triple::Unknown];

    pub const fn as_str(self) -> &'static str {
        match self {
            Triple::Wasip1 => "wasm32-wasip1",
            Triple::Unknown => "wasm32-unknown-unknown",
        }
    }

    pub fn parse(text: &str) -> Option<Triple> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    /// Honours `CARGO_TARGET_DIR` and `build.target-dir`, because cargo computed it.
    pub target_dir: PathBuf,
    /// Where optimised modules go: `<gate_dir>/opt`, unless a base of `size-diff` keeps its own.
    pub opt_dir: PathBuf,
    /// Where this workspace's artifacts are built and kept: `<target-dir>/wasm-gate/<root key>`,
    /// apart from every other checkout that shares the target dir; the bases of `size-diff` share
    /// another.
    pub gate_dir: PathBuf,
    /// Where the unoptimised modules are kept once built: `<gate_dir>/modules`, unless a base of
    /// `size-diff` keeps its own.
    pub module_dir: PathBuf,
    pub crates: BTreeMap<String, WasmCrate>,
    /// The members that build in a cargo target dir of their own rather than the shared one.
    pub own_dir_crates: BTreeSet<String>,
    /// The cargo profiles a build can name: cargo's own, the root manifest's `[profile.*]` and
    /// those of the cargo config files a build in the workspace reads.
    pub profiles: BTreeSet<String>,
}

/// A workspace member and the targets of it that compile to a `.wasm` module.
#[derive(Debug, Clone)]
pub struct WasmCrate {
    pub manifest_dir: PathBuf,
    pub targets: Vec<WasmTarget>,
    /// It depends on `wasm-bindgen`, so it ships as a module and the JS glue wasm-bindgen writes.
    pub uses_wasm_bindgen: bool,
    /// The features its manifest defines (`[features]`), which an artifact may turn on.
    pub features: BTreeSet<String>,
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

    /// The file name without `.wasm`: the name wasm-bindgen gives its files.
    pub fn file_stem(&self) -> String {
        self.file_name().trim_end_matches(".wasm").to_owned()
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
        let mut members = Vec::new();
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
            members.push(Member {
                name: package.name.to_string(),
                manifest_dir: manifest_dir.as_std_path().to_path_buf(),
                unhashed_lib: package.targets.iter().any(|target| {
                    target.crate_types.contains(&CrateType::CDyLib)
                        || target.crate_types.contains(&CrateType::DyLib)
                }),
                path_dependencies: package
                    .dependencies
                    .iter()
                    .filter(|dep| dep.kind != DependencyKind::Development)
                    .filter_map(|dep| dep.path.as_ref().map(|p| p.as_std_path().to_path_buf()))
                    .collect(),
            });
            crates.insert(
                package.name.to_string(),
                WasmCrate {
                    manifest_dir: manifest_dir.as_std_path().to_path_buf(),
                    targets,
                    uses_wasm_bindgen: package.dependencies.iter().any(|dep| {
                        dep.name == "wasm-bindgen" && dep.kind == DependencyKind::Normal
                    }),
                    features: package.features.keys().cloned().collect(),
                },
            );
        }
        let target_dir: PathBuf = metadata.target_directory.into();
        let root: PathBuf = metadata.workspace_root.into();
        let gate_dir = target_dir
            .join("wasm-gate")
            .join(build_dirs::root_key(&root));
        Ok(Workspace {
            profiles: profiles::of_workspace(&root),
            opt_dir: gate_dir.join("opt"),
            module_dir: gate_dir.join("modules"),
            gate_dir,
            root,
            target_dir,
            crates,
            own_dir_crates: build_dirs::members_needing_own_dir(&members),
        })
    }

    /// The cargo target directory artifact `name` of crate `krate` builds in: the one its workspace's
    /// artifacts share, or one of its own (see [`build_dirs::members_needing_own_dir`]), which an
    /// artifact with features of its own also gets, so its crate's unhashed files are not those of
    /// another artifact of the same crate. Both builds of an artifact use it; they differ in the
    /// final unit's flags alone, so they share every dependency.
    pub fn artifact_target_dir(&self, name: &str, krate: &str, own_features: bool) -> PathBuf {
        if own_features || self.own_dir_crates.contains(krate) {
            self.gate_dir.join("own").join(name)
        } else {
            self.gate_dir.join("shared")
        }
    }

    /// Where the unoptimised module of artifact `name` is kept once built: a copy of the file cargo
    /// reported for this workspace's build, which another artifact's build in the same target dir
    /// cannot replace.
    pub fn raw_path(&self, name: &str, build: BuildKind) -> PathBuf {
        self.module_dir.join(name).join(build.file_name())
    }

    /// Where wasm-bindgen writes the `kind` build of artifact `name`.
    pub fn bindgen_dir(&self, name: &str, build: BuildKind) -> PathBuf {
        let kind = build.file_name().trim_end_matches(".wasm");
        self.gate_dir.join("bindgen").join(name).join(kind)
    }

    /// Where the optimised module of a wasm-bindgen artifact `name` goes with its glue, as they
    /// ship: `<opt_dir>/<name>/`.
    pub fn optimised_package(&self, name: &str) -> PathBuf {
        self.opt_dir.join(name)
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

impl BuildKind {
    fn file_name(self) -> &'static str {
        match self {
            BuildKind::Shipped => "shipped.wasm",
            BuildKind::Named => "named.wasm",
        }
    }
}
