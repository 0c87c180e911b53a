//! What a scenario is to the runner, and the sizes it is set up with.

/// How big each scenario is; `QUICK` only checks that everything runs.
pub struct Sizes {
    pub(super) bus_events: u64,
    pub(super) appends: u64,
    pub(super) query_events: u64,
    pub(super) query_nodes: u64,
    pub(super) pages: u64,
    pub(super) graph_nodes: u64,
    pub(super) traversals: u64,
    pub(super) clock_reads: u64,
    pub(super) churn_bytes: usize,
}

impl Sizes {
    pub const FULL: Sizes = Sizes {
        bus_events: 500_000,
        appends: 200_000,
        query_events: 100_000,
        query_nodes: 20_000,
        pages: 2_000,
        graph_nodes: 10_000,
        traversals: 50,
        clock_reads: 1_000_000,
        churn_bytes: 4 << 20,
    };
    pub const QUICK: Sizes = Sizes {
        bus_events: 2_000,
        appends: 2_000,
        query_events: 2_000,
        query_nodes: 1_000,
        pages: 20,
        graph_nodes: 500,
        traversals: 5,
        clock_reads: 2_000,
        churn_bytes: 64 << 10,
    };
}

/// One scenario, ready to run.
pub trait Workload {
    /// Untimed: puts the state back as a run expects it (a fresh bus, an empty store).
    fn prepare(&mut self) -> Result<(), String> {
        Ok(())
    }
    /// Timed: the work; returns how many operations it did.
    fn run(&mut self) -> Result<u64, String>;
}
