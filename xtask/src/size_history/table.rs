//! The history as text (one block per artifact, oldest commit first) and as JSON.

use std::fmt::Write as _;

use serde::Serialize;

use super::git::{History, Unreadable};
use super::series::Series;
use crate::bytes::units::human;

/// Subjects are cut to this many characters in the table.
const SUBJECT_WIDTH: usize = 60;

pub fn table(history: &History, series: &[Series]) -> String {
    let mut out = String::new();
    for s in series {
        let budget = s.budget_bytes.map_or_else(
            || "no budget today".to_owned(),
            |b| format!("budget {}", human(b)),
        );
        let _ = writeln!(out, "{} ({budget})", s.artifact);
        // What a run cost and the glue, when some commit records them.
        let glue = s.points.iter().any(|p| p.sizes.glue_bytes.is_some());
        let run = s.points.iter().any(|p| p.sizes.run.is_some());
        let mut extra = String::new();
        if glue {
            let _ = write!(extra, " {:>9}", "glue");
        }
        if run {
            let _ = write!(
                extra,
                " {:>12} {:>12} {:>11}",
                "startup", "instructions", "peak memory"
            );
        }
        let _ = writeln!(
            out,
            "{:<9} {:<10} {:>10} {:>8} {:>9} {:>9}{extra}  subject",
            "commit", "date", "optimised", "Δ", "gzip", "brotli"
        );
        for p in &s.points {
            let delta = p
                .opt_delta
                .map_or_else(|| "new".to_owned(), |d| format!("{d:+}"));
            let brotli = p
                .sizes
                .brotli_bytes
                .map_or_else(|| "-".to_owned(), |b| b.to_string());
            let shown = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
            let mut extra = String::new();
            if glue {
                let _ = write!(extra, " {:>9}", shown(p.sizes.glue_bytes));
            }
            if run {
                let figures = p.sizes.run;
                let _ = write!(
                    extra,
                    " {:>12} {:>12} {:>11}",
                    shown(figures.map(|r| r.startup_instructions)),
                    shown(figures.map(|r| r.instructions)),
                    shown(figures.map(|r| r.peak_memory))
                );
            }
            let _ = writeln!(
                out,
                "{:<9} {:<10} {:>10} {:>8} {:>9} {:>9}{extra}  {}",
                &p.commit[..p.commit.len().min(9)],
                p.date,
                p.sizes.opt_bytes,
                delta,
                p.sizes.gzip_bytes,
                brotli,
                cut(&p.subject)
            );
        }
        if s.points.is_empty() {
            out.push_str("(no commit records it)\n");
        }
        out.push('\n');
    }
    if !history.unreadable.is_empty() {
        out.push_str("skipped:\n");
        for u in &history.unreadable {
            let _ = writeln!(
                out,
                "{:<9} {:<10} {}  ({})",
                &u.commit[..u.commit.len().min(9)],
                u.date,
                cut(&u.subject),
                u.error
            );
        }
    }
    out
}

/// `size-history --json`.
#[derive(Debug, Serialize)]
struct Json<'a> {
    commits_seen: usize,
    commits_in_clone: usize,
    shallow: bool,
    artifacts: &'a [Series],
    skipped: &'a [Unreadable],
}

pub fn json(history: &History, series: &[Series]) -> anyhow::Result<String> {
    let json = Json {
        commits_seen: history.commits_seen(),
        commits_in_clone: history.commits_in_clone,
        shallow: history.shallow,
        artifacts: series,
        skipped: &history.unreadable,
    };
    Ok(serde_json::to_string_pretty(&json)? + "\n")
}

fn cut(subject: &str) -> String {
    if subject.chars().count() <= SUBJECT_WIDTH {
        return subject.to_owned();
    }
    let kept: String = subject.chars().take(SUBJECT_WIDTH - 1).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::super::git::{Commit, Sizes};
    use super::super::series::series;
    use super::*;
    use crate::pipeline::run_cost::RunFigures;

    fn commit(hash: &str, subject: &str, sizes: &[(&str, u64, Option<u64>)]) -> Commit {
        Commit {
            commit: hash.repeat(40 / hash.len()),
            date: "2026-11-26".into(),
            subject: subject.into(),
            artifacts: sizes
                .iter()
                .map(|&(name, opt, brotli)| {
                    let sizes = Sizes {
                        opt_bytes: opt,
                        gzip_bytes: opt / 2,
                        brotli_bytes: brotli,
                        glue_bytes: None,
                        // A run recorded from the third commit on.
                        run: brotli.filter(|_| hash == "c3").map(|_| RunFigures {
                            startup_instructions: 12,
                            instructions: opt * 300,
                            initial_memory: 65_536,
                            peak_memory: 131_072,
                        }),
                    };
                    (name.to_owned(), sizes)
                })
                .collect(),
        }
    }

    #[test]
    fn each_artifact_gets_a_block_with_growth_from_the_commit_before() {
        let history = History {
            commits_in_clone: 9,
            shallow: false,
            commits: vec![
                commit("a1", "first", &[("core", 1000, None)]),
                commit(
                    "b2",
                    "demo arrives",
                    &[("core", 1100, None), ("demo", 500, Some(300))],
                ),
                commit(
                    "c3",
                    &"long subject ".repeat(8),
                    &[("core", 1050, Some(400))],
                ),
            ],
            unreadable: vec![Unreadable {
                commit: "d4".repeat(20),
                date: "2026-11-27".into(),
                subject: "broken".into(),
                error: "size-baseline.json does not parse: line 1: x".into(),
            }],
        };
        let series = series(
            &history,
            &[("core".into(), Some(2048)), ("demo".into(), None)],
        );
        expect_test::expect![[r#"
            core (budget 2.0 KiB)
            commit    date        optimised        Δ      gzip    brotli      startup instructions peak memory  subject
            a1a1a1a1a 2026-11-26       1000      new       500         -            -            -           -  first
            b2b2b2b2b 2026-11-26       1100     +100       550         -            -            -           -  demo arrives
            c3c3c3c3c 2026-11-26       1050      -50       525       400           12       315000      131072  long subject long subject long subject long subject long su…

            demo (no budget today)
            commit    date        optimised        Δ      gzip    brotli  subject
            b2b2b2b2b 2026-11-26        500      new       250       300  demo arrives

            skipped:
            d4d4d4d4d 2026-11-27 broken  (size-baseline.json does not parse: line 1: x)
        "#]]
        .assert_eq(&table(&history, &series));
        let json: serde_json::Value =
            serde_json::from_str(&json(&history, &series).unwrap()).unwrap();
        assert_eq!(json["commits_seen"], 4);
        assert_eq!(json["artifacts"][0]["points"][2]["opt_delta"], -50);
        assert_eq!(
            json["artifacts"][0]["points"][0]["opt_delta"],
            serde_json::Value::Null
        );
        assert_eq!(json["artifacts"][1]["points"][0]["brotli_bytes"], 300);
        assert_eq!(json["skipped"][0]["subject"], "broken");
    }
}
