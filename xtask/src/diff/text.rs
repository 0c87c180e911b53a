//! The diff as text for a terminal: sizes before → after, crates, the functions that changed most,
//! generic functions over their instances, the sections, and the sum that makes up the file's Δ.

use std::fmt::{Display, Write as _};

use super::{ArtifactDiff, ChangeKind, Report};

/// Names longer than this are cut in the middle.
const NAME_WIDTH: usize = 110;

pub fn render(report: &Report, top: usize) -> String {
    let mut out = String::new();
    for diff in &report.artifacts {
        artifact(&mut out, diff, &report.base.label(), top);
    }
    out
}

fn artifact(out: &mut String, diff: &ArtifactDiff, base: &str, top: usize) {
    let _ = writeln!(out, "{}: base {base} -> working tree", diff.name);
    if !diff.in_base {
        let _ = writeln!(
            out,
            "  (the base does not list this artifact: all of it is new)"
        );
    }
    let _ = writeln!(out, "  {:<10} {:>10} {:>10}  Δ", "", "before", "after");
    for metric in diff.metrics() {
        let _ = writeln!(
            out,
            "  {:<10} {:>10} {:>10}  {}",
            metric.what,
            metric.before,
            metric.after,
            metric.delta()
        );
    }

    let crates: Vec<_> = diff.crates.iter().filter(|c| c.kind().is_some()).collect();
    if crates.is_empty() {
        let _ = writeln!(out, "\n  no crate's code changed");
    } else {
        out.push('\n');
        heading(out, "crate");
        for c in crates {
            row(out, c.delta(), c.before, c.after, &c.name);
        }
    }

    let count = |kind| {
        diff.functions
            .iter()
            .filter(|f| f.change.kind() == Some(kind))
            .count()
    };
    if diff.functions.is_empty() {
        let _ = writeln!(out, "\n  no function changed");
    } else {
        let _ = writeln!(
            out,
            "\n  functions: {} added, {} removed, {} grown, {} shrunk; largest |Δ| first",
            count(ChangeKind::Added),
            count(ChangeKind::Removed),
            count(ChangeKind::Grown),
            count(ChangeKind::Shrunk)
        );
        heading(out, format!("{:<7}  function (crate)", "change"));
        for f in diff.functions.iter().take(top) {
            let c = &f.change;
            let what = format!("{:<7}  {} ({})", c.word(), short(&c.name), f.krate);
            row(out, c.delta(), c.before, c.after, what);
        }
        if diff.functions.len() > top {
            let rest: i128 = diff.functions[top..].iter().map(|f| f.change.delta()).sum();
            let what = format!(
                "{:<7}  ({} more changed functions)",
                "",
                diff.functions.len() - top
            );
            row(out, rest, "", "", what);
        }
    }

    if !diff.generics.is_empty() {
        let _ = writeln!(out, "\n  generic functions, collapsed over their instances");
        heading(out, format!("{:<16}  function", "instances"));
        for g in diff.generics.iter().take(top) {
            let instances = format!(
                "×{} -> ×{} ({:+})",
                g.instances_before,
                g.instances_after,
                i128::from(g.instances_after) - i128::from(g.instances_before)
            );
            let c = &g.change;
            let what = format!("{instances:<16}  {}", short(&c.name));
            row(out, c.delta(), c.before, c.after, what);
        }
        if diff.generics.len() > top {
            let _ = writeln!(out, "  ({} more)", diff.generics.len() - top);
        }
    }

    out.push('\n');
    heading(out, "outside function bodies");
    for s in &diff.sections {
        let delta = i128::from(s.after) - i128::from(s.before);
        row(out, delta, s.before, s.after, &s.name);
    }
    let _ = writeln!(
        out,
        "\n  total: functions {:+} B + sections {:+} B = file {:+} B\n",
        diff.function_delta(),
        diff.section_delta(),
        diff.file_delta()
    );
}

/// The heading of a table of changes, over `what` changed.
fn heading(out: &mut String, what: impl Display) {
    let _ = writeln!(out, "  {:>8} {:>9} {:>9}  {what}", "Δ", "before", "after");
}

/// A line of a table of changes: the Δ signed, before and after, then what changed.
fn row(
    out: &mut String,
    delta: i128,
    before: impl Display,
    after: impl Display,
    what: impl Display,
) {
    let _ = writeln!(out, "  {delta:>+8} {before:>9} {after:>9}  {what}");
}

/// A name cut in the middle when it is too long for a line.
pub(super) fn short(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= NAME_WIDTH {
        return name.to_owned();
    }
    let half = (NAME_WIDTH - 1) / 2;
    let head: String = chars[..half].iter().collect();
    let tail: String = chars[chars.len() - half..].iter().collect();
    format!("{head}…{tail}")
}
