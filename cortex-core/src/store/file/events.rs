//! `FileEventStore`: a `MemoryEventStore` answering every read, and a log every write goes to first.
//!
//! A write validates its events, stamps them with the next ids and one timestamp, appends them as
//! one frame and only then applies them to the memory store, all under one lock: what a reader sees
//! is in the log, and a reopened store holds the same events with the same ids and timestamps.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use super::codec::{Decoder, Encoder, Malformed};
use super::frame::Content;
use super::log::LogFile;
use super::FileOptions;
use crate::error::{Error, Result};
use crate::event::{now_millis, Event, EventFilter, EventId, NewEvent, Timestamp};
use crate::store::validate::validate_new_event;
use crate::store::{the_one_stored, EventStore, MemoryEventStore, StoreConfig, Subscription};

/// An event log in a directory (its file `events.log`), every event held in memory too.
#[derive(Debug)]
pub struct FileEventStore {
    events: MemoryEventStore,
    config: StoreConfig,
    writer: Mutex<Writer>,
}

#[derive(Debug)]
struct Writer {
    /// `None` for a store without a file (the C ABI's in-memory stores): it writes nothing.
    log: Option<LogFile>,
    /// The events stored, and the newest one's timestamp: the next batch's id and earliest stamp.
    len: u64,
    last_timestamp: Timestamp,
}

/// The one kind of frame an event log holds: a batch.
const BATCH: u8 = 1;
/// The smallest event a batch holds: source, parent flag, kind length, payload length.
const MIN_EVENT_LEN: usize = 32 + 1 + 1 + 4;

/// Encodes a batch whose first event gets id `first` and all of them `timestamp`.
fn encode(out: &mut Vec<u8>, first: u64, timestamp: Timestamp, events: &[NewEvent]) {
    let mut e = Encoder(out);
    e.u8(BATCH);
    e.u64(first);
    e.u64(timestamp);
    e.u32(events.len() as u32);
    for event in events {
        e.id(&event.source);
        match event.parent {
            Some(parent) => {
                e.u8(1);
                e.u64(parent.0);
            }
            None => e.u8(0),
        }
        e.short_str(&event.kind);
        e.bytes(&event.payload);
    }
}

/// A batch as `encode` wrote it: its first id, its timestamp and its events.
fn decode(body: &[u8]) -> Result<(u64, Timestamp, Vec<NewEvent>), Malformed> {
    let mut d = Decoder::new(body);
    if d.u8()? != BATCH {
        return Err("a frame of an unknown kind");
    }
    let first = d.u64()?;
    let timestamp = d.u64()?;
    let count = d.count(MIN_EVENT_LEN)?;
    let mut events = Vec::with_capacity(count);
    for _ in 0..count {
        let source = d.id()?;
        let parent = match d.u8()? {
            0 => None,
            1 => Some(EventId(d.u64()?)),
            _ => return Err("an event's parent flag is neither 0 nor 1"),
        };
        let kind = d.short_string()?;
        let payload = d.bytes()?.to_vec();
        events.push(NewEvent {
            source,
            kind,
            payload,
            parent,
        });
    }
    d.end()?;
    Ok((first, timestamp, events))
}

impl FileEventStore {
    /// Opens the event log in `dir` (creating the directory and the log if `create_if_missing`) and
    /// replays it. A torn last write is cut off; any other damage, or a file that is not an event
    /// log this build reads, is `Error::StoreFile` naming the file, and nothing is changed.
    pub fn open(dir: impl AsRef<Path>, options: FileOptions) -> Result<Self> {
        let events = MemoryEventStore::with_config(options.store.clone());
        let mut len = 0u64;
        let mut last_timestamp = 0;
        let log = LogFile::open(dir.as_ref(), Content::Events, &options, &mut |body| {
            let (first, timestamp, batch) = decode(body)?;
            if first != len + 1 {
                return Err("a batch's first id does not follow the one before");
            }
            for event in &batch {
                validate_new_event(event, &options.store)
                    .map_err(|_| "an event this store's limits refuse")?;
            }
            let count = batch.len() as u64;
            events
                .commit(batch, timestamp)
                .map_err(|_| "a batch the memory store refuses")?;
            len += count;
            last_timestamp = last_timestamp.max(timestamp);
            Ok(())
        })?;
        Ok(FileEventStore {
            events,
            config: options.store,
            writer: Mutex::new(Writer {
                log: Some(log),
                len,
                last_timestamp,
            }),
        })
    }

    /// A store without a file: the memory store behind this type, for a C ABI built with `fs`,
    /// whose handles are file stores whether or not they were opened on a directory.
    #[cfg(all(target_family = "wasm", feature = "wasm"))]
    pub(crate) fn in_memory(config: StoreConfig) -> Self {
        FileEventStore {
            events: MemoryEventStore::with_config(config.clone()),
            config,
            writer: Mutex::new(Writer {
                log: None,
                len: 0,
                last_timestamp: 0,
            }),
        }
    }

    fn writer(&self) -> Result<MutexGuard<'_, Writer>> {
        self.writer.lock().map_err(|_| Error::Backend {
            context: "file event store lock poisoned by a panic in another thread".into(),
            source: None,
        })
    }

    /// Logs and then stores already-validated events.
    fn commit(&self, events: Vec<NewEvent>) -> Result<Vec<Event>> {
        let mut writer = self.writer()?;
        let writer = &mut *writer;
        let count = events.len() as u64;
        if writer.len + count > u64::from(u32::MAX) {
            return Err(Error::Backend {
                context: format!("a file event store holds at most {} events", u32::MAX),
                source: None,
            });
        }
        let timestamp = writer.last_timestamp.max(now_millis());
        if let Some(log) = &mut writer.log {
            encode(log.frame(), writer.len + 1, timestamp, &events);
            log.commit()?;
        }
        let stored = self.events.commit(events, timestamp)?;
        writer.len += count;
        writer.last_timestamp = timestamp;
        Ok(stored)
    }
}

impl EventStore for FileEventStore {
    fn append(&self, event: NewEvent) -> Result<Event> {
        validate_new_event(&event, &self.config)?;
        the_one_stored(self.commit(vec![event])?)
    }

    fn append_batch(&self, events: Vec<NewEvent>) -> Result<Vec<Event>> {
        for event in &events {
            validate_new_event(event, &self.config)?;
        }
        if events.is_empty() {
            return Ok(Vec::new());
        }
        self.commit(events)
    }

    fn get(&self, id: EventId) -> Result<Option<Event>> {
        self.events.get(id)
    }

    fn query(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        self.events.query(filter)
    }

    fn len(&self) -> Result<u64> {
        self.events.len()
    }

    fn subscribe(&self, filter: EventFilter) -> Subscription {
        self.events.subscribe(filter)
    }
}
