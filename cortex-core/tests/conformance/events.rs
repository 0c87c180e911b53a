//! Conformance cases of `EventStore` writes: appends, ids, batches and validation.

use cortex_core::event::MAX_KIND_LEN;
use cortex_core::{Error, EventFilter, EventId, EventStore, Result, StoreConfig};

use super::{all, id, ids, new_event, Backend};

pub fn append_then_get_and_len(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    assert_eq!(s.events.len()?, 0);
    assert!(s.events.is_empty()?);

    let first = s.events.append(new_event("ann", "login", b"hello"))?;
    let mut child = new_event("bob", "reply", &[0, 255]);
    child.parent = Some(first.id);
    let second = s.events.append(child)?;

    assert_eq!(
        (
            first.source,
            first.kind.as_str(),
            &first.payload[..],
            first.parent
        ),
        (id("ann"), "login", &b"hello"[..], None)
    );
    assert_eq!(second.parent, Some(first.id));
    assert_eq!(s.events.get(first.id)?, Some(first.clone()));
    assert_eq!(s.events.get(second.id)?, Some(second.clone()));
    assert_eq!(s.events.get(EventId(second.id.0 + 1000))?, None);
    assert_eq!(s.events.len()?, 2);
    assert!(!s.events.is_empty()?);
    assert_eq!(all(&s.events)?, vec![first, second]);
    Ok(())
}

pub fn ids_are_unique_and_increasing(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let mut returned = Vec::new();
    for n in 0..20u8 {
        returned.push(s.events.append(new_event("ann", "tick", &[n]))?.id);
    }
    let batch = (20..30u8).map(|n| new_event("ann", "tick", &[n])).collect();
    returned.extend(ids(&s.events.append_batch(batch)?));
    assert!(
        returned.windows(2).all(|w| w[0] < w[1]),
        "ids must increase in append order: {returned:?}"
    );
    let stored = all(&s.events)?;
    assert_eq!(ids(&stored), returned);
    assert_eq!(
        stored.iter().map(|e| e.payload[0]).collect::<Vec<_>>(),
        (0..30).collect::<Vec<_>>()
    );
    Ok(())
}

pub fn append_batch_is_all_or_nothing(backend: &impl Backend) -> Result<()> {
    let s = backend.open(StoreConfig {
        max_payload_bytes: 8,
    });
    s.events.append(new_event("ann", "before", b""))?;
    let with_bad_kind = vec![
        new_event("ann", "ok", b"1"),
        new_event("ann", "", b"2"),
        new_event("ann", "ok", b"3"),
    ];
    assert!(matches!(
        s.events.append_batch(with_bad_kind),
        Err(Error::InvalidKind(_))
    ));
    let with_big_payload = vec![
        new_event("ann", "ok", b"1"),
        new_event("ann", "ok", &[0; 9]),
    ];
    assert!(matches!(
        s.events.append_batch(with_big_payload),
        Err(Error::PayloadTooLarge { size: 9, limit: 8 })
    ));
    assert_eq!(s.events.len()?, 1);
    assert_eq!(
        s.events.query(&EventFilter {
            kinds: vec!["ok".into()],
            ..Default::default()
        })?,
        vec![]
    );

    let stored = s.events.append_batch(vec![
        new_event("ann", "ok", b"1"),
        new_event("bob", "ok", b"2"),
    ])?;
    assert_eq!(stored.len(), 2);
    assert_eq!(all(&s.events)?[1..], stored[..]);
    assert_eq!(s.events.append_batch(Vec::new())?, vec![]);
    assert_eq!(s.events.len()?, 3);
    Ok(())
}

pub fn invalid_events_are_rejected(backend: &impl Backend) -> Result<()> {
    let s = backend.open(StoreConfig {
        max_payload_bytes: 16,
    });
    assert!(matches!(
        s.events.append(new_event("ann", "", b"")),
        Err(Error::InvalidKind(_))
    ));
    let too_long = "k".repeat(MAX_KIND_LEN + 1);
    assert!(matches!(
        s.events.append(new_event("ann", &too_long, b"")),
        Err(Error::InvalidKind(_))
    ));
    assert!(matches!(
        s.events.append(new_event("ann", "k", &[1; 17])),
        Err(Error::PayloadTooLarge {
            size: 17,
            limit: 16
        })
    ));
    assert_eq!(s.events.len()?, 0);

    s.events
        .append(new_event("ann", &"k".repeat(MAX_KIND_LEN), &[1; 16]))?;
    assert_eq!(s.events.len()?, 1);
    Ok(())
}
