//! `cargo xtask bench-gate`: how the size gate's time grows with the number of artifacts. For each
//! N it generates a workspace of N wasm crates using serde_json, then times a cold
//! `size-check --update` and a warm `size-check` of it with this very xtask.

mod figures;
mod generated;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context as _, Result};
use xshell::cmd;

use crate::failure::ConfigError;
use crate::flags;
use crate::project::Context;

use figures::{Report, Row, COUNTED_PACKAGE};

impl flags::BenchGate {
    pub fn run(self, cx: &Context) -> Result<()> {
        if self.artifacts.contains(&0) {
            return Err(ConfigError::new(
                "--artifacts 0 asks for a workspace without artifacts, and the gate needs one",
                "give a count of 1 or more, e.g. `--artifacts 1 --artifacts 4`",
            )
            .into());
        }
        cx.ensure_wasm_target()?;
        let bench_dir = cx.workspace.target_dir.join("bench-gate");
        let xtask = pin_running_xtask(&bench_dir)?;
        let mut rows = Vec::new();
        for &count in &self.artifacts {
            let dir = bench_dir.join(count.to_string());
            rows.push(
                measure(cx, &xtask, &dir, count)
                    .with_context(|| format!("bench {count} artifacts"))?,
            );
        }
        if self.json {
            println!("{}", serde_json::to_string_pretty(&Report { runs: rows })?);
        } else {
            print!("{}", figures::table(&rows));
            println!(
                "\nSeconds of `cargo xtask size-check --update` with an empty target dir (cold), then of \
                 `cargo xtask size-check` with nothing changed (warm); the dependencies were in the \
                 cargo registry already. Compilations: the cargo runs of the cold check that compiled \
                 {COUNTED_PACKAGE}."
            );
        }
        Ok(())
    }
}

/// The running xtask under `bench_dir`, linked (or copied) where no rebuild replaces it: the gate
/// redoes what another xtask binary vouched for, so a `cargo build` of the xtask between the cold
/// and the warm check would make the warm one cold again.
fn pin_running_xtask(bench_dir: &Path) -> Result<PathBuf> {
    let running = std::env::current_exe().context("find the running xtask")?;
    let pinned = bench_dir.join("xtask");
    std::fs::create_dir_all(bench_dir)
        .with_context(|| format!("create {}", bench_dir.display()))?;
    if pinned.exists() {
        std::fs::remove_file(&pinned).with_context(|| format!("remove {}", pinned.display()))?;
    }
    if std::fs::hard_link(&running, &pinned).is_err() {
        std::fs::copy(&running, &pinned)
            .with_context(|| format!("copy {} to {}", running.display(), pinned.display()))?;
    }
    Ok(pinned)
}

/// Generates the workspace of `count` artifacts afresh at `dir` and times both checks of it.
fn measure(cx: &Context, xtask: &Path, dir: &Path, count: usize) -> Result<Row> {
    generated::write(
        dir,
        count,
        &cx.root_file("rust-toolchain.toml"),
        &cx.root_file("Cargo.lock"),
    )?;
    let target_dir = dir.join("target");
    // Resolved and downloaded before the clock starts: the cold run measures building, not fetching.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    {
        let _dir = cx.sh.push_dir(dir);
        cmd!(cx.sh, "{cargo} fetch --quiet")
            .env("CARGO_TARGET_DIR", &target_dir)
            .quiet()
            .run()
            .with_context(|| format!("fetch the dependencies of {}", dir.display()))?;
    }
    eprintln!(
        "bench-gate: N = {count} in {}: cold size-check --update",
        dir.display()
    );
    let (cold_seconds, cold_stderr) =
        time_check(cx, xtask, dir, &target_dir, &["size-check", "--update"])?;
    eprintln!("bench-gate: N = {count}: warm size-check");
    let (warm_seconds, _) = time_check(cx, xtask, dir, &target_dir, &["size-check"])?;
    let row = Row {
        artifacts: count,
        cold_seconds,
        warm_seconds,
        serde_json_compilations: figures::compilations(&cold_stderr, COUNTED_PACKAGE),
    };
    eprintln!(
        "bench-gate: N = {count}: cold {cold_seconds:.1} s, warm {warm_seconds:.2} s, \
         {COUNTED_PACKAGE} compiled {} times",
        row.serde_json_compilations
    );
    Ok(row)
}

/// Runs `xtask args…` in `dir` with `target_dir` as cargo's target dir; its seconds and stderr, or
/// an error quoting that stderr when it does not exit 0.
fn time_check(
    cx: &Context,
    xtask: &Path,
    dir: &Path,
    target_dir: &Path,
    args: &[&str],
) -> Result<(f64, String)> {
    let _dir = cx.sh.push_dir(dir);
    let started = Instant::now();
    let output = cmd!(cx.sh, "{xtask} {args...}")
        .env("CARGO_TARGET_DIR", target_dir)
        .quiet()
        .ignore_status()
        .output()
        .with_context(|| format!("run {}", xtask.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        bail!(
            "`cargo xtask {}` in {} failed ({}):\n{}",
            args.join(" "),
            dir.display(),
            output.status,
            stderr.trim_end()
        );
    }
    Ok((seconds, stderr))
}
