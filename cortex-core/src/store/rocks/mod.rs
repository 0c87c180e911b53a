//! The RocksDB backends: an event log and a graph, each in its own database with one column family per index.

mod encoding;
mod events;
mod graph;
mod keys;
mod kinds;
mod scan;
mod stats;
#[cfg(test)]
mod tests;
mod verify;

use std::path::Path;

use rocksdb::{ColumnFamily, ColumnFamilyDescriptor, DBCompressionType, Options, WriteOptions, DB};

use crate::error::{Error, Result};
use crate::store::StoreConfig;

pub use events::RocksEventStore;
pub use graph::RocksGraphStore;
pub use stats::RocksStatistics;
pub use verify::{IndexCheck, IndexReport};

use stats::Statistics;

/// How a RocksDB store is opened.
#[derive(Clone, Debug)]
pub struct RocksOptions {
    /// Limits shared with every other backend.
    pub store: StoreConfig,
    /// fsync the write-ahead log on every write batch, for writes that must survive power loss
    /// (a process crash loses nothing either way).
    pub sync: bool,
    /// Create the database (and its directory) when the path holds none.
    pub create_if_missing: bool,
    /// Compress table files with lz4 (the only codec compiled in).
    pub compress: bool,
    /// Have RocksDB count what the store does, read back with `statistics()` on the store
    /// (see [`RocksStatistics`]). Off by default: RocksDB then counts on every read as well, which
    /// slows indexed queries.
    pub statistics: bool,
}

impl Default for RocksOptions {
    fn default() -> Self {
        RocksOptions {
            store: StoreConfig::default(),
            sync: false,
            create_if_missing: true,
            compress: true,
            statistics: false,
        }
    }
}

/// Opens (or creates) the database at `path` with the given column families.
fn open(path: &Path, options: &RocksOptions, families: &[&str]) -> Result<(DB, Statistics)> {
    let mut db_options = Options::default();
    db_options.create_if_missing(options.create_if_missing);
    db_options.create_missing_column_families(true);
    if options.statistics {
        Statistics::enable(&mut db_options);
    }
    let compression = if options.compress {
        DBCompressionType::Lz4
    } else {
        DBCompressionType::None
    };
    let descriptors = families.iter().map(|name| {
        let mut cf_options = Options::default();
        cf_options.set_compression_type(compression);
        // The log is read by key, a record at a time (`get`, and queries looking up the ids an
        // index named). A bloom filter over the memtable's keys lets a lookup of a record already
        // in a table file skip searching the memtable; 16 KiB blocks (4 KiB by default) make the
        // table index a quarter as long to search, for a block read whole by every lookup. Large
        // batches of appends pay a little for both.
        if *name == keys::EVENTS {
            cf_options.set_memtable_prefix_bloom_ratio(0.02);
            cf_options.set_memtable_whole_key_filtering(true);
            let mut table = rocksdb::BlockBasedOptions::default();
            table.set_block_size(16 << 10);
            cf_options.set_block_based_table_factory(&table);
        }
        ColumnFamilyDescriptor::new(*name, cf_options)
    });
    let db =
        DB::open_cf_descriptors(&db_options, path, descriptors).map_err(|e| Error::Backend {
            context: format!("cannot open RocksDB store at {}", path.display()),
            source: Some(Box::new(e)),
        })?;
    Ok((db, Statistics::kept(db_options, options.statistics)))
}

fn write_options(options: &RocksOptions) -> WriteOptions {
    let mut write = WriteOptions::default();
    write.set_sync(options.sync);
    write
}

/// The handle of a column family `open` created.
fn family<'a>(db: &'a DB, name: &str) -> Result<&'a ColumnFamily> {
    db.cf_handle(name).ok_or_else(|| Error::Backend {
        context: format!(
            "column family {name} is missing from {}",
            db.path().display()
        ),
        source: None,
    })
}

/// Wraps a RocksDB failure as the source of an `Error::Backend` that says what was being done.
fn backend(context: &'static str) -> impl Fn(rocksdb::Error) -> Error {
    move |e| Error::Backend {
        context: context.into(),
        source: Some(Box::new(e)),
    }
}
