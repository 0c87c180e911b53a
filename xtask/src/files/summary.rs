//! `$GITHUB_STEP_SUMMARY`: the Markdown a CI job shows on its summary page.

use std::io::Write;

use anyhow::Context;

/// Appends `markdown` to the file `$GITHUB_STEP_SUMMARY` names, when it is set.
pub fn append_step_summary(markdown: &str) -> anyhow::Result<()> {
    let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&summary)
        .context("open $GITHUB_STEP_SUMMARY")?;
    file.write_all(markdown.as_bytes())
        .context("append to $GITHUB_STEP_SUMMARY")
}
