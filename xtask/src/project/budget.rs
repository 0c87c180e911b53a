//! `size-budget.toml`: which artifacts to build, their size ceilings and regression tolerances, and
//! the one way a name on the command line picks artifacts from it.

pub mod export_patterns;
mod parse;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::failure::ConfigError;
use crate::project::workspace::{Triple, WasmCrate, WasmKind, WasmTarget};

pub use parse::{parse, RUN_BUDGET_KEYS};

pub const FILE_NAME: &str = "size-budget.toml";

/// Used when the file has no `[tolerance]` table.
pub const DEFAULT_TOLERANCE: Tolerance = Tolerance {
    percent: Some(1.0),
    bytes: None,
};

#[derive(Debug)]
pub struct SizeBudget {
    /// In file order.
    pub artifacts: Vec<ArtifactBudget>,
}

/// One `[artifact.NAME]` entry, resolved against the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtifactBudget {
    pub name: String,
    pub krate: String,
    pub target: WasmTarget,
    /// The wasm target it is compiled for (`triple`).
    pub triple: Triple,
    /// The glue wasm-bindgen writes for it (`bindgen`), when it is built through wasm-bindgen.
    pub bindgen: Option<BindgenTarget>,
    pub budget_bytes: u64,
    /// Hard ceiling on the gzip size, when `gzip_budget` is set.
    pub gzip_budget_bytes: Option<u64>,
    /// Hard ceiling on the brotli size, when `brotli_budget` is set.
    pub brotli_budget_bytes: Option<u64>,
    /// Hard ceiling on wasm-bindgen's JS glue, when `glue_budget` is set.
    pub glue_budget_bytes: Option<u64>,
    /// Ceilings on what one deterministic run costs (`memory_budget`, `startup_budget`,
    /// `run_budget`).
    pub run_budgets: RunBudgets,
    /// An export of the library, of no arguments, returning a string or a number: a WASI library
    /// module's own, or its wasm-bindgen glue's. Its result must be the same before and after
    /// wasm-opt (`check`).
    pub check: Option<String>,
    pub tolerance: Tolerance,
    /// The cargo profile it is built with (`profile`).
    pub profile: String,
    /// The cargo features of its crate it is built with (`features`, `default_features`).
    pub features: Features,
    /// The exports the module keeps (`exports`: names, or prefixes ending in `*`); the others are
    /// dropped before it is optimised. `None`: every export stays.
    pub exports: Option<Vec<String>>,
    /// What a panic does in the optimised module (`panic`).
    pub panic: PanicMode,
}

/// Which JS glue wasm-bindgen writes (`bindgen = { target = "web" }`): its `--target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BindgenTarget {
    /// An ES module that fetches the `.wasm` itself.
    #[default]
    Web,
    /// An ES module for a bundler to resolve the `.wasm` import of.
    Bundler,
    /// A CommonJS module that reads the `.wasm` from beside it.
    Nodejs,
    /// A classic script that sets a global.
    NoModules,
}

impl BindgenTarget {
    pub const ALL: [BindgenTarget; 4] = [
        BindgenTarget::Web,
        BindgenTarget::Bundler,
        BindgenTarget::Nodejs,
        BindgenTarget::NoModules,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BindgenTarget::Web => "web",
            BindgenTarget::Bundler => "bundler",
            BindgenTarget::Nodejs => "nodejs",
            BindgenTarget::NoModules => "no-modules",
        }
    }

    pub fn parse(text: &str) -> Option<BindgenTarget> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// Ceilings on what running an artifact costs, each set by its own key; a figure with a ceiling is
/// also held to the baseline's tolerance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunBudgets {
    /// `memory_budget`: the peak linear memory, in bytes.
    pub peak_memory: Option<u64>,
    /// `startup_budget`: instructions before the first output (a command) or through the first
    /// call (a library).
    pub startup_instructions: Option<u64>,
    /// `run_budget`: instructions of the whole run.
    pub instructions: Option<u64>,
    /// Where in size-budget.toml the first of them is set (`file:line`), for an error that must
    /// point at it after parsing.
    pub set_at: Option<String>,
}

impl RunBudgets {
    pub fn any(&self) -> bool {
        self.peak_memory.is_some()
            || self.startup_instructions.is_some()
            || self.instructions.is_some()
    }
}

/// Which cargo features an artifact's crate is built with: `features = [..]` on top of the
/// default ones, unless `default_features = false`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features {
    pub named: Vec<String>,
    pub default: bool,
}

impl Default for Features {
    fn default() -> Self {
        Self {
            named: Vec::new(),
            default: true,
        }
    }
}

impl Features {
    /// The crate's default features and no others, as a plain `cargo build` has them.
    pub fn is_default(&self) -> bool {
        self.default && self.named.is_empty()
    }

    /// The flags that give cargo these features.
    pub fn cargo_flags(&self) -> Vec<String> {
        let mut flags = Vec::new();
        if !self.default {
            flags.push("--no-default-features".to_owned());
        }
        if !self.named.is_empty() {
            flags.push("--features".to_owned());
            flags.push(self.named.join(","));
        }
        flags
    }
}

