//! The diff as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY`.

use std::fmt::{Display, Write as _};

use super::text::short;
use super::{ArtifactDiff, Report};

pub fn render(report: &Report, top: usize) -> String {
    let mut out = String::new();
    for diff in &report.artifacts {
        artifact(&mut out, diff, &report.base.label(), top);
    }
    out
}

/// A table cell: `|` escaped, and backticks so `<…>` in names is not read as HTML.
fn code(text: &str) -> String {
    format!("`{}`", short(text).replace('|', "\\|").replace('`', "'"))
}

/// A table row of `cells`, each set off by `|`.
fn row(out: &mut String, cells: &[&dyn Display]) {
    for cell in cells {
        let _ = write!(out, "| {cell} ");
    }
    out.push_str("|\n");
}

fn artifact(out: &mut String, diff: &ArtifactDiff, base: &str, top: usize) {
    let _ = writeln!(
        out,
        "### Size diff: {} (base {} → working tree)\n",
        diff.name,
        code(base)
    );
    out.push_str("| | before | after | Δ |\n| :--- | ---: | ---: | ---: |\n");
    for m in diff.metrics() {
        row(out, &[&m.what, &m.before, &m.after, &m.delta()]);
    }
    let crates: Vec<_> = diff.crates.iter().filter(|c| c.kind().is_some()).collect();
    if !crates.is_empty() {
        out.push_str("\n| crate | before | after | Δ |\n| :--- | ---: | ---: | ---: |\n");
        for c in crates {
            let delta = format!("{:+}", c.delta());
            row(out, &[&code(&c.name), &c.before, &c.after, &delta]);
        }
    }
    if !diff.functions.is_empty() {
        out.push_str(
            "\n| function | crate | change | before | after | Δ |\n| :--- | :--- | :--- | ---: | ---: | ---: |\n",
        );
        for f in diff.functions.iter().take(top) {
            let c = &f.change;
            let (name, krate, delta) = (code(&c.name), code(&f.krate), format!("{:+}", c.delta()));
            row(
                out,
                &[&name, &krate, &c.word(), &c.before, &c.after, &delta],
            );
        }
        if diff.functions.len() > top {
            let rest: i128 = diff.functions[top..].iter().map(|f| f.change.delta()).sum();
            let _ = writeln!(
                out,
                "| ({} more) | | | | | {rest:+} |",
                diff.functions.len() - top
            );
        }
    }
    if !diff.generics.is_empty() {
        out.push_str(
            "\n| generic function | instances | before | after | Δ |\n| :--- | ---: | ---: | ---: | ---: |\n",
        );
        for g in diff.generics.iter().take(top) {
            let c = &g.change;
            let instances = format!("×{} → ×{}", g.instances_before, g.instances_after);
            let (name, delta) = (code(&c.name), format!("{:+}", c.delta()));
            row(out, &[&name, &instances, &c.before, &c.after, &delta]);
        }
    }
    let _ = writeln!(
        out,
        "\nfunctions {:+} B + sections {:+} B = file {:+} B\n",
        diff.function_delta(),
        diff.section_delta(),
        diff.file_delta()
    );
}
