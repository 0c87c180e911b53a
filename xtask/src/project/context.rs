//! The context every command starts from, built once: the workspace as cargo sees it, the size
//! budget, and one shell sitting at the workspace root.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xshell::Shell;

use crate::project::budget::{self, SizeBudget};
use crate::project::toolchain;
use crate::project::workspace::Workspace;

#[derive(Debug)]
pub struct Context {
    pub workspace: Workspace,
    pub budget: SizeBudget,
    /// Every process goes through it; it sits at the workspace root.
    pub sh: Shell,
    wasm_target_ready: Cell<bool>,
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
        let budget = SizeBudget::load(&workspace.root.join(budget::FILE_NAME), &workspace.crates)?;
        let sh = Shell::new().context("create a shell")?;
        sh.change_dir(&workspace.root);
        Ok(Self {
            workspace,
            budget,
            sh,
            wasm_target_ready: Cell::new(false),
        })
    }

    /// A file at the workspace root, such as `size-baseline.json`.
    pub fn root_file(&self, name: &str) -> PathBuf {
        self.workspace.root.join(name)
    }

    /// Makes sure the wasm32-wasip1 standard library is there before the first build (once per run).
    pub fn ensure_wasm_target(&self) -> anyhow::Result<()> {
        if !self.wasm_target_ready.get() {
            toolchain::ensure_wasm_target(&self.sh)?;
            self.wasm_target_ready.set(true);
        }
        Ok(())
    }
}
