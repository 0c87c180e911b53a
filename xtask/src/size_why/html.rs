//! `size-why --html`: one self-contained HTML page with a treemap of the optimised module, a search
//! box and the artifact's sizes against its budget. Everything is inlined (data, style, script), so
//! the page opens from a CI artifact or a mail without a network.

mod data;

use std::path::Path;

use anyhow::Context as _;

pub use data::{Base, Kind, Node, ReportData, Sizes};

use crate::files::markup::escape;

const PAGE: &str = include_str!("html/page.html");
const STYLE: &str = include_str!("html/page.css");
const SCRIPT: &str = include_str!("html/treemap.js");

/// The whole page for `data`.
pub fn render(data: &ReportData) -> anyhow::Result<String> {
    let json = serde_json::to_string(data).context("serialise the report data")?;
    // Inside <script>, `</` could close the element early; `<\/` is the same JSON string.
    let json = json.replace("</", "<\\/");
    let title = escape(&format!("{}: where the bytes go", data.artifact));
    // Placeholders are replaced one at a time, each in the template only, never in what an earlier
    // one inserted (a function name may contain anything).
    let mut page = String::with_capacity(PAGE.len() + json.len() + STYLE.len() + SCRIPT.len());
    let mut rest = PAGE;
    for (placeholder, value) in [
        ("{{TITLE}}", title.as_str()),
        ("{{STYLE}}", STYLE),
        ("{{DATA}}", json.as_str()),
        ("{{SCRIPT}}", SCRIPT),
    ] {
        let (before, after) = rest
            .split_once(placeholder)
            .with_context(|| format!("the page template has no {placeholder}"))?;
        page.push_str(before);
        page.push_str(value);
        rest = after;
    }
    page.push_str(rest);
    Ok(page)
}

/// Writes the page for `data` to `path` atomically.
pub fn write(path: &Path, data: &ReportData) -> anyhow::Result<()> {
    crate::files::atomic::write(path, render(data)?.as_bytes())
}

#[cfg(test)]
mod tests;
