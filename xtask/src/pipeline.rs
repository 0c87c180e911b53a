//! The artifact pipeline: build a crate for wasm32-wasip1 from its own directory, optimise it with
//! wasm-opt -Oz, and measure what comes out.

pub mod bindgen;
pub mod build;
pub mod exports;
pub mod fingerprint;
pub mod glue_check;
pub mod measure;
pub mod optimise;
pub mod panic_trap;
pub mod run_cost;
pub mod target_features;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::bytes::sections;
use crate::bytes::units::human;
use crate::failure::ConfigError;
use crate::files::atomic;
use crate::project::{ArtifactBudget, BuildKind, Context, PanicMode, WASM_TARGET};

/// The sizes of one artifact after the build and optimisation; one row of the size report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measurement {
    pub name: String,
    #[serde(rename = "crate")]
    pub krate: String,
    /// The wasm target it was built for.
    #[serde(default = "default_target")]
    pub target: String,
    /// The optimised module (the unoptimised one when optimisation was skipped).
    pub path: PathBuf,
    pub raw_path: PathBuf,
    pub raw_bytes: u64,
    pub opt_bytes: u64,
    pub gzip_bytes: u64,
    pub brotli_bytes: u64,
    /// wasm-bindgen's JS glue, which ships with the module, for an artifact built through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glue: Option<Glue>,
    /// What one deterministic run of the optimised module costs, for an artifact the embedded
    /// runtime runs (a WASI module that passed its behaviour check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<run_cost::RunCost>,
    /// The wasm features the module was compiled with, which wasm-opt enables.
    #[serde(skip)]
    pub features: Vec<String>,
    #[serde(skip)]
    pub build_time: Duration,
    #[serde(skip)]
    pub opt_time: Duration,
    /// False when the content stamp matched and the previous output was reused.
    #[serde(skip)]
    pub optimiser_ran: bool,
}

/// The JS glue wasm-bindgen writes for a module: where it is and its sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Glue {
    pub path: PathBuf,
    pub bytes: u64,
    pub gzip_bytes: u64,
    pub brotli_bytes: u64,
}

fn default_target() -> String {
    WASM_TARGET.to_owned()
}

/// Whether to run cargo or measure what is already on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Build,
    Reuse,
}

/// Whether wasm-opt runs after the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Optimise {
    Yes,
    No,
}

/// Builds (or reuses) one artifact, optimises it when asked, and measures it.
pub fn make(
    cx: &Context,
    artifact: &ArtifactBudget,
    step: Step,
    optimise: Optimise,
) -> anyhow::Result<Measurement> {
    built(cx, artifact, step, optimise)?.finish(artifact)
}

/// An artifact's unoptimised module, built (or found) for the rest of the pipeline, which needs
/// no context and so can run on any thread.
#[derive(Debug, Clone)]
pub struct Built {
    raw_path: PathBuf,
    /// Where the optimised module goes; `None` when optimisation is skipped.
    optimised_path: Option<PathBuf>,
    /// The module was linked with names so that std's panic handler can be found and made a trap.
    trap: bool,
    /// wasm-bindgen's JS glue, when the module went through it: the file imported first, then the
    /// rest.
    glue: Option<Vec<PathBuf>>,
    target: &'static str,
    build_time: Duration,
}