/// What a panic does in an optimised module: `panic = "print"` (the default) or `"trap"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PanicMode {
    /// std's panic handler prints the message and its location to stderr, then the module traps.
    #[default]
    Print,
    /// The module traps at once: std's panic handler and its allocation-failure report are
    /// replaced by a trap before wasm-opt runs, and what only they reached is dropped.
    Trap,
}

/// How much an artifact may grow over its baseline: the larger of the two limits given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    pub percent: Option<f64>,
    pub bytes: Option<u64>,
}

impl Tolerance {
    /// Growth in bytes that still passes, for an artifact whose baseline is `baseline` bytes.
    pub fn allowed_growth(&self, baseline: u64) -> u64 {
        let by_percent = self
            .percent
            .map_or(0, |p| (baseline as f64 * p / 100.0).floor() as u64);
        by_percent.max(self.bytes.unwrap_or(0))
    }
}

impl ArtifactBudget {
    /// The crate's name as paths spell it: `cortex_core` for the package `cortex-core`.
    pub fn crate_path_name(&self) -> String {
        self.krate.replace('-', "_")
    }

    /// What cargo builds for it.
    pub fn unit(&self) -> Unit<'_> {
        Unit {
            name: &self.name,
            krate: &self.krate,
            target: &self.target,
            triple: self.triple,
            profile: &self.profile,
            features: &self.features,
        }
    }
}

/// One cargo build: the target `target` of crate `krate` with `features`, for `triple` with profile
/// `profile`, kept as the module of artifact `name`.
#[derive(Debug, Clone, Copy)]
pub struct Unit<'a> {
    pub name: &'a str,
    pub krate: &'a str,
    pub target: &'a WasmTarget,
    pub triple: Triple,
    pub profile: &'a str,
    pub features: &'a Features,
}

impl SizeBudget {
    /// Reads and checks the budget file at `path` against the workspace's crates.
    pub fn load(
        path: &Path,
        crates: &BTreeMap<String, WasmCrate>,
        profiles: &BTreeSet<String>,
    ) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            ConfigError::new(
                format!("cannot read {}: {err}", path.display()),
                "create it with one `[artifact.NAME]` entry per wasm module",
            )
        })?;
        parse(&path.display().to_string(), &text, crates, profiles)
    }

    /// The artifacts `names` pick, in file order; all of them when `names` is empty. A name picks
    /// the artifact of that name, or else every artifact built from the crate of that name.
    pub fn select(&self, names: &[String]) -> Result<Vec<&ArtifactBudget>, ConfigError> {
        if names.is_empty() {
            return Ok(self.artifacts.iter().collect());
        }
        let mut picked = Vec::new();
        for name in names {
            picked.extend(self.matching(name)?);
        }
        Ok(self
            .artifacts
            .iter()
            .filter(|a| picked.iter().any(|p| std::ptr::eq(*p, *a)))
            .collect())
    }

    /// The one artifact `name` picks; a crate with several artifacts must be named more closely.
    pub fn find(&self, name: &str) -> Result<&ArtifactBudget, ConfigError> {
        match self.matching(name)?.as_slice() {
            [one] => Ok(one),
            several => Err(ConfigError::new(
                format!(
                    "`{name}` is the crate of several artifacts in {FILE_NAME}: {}",
                    names(several.iter().copied())
                ),
                "name one of those artifacts",
            )),
        }
    }

    fn matching(&self, name: &str) -> Result<Vec<&ArtifactBudget>, ConfigError> {
        let by_name: Vec<_> = self.artifacts.iter().filter(|a| a.name == name).collect();
        if !by_name.is_empty() {
            return Ok(by_name);
        }
        let by_crate: Vec<_> = self.artifacts.iter().filter(|a| a.krate == name).collect();
        if !by_crate.is_empty() {
            return Ok(by_crate);
        }
        Err(ConfigError::new(
            format!("no artifact `{name}` in {FILE_NAME}"),
            format!(
                "use one of: {} (or add `[artifact.{name}]` to {FILE_NAME})",
                names(self.artifacts.iter())
            ),
        ))
    }

    /// The artifacts that are WASI commands, which can be run.
    pub fn runnable(&self) -> impl Iterator<Item = &ArtifactBudget> {
        self.artifacts
            .iter()
            .filter(|a| a.target.kind == WasmKind::Bin)
    }
}

fn names<'a>(artifacts: impl Iterator<Item = &'a ArtifactBudget>) -> String {
    artifacts
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
impl ArtifactBudget {
    /// A command artifact `name` built from the crate of the same name, for tests.
    pub fn example(name: &str, budget_bytes: u64, percent: f64) -> Self {
        Self {
            name: name.into(),
            krate: name.into(),
            target: WasmTarget {
                name: name.into(),
                kind: WasmKind::Bin,
            },
            triple: Triple::Wasip1,
            bindgen: None,
            budget_bytes,
            gzip_budget_bytes: None,
            brotli_budget_bytes: None,
            glue_budget_bytes: None,
            run_budgets: RunBudgets::default(),
            check: None,
            tolerance: Tolerance {
                percent: Some(percent),
                bytes: None,
            },
            profile: crate::project::WASM_PROFILE.into(),
            features: Features::default(),
            exports: None,
            panic: PanicMode::Print,
        }
    }
}

#[cfg(test)]
pub(crate) mod fuzz;
#[cfg(test)]
mod tests;
