//! The diff as one JSON object, for machines: every changed function, so the deltas add up.

use serde::Serialize;

use super::{ArtifactDiff, BaseRef, ChangeKind, Report, Sizes};

#[derive(Serialize)]
struct JsonReport<'a> {
    base: &'a BaseRef,
    artifacts: Vec<JsonArtifact<'a>>,
}

#[derive(Serialize)]
struct JsonArtifact<'a> {
    name: &'a str,
    #[serde(rename = "crate")]
    krate: &'a str,
    before: Sizes,
    after: Sizes,
    crates: Vec<Named>,
    functions: Vec<JsonFunction<'a>>,
    generic_functions: Vec<JsonGeneric<'a>>,
    /// The bytes outside function bodies; with the functions they make up the file's Δ.
    sections: Vec<JsonSection<'a>>,
}

#[derive(Serialize)]
struct Named {
    name: String,
    before: u64,
    after: u64,
}

#[derive(Serialize)]
struct JsonFunction<'a> {
    name: &'a str,
    #[serde(rename = "crate")]
    krate: &'a str,
    before: u64,
    after: u64,
    change: ChangeKind,
}

#[derive(Serialize)]
struct JsonGeneric<'a> {
    name: &'a str,
    before: u64,
    after: u64,
    instances_before: u64,
    instances_after: u64,
}

#[derive(Serialize)]
struct JsonSection<'a> {
    name: &'a str,
    before: i64,
    after: i64,
}

fn artifact(diff: &ArtifactDiff) -> JsonArtifact<'_> {
    JsonArtifact {
        name: &diff.name,
        krate: &diff.krate,
        before: diff.before,
        after: diff.after,
        crates: diff
            .crates
            .iter()
            .map(|c| Named {
                name: c.name.clone(),
                before: c.before,
                after: c.after,
            })
            .collect(),
        functions: diff
            .functions
            .iter()
            .filter_map(|f| {
                Some(JsonFunction {
                    name: &f.change.name,
                    krate: &f.krate,
                    before: f.change.before,
                    after: f.change.after,
                    change: f.change.kind()?,
                })
            })
            .collect(),
        generic_functions: diff
            .generics
            .iter()
            .map(|g| JsonGeneric {
                name: &g.change.name,
                before: g.change.before,
                after: g.change.after,
                instances_before: g.instances_before,
                instances_after: g.instances_after,
            })
            .collect(),
        sections: diff
            .sections
            .iter()
            .map(|s| JsonSection {
                name: &s.name,
                before: s.before,
                after: s.after,
            })
            .collect(),
    }
}

/// `{"base": {"ref", "commit"}, "artifacts": [...]}`, sizes in bytes, pretty, with a newline.
pub fn render(report: &Report) -> anyhow::Result<String> {
    let json = JsonReport {
        base: &report.base,
        artifacts: report.artifacts.iter().map(artifact).collect(),
    };
    Ok(serde_json::to_string_pretty(&json)? + "\n")
}
