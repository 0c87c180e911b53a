//! The event log's half of `verify_indexes`: the `by_kind`, `by_source`, `by_time` and `kinds`
//! entries every record calls for.

use std::collections::BTreeSet;

use rocksdb::DB;

use crate::error::Result;
use crate::store::rocks::encoding::decode_record;
use crate::store::rocks::keys::{self, BY_KIND, BY_SOURCE, BY_TIME, EVENTS, KINDS};
use crate::store::rocks::verify::{compare, scan, IndexReport};

/// Recomputes the `by_kind`, `by_source` and `by_time` entries of every event, and the `kinds` catalogue
/// (one entry per distinct kind), and compares each index.
/// A record that cannot be decoded is an `Error::Corrupt`: what it should be indexed under is unknown.
pub(super) fn event_indexes(db: &DB) -> Result<IndexReport> {
    let snapshot = db.snapshot();
    // One pass over the log; the expected keys take about the room the indexes take on disk.
    let (mut by_kind, mut by_source, mut by_time) = (Vec::new(), Vec::new(), Vec::new());
    let mut kinds = BTreeSet::new();
    scan(db, &snapshot, EVENTS, |key, value| {
        let event = decode_record(key, value)?;
        if !kinds.contains(&event.kind) {
            kinds.insert(event.kind.clone());
        }
        by_kind.push((keys::by_kind(&event.kind, event.id), Vec::new()));
        by_source.push((keys::by_source(&event.source, event.id), Vec::new()));
        by_time.push((
            keys::by_time(event.timestamp, event.id).to_vec(),
            Vec::new(),
        ));
        Ok(())
    })?;
    Ok(IndexReport {
        records: by_kind.len() as u64,
        indexes: vec![
            compare(db, &snapshot, BY_KIND, by_kind)?,
            compare(db, &snapshot, BY_SOURCE, by_source)?,
            compare(db, &snapshot, BY_TIME, by_time)?,
            compare(
                db,
                &snapshot,
                KINDS,
                kinds
                    .into_iter()
                    .map(|k| (k.into_bytes(), Vec::new()))
                    .collect(),
            )?,
        ],
    })
}