/// Runs cargo for one artifact (or checks its module is there, with [`Step::Reuse`]).
pub fn built(
    cx: &Context,
    artifact: &ArtifactBudget,
    step: Step,
    optimise: Optimise,
) -> anyhow::Result<Built> {
    let started = Instant::now();
    // std's panic handler is found by its name, so a module whose panics the optimiser is to make
    // traps is linked with names; they leave it with the handler's body, before wasm-opt.
    // Unoptimised, it is built as the profile says.
    let trap = artifact.panic == PanicMode::Trap && optimise == Optimise::Yes;
    let bindgen_cli = match (step, artifact.bindgen) {
        // Found (or installed) before the long part, the build.
        (Step::Build, Some(_)) => Some(cx.bindgen_cli()?),
        _ => None,
    };
    let raw_path = match step {
        Step::Build => {
            cx.ensure_target(artifact.triple)?;
            let names = if trap {
                build::Names::Kept
            } else {
                build::Names::AsProfile
            };
            build::build(cx, artifact.unit(), BuildKind::Shipped, names)
                .with_context(|| format!("build {}", artifact.name))?
        }
        Step::Reuse => {
            let path = cx.workspace.raw_path(&artifact.name, BuildKind::Shipped);
            if !path.exists() {
                return Err(ConfigError::new(
                    format!(
                        "{} is not built ({} is missing)",
                        artifact.name,
                        path.display()
                    ),
                    "run `cargo xtask size-check` without --no-build",
                )
                .into());
            }
            path
        }
    };
    let stem = artifact.target.file_stem();
    let (raw_path, glue, optimised_path) = match artifact.bindgen {
        None => (raw_path, None, cx.workspace.optimised_path(&artifact.name)),
        Some(target) => {
            let dir = cx.workspace.bindgen_dir(&artifact.name, BuildKind::Shipped);
            let bound = match &bindgen_cli {
                Some(cli) => {
                    bindgen::bind(&cx.sh, cli, &raw_path, &dir, &stem, target)
                        .with_context(|| format!("run wasm-bindgen on {}", artifact.name))?
                        .0
                }
                None => bindgen::Bound::in_dir(&dir, &stem),
            };
            let package = cx.workspace.optimised_package(&artifact.name);
            let optimised = package.join(bound.wasm.file_name().unwrap_or_default());
            (bound.wasm, Some(bound.glue), optimised)
        }
    };
    Ok(Built {
        raw_path,
        optimised_path: (optimise == Optimise::Yes).then_some(optimised_path),
        trap,
        glue,
        target: artifact.triple.as_str(),
        build_time: started.elapsed(),
    })
}

impl Built {
    /// Optimises the module when asked, and measures it.
    pub fn finish(self, artifact: &ArtifactBudget) -> anyhow::Result<Measurement> {
        let Built {
            raw_path,
            optimised_path,
            trap,
            glue,
            target,
            build_time,
        } = self;
        let started = Instant::now();
        let (path, optimiser_ran) = match optimised_path {
            Some(out) => {
                let ran = optimise::optimise_if_changed(
                    &raw_path,
                    &out,
                    optimise::Names::Strip,
                    artifact.exports.as_deref(),
                    artifact.panic,
                )
                .with_context(|| format!("optimise {}", artifact.name))?;
                (out, ran)
            }
            None => (raw_path.clone(), false),
        };
        let opt_time = started.elapsed();

        let optimised = std::fs::read(&path).with_context(|| format!("read {}", path.display()))?;
        let raw =
            std::fs::read(&raw_path).with_context(|| format!("read {}", raw_path.display()))?;
        // Raw is what the profile alone produces: without the section kept for the optimiser, nor
        // (when the panic handler is found by name) the names and the producers section a build
        // with names keeps, which the profile strips.
        let section = target_features::read(&raw)?;
        let mut kept = section.as_ref().map_or(0, |s| s.section_bytes);
        if trap {
            kept +=
                sections::custom_bytes(&raw, "name") + sections::custom_bytes(&raw, "producers");
        }
        let (gzip_bytes, brotli_bytes) = measure::compressed_lens(&path, &optimised)?;
        let glue = glue
            .map(|glue| ship_glue(&glue, &path))
            .transpose()
            .with_context(|| format!("measure the JS glue of {}", artifact.name))?;
        Ok(Measurement {
            name: artifact.name.clone(),
            krate: artifact.krate.clone(),
            target: target.to_owned(),
            path,
            raw_path,
            raw_bytes: raw.len() as u64 - kept,
            opt_bytes: optimised.len() as u64,
            gzip_bytes,
            brotli_bytes,
            glue,
            run: None,
            features: section.map(|s| s.features).unwrap_or_default(),
            build_time,
            opt_time,
            optimiser_ran,
        })
    }
}

