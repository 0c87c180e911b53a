//! `cargo xtask bench`: the bench suite natively and as the shipped wasm module in the embedded
//! runtime, side by side: the median operations per second of each scenario and their ratio.

mod figures;
mod suite;

use anyhow::Result;

use crate::failure::{ConfigError, FailedCheck, GateFailure};
use crate::flags;
use crate::project::Context;
use crate::runtime;

/// Timed runs per scenario and target, after one untimed warm-up; the figure is their median.
pub const RUNS: u32 = 5;

impl flags::Bench {
    pub fn run(self, cx: &Context) -> Result<()> {
        runtime::ensure_available("`cargo xtask bench`")?;
        let native = suite::build_native(cx)?;
        let mut args = Vec::new();
        if self.quick {
            args.push("--quick".to_owned());
        }
        for filter in &self.filters {
            args.extend(["--filter".to_owned(), filter.clone()]);
        }
        let mut list = args.clone();
        list.push("--list".to_owned());
        let selected = suite::run_native(&native, &list)?;
        if selected.trim().is_empty() {
            let all = suite::run_native(&native, &["--list".to_owned()])?;
            let names: Vec<&str> = all.lines().collect();
            return Err(ConfigError::new(
                format!(
                    "no scenario matches --filter {}",
                    self.filters.join(", --filter ")
                ),
                format!("filter by a part of a name: {}", names.join(", ")),
            )
            .into());
        }
        let module = suite::build_wasm(cx)?;
        args.extend(["--runs".to_owned(), RUNS.to_string()]);

        eprintln!("running the native suite");
        let native_runs = parse("native", &suite::run_native(&native, &args)?)?;
        eprintln!("running the wasm suite in the embedded runtime");
        let wasm_runs = parse("wasm", &suite::run_wasm(&module, &args)?)?;
        let rows = figures::rows(&native_runs, &wasm_runs).map_err(malformed)?;

        if self.json {
            let report = figures::Report { scenarios: rows };
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", figures::table(&rows));
            println!(
                "\nOperations per second, each the median of {RUNS} timed runs after an untimed warm-up."
            );
            println!("{HOST_NOTE}");
        }
        Ok(())
    }
}

/// What every wasm figure includes besides cortex-core's own work.
pub const HOST_NOTE: &str =
    "The wasm figures include the embedded runtime's cost of each WASI call \
(a clock read on every append, for one); clock_read measures that call alone.";

fn parse(target: &str, stdout: &str) -> Result<figures::Runs> {
    figures::parse(stdout)
        .map_err(|cause| malformed(format!("the {target} suite's output, {cause}")))
}

fn malformed(cause: String) -> anyhow::Error {
    GateFailure::from(FailedCheck {
        problem: format!("cannot read the bench suite's figures: {cause}"),
        fix: Some(
            "keep examples/bench-suite printing one `NAME OPS NANOS` line per run on stdout, and nothing else there"
                .to_owned(),
        ),
        details: String::new(),
    })
    .into()
}
