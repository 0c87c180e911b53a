//! Polling a subscription into a host buffer: as many whole records as fit, and the one that did
//! not fit kept for the next poll, so no event is lost to a small buffer.

use std::cell::RefCell;

use super::codes::{Failure, Outcome, CORTEX_E_INTERNAL};
use super::memory::Region;
use super::wire;
use crate::bus::BusReceiver;
use crate::store::Subscription;

/// What a feed takes records from: a store subscription (event records) or a bus receiver
/// (new-event records). An enum rather than a generic, so one `poll` serves both.
#[derive(Debug)]
pub(crate) enum Source {
    Store(Subscription),
    Bus(BusReceiver),
}

impl Source {
    fn next_record(&mut self) -> Option<Vec<u8>> {
        let mut record = Vec::new();
        match self {
            Source::Store(s) => wire::put_event(&mut record, &s.try_recv()?),
            Source::Bus(r) => wire::put_new_event(&mut record, &r.try_recv()?),
        }
        Some(record)
    }
}

/// A source and the record taken from it that the last poll had no room for.
#[derive(Debug)]
pub(crate) struct Feed {
    pub(crate) source: Source,
    pending: Option<Vec<u8>>,
}

impl Feed {
    pub(crate) fn new(source: Source) -> Self {
        Feed {
            source,
            pending: None,
        }
    }

    /// [`Feed::poll`] on a feed held by the handle table.
    pub(crate) fn poll_shared(feed: &RefCell<Self>, out: Region) -> Outcome<i32> {
        let mut feed = feed
            .try_borrow_mut()
            .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "subscription busy"))?;
        // The bytes fit in `out`, whose length came from an i32.
        Ok(feed.poll(out)? as i32)
    }

    /// Writes whole records into `out` until the next one would not fit; returns the bytes written
    /// (0: nothing waiting). A first record larger than `out` is kept and refused with BUFFER_SMALL.
    pub(crate) fn poll(&mut self, out: Region) -> Outcome<usize> {
        let mut written = Vec::new();
        while let Some(record) = self.pending.take().or_else(|| self.source.next_record()) {
            if written.len() + record.len() > out.len() {
                let needed = record.len();
                self.pending = Some(record);
                if written.is_empty() {
                    out.room(needed)?;
                }
                break;
            }
            written.extend_from_slice(&record);
        }
        out.write(&written)?;
        Ok(written.len())
    }
}
