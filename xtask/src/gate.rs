//! The size gate: the accepted sizes (baseline), judging a measurement against its budget and
//! baseline (verdict), the reports of those verdicts, and what grew since the baseline (growth).

pub mod baseline;
pub mod growth;
pub mod report;
pub mod verdict;