/// The glue files `glue` (the file imported first, then the rest, all under the first's
/// directory, `snippets/` included), copied beside the module they load (`module`) when that is
/// elsewhere, each at its place relative to the module, so they ship and load together; a snippet
/// an earlier build left there goes (with its stamps). Measured: the sum of the files, each compressed as it is
/// served. Its path is the file imported first.
fn ship_glue(glue: &[PathBuf], module: &std::path::Path) -> anyhow::Result<Glue> {
    let here = std::path::Path::new(".");
    let from = glue.first().and_then(|file| file.parent()).unwrap_or(here);
    let to = module.parent().unwrap_or(here);
    let shipped: Vec<PathBuf> = glue
        .iter()
        .map(|file| to.join(file.strip_prefix(from).unwrap_or(file)))
        .collect();
    if to != from {
        for stale in bindgen::snippets(to) {
            // A file's stamps (`<file>.<what>`) stay with it.
            let stamps = stale.with_extension("");
            if !shipped.contains(&stale) && !shipped.contains(&stamps) {
                std::fs::remove_file(&stale)
                    .with_context(|| format!("remove {}", stale.display()))?;
                // Its directory too, once empty (removing one that is not fails, and is left).
                let _ = stale.parent().map(std::fs::remove_dir);
            }
        }
    }
    let mut sizes = Glue {
        path: shipped.first().cloned().unwrap_or_default(),
        bytes: 0,
        gzip_bytes: 0,
        brotli_bytes: 0,
    };
    for (file, beside) in glue.iter().zip(&shipped) {
        let bytes = std::fs::read(file).with_context(|| format!("read {}", file.display()))?;
        if beside != file && std::fs::read(beside).ok().as_deref() != Some(&bytes[..]) {
            atomic::write(beside, &bytes)?;
        }
        let (gzip, brotli) = measure::compressed_lens(beside, &bytes)?;
        sizes.bytes += bytes.len() as u64;
        sizes.gzip_bytes += gzip;
        sizes.brotli_bytes += brotli;
    }
    Ok(sizes)
}

impl Measurement {
    /// `wasm-demo: raw 1.2 MiB -> optimised 700.1 KiB (saves 42.0%), gzip …; build 1.2s, wasm-opt 3.4s`
    pub fn summary_line(&self) -> String {
        let build = format!("build {:.1}s", self.build_time.as_secs_f64());
        if self.path == self.raw_path {
            return format!(
                "{}: raw {}, gzip {}; {build}",
                self.name,
                human(self.raw_bytes),
                human(self.gzip_bytes)
            );
        }
        let saving = if self.raw_bytes == 0 {
            0.0
        } else {
            (self.raw_bytes as f64 - self.opt_bytes as f64) * 100.0 / self.raw_bytes as f64
        };
        let opt = if self.optimiser_ran {
            format!("wasm-opt {:.1}s", self.opt_time.as_secs_f64())
        } else {
            "wasm-opt skipped (input unchanged)".to_owned()
        };
        format!(
            "{}: raw {} -> optimised {} (saves {saving:.1}%), gzip {}, brotli {}; {build}, {opt}",
            self.name,
            human(self.raw_bytes),
            human(self.opt_bytes),
            human(self.gzip_bytes),
            human(self.brotli_bytes)
        )
    }

    /// Whether wasm-opt made `path` (so there is an unoptimised module to compare it with).
    pub fn is_optimised(&self) -> bool {
        self.path != self.raw_path
    }
}

#[cfg(test)]
impl Measurement {
    /// A measurement of `name` with made-up sizes derived from `opt_bytes`, for tests.
    pub fn example(name: &str, opt_bytes: u64) -> Self {
        Self {
            name: name.into(),
            krate: name.into(),
            target: WASM_TARGET.into(),
            path: PathBuf::from(format!(
                "/target/wasm-gate/ws-0123456789abcdef/opt/{name}.wasm"
            )),
            raw_path: PathBuf::from(format!(
                "/target/wasm-gate/ws-0123456789abcdef/modules/{name}/shipped.wasm"
            )),
            raw_bytes: opt_bytes * 2,
            opt_bytes,
            gzip_bytes: opt_bytes / 3,
            brotli_bytes: opt_bytes / 4,
            glue: None,
            run: None,
            features: Vec::new(),
            build_time: Duration::ZERO,
            opt_time: Duration::ZERO,
            optimiser_ran: true,
        }
    }
}
