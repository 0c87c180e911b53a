//! Event exports: append one or a batch, get by id, count, query with a full filter, and subscribe
//! and poll, every answer as event records in a host buffer.

use std::cell::RefCell;
use std::rc::Rc;

use super::codes::{run_i32, run_i64, Failure, Outcome, CORTEX_E_INTERNAL, CORTEX_E_NOT_FOUND};
use super::feed::{Feed, Source};
use super::memory::Region;
use super::registry::{self, Object};
use super::wire;
use crate::error::Error;
use crate::event::{Event, EventFilter, EventId, NewEvent};
use crate::store::EventStore;

#[no_mangle]
pub extern "C" fn cortex_append(
    handle: i32,
    source_ptr: i32,
    kind_ptr: i32,
    kind_len: i32,
    payload_ptr: i32,
    payload_len: i32,
) -> i64 {
    run_i64(|| {
        let store = registry::store(handle)?;
        let source = Region::read_node_id(source_ptr, "source")?;
        let kind = Region::new(kind_ptr, kind_len, "kind")?;
        let payload = Region::new(payload_ptr, payload_len, "payload")?;
        let limit = store.config.max_payload_bytes;
        if payload.len() > limit {
            // Refused before copying, so a huge region costs nothing.
            return Err(Error::PayloadTooLarge {
                size: payload.len(),
                limit,
            }
            .into());
        }
        let event = NewEvent {
            source,
            kind: kind.read_str("kind")?,
            payload: payload.read(),
            parent: None,
        };
        id_i64(store.events.append(event)?.id)
    })
}

fn id_i64(id: EventId) -> Outcome<i64> {
    i64::try_from(id.0).map_err(|_| Failure::new(CORTEX_E_INTERNAL, "event id does not fit an i64"))
}

#[no_mangle]
pub extern "C" fn cortex_append_batch(
    handle: i32,
    in_ptr: i32,
    in_len: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let input = Region::new(in_ptr, in_len, "batch")?;
        let out = Region::output(out_ptr, out_cap)?;
        let events = wire::all(&input.read(), |r| r.new_event())?;
        // Room for every id is checked before anything is stored, so a refused call changes nothing.
        let needed = events.len().saturating_mul(8);
        out.room(needed)?;
        let mut ids = Vec::with_capacity(needed);
        let stored = store.events.append_batch(events)?;
        for event in &stored {
            wire::put_u64(&mut ids, event.id.0);
        }
        out.write(&ids)?;
        Ok(stored.len() as i32)
    })
}

#[no_mangle]
pub extern "C" fn cortex_event_count(handle: i32) -> i64 {
    run_i64(|| {
        let count = registry::store(handle)?.events.len()?;
        i64::try_from(count)
            .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "event count does not fit an i64"))
    })
}

#[no_mangle]
pub extern "C" fn cortex_get_event(handle: i32, id: i64, out_ptr: i32, out_cap: i32) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let out = Region::output(out_ptr, out_cap)?;
        let missing = || Failure::new(CORTEX_E_NOT_FOUND, format!("no event with id {id}"));
        let id = u64::try_from(id).map_err(|_| missing())?;
        let event = store.events.get(EventId(id))?.ok_or_else(missing)?;
        out.answer(&records(&[event]))
    })
}

#[no_mangle]
pub extern "C" fn cortex_query(
    handle: i32,
    filter_ptr: i32,
    filter_len: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let filter = Region::new(filter_ptr, filter_len, "filter")?;
        let out = Region::output(out_ptr, out_cap)?;
        let filter = wire::whole(&filter.read(), "filter", |r| r.filter())?;
        out.answer(&records(&store.events.query(&filter)?))
    })
}

#[no_mangle]
pub extern "C" fn cortex_query_kind(
    handle: i32,
    kind_ptr: i32,
    kind_len: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let kind = Region::new(kind_ptr, kind_len, "kind")?;
        let out = Region::output(out_ptr, out_cap)?;
        let filter = EventFilter {
            kinds: vec![kind.read_str("kind")?],
            ..EventFilter::default()
        };
        out.answer(&records(&store.events.query(&filter)?))
    })
}

/// Lays events out as consecutive event records.
fn records(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    for event in events {
        wire::put_event(&mut out, event);
    }
    out
}

#[no_mangle]
pub extern "C" fn cortex_subscribe(handle: i32, filter_ptr: i32, filter_len: i32) -> i32 {
    run_i32(|| {
        let store = registry::store(handle)?;
        let filter = Region::new(filter_ptr, filter_len, "filter")?;
        let filter = wire::whole(&filter.read(), "filter", |r| r.filter())?;
        let subscription = store.events.subscribe(filter);
        registry::insert(Object::Feed(Rc::new(RefCell::new(Feed::new(
            Source::Store(subscription),
        )))))
    })
}

#[no_mangle]
pub extern "C" fn cortex_poll(subscription: i32, out_ptr: i32, out_cap: i32) -> i32 {
    run_i32(|| {
        let feed = registry::feed(subscription, false)?;
        Feed::poll_shared(&feed, Region::output(out_ptr, out_cap)?)
    })
}
