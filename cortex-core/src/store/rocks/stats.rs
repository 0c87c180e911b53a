//! RocksDB's own counters for a store, so what reached the engine (a WAL fsync per synced write) is observed, not assumed.

use rocksdb::statistics::{StatsLevel, Ticker};
use rocksdb::Options;

/// Counters RocksDB kept for one store since it was opened with [`RocksOptions::statistics`](super::RocksOptions::statistics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RocksStatistics {
    /// Writes that went through the write-ahead log. The stores serialise their writes, so this is one
    /// per write batch: an append, a batch of appends, or one graph change.
    pub wal_writes: u64,
    /// fsyncs of the write-ahead log: one per write made with `sync: true`, none with `sync: false`.
    pub wal_syncs: u64,
    /// Bytes appended to the write-ahead log.
    pub wal_bytes: u64,
    /// Iterator seeks: a query seeks once into each index range it reads.
    pub iterator_seeks: u64,
    /// Iterator steps to a next key: how many index (or log) entries queries walked past their seeks.
    pub iterator_steps: u64,
}

/// The options a database was opened with, kept because their statistics object is the one RocksDB counts in.
#[derive(Default)]
pub(super) struct Statistics(Option<Options>);

impl Statistics {
    /// Turns counting on in `options` before the database is opened with them.
    pub(super) fn enable(options: &mut Options) {
        options.enable_statistics();
        // Counters only: histograms and timers cost a clock read per operation and nothing here reads them.
        options.set_statistics_level(StatsLevel::ExceptHistogramOrTimers);
    }

    /// Keeps `options` to read counters from, if `enable` was called on them.
    pub(super) fn kept(options: Options, enabled: bool) -> Self {
        Statistics(enabled.then_some(options))
    }

    /// The counters, or `None` when the store was opened without statistics.
    pub(super) fn read(&self) -> Option<RocksStatistics> {
        let options = self.0.as_ref()?;
        Some(RocksStatistics {
            wal_writes: options.get_ticker_count(Ticker::WriteWithWal),
            wal_syncs: options.get_ticker_count(Ticker::WalFileSynced),
            wal_bytes: options.get_ticker_count(Ticker::WalFileBytes),
            iterator_seeks: options.get_ticker_count(Ticker::NumberDbSeek),
            iterator_steps: options.get_ticker_count(Ticker::NumberDbNext),
        })
    }
}
