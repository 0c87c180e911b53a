//! One operation on one event store, its answer checked against the oracle over that store's log.

use cortex_core::{Error, Event, EventFilter, EventId, EventStore, NewEvent};

use super::marks::FilterSpec;
use super::Op;
use crate::oracle::{self, Log};
use crate::{failure, MAX_PAYLOAD};

/// Why a store must refuse `event`, by the documented rules: a kind of 1 to `MAX_KIND_LEN` bytes
/// without `*`, and a payload within the store's limit.
fn refusal(event: &NewEvent) -> Option<String> {
    let error = if event.kind.is_empty()
        || event.kind.len() > cortex_core::event::MAX_KIND_LEN
        || event.kind.contains('*')
    {
        Error::InvalidKind(String::new())
    } else if event.payload.len() > MAX_PAYLOAD {
        Error::PayloadTooLarge {
            size: event.payload.len(),
            limit: MAX_PAYLOAD,
        }
    } else {
        return None;
    };
    Some(failure(&error))
}

/// Checks that `stored` is `new` as given, then logs it.
fn record(log: &mut Log, new: &NewEvent, stored: Event) -> Result<(), String> {
    let given = (&new.source, &new.kind, &new.payload, new.parent);
    if (&stored.source, &stored.kind, &stored.payload, stored.parent) != given {
        return Err(format!("stored {stored:?}, given {new:?}"));
    }
    log.record(stored)
}

/// Checks an append's outcome against the rules: success for valid input, the right refusal otherwise.
fn appended(
    log: &mut Log,
    given: &[NewEvent],
    result: Result<Vec<Event>, Error>,
) -> Result<(), String> {
    // A batch is all or nothing, refused for its first invalid event.
    match (result, given.iter().find_map(refusal)) {
        (Ok(stored), None) if stored.len() == given.len() => given
            .iter()
            .zip(stored)
            .try_for_each(|(new, stored)| record(log, new, stored)),
        (Err(e), Some(expected)) if failure(&e) == expected => Ok(()),
        (got, expected) => Err(format!(
            "append gave {got:?}, expected {}",
            expected.unwrap_or_else(|| format!("{} events stored", given.len()))
        )),
    }
}

pub(super) fn ids(events: &[Event]) -> Vec<u64> {
    events.iter().map(|e| e.id.0).collect()
}

/// Runs `op` on one store and checks its answer against the oracle over `log`.
pub(super) fn step(store: &dyn EventStore, log: &mut Log, op: &Op) -> Result<(), String> {
    let err = |e: Error| format!("unexpected {e:?}");
    match op {
        Op::Append(new) => appended(
            log,
            std::slice::from_ref(new),
            store.append(new.clone()).map(|e| vec![e]),
        ),
        Op::AppendBatch(batch) => appended(log, batch, store.append_batch(batch.clone())),
        Op::Get(mark) => {
            let id = EventId(mark.resolve(log, |e| e.id.0));
            let found = store.get(id).map_err(err)?;
            match found.as_ref() == log.get(id) {
                true => Ok(()),
                false => Err(format!(
                    "get({id}) gave {found:?}, expected {:?}",
                    log.get(id)
                )),
            }
        }
        Op::Query(spec) if malformed(spec) => refused(store.query(&spec.resolve(log))),
        Op::Page(spec, _) if malformed(spec) => refused(store.query(&spec.resolve(log))),
        Op::Query(spec) => {
            let filter = spec.resolve(log);
            same_answer(
                || format!("query({filter:?})"),
                store.query(&filter).map_err(err)?,
                log.answer(&filter),
            )
        }
        Op::Page(spec, size) => {
            let whole = EventFilter {
                limit: None,
                ..spec.resolve(log)
            };
            let expected = log.answer(&whole);
            let mut filter = EventFilter {
                limit: Some(*size),
                ..whole.clone()
            };
            let mut walked = Vec::new();
            // One page per expected event at most, plus the empty page that ends the walk.
            for _ in 0..=expected.len() {
                let page = store.query(&filter).map_err(err)?;
                if page.len() > *size {
                    return Err(format!("a page of {} under limit {size}", page.len()));
                }
                let Some(last) = page.last() else { break };
                filter.after = Some(last.id);
                walked.extend(page);
            }
            same_answer(|| format!("pages of {size} of {whole:?}"), walked, expected)
        }
        Op::Len | Op::Tick => Ok(()),
        // Everything logged must have survived the crash or reopen, records and indexes alike.
        Op::Restart(_) => {
            let everything = EventFilter::default();
            same_answer(
                || "everything after the reopen".to_owned(),
                store.query(&everything).map_err(err)?,
                log.answer(&everything),
            )
        }
    }
}

/// Whether the filter holds a kind pattern the documented rule makes malformed.
fn malformed(spec: &FilterSpec) -> bool {
    spec.kinds.iter().any(|k| oracle::malformed_pattern(k))
}

/// Checks that a query with a malformed pattern was refused as an invalid kind.
fn refused(result: Result<Vec<Event>, Error>) -> Result<(), String> {
    match result {
        Err(e) if failure(&e) == failure(&Error::InvalidKind(String::new())) => Ok(()),
        got => Err(format!(
            "a malformed kind pattern gave {got:?}, expected InvalidKind"
        )),
    }
}

/// Compares whole events, timestamps included; a mismatch names the ids, or the records when the ids agree.
fn same_answer(
    asked: impl FnOnce() -> String,
    found: Vec<Event>,
    expected: Vec<Event>,
) -> Result<(), String> {
    if found == expected {
        return Ok(());
    }
    let (found_ids, expected_ids) = (ids(&found), ids(&expected));
    Err(if found_ids == expected_ids {
        format!("{} gave {found:?}, expected {expected:?}", asked())
    } else {
        format!(
            "{} gave ids {found_ids:?}, expected {expected_ids:?}",
            asked()
        )
    })
}
