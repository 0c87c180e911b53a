//! bench-suite: the scenarios of `cargo xtask bench`, each timed by the program itself with
//! `std::time::Instant`, so the same code measures itself natively and on wasm32-wasip1.
//!
//! Usage: `bench-suite [--quick] [--runs N] [--filter TEXT]... [--only NAME] [--list] [--dir PATH]`.
//! Each
//! scenario is set up, run once untimed (the warm-up), then timed `--runs` times (5 by default);
//! every timed run prints one line `NAME OPS NANOS` on stdout, then the scenario one line
//! `NAME peak BYTES`, the most memory the program has held so far (on wasm its linear memory, which
//! never shrinks; natively the process's resident high-water mark, where Linux reports it); nothing
//! else goes there.
//! `--quick` shrinks every size (for tests); `--filter` keeps the scenarios whose name contains one
//! of the texts; `--only` keeps the one scenario of that exact name (`cargo xtask bench` runs each
//! in a process of its own this way); `--list` prints the names of the scenarios selected, one a
//! line, and runs nothing; `--dir` names the directory the file store scenarios write under.

mod scenarios;

use std::process::ExitCode;
use std::time::Instant;

use scenarios::{Scenario, Sizes};

struct Options {
    quick: bool,
    runs: u32,
    filters: Vec<String>,
    only: Option<String>,
    list: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        quick: false,
        runs: 5,
        filters: Vec::new(),
        only: None,
        list: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--list" => options.list = true,
            "--runs" => {
                let value = args.next().ok_or("--runs needs a number")?;
                options.runs = value
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--runs takes a positive number, not `{value}`"))?;
            }
            "--filter" => options
                .filters
                .push(args.next().ok_or("--filter needs a name")?),
            "--only" => options.only = Some(args.next().ok_or("--only needs a name")?),
            "--dir" => scenarios::set_scratch(args.next().ok_or("--dir needs a path")?.into()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("bench-suite: {message}");
            return ExitCode::from(2);
        }
    };
    let sizes = if options.quick {
        Sizes::QUICK
    } else {
        Sizes::FULL
    };
    let selected = select(&options);
    if let (Some(only), true) = (&options.only, selected.is_empty()) {
        eprintln!("bench-suite: no scenario is named `{only}`; `--list` names them");
        return ExitCode::from(2);
    }
    for scenario in selected {
        if options.list {
            println!("{}", scenario.name);
            continue;
        }
        if let Err(message) = measure(scenario, &sizes, options.runs) {
            eprintln!("bench-suite: {}: {message}", scenario.name);
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// The scenarios `options` name: those that any `--filter` text is part of, and only the one named
/// exactly by `--only`.
fn select(options: &Options) -> Vec<&'static Scenario> {
    scenarios::ALL
        .iter()
        .filter(|s| {
            options.filters.is_empty()
                || options.filters.iter().any(|f| s.name.contains(f.as_str()))
        })
        .filter(|s| options.only.as_ref().is_none_or(|only| s.name == only))
        .collect()
}

/// Sets `scenario` up, warms it up untimed, then prints one line per timed run.
fn measure(scenario: &Scenario, sizes: &Sizes, runs: u32) -> Result<(), String> {
    let mut state = (scenario.setup)(sizes)?;
    state.run()?;
    for _ in 0..runs {
        state.prepare()?;
        let started = Instant::now();
        let ops = state.run()?;
        let nanos = started.elapsed().as_nanos();
        println!("{} {ops} {nanos}", scenario.name);
    }
    if let Some(bytes) = peak_memory() {
        println!("{} peak {bytes}", scenario.name);
    }
    Ok(())
}

/// The module's linear memory in bytes: all it ever held, since wasm memory only grows.
#[cfg(target_arch = "wasm32")]
fn peak_memory() -> Option<u64> {
    Some(std::arch::wasm32::memory_size(0) as u64 * 65536)
}

/// The process's resident high-water mark (`VmHWM` in /proc/self/status), where Linux gives it.
#[cfg(not(target_arch = "wasm32"))]
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::{parse, select};

    fn names(args: &[&str]) -> Vec<&'static str> {
        let options = parse(args.iter().map(|a| (*a).to_owned())).unwrap();
        select(&options).iter().map(|s| s.name).collect()
    }

    #[test]
    fn filters_take_parts_of_names_and_only_takes_one_whole_name() {
        assert_eq!(
            names(&["--filter", "query"]),
            ["kind_query_page", "node_query_page"]
        );
        assert_eq!(names(&["--only", "kind_query_page"]), ["kind_query_page"]);
        // A part of a name is no name.
        assert_eq!(names(&["--only", "query"]), Vec::<&str>::new());
        assert_eq!(
            names(&["--filter", "query", "--only", "traversal"]),
            Vec::<&str>::new()
        );
        assert!(parse(["--only".to_owned()].into_iter()).is_err());
    }
}
