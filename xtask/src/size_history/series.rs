//! One artifact's sizes over the commits that record it, with the growth from one to the next: what
//! the table, the JSON and the chart are drawn from.

use serde::Serialize;

use super::git::{History, Sizes};

/// One artifact through the history.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Series {
    pub artifact: String,
    /// Its budget in today's size-budget.toml, if it still has one.
    pub budget_bytes: Option<u64>,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Point {
    pub commit: String,
    pub date: String,
    pub subject: String,
    #[serde(flatten)]
    pub sizes: Sizes,
    /// Optimised bytes gained since the previous point; `None` for the first.
    pub opt_delta: Option<i64>,
}

/// The series of each of `artifacts`, in that order.
pub fn series(history: &History, artifacts: &[(String, Option<u64>)]) -> Vec<Series> {
    artifacts
        .iter()
        .map(|(artifact, budget_bytes)| {
            let mut points: Vec<Point> = Vec::new();
            for commit in &history.commits {
                let Some(sizes) = commit.artifacts.get(artifact) else {
                    continue;
                };
                let opt_delta = points
                    .last()
                    .map(|p| sizes.opt_bytes as i64 - p.sizes.opt_bytes as i64);
                points.push(Point {
                    commit: commit.commit.clone(),
                    date: commit.date.clone(),
                    subject: commit.subject.clone(),
                    sizes: *sizes,
                    opt_delta,
                });
            }
            Series {
                artifact: artifact.clone(),
                budget_bytes: *budget_bytes,
                points,
            }
        })
        .collect()
}
