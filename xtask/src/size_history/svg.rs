//! The history as an SVG line chart: one panel per artifact, its optimised, gzip and brotli sizes
//! over the commits (one point per commit), and its budget as a dashed line; under it, for an
//! artifact whose baselines record what a run costs, a panel of its instructions (startup and the
//! whole run) and one of its peak memory.

use std::fmt::Write as _;

use super::series::{Point, Series};
use crate::bytes::counts::human_count;
use crate::bytes::units::human;
use crate::files::markup::escape;

const WIDTH: f64 = 960.0;
const PANEL: f64 = 300.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 48.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 54.0;

/// A line of a panel: what it measures, its colour, and its value at a point.
struct Line {
    label: &'static str,
    colour: &'static str,
    value: fn(&Point) -> Option<u64>,
}

/// One panel: its group's class and title, its lines (the points sit on the first), how its axis
/// and tooltips show a value, and the budget drawn across it.
struct Panel {
    class: &'static str,
    title: &'static str,
    lines: &'static [Line],
    shown: fn(u64) -> String,
    unit: &'static str,
    budget: Option<u64>,
}

const SIZE_LINES: &[Line] = &[
    Line {
        label: "optimised",
        colour: "#1f5fbf",
        value: |p| Some(p.sizes.opt_bytes),
    },
    Line {
        label: "gzip",
        colour: "#d9822b",
        value: |p| Some(p.sizes.gzip_bytes),
    },
    Line {
        label: "brotli",
        colour: "#2a9d5c",
        value: |p| p.sizes.brotli_bytes,
    },
];
const INSTRUCTION_LINES: &[Line] = &[
    Line {
        label: "run",
        colour: "#6a3fb5",
        value: |p| p.sizes.run.map(|r| r.instructions),
    },
    Line {
        label: "startup",
        colour: "#b5447a",
        value: |p| p.sizes.run.map(|r| r.startup_instructions),
    },
];
const MEMORY_LINES: &[Line] = &[Line {
    label: "peak memory",
    colour: "#2a7f8f",
    value: |p| p.sizes.run.map(|r| r.peak_memory),
}];
const BUDGET_COLOUR: &str = "#c0392b";

/// The panels of one artifact: its sizes, then what a run costs when some baseline records it.
fn panels(s: &Series) -> Vec<Panel> {
    let mut panels = vec![Panel {
        class: "artifact",
        title: "size",
        lines: SIZE_LINES,
        shown: human,
        unit: "B optimised",
        budget: s.budget_bytes,
    }];
    if s.points.iter().any(|p| p.sizes.run.is_some()) {
        panels.push(Panel {
            class: "run",
            title: "instructions per run",
            lines: INSTRUCTION_LINES,
            shown: human_count,
            unit: "instructions",
            budget: None,
        });
        panels.push(Panel {
            class: "memory",
            title: "peak memory of a run",
            lines: MEMORY_LINES,
            shown: human,
            unit: "B of linear memory",
            budget: None,
        });
    }
    panels
}

pub fn chart(series: &[Series]) -> String {
    let all: Vec<(&Series, Panel)> = series
        .iter()
        .flat_map(|s| panels(s).into_iter().map(move |p| (s, p)))
        .collect();
    let height = PANEL * all.len().max(1) as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"system-ui, DejaVu Sans, sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    );
    for (i, (s, spec)) in all.iter().enumerate() {
        panel(&mut out, s, spec, PANEL * i as f64);
    }
    out.push_str("</svg>\n");
    out
}

