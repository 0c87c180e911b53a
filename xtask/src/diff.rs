//! The diff engine: what a change did to an artifact's bytes, from its sizes and byte attribution
//! before and after; per crate, per function, per generic function over its instances, and the
//! sections outside function bodies, so that the deltas add up to the file's.
//!
//! `size-diff` renders it against a git ref (whose side [`base`] builds and remembers), `size-why
//! --html --base` colours its report by it, and `size-check` uses it for what grew since the baseline.

pub mod base;
mod generic;
pub mod json;
pub mod markdown;
mod side;
pub mod text;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use generic::generic_key;
pub use side::{Attributed, Side, Sizes};

/// One name's bytes before and after; 0 on a side where it does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub name: String,
    pub before: u64,
    pub after: u64,
}

/// How a function changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Grown,
    Shrunk,
}

impl Change {
    /// In i128, so any two sizes subtract without overflow.
    pub fn delta(&self) -> i128 {
        i128::from(self.after) - i128::from(self.before)
    }

    /// `None` when the size did not change. A function body is never 0 bytes, so 0 means absent.
    pub fn kind(&self) -> Option<ChangeKind> {
        match (self.before, self.after) {
            (b, a) if b == a => None,
            (0, _) => Some(ChangeKind::Added),
            (_, 0) => Some(ChangeKind::Removed),
            (b, a) if a > b => Some(ChangeKind::Grown),
            _ => Some(ChangeKind::Shrunk),
        }
    }

    /// The change as a report's word: `added`, `removed`, `grown`, or `shrunk` (also for no change).
    pub fn word(&self) -> &'static str {
        match self.kind() {
            Some(ChangeKind::Added) => "added",
            Some(ChangeKind::Removed) => "removed",
            Some(ChangeKind::Grown) => "grown",
            Some(ChangeKind::Shrunk) | None => "shrunk",
        }
    }
}

/// Every name of either map with its bytes on both sides, largest |Δ| first (then by name); the
/// one comparison every report of this crate is made from.
pub fn changes(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> Vec<Change> {
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut changes: Vec<Change> = names
        .into_iter()
        .map(|name| Change {
            name: name.clone(),
            before: before.get(name).copied().unwrap_or(0),
            after: after.get(name).copied().unwrap_or(0),
        })
        .collect();
    changes.sort_by(|a, b| {
        b.delta()
            .abs()
            .cmp(&a.delta().abs())
            .then_with(|| a.name.cmp(&b.name))
    });
    changes
}

/// A function that changed, with its crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionChange {
    pub change: Change,
    pub krate: String,
}

/// A generic function collapsed over its instances: `core::ptr::drop_in_place::<…>` ×12.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenericChange {
    pub change: Change,
    pub instances_before: u64,
    pub instances_after: u64,
}

/// Bytes of the module outside function bodies, by section. Signed: the code section's framing is
/// what the shipped code section holds beyond the named copy's function bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionChange {
    pub name: String,
    pub before: i64,
    pub after: i64,
}

/// A file-level figure of both sides: bytes, or instructions executed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    pub what: &'static str,
    pub before: u64,
    pub after: u64,
    pub is_count: bool,
}

impl Metric {
    fn bytes(what: &'static str, before: u64, after: u64) -> Self {
        Self {
            what,
            before,
            after,
            is_count: false,
        }
    }

    fn count(what: &'static str, before: u64, after: u64) -> Self {
        Self {
            what,
            before,
            after,
            is_count: true,
        }
    }

    /// `+1234 B (+0.4%)`, or `+1234 (+0.4%)` for a count.
    pub fn delta(&self) -> String {
        if self.is_count {
            crate::bytes::counts::count_delta(self.before, self.after)
        } else {
            crate::bytes::units::delta(self.before, self.after)
        }
    }
}

/// What changed in one artifact between two sides.
#[derive(Debug, Clone)]
pub struct ArtifactDiff {
    pub name: String,
    pub krate: String,
    /// False when the base does not list the artifact (everything in it is added).
    pub in_base: bool,
    pub before: Sizes,
    pub after: Sizes,
    /// Every crate of either side, largest |Δ| first.
    pub crates: Vec<Change>,
    /// The functions that changed, largest |Δ| first.
    pub functions: Vec<FunctionChange>,
    /// Generic functions (or names with several bodies) whose bytes or instance count changed.
    pub generics: Vec<GenericChange>,
    pub sections: Vec<SectionChange>,
}

