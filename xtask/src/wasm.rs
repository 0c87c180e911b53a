//! `cargo xtask wasm`: build each artifact for wasm32-wasip1 from its crate's directory, then wasm-opt it.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use flate2::write::GzEncoder;
use serde::Serialize;
use xshell::{cmd, Shell};

use crate::budget::{self, ArtifactBudget, SizeBudget};
use crate::failure::ConfigError;
use crate::flags;
use crate::size::human;
use crate::workspace::{Workspace, WASM_PROFILE, WASM_TARGET};

/// The sizes of one artifact after the build and optimisation; one row of the size report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Measurement {
    pub(crate) name: String,
    #[serde(rename = "crate")]
    pub(crate) krate: String,
    /// The optimised module (the unoptimised one when optimisation was skipped).
    pub(crate) path: PathBuf,
    pub(crate) raw_path: PathBuf,
    pub(crate) raw_bytes: u64,
    pub(crate) opt_bytes: u64,
    pub(crate) gzip_bytes: u64,
    pub(crate) brotli_bytes: u64,
    #[serde(skip)]
    pub(crate) build_time: Duration,
    #[serde(skip)]
    pub(crate) opt_time: Duration,
    /// False when the content hash matched and the previous output was reused.
    #[serde(skip)]
    pub(crate) optimiser_ran: bool,
}

impl flags::Wasm {
    pub(crate) fn run(self) -> anyhow::Result<()> {
        let ws = Workspace::discover()?;
        let budget = load_budget(&ws)?;
        let selected: Vec<_> = budget
            .artifacts
            .iter()
            .filter(|a| {
                self.packages.is_empty()
                    || self.packages.iter().any(|p| *p == a.name || *p == a.krate)
            })
            .collect();
        if let Some(unknown) = self.packages.iter().find(|p| {
            !budget
                .artifacts
                .iter()
                .any(|a| **p == a.name || **p == a.krate)
        }) {
            return Err(ConfigError(format!(
                "`{unknown}` is not an artifact in {}\n  fix: add `[artifact.{unknown}]` there or pick one of: {}",
                budget::FILE_NAME,
                budget.artifacts.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
            ))
            .into());
        }
        let sh = workspace_shell(&ws)?;
        ensure_wasm_target(&sh)?;
        for artifact in selected {
            let measurement = make(&sh, &ws, artifact, Step::Build, !self.no_opt)?;
            println!("{}", summary_line(&measurement, !self.no_opt));
            crate::behaviour::verify(artifact, &measurement)?;
        }
        Ok(())
    }
}

/// Whether to run cargo or measure what is already on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Build,
    Reuse,
}

pub(crate) fn load_budget(ws: &Workspace) -> anyhow::Result<SizeBudget> {
    let path = ws.root.join(budget::FILE_NAME);
    let text = std::fs::read_to_string(&path).map_err(|err| {
        ConfigError(format!(
            "cannot read {}: {err}\n  fix: create it with one `[artifact.NAME]` entry per wasm module",
            path.display()
        ))
    })?;
    Ok(budget::parse(
        &path.display().to_string(),
        &text,
        &ws.crates,
    )?)
}

/// One shell for every process, sitting at the workspace root.
pub(crate) fn workspace_shell(ws: &Workspace) -> anyhow::Result<Shell> {
    let sh = Shell::new().context("create a shell")?;
    sh.change_dir(&ws.root);
    Ok(sh)
}

/// Install the wasm32-wasip1 standard library through rustup when it is missing.
pub(crate) fn ensure_wasm_target(sh: &Shell) -> anyhow::Result<()> {
    let Ok(installed) = cmd!(sh, "rustup target list --installed")
        .quiet()
        .ignore_stderr()
        .read()
    else {
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
        let sysroot = cmd!(sh, "{rustc} --print sysroot")
            .quiet()
            .read()
            .context("run rustc --print sysroot")?;
        if PathBuf::from(sysroot.trim())
            .join("lib/rustlib")
            .join(WASM_TARGET)
            .exists()
        {
            return Ok(());
        }
        return Err(ConfigError(format!(
            "the {WASM_TARGET} standard library is not installed and rustup is not available\n  \
             fix: run `rustup target add {WASM_TARGET}` (install rustup from https://rustup.rs), \
             or install your distribution's rust-std package for {WASM_TARGET}"
        ))
        .into());
    };
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    eprintln!("installing the {WASM_TARGET} target: rustup target add {WASM_TARGET}");
    cmd!(sh, "rustup target add {WASM_TARGET}")
        .run()
        .with_context(|| format!("rustup target add {WASM_TARGET}"))?;
    Ok(())
}

