//! Command-line flags of `cargo xtask`, one struct per subcommand.

use clap::{Args, Parser, Subcommand};

/// Project automation for cortex: wasm builds and the size gate.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about)]
pub struct Xtask {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build each artifact in size-budget.toml for wasm32-wasip1 and optimise it with wasm-opt -Oz;
    /// prints each module's sizes and where it is.
    Wasm(Wasm),
    /// Build and optimise the artifacts, then compare them with their budgets and size-baseline.json.
    SizeCheck(SizeCheck),
    /// What the working tree did to each artifact's bytes since a git ref: sizes, crates, functions.
    SizeDiff(SizeDiff),
    /// Run an artifact's optimised module (or a .wasm file) in the embedded WASI runtime.
    Run(Run),
    /// Attribute an artifact's optimised bytes to functions, crates and sections.
    SizeWhy(SizeWhy),
    /// The accepted sizes at every commit that changed size-baseline.json, as a table or a chart.
    SizeHistory(SizeHistory),
    /// The bench suite natively and as the shipped wasm module in the embedded runtime: operations
    /// per second of each scenario on both, each the median of the timed runs of 3 processes (natively)
    /// or instances (wasm), 5 runs each after an untimed warm-up.
    Bench(Bench),
    /// Install what the tests need (the wasm target, libclang, clang++, Chromium, the Python host),
    /// then run the whole suite with cargo-nextest.
    Test(Test),
    /// How the size gate scales: for each N, a generated workspace of N wasm crates using serde_json
    /// (under `<target-dir>/bench-gate/N/`), timed through a cold `size-check --update` and a warm
    /// `size-check`.
    BenchGate(BenchGate),
}

#[derive(Debug, Args)]
pub struct Wasm {
    /// Only this artifact or crate (repeatable); all artifacts of size-budget.toml by default.
    #[arg(short = 'p', long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
    /// Build only, leave the wasm-opt step out.
    #[arg(long)]
    pub no_opt: bool,
}

#[derive(Debug, Args)]
pub struct SizeCheck {
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Accept the measured sizes: rewrite size-baseline.json (budgets still apply).
    #[arg(long, conflicts_with = "shard")]
    pub update: bool,
    /// Measure the artifacts already built instead of building them again.
    #[arg(long)]
    pub no_build: bool,
    /// How many artifacts to optimise, measure and check at once (builds run one after another,
    /// each using every core); the machine's cores by default.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Check only part I of N of the artifacts (every Nth in size-budget.toml, from the Ith) and
    /// print it as a shard file for `--merge`, e.g. `--shard 2/4`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Judge and report the shard files of one run (`--shard I/N` output) as one unsharded run
    /// would: same table, JSON, step summary and exit code. Builds nothing.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with_all = ["update", "no_build", "shard", "jobs"])]
    pub merge: Vec<std::path::PathBuf>,
}

/// Part `index` (from 1) of `count` parts of the artifacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let usage = || format!("`{text}` is not I/N with 1 <= I <= N (e.g. `--shard 2/4`)");
        let (index, count) = text.split_once('/').ok_or_else(usage)?;
        let (index, count): (usize, usize) = (
            index.trim().parse().map_err(|_| usage())?,
            count.trim().parse().map_err(|_| usage())?,
        );
        if index == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

#[derive(Debug, Args)]
pub struct SizeDiff {
    /// The commit to compare with (a branch, tag or commit id); built once in a worktree kept
    /// under the target directory.
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    pub base: String,
    /// How many functions to list per artifact before summing up the rest.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Print one JSON object instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Only this artifact or crate (repeatable); all artifacts of size-budget.toml by default.
    #[arg(short = 'p', long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Run {
    /// An artifact of size-budget.toml (or its crate), or the path of a .wasm file.
    pub artifact: String,
    /// Arguments for the program, after `--`.
    #[arg(last = true)]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SizeWhy {
    /// An artifact of size-budget.toml (or its crate).
    pub artifact: String,
    /// How many functions or crates to list before summing up the rest.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Group the code bytes by function or by crate.
    #[arg(long, value_enum, default_value_t = By::Function)]
    pub by: By,
    /// Write a self-contained HTML report instead (treemap, search, sizes against the budget), to
    /// PATH or `<target-dir>/size-report/<artifact>.html`.
    #[arg(long, value_name = "PATH", num_args = 0..=1)]
    pub html: Option<Option<std::path::PathBuf>>,
    /// With `--html`: colour the report by each function's and section's growth since this commit
    /// (a branch, tag or commit id), measured as `size-diff --base REF` measures it.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
}

#[derive(Debug, Args)]
pub struct SizeHistory {
    /// Only this artifact or crate (repeatable); every artifact the history records by default.
    #[arg(short = 'p', long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
    /// Also write a line chart of the sizes over the commits, with the budgets, and of what a run
    /// costs where the baselines record it, to this SVG file.
    #[arg(long, value_name = "PATH")]
    pub svg: Option<std::path::PathBuf>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct Bench {
    /// Print one JSON object instead of the table: {"scenarios": [{"name", "native_per_sec",
    /// "wasm_per_sec", "ratio", "native_peak_bytes", "wasm_peak_bytes"}]}.
    #[arg(long)]
    pub json: bool,
    /// Only the scenarios whose name contains NAME (repeatable): bus_publish, build_event_only,
    /// memory_append, memory_batch_append, kind_query_page, node_query_page, traversal, clock_read.
    #[arg(long = "filter", value_name = "NAME")]
    pub filters: Vec<String>,
    /// Tiny sizes, to check that everything runs; the figures mean little.
    #[arg(long)]
    pub quick: bool,
}

#[derive(Debug, Args)]
pub struct Test {
    /// Check and install what the tests need, then stop.
    #[arg(long)]
    pub setup_only: bool,
    /// Passed on to the test runner, after `--` (`cargo xtask test -- -p cortex-core`).
    #[arg(last = true)]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BenchGate {
    /// How many artifacts the generated workspace holds (repeatable: one workspace and one row
    /// each, e.g. `--artifacts 1 --artifacts 4`).
    #[arg(long = "artifacts", value_name = "N", required = true)]
    pub artifacts: Vec<usize>,
    /// Print one JSON object instead of the table: {"runs": [{"artifacts", "cold_seconds",
    /// "warm_seconds", "serde_json_compilations"}]}.
    #[arg(long)]
    pub json: bool,
}

/// What `size-why` groups the code bytes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    Function,
    Crate,
}
