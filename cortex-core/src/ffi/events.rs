//! Event exports: append one event, count them, and query by kind into a host buffer.

use super::codes::{finish, finish_i32, Failure, Outcome, CORTEX_E_INTERNAL};
use super::memory::Region;
use super::registry;
use crate::error::Error;
use crate::event::{Event, EventFilter, NewEvent, NodeId};
use crate::store::EventStore;

/// Bytes of a query record before its payload: id u64 | timestamp u64 | source [32] | payload_len u32.
const RECORD_HEADER: usize = 8 + 8 + 32 + 4;

#[no_mangle]
pub extern "C" fn cortex_append(
    handle: i32,
    source_ptr: i32,
    kind_ptr: i32,
    kind_len: i32,
    payload_ptr: i32,
    payload_len: i32,
) -> i64 {
    finish(append(
        handle,
        source_ptr,
        kind_ptr,
        kind_len,
        payload_ptr,
        payload_len,
    ))
}

fn append(
    handle: i32,
    source_ptr: i32,
    kind_ptr: i32,
    kind_len: i32,
    payload_ptr: i32,
    payload_len: i32,
) -> Outcome<i64> {
    let store = registry::get(handle)?;
    let source = Region::fixed(source_ptr, 32, "source")?;
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
        source: NodeId(source.read_id()?),
        kind: kind.read_str("kind")?,
        payload: payload.read(),
        parent: None,
    };
    let stored = store.events.append(event)?;
    i64::try_from(stored.id.0)
        .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "event id does not fit an i64"))
}

#[no_mangle]
pub extern "C" fn cortex_event_count(handle: i32) -> i64 {
    finish(event_count(handle))
}

fn event_count(handle: i32) -> Outcome<i64> {
    let count = registry::get(handle)?.events.len()?;
    i64::try_from(count)
        .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "event count does not fit an i64"))
}

#[no_mangle]
pub extern "C" fn cortex_query_kind(
    handle: i32,
    kind_ptr: i32,
    kind_len: i32,
    out_ptr: i32,
    out_cap: i32,
) -> i32 {
    finish_i32(query_kind(handle, kind_ptr, kind_len, out_ptr, out_cap))
}

fn query_kind(
    handle: i32,
    kind_ptr: i32,
    kind_len: i32,
    out_ptr: i32,
    out_cap: i32,
) -> Outcome<i32> {
    let store = registry::get(handle)?;
    let kind = Region::new(kind_ptr, kind_len, "kind")?;
    let out = Region::new(out_ptr, out_cap, "output buffer")?;
    let kind = kind.read_str("kind")?;
    let filter = EventFilter {
        kinds: vec![kind],
        ..EventFilter::default()
    };
    let events = store.events.query(&filter)?;
    let records = encode_records(&events)?;
    out.write(&records)?;
    // The records fit in `out`, whose length came from an i32.
    i32::try_from(records.len())
        .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "output length does not fit an i32"))
}

/// Lays events out as the ABI's consecutive query records.
fn encode_records(events: &[Event]) -> Outcome<Vec<u8>> {
    let too_big = || Failure::new(CORTEX_E_INTERNAL, "query result too large to encode");
    let total = events.iter().try_fold(0usize, |sum, e| {
        sum.checked_add(RECORD_HEADER)?.checked_add(e.payload.len())
    });
    let mut records = Vec::with_capacity(total.ok_or_else(too_big)?);
    for event in events {
        let payload_len = u32::try_from(event.payload.len()).map_err(|_| too_big())?;
        records.extend_from_slice(&event.id.0.to_le_bytes());
        records.extend_from_slice(&event.timestamp.to_le_bytes());
        records.extend_from_slice(&event.source.0);
        records.extend_from_slice(&payload_len.to_le_bytes());
        records.extend_from_slice(&event.payload);
    }
    Ok(records)
}