/// Build (or reuse) one artifact, optimise it when asked, and measure it.
pub(crate) fn make(
    sh: &Shell,
    ws: &Workspace,
    artifact: &ArtifactBudget,
    step: Step,
    optimise: bool,
) -> anyhow::Result<Measurement> {
    let started = Instant::now();
    let raw_path = match step {
        Step::Build => {
            build(sh, ws, artifact).with_context(|| format!("build {}", artifact.name))?
        }
        Step::Reuse => {
            let path = ws.raw_path(&artifact.target);
            if !path.exists() {
                bail!(
                    "{} is not built ({} is missing)\n  fix: run `cargo xtask size-check` without --no-build",
                    artifact.name,
                    path.display()
                );
            }
            path
        }
    };
    let build_time = started.elapsed();

    let started = Instant::now();
    let (path, optimiser_ran) = if optimise {
        let out = ws.optimised_path(&artifact.name);
        let ran = crate::optimise::optimise_if_changed(&raw_path, &out, false)
            .with_context(|| format!("optimise {}", artifact.name))?;
        (out, ran)
    } else {
        (raw_path.clone(), false)
    };
    let opt_time = started.elapsed();

    let optimised = std::fs::read(&path).with_context(|| format!("read {}", path.display()))?;
    let raw = std::fs::read(&raw_path).with_context(|| format!("read {}", raw_path.display()))?;
    // Raw is what the profile alone produces: without the section kept for the optimiser.
    let kept = crate::optimise::target_features(&raw)?.map_or(0, |s| s.section_bytes);
    let raw_bytes = raw.len() as u64 - kept;
    Ok(Measurement {
        name: artifact.name.clone(),
        krate: artifact.krate.clone(),
        path,
        raw_path,
        raw_bytes,
        opt_bytes: optimised.len() as u64,
        gzip_bytes: gzip_len(&optimised)?,
        brotli_bytes: brotli_len(&optimised)?,
        build_time,
        opt_time,
        optimiser_ran,
    })
}

/// The wasm-release profile strips every custom section, but wasm-opt needs this one to know which
/// features to enable; it is kept through the link, then dropped by the optimiser.
const KEPT_SECTION: &str = "target_features";

/// One cargo invocation in the crate's own directory, so other members' features never unify into it.
/// `cargo rustc` passes the linker flag to the final artifact alone, so dependencies are not rebuilt.
pub(crate) fn build(
    sh: &Shell,
    ws: &Workspace,
    artifact: &ArtifactBudget,
) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let krate = &ws.crates[&artifact.krate];
    let _dir = sh.push_dir(&krate.manifest_dir);
    eprintln!(
        "building {} in {}",
        artifact.name,
        krate.manifest_dir.display()
    );
    let selector = artifact.target.cargo_selector();
    let package = &artifact.krate;
    let stdout = cmd!(
        sh,
        "{cargo} rustc --package {package} {selector...} --target {WASM_TARGET} --profile {WASM_PROFILE}
         --message-format=json-render-diagnostics -- -C link-arg=--keep-section={KEPT_SECTION}"
    )
    .read()?;
    let expected = artifact.target.file_name();
    for message in cargo_metadata::Message::parse_stream(stdout.as_bytes()) {
        if let cargo_metadata::Message::CompilerArtifact(built) =
            message.context("parse cargo's output")?
        {
            if let Some(file) = built
                .filenames
                .iter()
                .find(|f| f.file_name() == Some(expected.as_str()))
            {
                return Ok(file.clone().into());
            }
        }
    }
    bail!("cargo built {} but reported no {expected}", artifact.krate)
}

/// Brotli at its best quality and largest window, as a CDN would serve the module.
fn brotli_len(bytes: &[u8]) -> anyhow::Result<u64> {
    let mut compressed = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut compressed, &params).context("brotli")?;
    Ok(compressed.len() as u64)
}

fn gzip_len(bytes: &[u8]) -> anyhow::Result<u64> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).context("gzip")?;
    Ok(encoder.finish().context("gzip")?.len() as u64)
}

/// `wasm-demo: raw 1.2 MiB -> opt 700.1 KiB (-42.0%), gzip 250.3 KiB; build 1.2s, wasm-opt 3.4s`
pub(crate) fn summary_line(m: &Measurement, optimised: bool) -> String {
    let build = format!("build {:.1}s", m.build_time.as_secs_f64());
    if !optimised {
        return format!(
            "{}: raw {}, gzip {}; {build}",
            m.name,
            human(m.raw_bytes),
            human(m.gzip_bytes)
        );
    }
    let saving = if m.raw_bytes == 0 {
        0.0
    } else {
        (m.raw_bytes as f64 - m.opt_bytes as f64) * 100.0 / m.raw_bytes as f64
    };
    let opt = if m.optimiser_ran {
        format!("wasm-opt {:.1}s", m.opt_time.as_secs_f64())
    } else {
        "wasm-opt skipped (input unchanged)".to_owned()
    };
    format!(
        "{}: raw {} -> optimised {} (saves {saving:.1}%), gzip {}, brotli {}; {build}, {opt}",
        m.name,
        human(m.raw_bytes),
        human(m.opt_bytes),
        human(m.gzip_bytes),
        human(m.brotli_bytes)
    )
}
