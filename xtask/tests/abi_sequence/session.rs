//! One module instance driven by a random sequence: each call turned into numbers, made, and its
//! answer checked against the ABI's contract and against what the host expects of its stores.

use proptest::test_runner::TestCaseError;
use xtask::runtime::cortex_abi::{decode_events, decode_reached, CortexAbi, NodeRecord};

use super::calls::{Call, Handle, Output};
use super::ensure;
use super::host::{Host, Written};
use super::model::{outcome, owned, Appended, Store};

pub struct Session {
    pub abi: CortexAbi,
    host: Host,
    pub handles: Vec<Store>,
    /// Queries whose whole answer the host could predict, and did.
    pub exact_answers: u32,
}

/// What a call into a store answered, for the checks every such call must pass.
struct Answer {
    export: &'static str,
    code: i64,
    /// Whether an argument was a region the ABI must refuse.
    refused: bool,
    written: Written,
}

impl Session {
    /// A fresh module with one open store and the host's blocks.
    pub fn new(mut abi: CortexAbi) -> Session {
        let handle = abi.store_open().unwrap();
        let host = Host::new(&mut abi);
        Session {
            abi,
            host,
            handles: vec![Store::new(handle)],
            exact_answers: 0,
        }
    }

    fn handle(&self, handle: &Handle) -> i32 {
        match handle {
            Handle::Open(at) => {
                let open: Vec<_> = self.handles.iter().filter(|s| s.open).collect();
                match open.as_slice() {
                    [] => self.handle(&Handle::Issued(*at)),
                    open => open[at.index(open.len())].id,
                }
            }
            Handle::Issued(at) if !self.handles.is_empty() => {
                self.handles[at.index(self.handles.len())].id
            }
            Handle::Issued(_) => 1,
            Handle::Raw(raw) => *raw,
        }
    }

    fn is_open(&self, handle: i32) -> bool {
        self.handles.iter().any(|s| s.id == handle && s.open)
    }

    fn store(&mut self, handle: i32) -> Result<&mut Store, TestCaseError> {
        self.handles
            .iter_mut()
            .find(|s| s.id == handle)
            .ok_or_else(|| TestCaseError::fail(format!("handle {handle} was never issued")))
    }

    /// Runs `call`, checks its answer, and names the export and the outcome.
    pub fn run(&mut self, call: &Call) -> Result<(&'static str, &'static str), TestCaseError> {
        let trap = |err: anyhow::Error| TestCaseError::fail(format!("{err:#}"));
        let answer = match call {
            Call::Alloc(len) => {
                return self
                    .host
                    .alloc(&mut self.abi, *len)
                    .map(|o| ("cortex_alloc", o))
            }
            Call::Free(freeing) => {
                return self
                    .host
                    .free(&mut self.abi, freeing)
                    .map(|o| ("cortex_free", o))
            }
            Call::Write(b, at, bytes) => {
                self.host.write(&mut self.abi, b, at, bytes);
                return Ok(("host write", "ok"));
            }
            Call::Version => {
                let version = self.abi.abi_version().map_err(trap)?;
                ensure(version == xtask::runtime::cortex_abi::ABI_VERSION, || {
                    format!("cortex_abi_version returned {version}")
                })?;
                return Ok(("cortex_abi_version", "ok"));
            }
            Call::Open => {
                let h = self.abi.store_open().map_err(trap)?;
                ensure(h > 0 && self.handles.iter().all(|s| s.id != h), || {
                    format!("cortex_store_open returned {h}")
                })?;
                self.handles.push(Store::new(h));
                return Ok(("cortex_store_open", "ok"));
            }
            Call::LastError(out) => {
                let ((o, cap), block) = self.host.output(&self.abi, out);
                let len = self.abi.last_error(o, cap).map_err(trap)?;
                Answer {
                    export: "cortex_last_error",
                    code: len.into(),
                    refused: matches!(out, Output::Bad(_)),
                    written: block.map(|(b, at)| (b, at, len.clamp(0, cap) as usize)),
                }
            }
            Call::Close(h)
            | Call::Count(h)
            | Call::Append(h, ..)
            | Call::Query(h, ..)
            | Call::PutNode(h, ..)
            | Call::PutEdge(h, ..)
            | Call::Neighbors(h, ..)
            | Call::Traverse(h, ..)
            | Call::Filtered(h, ..)
            | Call::PutRecord(h, ..)
            | Call::GetNode(h, ..)
            | Call::Path(h, ..) => {
                let h = self.handle(h);
                let open = self.is_open(h);
                let answer = self.run_on_store(h, call)?;
                // The handle is checked first, before any pointer.
                let code = answer.code;
                ensure(open || code == -2, || {
                    format!("{} on handle {h}, which is not open: {code}", answer.export)
                })?;
                answer
            }
        };
        let Answer {
            export,
            code,
            refused,
            written,
        } = answer;
        let outcome = outcome(code)
            .ok_or_else(|| TestCaseError::fail(format!("{export} returned {code}")))?;
        ensure(!refused || outcome != "ok", || {
            format!("{export} accepted a region it must refuse: {call:?}")
        })?;
        if outcome != "ok" {
            let len = self.host.last_error_len(&mut self.abi);
            ensure(len > 0, || {
                format!("{export} failed without a last error ({len})")
            })?;
        }
        let written = if outcome == "ok" { written } else { None };
        self.host.check(&self.abi, written, export)?;
        Ok((export, outcome))
    }

