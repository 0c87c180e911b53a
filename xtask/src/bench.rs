//! `cargo xtask bench`: the bench suite natively and as the shipped wasm module in the embedded
//! runtime, side by side: the median operations per second of each scenario and their ratio.

mod figures;
mod suite;

use anyhow::Result;

use crate::failure::{ConfigError, FailedCheck, GateFailure};
use crate::flags;
use crate::project::Context;
use crate::runtime;

/// Timed runs per process (natively) or instance (wasm), after one untimed warm-up.
pub const RUNS: u32 = 5;
/// Processes or instances per scenario and target; the figure is the median of all their runs. On a
/// shared machine one process's figures can sit far from the next one's (a heap laid out or a
/// neighbour busy differently): several keep one from deciding the figure.
pub const PROCESSES: u32 = 3;

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
        let module = suite::load_wasm(&suite::build_wasm(cx)?)?;

        // Each scenario in processes (natively) and instances (wasm) of its own: run after another
        // in one, it would start on that one's heap, and its figure would depend on the order.
        let (mut native_out, mut wasm_out) = (String::new(), String::new());
        for name in selected.lines() {
            let mut args = args.clone();
            args.extend(["--only".to_owned(), name.to_owned()]);
            args.extend(["--runs".to_owned(), RUNS.to_string()]);
            eprintln!("running {name} natively, then in the embedded runtime, {PROCESSES} times");
            for _ in 0..PROCESSES {
                native_out.push_str(&suite::run_native(&native, &args)?);
                wasm_out.push_str(&suite::run_wasm(&module, &args)?);
            }
        }
        let native_runs = parse("native", &native_out)?;
        let wasm_runs = parse("wasm", &wasm_out)?;
        let rows = figures::rows(&native_runs, &wasm_runs).map_err(malformed)?;

        if self.json {
            let report = figures::Report { scenarios: rows };
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", figures::table(&rows));
            println!(
                "\nOperations per second, each the median of {} timed runs: {RUNS} after an untimed warm-up \
                 in each of {PROCESSES} processes (native) or instances (wasm) per scenario. Peak: the most \
                 memory one of them held (natively the process's resident high-water mark; on wasm the \
                 instance's linear memory, which never shrinks).",
                RUNS * PROCESSES
            );
            println!("{HOST_NOTE}");
        }
        Ok(())
    }
}

/// What every wasm figure includes besides cortex-core's own work, and the two scenarios that
/// measure a part of the others.
pub const HOST_NOTE: &str =
    "The wasm figures include the embedded runtime's cost of each WASI call \
(a clock read on every append, for one); clock_read measures that call alone, and \
build_event_only the events bus_publish publishes, built with nothing published.";

fn parse(target: &str, stdout: &str) -> Result<figures::Runs> {
    figures::parse(stdout)
        .map_err(|cause| malformed(format!("the {target} suite's output, {cause}")))
}

fn malformed(cause: String) -> anyhow::Error {
    GateFailure::from(FailedCheck {
        problem: format!("cannot read the bench suite's figures: {cause}"),
        fix: Some(
            "keep examples/bench-suite printing one `NAME OPS NANOS` line per run and `NAME peak BYTES` \
             lines on stdout, and nothing else there"
                .to_owned(),
        ),
        details: String::new(),
    })
    .into()
}
