//! Every append acknowledged with `sync: true` survives the writer being killed mid-stream.
#![cfg(all(not(target_family = "wasm"), feature = "native"))]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use cortex_core::{
    Event, EventFilter, EventId, EventStore, NewEvent, NodeId, RocksEventStore, RocksOptions,
};

/// Set in the child: the store path it writes to.
const WRITER_ENV: &str = "CORTEX_DURABILITY_WRITER";
const TEST_NAME: &str = "acknowledged_appends_survive_a_kill";
/// Acknowledgements the parent waits for before killing the writer.
const ACKS_BEFORE_KILL: usize = 300;
/// The writer stops by itself after this many appends, should the parent never kill it.
const WRITER_LIMIT: u64 = 1_000_000;

const KINDS: [&str; 3] = ["alpha", "beta", "gamma"];

/// The event the writer appends as its `n`th; the parent recomputes it to check what was stored.
fn nth_event(n: u64) -> NewEvent {
    NewEvent {
        source: NodeId::from_name(&format!("writer-{}", n % 2)),
        kind: KINDS[(n % 3) as usize].into(),
        payload: n.to_le_bytes().to_vec(),
        parent: n.checked_sub(1).map(|p| EventId(p + 1)),
    }
}

fn sequence_number(event: &Event) -> u64 {
    u64::from_le_bytes(
        event
            .payload
            .as_slice()
            .try_into()
            .expect("an 8-byte payload"),
    )
}

/// `ack <id> <n>`: the writer's `n`th event was stored as `id`. Other lines come from the test harness.
fn parse_ack(line: &str) -> Option<(u64, u64)> {
    let (id, n) = line.strip_prefix("ack ")?.split_once(' ')?;
    Some((id.parse().ok()?, n.parse().ok()?))
}

fn options() -> RocksOptions {
    RocksOptions {
        sync: true,
        ..RocksOptions::default()
    }
}

/// The child: appends (singly, and every fourth time a batch of three) and acknowledges each id.
fn write_until_killed(path: &Path) {
    let store = RocksEventStore::open(path, options()).expect("open the store");
    let mut out = std::io::stdout().lock();
    let mut n = 0;
    while n < WRITER_LIMIT {
        let stored = if n % 4 == 3 {
            store
                .append_batch((n..n + 3).map(nth_event).collect())
                .expect("append a batch")
        } else {
            vec![store.append(nth_event(n)).expect("append")]
        };
        for event in stored {
            writeln!(out, "ack {} {}", event.id, n).expect("acknowledge");
            n += 1;
        }
        out.flush().expect("flush acknowledgements");
    }
}

#[test]
fn acknowledged_appends_survive_a_kill() {
    if let Some(path) = std::env::var_os(WRITER_ENV) {
        write_until_killed(Path::new(&path));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(WRITER_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut acked = BTreeMap::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while acked.len() < ACKS_BEFORE_KILL {
        let line = lines
            .next()
            .expect("the writer exited before acknowledging enough appends")
            .unwrap();
        if let Some((id, n)) = parse_ack(&line) {
            acked.insert(id, n);
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // Whatever the writer printed before dying was acknowledged too.
    for line in lines.map_while(Result::ok) {
        if let Some((id, n)) = parse_ack(&line) {
            acked.insert(id, n);
        }
    }

    let store = RocksEventStore::open(dir.path(), options()).unwrap();
    for (&id, &n) in &acked {
        let event = store
            .get(EventId(id))
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged event {id} is lost"));
        let expected = nth_event(n);
        assert_eq!(
            (event.source, &event.kind, &event.payload, event.parent),
            (
                expected.source,
                &expected.kind,
                &expected.payload,
                expected.parent
            )
        );
    }

    // The log holds ids 1..=len with nothing missing, possibly a few appends past the last acknowledgement.
    let all = store.query(&EventFilter::default()).unwrap();
    let len = store.len().unwrap();
    assert!(len as usize >= acked.len());
    assert_eq!(
        all.iter().map(|e| e.id.0).collect::<Vec<_>>(),
        (1..=len).collect::<Vec<_>>()
    );
    assert!(all
        .iter()
        .all(|e| e.kind == nth_event(sequence_number(e)).kind));

    // Every index agrees with the records.
    let same = |filter: EventFilter| {
        let expected: Vec<&Event> = all.iter().filter(|e| filter.matches(e)).collect();
        assert_eq!(
            store.query(&filter).unwrap().iter().collect::<Vec<_>>(),
            expected,
            "{filter:?}"
        );
    };
    for kind in KINDS {
        same(EventFilter {
            kinds: vec![kind.into()],
            ..Default::default()
        });
    }
    same(EventFilter {
        kinds: vec!["alpha".into(), "gamma".into()],
        ..Default::default()
    });
    for writer in 0..2 {
        same(EventFilter {
            source: Some(NodeId::from_name(&format!("writer-{writer}"))),
            ..Default::default()
        });
    }
    let (first, last) = (all[0].timestamp, all[all.len() - 1].timestamp);
    let middle = first + (last - first) / 2;
    same(EventFilter {
        since: Some(middle),
        ..Default::default()
    });
    same(EventFilter {
        until: Some(middle + 1),
        ..Default::default()
    });
    same(EventFilter {
        since: Some(first),
        until: Some(last + 1),
        after: Some(EventId(len / 2)),
        ..Default::default()
    });

    // And the store keeps going after the last id.
    let next = store.append(nth_event(0)).unwrap();
    assert_eq!(next.id, EventId(len + 1));
    assert_eq!(store.get(next.id).unwrap(), Some(next));
}