    /// The calls that name a store, on store `h`.
    fn run_on_store(&mut self, h: i32, call: &Call) -> Result<Answer, TestCaseError> {
        let trap = |err: anyhow::Error| TestCaseError::fail(format!("{err:#}"));
        let (abi, host) = (&mut self.abi, &self.host);
        let answer = |export, code: i64, refused, written| Answer {
            export,
            code,
            refused,
            written,
        };
        Ok(match call {
            Call::Close(_) => {
                let code = abi.store_close(h).map_err(trap)?;
                if code == 0 {
                    self.store(h)?.open = false;
                }
                answer("cortex_store_close", code.into(), false, None)
            }
            Call::Count(_) => {
                let count = abi.event_count(h).map_err(trap)?;
                if self.is_open(h) {
                    let events = self.store(h)?.events.len() as i64;
                    ensure(count == events, || {
                        format!("event_count {count}, appended {events}")
                    })?;
                }
                answer("cortex_event_count", count, false, None)
            }
            Call::Append(_, source, kind, payload) => {
                let [(s, source_own), (k, kind_own), (p, payload_own)] =
                    [source, kind, payload].map(|i| host.input(abi, i));
                let id = abi.append(h, s.0, k, p).map_err(trap)?;
                if id >= 0 {
                    self.store(h)?.append(Appended {
                        id: id as u64,
                        kind: owned(&kind_own, k.1),
                        source: owned(&source_own, 32),
                        payload: owned(&payload_own, p.1),
                    })?;
                }
                let refused = Host::refused(source, true)
                    || Host::refused(kind, false)
                    || Host::refused(payload, false);
                answer("cortex_append", id, refused, None)
            }
            Call::Query(_, kind, out) => {
                let ((k, own), ((o, cap), block)) = (host.input(abi, kind), host.output(abi, out));
                let written = abi.query_kind(h, k, (o, cap)).map_err(trap)?;
                if written >= 0 {
                    ensure(written <= cap, || {
                        format!("query_kind wrote {written} of {cap}")
                    })?;
                    let records =
                        decode_events(&abi.read(o, written as usize).unwrap()).map_err(trap)?;
                    if self.store(h)?.check_query(owned(&own, k.1), &records)? {
                        self.exact_answers += 1;
                    }
                }
                let refused = Host::refused(kind, false) || matches!(out, Output::Bad(_));
                let at = block.map(|(b, at)| (b, at, written.max(0) as usize));
                answer("cortex_query_kind", written.into(), refused, at)
            }
            Call::PutNode(_, id, label) => {
                let ((i, _), (l, _)) = (host.input(abi, id), host.input(abi, label));
                let code = abi.put_node(h, i.0, l).map_err(trap)?;
                let refused = Host::refused(id, true) || Host::refused(label, false);
                answer("cortex_put_node", code.into(), refused, None)
            }
            Call::PutEdge(_, from, to, rel, weight) => {
                let [(f, _), (t, _), (r, _)] = [from, to, rel].map(|i| host.input(abi, i));
                let code = abi.put_edge(h, f.0, t.0, r, *weight).map_err(trap)?;
                let refused = Host::refused(from, true)
                    || Host::refused(to, true)
                    || Host::refused(rel, false);
                answer("cortex_put_edge", code.into(), refused, None)
            }
            Call::Neighbors(_, node, direction, out) => {
                let ((n, _), ((o, cap), block)) = (host.input(abi, node), host.output(abi, out));
                let count = abi.neighbors(h, n.0, *direction, (o, cap)).map_err(trap)?;
                let bytes = 32 * i64::from(count.max(0));
                ensure(count < 0 || bytes <= i64::from(cap), || {
                    format!("neighbors wrote {count} ids into {cap} bytes")
                })?;
                let refused = Host::refused(node, true) || matches!(out, Output::Bad(_));
                let at = block.map(|(b, at)| (b, at, bytes as usize));
                answer("cortex_neighbors", count.into(), refused, at)
            }
            Call::Traverse(_, start, depth, out) => {
                let ((s, own), ((o, cap), block)) = (host.input(abi, start), host.output(abi, out));
                let count = abi.traverse(h, s.0, *depth, (o, cap)).map_err(trap)?;
                let bytes = 36 * i64::from(count.max(0));
                if count >= 0 {
                    ensure(bytes <= i64::from(cap) && count >= 1, || {
                        format!("traverse wrote {count} records into {cap} bytes")
                    })?;
                    // The start comes first, at depth 0.
                    let first = decode_reached(&abi.read(o, 36).unwrap());
                    if let Some(start) = owned(&own, 32) {
                        ensure(
                            first.first() == Some(&(start[..].try_into().unwrap(), 0)),
                            || format!("traverse began with {first:?}"),
                        )?;
                    }
                }
                let refused = Host::refused(start, true) || matches!(out, Output::Bad(_));
                let at = block.map(|(b, at)| (b, at, bytes as usize));
                answer("cortex_traverse", count.into(), refused, at)
            }
            Call::Filtered(_, filter, out) => {
                let ((f, _), ((o, cap), block)) = (host.input(abi, filter), host.output(abi, out));
                let written = abi.query(h, f, (o, cap)).map_err(trap)?;
                if written >= 0 {
                    ensure(written <= cap, || format!("query wrote {written} of {cap}"))?;
                    let records =
                        decode_events(&abi.read(o, written as usize).unwrap()).map_err(trap)?;
                    let appended = self.store(h)?.events.len();
                    ensure(records.len() <= appended, || {
                        format!("query found {} of {appended} events", records.len())
                    })?;
                }
                let refused = Host::refused(filter, false) || matches!(out, Output::Bad(_));
                let at = block.map(|(b, at)| (b, at, written.max(0) as usize));
                answer("cortex_query", written.into(), refused, at)
            }
            Call::PutRecord(_, record) => {
                let (r, _) = host.input(abi, record);
                let code = abi.put_node_record(h, r).map_err(trap)?;
                answer(
                    "cortex_put_node_record",
                    code.into(),
                    Host::refused(record, false),
                    None,
                )
            }
            Call::GetNode(_, node, out) => {
                let ((n, _), ((o, cap), block)) = (host.input(abi, node), host.output(abi, out));
                let written = abi.get_node(h, n.0, (o, cap)).map_err(trap)?;
                if written >= 0 {
                    let bytes = abi.read(o, written as usize).unwrap();
                    NodeRecord::decode(&bytes).map_err(trap)?;
                }
                let refused = Host::refused(node, true) || matches!(out, Output::Bad(_));
                let at = block.map(|(b, at)| (b, at, written.max(0) as usize));
                answer("cortex_get_node", written.into(), refused, at)
            }
            Call::Path(_, from, to, out) => {
                let [(a, _), (b, _)] = [from, to].map(|i| host.input(abi, i));
                let ((o, cap), block) = host.output(abi, out);
                let count = abi.shortest_path(h, a.0, b.0, (o, cap)).map_err(trap)?;
                let bytes = if count > 0 {
                    8 + 32 * i64::from(count)
                } else {
                    0
                };
                ensure(count < 0 || bytes <= i64::from(cap), || {
                    format!("shortest_path wrote {count} ids into {cap} bytes")
                })?;
                let refused = Host::refused(from, true)
                    || Host::refused(to, true)
                    || matches!(out, Output::Bad(_));
                let at = block.map(|(b, at)| (b, at, bytes as usize));
                answer("cortex_shortest_path", count.into(), refused, at)
            }
            Call::Alloc(_)
            | Call::Free(_)
            | Call::Write(..)
            | Call::Version
            | Call::Open
            | Call::LastError(_) => unreachable!("{call:?} names no store"),
        })
    }

    /// Every store still open counts the events appended to it.
    pub fn check_open_counts(&mut self) -> Result<(), TestCaseError> {
        for store in self.handles.iter().filter(|s| s.open) {
            let count = self.abi.event_count(store.id).unwrap();
            let appended = store.events.len() as i64;
            ensure(count == appended, || {
                format!(
                    "store {} counts {count} events, {appended} were appended",
                    store.id
                )
            })?;
        }
        Ok(())
    }
}
