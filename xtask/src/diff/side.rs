//! One side of a diff: an artifact's sizes and where its bytes go, measured from a build.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use super::generic_key;
use crate::attribution::{attribute, named_attribution, Attribution, FunctionSize};
use crate::pipeline::run_cost::RunFigures;
use crate::pipeline::{self, Optimise, Step};
use crate::project::{ArtifactBudget, Context};
use crate::runtime;

/// An artifact's sizes as it ships, and what a run of it costs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sizes {
    pub opt_bytes: u64,
    pub gzip_bytes: u64,
    pub brotli_bytes: u64,
    /// wasm-bindgen's JS glue, for an artifact built through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glue_bytes: Option<u64>,
    /// The measuring run's figures, for an artifact the embedded runtime runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunFigures>,
}

/// What a diff compares: the shipped sizes, the function bodies of the named copy, and the rest of
/// the shipped module by section, so that functions plus sections make up the optimised file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    pub sizes: Sizes,
    pub functions: Vec<FunctionSize>,
    /// In a fixed order; the code section's framing first.
    pub sections: Vec<(String, i64)>,
}

/// An artifact as built: its shipped sizes, and where the bytes of the shipped module and of its
/// named copy go. A [`Side`] is made from it, and `size-why` reports it whole.
#[derive(Debug, Clone)]
pub struct Attributed {
    pub sizes: Sizes,
    /// The optimised module.
    pub path: PathBuf,
    pub shipped: Attribution,
    pub named: Attribution,
}

impl Attributed {
    /// Builds (or reuses) the artifact in `cx`, shipped and named, and attributes the bytes of both.
    pub fn build(cx: &Context, artifact: &ArtifactBudget) -> anyhow::Result<Self> {
        let measurement = pipeline::make(cx, artifact, Step::Build, Optimise::Yes)?;
        let module = std::fs::read(&measurement.path)
            .with_context(|| format!("read {}", measurement.path.display()))?;
        let shipped = attribute(&module, &artifact.crate_path_name())
            .with_context(|| format!("read the sections of {}", measurement.path.display()))?;
        let named = named_attribution(cx, artifact)?;
        let sizes = Sizes {
            opt_bytes: measurement.opt_bytes,
            gzip_bytes: measurement.gzip_bytes,
            brotli_bytes: measurement.brotli_bytes,
            glue_bytes: measurement.glue.as_ref().map(|glue| glue.bytes),
            run: None,
        };
        Ok(Attributed {
            sizes,
            path: measurement.path,
            shipped,
            named,
        })
    }

    pub fn side(&self) -> Side {
        Side::of(self.sizes, &self.shipped, &self.named)
    }
}

impl Side {
    /// Builds (or reuses) the artifact in `cx`, shipped and named, and measures it, with what a
    /// run of it costs where the embedded runtime runs it (a run that fails is said on stderr and
    /// left out: the sizes are still worth comparing).
    pub fn measure(cx: &Context, artifact: &ArtifactBudget) -> anyhow::Result<Side> {
        let attributed = Attributed::build(cx, artifact)?;
        let mut side = attributed.side();
        match runtime::run_cost(artifact, &attributed.path, None) {
            Ok(run) => side.sizes.run = run.map(|run| run.figures()),
            Err(err) => eprintln!(
                "note: {}: what a run costs is left out: {err:#}",
                artifact.name
            ),
        }
        Ok(side)
    }

    /// The side of a module whose shipped form is `shipped` and named copy is `named`.
    pub fn of(sizes: Sizes, shipped: &Attribution, named: &Attribution) -> Side {
        let signed = |bytes: u64| i64::try_from(bytes).unwrap_or(i64::MAX);
        let framing = signed(shipped.code) - signed(named.function_bytes());
        let functions = named
            .functions
            .iter()
            .map(|f| FunctionSize {
                name: without_number(&f.name).to_owned(),
                ..f.clone()
            })
            .collect();
        Side {
            sizes,
            functions,
            sections: vec![
                ("code section framing".to_owned(), framing),
                ("data".to_owned(), signed(shipped.data)),
                ("custom sections".to_owned(), signed(shipped.custom)),
                (
                    "other sections (header, types, imports, exports, …)".to_owned(),
                    signed(shipped.other),
                ),
            ],
        }
    }

    /// Bytes per function name (the numbers that tell same-named bodies apart left out, since they
    /// shift whenever one such body comes or goes); the bodies of a name that repeats add up.
    pub fn by_function(&self) -> BTreeMap<String, u64> {
        let mut functions = BTreeMap::new();
        for f in &self.functions {
            *functions.entry(f.name.clone()).or_default() += f.bytes;
        }
        functions
    }

    pub fn by_crate(&self) -> BTreeMap<String, u64> {
        let mut crates = BTreeMap::new();
        for f in &self.functions {
            *crates.entry(f.krate.clone()).or_default() += f.bytes;
        }
        crates
    }

    /// Bytes and number of bodies per generic function, its type arguments left out.
    pub fn by_generic(&self) -> BTreeMap<String, (u64, u64)> {
        let mut generics: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for f in &self.functions {
            let entry = generics.entry(generic_key(&f.name)).or_default();
            entry.0 += f.bytes;
            entry.1 += 1;
        }
        generics
    }

    pub fn section(&self, name: &str) -> i64 {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, bytes)| *bytes)
    }
}

/// `write_char.67` → `write_char`: the number the linker or optimiser appends to tell bodies of the
/// same name apart; it says nothing about the function and changes with unrelated code.
fn without_number(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((stem, number))
            if !stem.is_empty()
                && !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit()) =>
        {
            stem
        }
        _ => name,
    }
}
