//! The diff as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write as _;

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

fn artifact(out: &mut String, diff: &ArtifactDiff, base: &str, top: usize) {
    let _ = writeln!(
        out,
        "### Size diff: {} (base {} → working tree)\n",
        diff.name,
        code(base)
    );
    out.push_str("| | before | after | Δ |\n| :--- | ---: | ---: | ---: |\n");
    for metric in diff.metrics() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            metric.what,
            metric.before,
            metric.after,
            metric.delta()
        );
    }
    let crates: Vec<_> = diff.crates.iter().filter(|c| c.kind().is_some()).collect();
    if !crates.is_empty() {
        out.push_str("\n| crate | before | after | Δ |\n| :--- | ---: | ---: | ---: |\n");
        for c in crates {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:+} |",
                code(&c.name),
                c.before,
                c.after,
                c.delta()
            );
        }
    }
    if !diff.functions.is_empty() {
        out.push_str(
            "\n| function | crate | change | before | after | Δ |\n| :--- | :--- | :--- | ---: | ---: | ---: |\n",
        );
        for f in diff.functions.iter().take(top) {
            let kind = f.change.word();
            let _ = writeln!(
                out,
                "| {} | {} | {kind} | {} | {} | {:+} |",
                code(&f.change.name),
                code(&f.krate),
                f.change.before,
                f.change.after,
                f.change.delta()
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
            let _ = writeln!(
                out,
                "| {} | ×{} → ×{} | {} | {} | {:+} |",
                code(&g.change.name),
                g.instances_before,
                g.instances_after,
                g.change.before,
                g.change.after,
                g.change.delta()
            );
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
