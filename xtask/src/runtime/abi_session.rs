//! A short scripted session through the cortex-core C ABI: the library module's behaviour check.

use anyhow::{ensure, Context, Result};

use crate::runtime::cortex_abi::{
    decode_events, decode_reached, CortexAbi, ABI_VERSION, E_BAD_HANDLE, E_BAD_POINTER,
    E_BUFFER_SMALL, E_INVALID, E_MISSING_NODE,
};

/// Whether a module speaks the cortex-core ABI (exports `cortex_abi_version`), so [`run`] can drive it.
pub fn speaks_cortex_abi(module: &[u8]) -> Result<bool> {
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::ExportSection(exports) = payload.context("parse the module")? {
            for export in exports {
                if export.context("read an export")?.name == "cortex_abi_version" {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// Opens a store, appends events, queries them back, builds a small graph and walks it; every
/// answer is checked. An `Err` says which step gave what.
pub fn run(abi: &mut CortexAbi) -> Result<()> {
    let version = abi.abi_version()?;
    ensure!(
        version == ABI_VERSION,
        "cortex_abi_version returned {version}, expected {ABI_VERSION}"
    );

    let handle = abi.store_open()?;
    ensure!(handle > 0, "cortex_store_open returned {handle}");
    let source = abi.put(&[7; 32])?;
    let events: [(&str, &[u8]); 3] = [
        ("note", b"first"),
        ("tick", b""),
        ("note", b"second, longer payload"),
    ];
    let mut ids = Vec::new();
    for (kind, payload) in events {
        let kind_ptr = abi.put(kind.as_bytes())?;
        let payload_ptr = abi.put(payload)?;
        let id = abi.append(
            handle,
            source,
            (kind_ptr, kind.len() as i32),
            (payload_ptr, payload.len() as i32),
        )?;
        ensure!(
            id >= 0,
            "cortex_append({kind:?}) returned {id}: {}",
            abi.last_error_message()?
        );
        ids.push(id as u64);
    }
    ensure!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "event ids are not increasing: {ids:?}"
    );
    let count = abi.event_count(handle)?;
    ensure!(
        count == 3,
        "cortex_event_count returned {count}, expected 3"
    );

    let note = abi.put(b"note")?;
    let out = abi.put(&[0; 1024])?;
    let written = abi.query_kind(handle, (note, 4), (out, 1024))?;
    ensure!(
        written > 0,
        "cortex_query_kind(\"note\") returned {written}: {}",
        abi.last_error_message()?
    );
    let records = decode_events(&abi.read(out, written as usize)?)
        .context("decode cortex_query_kind output")?;
    let found: Vec<_> = records
        .iter()
        .map(|r| (r.id, r.source, r.payload.as_slice()))
        .collect();
    let expected = vec![
        (ids[0], [7; 32], &b"first"[..]),
        (ids[2], [7; 32], &b"second, longer payload"[..]),
    ];
    ensure!(
        found == expected,
        "cortex_query_kind(\"note\") gave {found:?}, expected {expected:?}"
    );
    let small = abi.query_kind(handle, (note, 4), (out, written - 1))?;
    ensure!(
        small == E_BUFFER_SMALL,
        "cortex_query_kind into a too-small buffer returned {small}"
    );
    ensure!(
        !abi.last_error_message()?.is_empty(),
        "no last error after a too-small buffer"
    );

    let [a, b, c] = [[1u8; 32], [2; 32], [3; 32]];
    let mut nodes = Vec::new();
    for (id, label) in [(a, "a"), (b, "b"), (c, "c")] {
        let (id_ptr, label_ptr) = (abi.put(&id)?, abi.put(label.as_bytes())?);
        let put = abi.put_node(handle, id_ptr, (label_ptr, 1))?;
        ensure!(
            put == 0,
            "cortex_put_node({label}) returned {put}: {}",
            abi.last_error_message()?
        );
        nodes.push(id_ptr);
    }
    let rel = abi.put(b"next")?;
    for (from, to) in [(nodes[0], nodes[1]), (nodes[1], nodes[2])] {
        let put = abi.put_edge(handle, from, to, (rel, 4), 1.5)?;
        ensure!(
            put == 0,
            "cortex_put_edge returned {put}: {}",
            abi.last_error_message()?
        );
    }
    for (direction, expected) in [(0, vec![c]), (1, vec![a]), (2, vec![a, c])] {
        let count = abi.neighbors(handle, nodes[1], direction, (out, 1024))?;
        ensure!(
            count >= 0,
            "cortex_neighbors(b, {direction}) returned {count}: {}",
            abi.last_error_message()?
        );
        let mut found: Vec<[u8; 32]> = abi
            .read(out, 32 * count as usize)?
            .chunks_exact(32)
            .map(|id| id.try_into().expect("32 bytes"))
            .collect();
        found.sort();
        ensure!(
            found == expected,
            "cortex_neighbors(b, {direction}) gave {found:?}, expected {expected:?}"
        );
    }
    let reached = abi.traverse(handle, nodes[0], 5, (out, 1024))?;
    ensure!(
        reached >= 0,
        "cortex_traverse(a) returned {reached}: {}",
        abi.last_error_message()?
    );
    let reached = decode_reached(&abi.read(out, 36 * reached as usize)?);
    ensure!(
        reached == [(a, 0), (b, 1), (c, 2)],
        "cortex_traverse(a, 5) gave {reached:?}, expected a, b, c at 0, 1, 2"
    );

    // The error paths are code too, and an optimiser can break them.
    let past_end = i32::try_from(abi.memory_len()).unwrap_or(i32::MAX);
    let refused = abi.put_node(handle, past_end - 16, (rel, 4))?;
    ensure!(
        refused == E_BAD_POINTER,
        "cortex_put_node with an id past the end of memory returned {refused}"
    );
    let refused = abi.neighbors(handle, nodes[0], 7, (out, 1024))?;
    ensure!(
        refused == E_INVALID,
        "cortex_neighbors in direction 7 returned {refused}"
    );
    let ghost = abi.put(&[0x55; 32])?;
    let refused = abi.put_edge(handle, nodes[0], ghost, (rel, 4), 1.0)?;
    ensure!(
        refused == E_MISSING_NODE,
        "cortex_put_edge to a missing node returned {refused}"
    );
    let count = abi.event_count(handle)?;
    ensure!(
        count == 3,
        "cortex_event_count returned {count} after refused calls, expected 3"
    );

    let closed = abi.store_close(handle)?;
    ensure!(closed == 0, "cortex_store_close returned {closed}");
    let again = abi.event_count(handle)?;
    ensure!(
        again == i64::from(E_BAD_HANDLE),
        "cortex_event_count on a closed store returned {again}"
    );
    let freed = abi.free(out, 1024)?;
    ensure!(
        freed == 0,
        "cortex_free of a cortex_alloc block returned {freed}"
    );
    Ok(())
}
