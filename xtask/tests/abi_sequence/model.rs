//! What the host expects of the stores it opened: the events appended to each (with the bytes it
//! knows they hold), and the codes the ABI may answer with.

use proptest::test_runner::TestCaseError;
use xtask::runtime::cortex_abi::EventRecord;

use super::ensure;

/// The name of the outcome `code` stands for, if it is one the ABI documents returning.
pub fn outcome(code: i64) -> Option<&'static str> {
    Some(match code {
        0.. => "ok",
        -1 => "bad pointer",
        -2 => "bad handle",
        -3 => "invalid",
        -4 => "too large",
        -5 => "buffer small",
        -6 => "missing node",
        -7 => "not found",
        -8 => "internal",
        -9 => "full",
        -10 => "closed",
        _ => return None,
    })
}

/// A handle the module issued, and what its event store should hold.
#[derive(Debug)]
pub struct Store {
    pub id: i32,
    pub open: bool,
    pub events: Vec<Appended>,
}

/// An event appended, with what the host knows it holds: the bytes of kind, source and payload
/// when they came from the host's own memory (a read elsewhere may see what the module just
/// allocated there, so those stay unknown).
#[derive(Debug)]
pub struct Appended {
    pub id: u64,
    pub kind: Option<Vec<u8>>,
    pub source: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
}

/// The `len` bytes of a region of which the host owns `own` from its start, if it owns them all.
pub fn owned(own: &Option<Vec<u8>>, len: i32) -> Option<Vec<u8>> {
    let len = usize::try_from(len).ok()?;
    own.as_ref()
        .filter(|own| own.len() >= len)
        .map(|own| own[..len].to_vec())
}

impl Store {
    pub fn new(id: i32) -> Store {
        let events = Vec::new();
        Store {
            id,
            open: true,
            events,
        }
    }

    /// Records an event `cortex_append` accepted; ids increase in append order.
    pub fn append(&mut self, event: Appended) -> Result<(), TestCaseError> {
        let last = self.events.last().map(|e| e.id);
        ensure(last.is_none_or(|last| event.id > last), || {
            format!("append returned {} after {last:?}", event.id)
        })?;
        self.events.push(event);
        Ok(())
    }

    /// What `cortex_query_kind` for `kind` found is a subsequence of what was appended, in
    /// order; when every kind is known, exactly the events of that kind, with their sources
    /// and payloads where those are known too. Says whether the whole answer was checked.
    pub fn check_query(
        &self,
        kind: Option<Vec<u8>>,
        found: &[EventRecord],
    ) -> Result<bool, TestCaseError> {
        let mut appended = self.events.iter();
        for record in found {
            ensure(appended.any(|e| e.id == record.id), || {
                format!(
                    "query_kind found event {} out of order or never appended",
                    record.id
                )
            })?;
        }
        let Some(kind) = kind.filter(|_| self.events.iter().all(|e| e.kind.is_some())) else {
            return Ok(false);
        };
        let expected: Vec<_> = self
            .events
            .iter()
            .filter(|e| e.kind.as_ref() == Some(&kind))
            .collect();
        ensure(expected.len() == found.len(), || {
            format!(
                "query_kind({kind:?}) found {} events, {} were appended",
                found.len(),
                expected.len()
            )
        })?;
        for (e, record) in expected.iter().zip(found) {
            let same = e.id == record.id
                && e.source.as_ref().is_none_or(|s| s[..] == record.source[..])
                && e.payload.as_ref().is_none_or(|p| *p == record.payload);
            ensure(same, || {
                format!("query_kind({kind:?}) found {record:?} for {e:?}")
            })?;
        }
        Ok(true)
    }
}
