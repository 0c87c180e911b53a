//! The history as an SVG line chart: one panel per artifact, its optimised, gzip and brotli sizes
//! over the commits (one point per commit), and its budget as a dashed line.

use std::fmt::Write as _;

use super::series::Series;
use crate::bytes::units::human;

const WIDTH: f64 = 960.0;
const PANEL: f64 = 300.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 48.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 54.0;

/// The lines of a panel: what they measure, their colour and dash pattern.
const LINES: [(&str, &str, &str); 3] = [
    ("optimised", "#1f5fbf", ""),
    ("gzip", "#d9822b", ""),
    ("brotli", "#2a9d5c", ""),
];
const BUDGET_COLOUR: &str = "#c0392b";

pub fn chart(series: &[Series]) -> String {
    let height = PANEL * series.len().max(1) as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"system-ui, DejaVu Sans, sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    );
    for (i, s) in series.iter().enumerate() {
        panel(&mut out, s, PANEL * i as f64);
    }
    out.push_str("</svg>\n");
    out
}

fn panel(out: &mut String, s: &Series, top: f64) {
    let (x0, x1) = (LEFT, WIDTH - RIGHT);
    let (y0, y1) = (top + PANEL - BOTTOM, top + TOP);
    let max = s
        .points
        .iter()
        .map(|p| p.sizes.opt_bytes)
        .chain(s.budget_bytes)
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
        "<g class=\"artifact\" data-artifact=\"{name}\">\n\
         <text x=\"{LEFT}\" y=\"{}\" font-size=\"15\" font-weight=\"600\">{name}: size over {n} commit{}</text>",
        top + 22.0,
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
            human(bytes)
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{x0}\" x2=\"{x0}\" y1=\"{y1}\" y2=\"{y0}\" stroke=\"#8c96a7\"/>\
         <line x1=\"{x0}\" x2=\"{x1}\" y1=\"{y0}\" y2=\"{y0}\" stroke=\"#8c96a7\"/>"
    );
    if let Some(budget) = s.budget_bytes {
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
    for (metric, (label, colour, dash)) in LINES.iter().enumerate() {
        let value = |p: &super::series::Point| match metric {
            0 => Some(p.sizes.opt_bytes),
            1 => Some(p.sizes.gzip_bytes),
            _ => p.sizes.brotli_bytes,
        };
        let coordinates: Vec<String> = s
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| value(p).map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        if coordinates.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<polyline class=\"{label}\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{}/>",
            coordinates.join(" "),
            if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") }
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
    // One point per commit on the optimised line, with the commit as its tooltip.
    for (i, p) in s.points.iter().enumerate() {
        let delta = p
            .opt_delta
            .map_or_else(|| "first".to_owned(), |d| format!("{d:+} B"));
        let _ = writeln!(
            out,
            "<circle class=\"point\" data-commit=\"{}\" data-bytes=\"{}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\">\
             <title>{} {} {}: {} B optimised ({delta})</title></circle>",
            p.commit,
            p.sizes.opt_bytes,
            x(i),
            y(p.sizes.opt_bytes),
            LINES[0].1,
            &p.commit[..p.commit.len().min(9)],
            p.date,
            escape(&p.subject),
            p.sizes.opt_bytes
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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
