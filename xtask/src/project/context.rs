//! The context every command starts from, built once: the workspace as cargo sees it, the size
//! budget, and one shell sitting at the workspace root.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xshell::Shell;

use crate::project::bindgen_cli::{self, BindgenCli};
use crate::project::budget::{self, SizeBudget};
use crate::project::toolchain;
use crate::project::workspace::{Triple, Workspace};

#[derive(Debug)]
pub struct Context {
    pub workspace: Workspace,
    pub budget: SizeBudget,
    /// Every process goes through it; it sits at the workspace root.
    pub sh: Shell,
    /// The wasm targets whose standard library is known to be installed.
    targets_ready: RefCell<Vec<Triple>>,
    /// The wasm-bindgen CLI, once found or installed.
    bindgen_cli: RefCell<Option<BindgenCli>>,
}

impl Context {
    /// Asks cargo about the workspace around the current directory and reads its budget file.
    pub fn load() -> anyhow::Result<Self> {
        Self::with_workspace(Workspace::discover()?)
    }

    /// The context of the workspace at `dir` (another checkout, such as the base of `size-diff`).
    pub fn load_in(dir: &Path) -> anyhow::Result<Self> {
        Self::with_workspace(Workspace::discover_in(dir)?)
    }

    fn with_workspace(workspace: Workspace) -> anyhow::Result<Self> {
        let budget = SizeBudget::load(
            &workspace.root.join(budget::FILE_NAME),
            &workspace.crates,
            &workspace.profiles,
        )?;
        let sh = Shell::new().context("create a shell")?;
        sh.change_dir(&workspace.root);
        Ok(Self {
            workspace,
            budget,
            sh,
            targets_ready: RefCell::new(Vec::new()),
            bindgen_cli: RefCell::new(None),
        })
    }

    /// A file at the workspace root, such as `size-baseline.json`.
    pub fn root_file(&self, name: &str) -> PathBuf {
        self.workspace.root.join(name)
    }

    /// Makes sure the wasm32-wasip1 standard library is there before the first build (once per run).
    pub fn ensure_wasm_target(&self) -> anyhow::Result<()> {
        self.ensure_target(Triple::Wasip1)
    }

    /// Makes sure the standard library of `triple` is there before its first build (once per run).
    pub fn ensure_target(&self, triple: Triple) -> anyhow::Result<()> {
        if !self.targets_ready.borrow().contains(&triple) {
            toolchain::ensure_target(&self.sh, triple)?;
            self.targets_ready.borrow_mut().push(triple);
        }
        Ok(())
    }

    /// The wasm-bindgen CLI of the version the workspace's Cargo.lock pins, installed under the
    /// target dir on first use (once per run).
    pub fn bindgen_cli(&self) -> anyhow::Result<BindgenCli> {
        if let Some(cli) = self.bindgen_cli.borrow().as_ref() {
            return Ok(cli.clone());
        }
        let lock_path = self.root_file("Cargo.lock");
        let lock = std::fs::read_to_string(&lock_path).map_err(|err| {
            crate::failure::ConfigError::new(
                format!("cannot read {}: {err}", lock_path.display()),
                "run `cargo generate-lockfile`, so the wasm-bindgen CLI can be matched to the crate",
            )
        })?;
        let version = bindgen_cli::locked_version(&lock_path, &lock)?;
        let cli = bindgen_cli::ensure(&self.sh, &self.workspace.target_dir, &version)?;
        *self.bindgen_cli.borrow_mut() = Some(cli.clone());
        Ok(cli)
    }
}