impl ArtifactDiff {
    /// The file-level metrics, before and after, in the order every report prints them: the sizes,
    /// then the glue and the run's figures where both sides have them.
    pub fn metrics(&self) -> Vec<Metric> {
        let (before, after) = (&self.before, &self.after);
        let mut metrics = vec![
            Metric::bytes("optimised", before.opt_bytes, after.opt_bytes),
            Metric::bytes("gzip", before.gzip_bytes, after.gzip_bytes),
            Metric::bytes("brotli", before.brotli_bytes, after.brotli_bytes),
        ];
        if let (Some(b), Some(a)) = (before.glue_bytes, after.glue_bytes) {
            metrics.push(Metric::bytes("glue", b, a));
        }
        if let (Some(b), Some(a)) = (before.run, after.run) {
            metrics.extend([
                Metric::count("startup", b.startup_instructions, a.startup_instructions),
                Metric::count("run", b.instructions, a.instructions),
                Metric::bytes("peak mem", b.peak_memory, a.peak_memory),
            ]);
        }
        metrics
    }

    pub fn between(name: &str, krate: &str, before: Option<&Side>, after: &Side) -> Self {
        let empty = Side::default();
        let in_base = before.is_some();
        let before = before.unwrap_or(&empty);
        let crate_of: BTreeMap<&str, &str> = before
            .functions
            .iter()
            .chain(&after.functions)
            .map(|f| (f.name.as_str(), f.krate.as_str()))
            .collect();
        let functions = changes(&before.by_function(), &after.by_function())
            .into_iter()
            .filter(|change| change.kind().is_some())
            .map(|change| FunctionChange {
                krate: crate_of
                    .get(change.name.as_str())
                    .unwrap_or(&"")
                    .to_string(),
                change,
            })
            .collect();
        let (generic_before, generic_after) = (before.by_generic(), after.by_generic());
        let bytes = |m: &BTreeMap<String, (u64, u64)>| -> BTreeMap<String, u64> {
            m.iter()
                .map(|(k, (bytes, _))| (k.clone(), *bytes))
                .collect()
        };
        let generics = changes(&bytes(&generic_before), &bytes(&generic_after))
            .into_iter()
            .map(|change| {
                let count =
                    |m: &BTreeMap<String, (u64, u64)>| m.get(&change.name).map_or(0, |g| g.1);
                GenericChange {
                    instances_before: count(&generic_before),
                    instances_after: count(&generic_after),
                    change,
                }
            })
            .filter(|g| {
                let several = g.instances_before > 1 || g.instances_after > 1;
                let generic = g.change.name.contains("<…>");
                (several || generic)
                    && (g.change.kind().is_some() || g.instances_before != g.instances_after)
            })
            .collect();
        let sections = after
            .sections
            .iter()
            .map(|(name, after_bytes)| SectionChange {
                name: name.clone(),
                before: before.section(name),
                after: *after_bytes,
            })
            .collect();
        Self {
            name: name.to_owned(),
            krate: krate.to_owned(),
            in_base,
            before: before.sizes,
            after: after.sizes,
            crates: changes(&before.by_crate(), &after.by_crate()),
            functions,
            generics,
            sections,
        }
    }

    /// The file's Δ in optimised bytes.
    pub fn file_delta(&self) -> i128 {
        i128::from(self.after.opt_bytes) - i128::from(self.before.opt_bytes)
    }

    pub fn function_delta(&self) -> i128 {
        self.functions.iter().map(|f| f.change.delta()).sum()
    }

    pub fn section_delta(&self) -> i128 {
        self.sections
            .iter()
            .map(|s| i128::from(s.after) - i128::from(s.before))
            .sum()
    }
}

/// The ref a diff was taken against, as given and as resolved.
#[derive(Debug, Clone, Serialize)]
pub struct BaseRef {
    #[serde(rename = "ref")]
    pub reference: String,
    pub commit: String,
}

impl BaseRef {
    /// `HEAD~1 (1a2b3c4d5e6f)`.
    pub fn label(&self) -> String {
        let short: String = self.commit.chars().take(12).collect();
        format!("{} ({short})", self.reference)
    }
}

/// The diffs of every artifact asked for, against one base.
#[derive(Debug, Clone)]
pub struct Report {
    pub base: BaseRef,
    pub artifacts: Vec<ArtifactDiff>,
}

#[cfg(test)]
mod tests;
