//! Conformance cases of many threads writing at once: nothing is lost and ids stay strictly increasing.

use std::collections::HashSet;

use cortex_core::{EventFilter, EventStore, GraphStore, Result};

use super::{edge, id, new_event, node, Backend};

const THREADS: u8 = 8;
const PER_THREAD: u8 = 200;

pub fn concurrent_appends_lose_nothing(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    let events = &s.events;
    in_parallel(THREADS, |thread| {
        let mut seq = 0;
        while seq < PER_THREAD {
            // Mix single appends and small batches, as real writers do.
            if seq % 10 == 0 {
                let batch = (seq..seq + 5)
                    .map(|n| new_event("writer", "batch", &[thread, n]))
                    .collect();
                events.append_batch(batch)?;
                seq += 5;
            } else {
                events.append(new_event("writer", "single", &[thread, seq]))?;
                seq += 1;
            }
        }
        Ok(())
    })?;

    let expected = usize::from(THREADS) * usize::from(PER_THREAD);
    assert_eq!(s.events.len()?, expected as u64);
    let log = s.events.query(&EventFilter::default())?;
    assert_eq!(log.len(), expected);
    assert!(
        log.windows(2).all(|w| w[0].id < w[1].id),
        "ids strictly increase in query order"
    );
    let distinct: HashSet<_> = log.iter().map(|e| (e.payload[0], e.payload[1])).collect();
    assert_eq!(
        distinct.len(),
        expected,
        "every (thread, sequence) stored exactly once"
    );
    for thread in 0..THREADS {
        let mine: Vec<u8> = log
            .iter()
            .filter(|e| e.payload[0] == thread)
            .map(|e| e.payload[1])
            .collect();
        assert_eq!(
            mine,
            (0..PER_THREAD).collect::<Vec<_>>(),
            "thread {thread}'s events keep its order"
        );
    }
    for event in &log {
        assert_eq!(s.events.get(event.id)?.as_ref(), Some(event));
    }
    Ok(())
}

pub fn concurrent_graph_writes_lose_nothing(backend: &impl Backend) -> Result<()> {
    let s = backend.fresh();
    s.graph.put_node(node("hub"))?;
    let graph = &s.graph;
    in_parallel(4, |thread| {
        for n in 0..50 {
            let name = format!("t{thread}-n{n}");
            graph.put_node(node(&name))?;
            graph.put_edge(edge("hub", "has", &name, 1.0))?;
            graph.put_edge(edge(&name, "in", "hub", 1.0))?;
        }
        Ok(())
    })?;
    assert_eq!(s.graph.node_count()?, 201);
    assert_eq!(s.graph.edge_count()?, 400);
    assert_eq!(
        s.graph
            .neighbors(&id("hub"), cortex_core::Direction::Outgoing, None)?
            .len(),
        200
    );
    assert_eq!(s.graph.traverse(&id("hub"), 1)?.len(), 201);
    Ok(())
}

/// Runs `write(thread)` on `threads` threads at once and waits for all of them; an error of any
/// thread is the result.
fn in_parallel(threads: u8, write: impl Fn(u8) -> Result<()> + Sync) -> Result<()> {
    std::thread::scope(|scope| {
        let write = &write;
        let writers: Vec<_> = (0..threads)
            .map(|thread| scope.spawn(move || write(thread)))
            .collect();
        for writer in writers {
            writer.join().expect("writer thread panicked")?;
        }
        Ok(())
    })
}