fn panel(out: &mut String, s: &Series, spec: &Panel, top: f64) {
    let (x0, x1) = (LEFT, WIDTH - RIGHT);
    let (y0, y1) = (top + PANEL - BOTTOM, top + TOP);
    let max = s
        .points
        .iter()
        .flat_map(|p| spec.lines.iter().filter_map(|line| (line.value)(p)))
        .chain(spec.budget)
        .max()
        .unwrap_or(1)
        .max(1) as f64
        * 1.05;
    let y = |bytes: u64| y0 - (y0 - y1) * bytes as f64 / max;
    let n = s.points.len();
    let x = |i: usize| {
        if n <= 1 {
            (x0 + x1) / 2.0
        } else {
            x0 + (x1 - x0) * i as f64 / (n - 1) as f64
        }
    };
    let name = escape(&s.artifact);
    let _ = writeln!(
        out,
        "<g class=\"{}\" data-artifact=\"{name}\">\n\
         <text x=\"{LEFT}\" y=\"{}\" font-size=\"15\" font-weight=\"600\">{name}: {} over {n} commit{}</text>",
        spec.class,
        top + 22.0,
        spec.title,
        if n == 1 { "" } else { "s" }
    );
    // The axes and four gridlines, labelled in bytes.
    for step in 0..=4 {
        let bytes = (max * step as f64 / 4.0) as u64;
        let gy = y(bytes);
        let _ = writeln!(
            out,
            "<line x1=\"{x0}\" x2=\"{x1}\" y1=\"{gy:.1}\" y2=\"{gy:.1}\" stroke=\"#e3e6eb\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#566072\">{}</text>",
            x0 - 8.0,
            gy + 4.0,
            (spec.shown)(bytes)
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{x0}\" x2=\"{x0}\" y1=\"{y1}\" y2=\"{y0}\" stroke=\"#8c96a7\"/>\
         <line x1=\"{x0}\" x2=\"{x1}\" y1=\"{y0}\" y2=\"{y0}\" stroke=\"#8c96a7\"/>"
    );
    if let Some(budget) = spec.budget {
        let by = y(budget);
        let _ = writeln!(
            out,
            "<line class=\"budget\" data-bytes=\"{budget}\" x1=\"{x0}\" x2=\"{x1}\" y1=\"{by:.1}\" y2=\"{by:.1}\" \
             stroke=\"{BUDGET_COLOUR}\" stroke-width=\"1.5\" stroke-dasharray=\"7 4\"/>\
             <text x=\"{x1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{BUDGET_COLOUR}\">budget {}</text>",
            by - 5.0,
            human(budget)
        );
    }
    for (metric, line) in spec.lines.iter().enumerate() {
        let (label, colour) = (line.label, line.colour);
        let coordinates: Vec<String> = s
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| (line.value)(p).map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        if coordinates.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<polyline class=\"{label}\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
            coordinates.join(" "),
        );
        // The legend, top right of the panel.
        let lx = x1 - 300.0 + 90.0 * metric as f64;
        let _ = writeln!(
            out,
            "<line x1=\"{lx}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"2\"/>\
             <text x=\"{}\" y=\"{}\">{label}</text>",
            lx + 18.0,
            top + 18.0,
            top + 18.0,
            lx + 23.0,
            top + 22.0
        );
    }
    // One point per commit on the first line, with the commit as its tooltip.
    let first = &spec.lines[0];
    let mut previous = None;
    for (i, p) in s.points.iter().enumerate() {
        let Some(value) = (first.value)(p) else {
            continue;
        };
        let delta = previous.map_or_else(
            || "first".to_owned(),
            |old: u64| format!("{:+}", value as i128 - old as i128),
        );
        previous = Some(value);
        let _ = writeln!(
            out,
            "<circle class=\"point\" data-commit=\"{}\" data-value=\"{value}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\">\
             <title>{} {} {}: {value} {} ({delta})</title></circle>",
            p.commit,
            x(i),
            y(value),
            first.colour,
            &p.commit[..p.commit.len().min(9)],
            p.date,
            escape(&p.subject),
            spec.unit,
        );
    }
    // Commits along the bottom: each when there are few, else the first, middle and last.
    let labelled: Vec<usize> = if n <= 8 {
        (0..n).collect()
    } else {
        vec![0, n / 2, n - 1]
    };
    for i in labelled {
        let p = &s.points[i];
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#566072\">{}</text>\
             <text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#566072\">{}</text>",
            x(i),
            y0 + 18.0,
            &p.commit[..p.commit.len().min(7)],
            x(i),
            y0 + 33.0,
            p.date
        );
    }
    out.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::super::git::Sizes;
    use super::*;
    use crate::pipeline::run_cost::RunFigures;

    fn point(commit: &str, opt_bytes: u64, run: Option<u64>) -> Point {
        Point {
            commit: commit.repeat(20),
            date: "2026-12-05".into(),
            subject: format!("commit {commit}"),
            sizes: Sizes {
                opt_bytes,
                gzip_bytes: opt_bytes / 2,
                brotli_bytes: None,
                glue_bytes: None,
                run: run.map(|instructions| RunFigures {
                    startup_instructions: instructions / 10,
                    instructions,
                    initial_memory: 65_536,
                    peak_memory: 4 * 65_536,
                }),
            },
            opt_delta: None,
        }
    }

    /// The `<g>` groups of `svg` with `class`, and the points each holds.
    fn groups(svg: &str, class: &str) -> Vec<usize> {
        svg.split("<g class=\"")
            .skip(1)
            .filter(|group| group.starts_with(&format!("{class}\"")))
            .map(|group| group.matches("<circle class=\"point\"").count())
            .collect()
    }

    #[test]
    fn a_run_recorded_by_some_commits_gets_its_instruction_and_memory_panels() {
        let series = [
            Series {
                artifact: "core".into(),
                budget_bytes: Some(4096),
                points: vec![
                    point("a1", 1000, None),
                    point("b2", 1100, Some(50_000)),
                    point("c3", 1050, Some(52_000)),
                ],
            },
            Series {
                artifact: "old".into(),
                budget_bytes: None,
                points: vec![point("a1", 500, None)],
            },
        ];
        let svg = chart(&series);
        assert_eq!(groups(&svg, "artifact"), [3, 1]);
        assert_eq!(
            groups(&svg, "run"),
            [2],
            "only the commits that record a run"
        );
        assert_eq!(groups(&svg, "memory"), [2]);
        assert!(
            svg.contains("core: instructions per run over 3 commits"),
            "{svg}"
        );
        assert!(
            svg.contains(": 52000 instructions (+2000)</title>"),
            "{svg}"
        );
        assert!(
            svg.contains(&format!("height=\"{}\"", PANEL * 4.0)),
            "four panels"
        );
    }
}
