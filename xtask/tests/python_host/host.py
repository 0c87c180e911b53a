"""A Python host for cortex-core's wasm module: drives it through the C ABI of
cortex-core/include/cortex.h with the `wasmtime` package, checking every answer against what
this script itself knows (the events and nodes it put in), and that bad pointers, lengths and
handles give error codes, never traps.

Usage: python host.py <cortex-core.wasm>. Prints one line per checked scenario; exits 1 with the
first failure.
"""

import struct
import sys

import wasmtime

ABI_VERSION = 2
E_BAD_POINTER, E_BAD_HANDLE, E_INVALID, E_BUFFER_SMALL = -1, -2, -3, -5
E_NOT_FOUND, E_FULL, E_CLOSED = -7, -9, -10
NO_PARENT = 2**64 - 1
F_SOURCE, F_SINCE, F_UNTIL, F_AFTER, F_LIMIT = 1, 2, 4, 8, 16
DROP_OLDEST, ERROR, COALESCE, BUS_POLICY = 1, 3, 4, -1


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


class Module:
    """One instance of the module; every export is called through `call`, so a trap names it."""

    def __init__(self, path, wasi=None):
        """Instantiates the module at `path` with `wasi` (by default a WASI that grants nothing)."""
        engine = wasmtime.Engine()
        self.store = wasmtime.Store(engine)
        self.store.set_wasi(wasi or wasmtime.WasiConfig())
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        module = wasmtime.Module.from_file(engine, path)
        self.instance = linker.instantiate(self.store, module)
        self.exports = self.instance.exports(self.store)
        self.memory = self.exports["memory"]

    def call(self, name, *args):
        try:
            return self.exports[name](self.store, *args)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as trap:
            raise Failed(f"{name}{args} trapped: {trap}") from trap

    def memory_len(self):
        return self.memory.data_len(self.store)

    def put(self, data):
        """Copies bytes into a fresh cortex_alloc block; returns (pointer, length)."""
        ptr = self.call("cortex_alloc", max(len(data), 1))
        check(ptr > 0, f"cortex_alloc({len(data)}) returned {ptr}")
        self.memory.write(self.store, bytes(data), ptr)
        return ptr, len(data)

    def read(self, ptr, length):
        return bytes(self.memory.read(self.store, ptr, ptr + length))

    def last_error(self):
        out, cap = self.put(bytes(512))
        length = self.call("cortex_last_error", out, cap)
        return self.read(out, min(length, cap)).decode()

    def ok(self, name, *args):
        """Calls an export that must succeed; returns its answer."""
        answer = self.call(name, *args)
        check(answer >= 0, f"{name} failed with {answer}: {self.last_error()}")
        return answer


def s(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack("<I", len(data)) + data


def strs(items):
    return struct.pack("<I", len(items)) + b"".join(s(i) for i in items)


def new_event(source, kind, payload, parent=None):
    return source + struct.pack("<Q", NO_PARENT if parent is None else parent) + s(kind) + s(payload)


def event_filter(kinds=(), source=None, since=None, until=None, after=None, limit=None):
    flags = 0
    for bit, value in [(F_SOURCE, source), (F_SINCE, since), (F_UNTIL, until), (F_AFTER, after), (F_LIMIT, limit)]:
        if value is not None:
            flags |= bit
    fixed = struct.pack("<I", flags) + (source or bytes(32))
    fixed += struct.pack("<QQQI", since or 0, until or 0, after or 0, limit or 0)
    return fixed + strs(list(kinds))


class Fields:
    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, n):
        check(self.at + n <= len(self.data), f"record cut short at byte {self.at}")
        chunk = self.data[self.at:self.at + n]
        self.at += n
        return chunk

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def bytes(self):
        return self.take(self.u32())

    def str(self):
        return self.bytes().decode()

    def done(self):
        return self.at == len(self.data)


def decode_events(data, stamped=True):
    """Event records (stamped) or new-event records as dicts."""
    f, events = Fields(data), []
    while not f.done():
        event = {}
        if stamped:
            event["id"], event["timestamp"] = f.u64(), f.u64()
        event["source"] = f.take(32)
        parent = f.u64()
        event["parent"] = None if parent == NO_PARENT else parent
        event["kind"], event["payload"] = f.str(), f.bytes()
        events.append(event)
    return events


def query(m, handle, out, flt):
    ptr, length = m.put(flt)
    written = m.ok("cortex_query", handle, ptr, length, *out)
    return decode_events(m.read(out[0], written))


def events_and_queries(m, out):
    handle = m.ok("cortex_store_open")
    mic, cam = b"\x01" * 32, b"\x02" * 32
    appended = []
    for i in range(12):
        kind = ["sensor.mic", "sensor.cam", "note"][i % 3]
        source = mic if i % 2 == 0 else cam
        appended.append({"source": source, "kind": kind, "payload": f"p{i}".encode(), "parent": None})
    batch = b"".join(new_event(e["source"], e["kind"], e["payload"]) for e in appended[:8])
    ptr, length = m.put(batch)
    count = m.ok("cortex_append_batch", handle, ptr, length, *out)
    check(count == 8, f"cortex_append_batch stored {count} of 8")
    ids = list(struct.unpack(f"<{count}Q", m.read(out[0], 8 * count)))
    for e in appended[8:]:
        (sp, _), (kp, kl), (pp, pl) = m.put(e["source"]), m.put(e["kind"].encode()), m.put(e["payload"])
        ids.append(m.ok("cortex_append", handle, sp, kp, kl, pp, pl))
    check(ids == sorted(ids) and len(set(ids)) == 12, f"ids not increasing: {ids}")
    for e, i in zip(appended, ids):
        e["id"] = i
    # Timestamps come from the module; read each event back and keep the model's copy complete.
    for e in appended:
        written = m.ok("cortex_get_event", handle, e["id"], *out)
        (got,) = decode_events(m.read(out[0], written))
        e["timestamp"] = got["timestamp"]
        check({k: got[k] for k in e} == e, f"cortex_get_event({e['id']}) gave {got}, appended {e}")
    check(m.call("cortex_get_event", handle, 10**6, *out) == E_NOT_FOUND, "get of a missing event")
    check(m.call("cortex_event_count", handle) == 12, "event count")

    def expect(flt, pick, what):
        found = [e["id"] for e in query(m, handle, out, event_filter(**flt))]
        wanted = [e["id"] for e in appended if pick(e)]
        if "limit" in flt:
            wanted = wanted[: flt["limit"]]
        check(found == wanted, f"query {what}: got {found}, expected {wanted}")

    expect({"kinds": ["sensor.mic", "sensor.cam"]}, lambda e: e["kind"].startswith("sensor."), "by two kinds")
    expect({"kinds": ["sensor.*"]}, lambda e: e["kind"].startswith("sensor."), "by the pattern sensor.*")
    expect({"kinds": ["sens*", "note"], "limit": 4}, lambda e: True, "by a pattern and a kind")
    expect({"kinds": ["sensor.m*"], "source": mic}, lambda e: e["kind"] == "sensor.mic" and e["source"] == mic,
           "by a pattern and a source")
    (sp, _), (kp, kl), (pp, pl) = m.put(mic), m.put(b"sensor.*"), m.put(b"")
    check(m.call("cortex_append", handle, sp, kp, kl, pp, pl) == E_INVALID, "appending a kind with `*`")
    expect({"kinds": ["note"], "source": cam}, lambda e: e["kind"] == "note" and e["source"] == cam, "kind + source")
    cursor = ids[4]
    expect({"after": cursor, "limit": 3}, lambda e: e["id"] > cursor, "after a cursor, 3 at most")
    t0 = min(e["timestamp"] for e in appended)
    t1 = max(e["timestamp"] for e in appended) + 1
    expect({"since": t0, "until": t1}, lambda e: t0 <= e["timestamp"] < t1, "by time range")
    expect({"until": t0}, lambda e: False, "before every event")
    # Paging through everything with the cursor gives every event exactly once, in order.
    seen, after = [], None
    while True:
        page = query(m, handle, out, event_filter(after=after, limit=5))
        if not page:
            break
        seen += [e["id"] for e in page]
        after = page[-1]["id"]
    check(seen == ids, f"paging gave {seen}")

    # A subscription sees what is appended after it, filtered, and a small buffer loses nothing.
    fp, fl = m.put(event_filter(kinds=["sensor.m*"]))
    sub = m.ok("cortex_subscribe", handle, fp, fl)
    later = [new_event(mic, k, b"x" * 40) for k in ["sensor.mic", "note", "sensor.mic", "sensor.mic"]]
    bp, bl = m.put(b"".join(later))
    m.ok("cortex_append_batch", handle, bp, bl, *out)
    record = 8 + 8 + 32 + 8 + 4 + len("sensor.mic") + 4 + 40
    check(m.call("cortex_poll", sub, out[0], record - 1) == E_BUFFER_SMALL, "poll into a too-small buffer")
    polled = []
    while True:
        written = m.ok("cortex_poll", sub, out[0], 2 * record)
        if written == 0:
            break
        polled += decode_events(m.read(out[0], written))
    check([e["kind"] for e in polled] == ["sensor.mic"] * 3, f"subscription delivered {polled}")
    check(m.ok("cortex_unsubscribe", sub) == 0, "unsubscribe")
    check(m.call("cortex_poll", sub, *out) == E_BAD_HANDLE, "poll after unsubscribe")
    print("ok: events — batch, get, query by kinds and patterns, source, time, cursor and limit, subscribe and poll")
    return handle


def node_record(node_id, label, properties, tags=()):
    body = node_id + s(label) + struct.pack("<I", len(properties))
    for key, value in properties:
        body += s(key) + s(value)
    return body + strs(list(tags))


def graph(m, handle, out):
    a, b, c, d = (bytes([n]) * 32 for n in (0xA, 0xB, 0xC, 0xD))
    nodes = {
        a: ("room", [("floor", "1"), ("name", "kitchen")]),
        b: ("room", [("floor", "2")]),
        c: ("device", []),
        d: ("device", [("kind", "mic")]),
    }
    tags = {c: ["video"], d: ["audio", "kitchen"]}
    for node_id, (label, properties) in nodes.items():
        ptr, length = m.put(node_record(node_id, label, properties, tags.get(node_id, [])))
        m.ok("cortex_put_node_record", handle, ptr, length)
    for node_id, (label, properties) in nodes.items():
        ip, _ = m.put(node_id)
        written = m.ok("cortex_get_node", handle, ip, *out)
        f = Fields(m.read(out[0], written))
        got_id, got_label = f.take(32), f.str()
        got_properties = [(f.str(), f.str()) for _ in range(f.u32())]
        got_tags = [f.str() for _ in range(f.u32())]
        f.u64(), f.u64()
        check(f.done(), "bytes after a node record")
        check((got_id, got_label, got_properties, got_tags)
              == (node_id, label, sorted(properties), sorted(tags.get(node_id, []))),
              f"cortex_get_node gave {got_label} {got_properties} {got_tags}")

    def find(what, **q):
        flags = (1 if "since" in q else 0) | (2 if "until" in q else 0) | (4 if "after" in q else 0) \
            | (8 if "limit" in q else 0) | (16 if "text" in q else 0)
        record = struct.pack("<IQQ", flags, q.get("since", 0), q.get("until", 0)) + q.get("after", bytes(32))
        record += struct.pack("<I", q.get("limit", 0)) + strs(q.get("labels", [])) + strs(q.get("tags", []))
        props = q.get("properties", [])
        record += struct.pack("<I", len(props)) + b"".join(s(k) + s(v) for k, v in props) + s(q.get("text", ""))
        qp, ql = m.put(record)
        written = m.call("cortex_find_nodes", handle, qp, ql, *out)
        check(written >= 0, f"cortex_find_nodes {what} failed with {written}: {m.last_error()}")
        f, found = Fields(m.read(out[0], written)), []
        while not f.done():
            found.append(f.take(32))
            f.str()
            [(f.str(), f.str()) for _ in range(f.u32())]
            [f.str() for _ in range(f.u32())]
            f.u64(), f.u64()
        return found

    # The oracle: the nodes and tags this host put, filtered by hand.
    check(find("by label", labels=["device"]) == [c, d], "find_nodes by label")
    check(find("by tag", tags=["audio"]) == [d], "find_nodes by tag")
    check(find("by property", properties=[("floor", "2")]) == [b], "find_nodes by property")
    check(find("by text", text="KITCHEN") == [a, d], "find_nodes by text (a property value and a tag)")
    check(find("paged", after=a, limit=2) == [b, c], "find_nodes after a cursor")
    check(find("in the future", since=2**62) == [], "find_nodes created in the future")
    edges = [(a, b, "next", 1.0), (b, c, "next", 1.0), (a, c, "next", 5.0), (c, d, "holds", 0.5)]
    rp, rl = m.put(b"next")
    hp, hl = m.put(b"holds")
    rel = {"next": (rp, rl), "holds": (hp, hl)}
    ptr = {n: m.put(n)[0] for n in (a, b, c, d)}
    for frm, to, relation, weight in edges:
        m.ok("cortex_put_edge", handle, ptr[frm], ptr[to], *rel[relation], weight)
    check(m.call("cortex_edge_count", handle) == 4, "edge count")
    # Cheapest a -> d is a, b, c, d at 2.5 (the direct a -> c costs 5).
    count = m.ok("cortex_shortest_path", handle, ptr[a], ptr[d], *out)
    data = m.read(out[0], 8 + 32 * count)
    cost, path = struct.unpack("<d", data[:8])[0], [data[8 + 32 * i: 40 + 32 * i] for i in range(count)]
    check((cost, path) == (2.5, [a, b, c, d]), f"shortest path cost {cost} through {len(path)} nodes")
    written = m.ok("cortex_edges", handle, ptr[a], 0, *rel["next"], *out)
    f, found = Fields(m.read(out[0], written)), []
    while not f.done():
        frm, to, weight = f.take(32), f.take(32), struct.unpack("<d", f.take(8))[0]
        found.append((frm, to, f.str(), weight))
    check(sorted(found) == sorted([e[:2] + (e[2], e[3]) for e in edges if e[0] == a]), f"edges of a: {found}")
    check(m.ok("cortex_remove_edge", handle, ptr[a], *rel["next"], ptr[c]) == 1, "remove a -> c")
    check(m.call("cortex_get_edge", handle, ptr[a], *rel["next"], ptr[c], *out) == E_NOT_FOUND, "removed edge")
    check(m.ok("cortex_remove_node", handle, ptr[b]) == 1, "remove b")
    check(m.ok("cortex_shortest_path", handle, ptr[a], ptr[d], *out) == 0, "a cannot reach d without b")
    check(m.call("cortex_node_count", handle) == 3, "node count after removing b")
    print("ok: graph — node records with properties and tags, get, find_nodes, edges, shortest path, remove")


def bus(m, out):
    bus_handle = m.ok("cortex_bus_open", 3, DROP_OLDEST, 0)
    fp, fl = m.put(event_filter(kinds=["sensor.mic"]))
    rx = m.ok("cortex_bus_subscribe", bus_handle, fp, fl, BUS_POLICY, 0)
    src = b"\x05" * 32
    sent = [("sensor.mic" if i % 2 == 0 else "note", f"m{i}".encode()) for i in range(10)]
    bp, bl = m.put(b"".join(new_event(src, k, p) for k, p in sent))
    check(m.ok("cortex_bus_publish", bus_handle, bp, bl) == 10, "publish of ten")
    written = m.ok("cortex_bus_poll", rx, *out)
    got = [(e["kind"], e["payload"]) for e in decode_events(m.read(out[0], written), stamped=False)]
    mics = [e for e in sent if e[0] == "sensor.mic"]
    check(got == mics[-3:], f"a queue of 3 under DropOldest kept {got}")
    written = m.ok("cortex_bus_stats", bus_handle, *out)
    stats = struct.unpack(f"<{written // 8}Q", m.read(out[0], written))
    # published, delivered, dropped_oldest, dropped_newest, rejected, unrouted
    check(stats == (10, 3, 2, 0, 0, 5, 0, 0), f"bus stats {stats}")
    written = m.ok("cortex_bus_stats", rx, *out)
    stats = struct.unpack(f"<{written // 8}Q", m.read(out[0], written))
    check(stats == (5, 3, 2, 0, 0, 0), f"receiver stats {stats}")
    # A subscriber with its own policy: Coalesce keeps the latest event of each (kind, source).
    fp, fl = m.put(event_filter(kinds=["sensor.*"]))
    latest = m.ok("cortex_bus_subscribe", bus_handle, fp, fl, COALESCE, 0)
    readings = [("sensor.mic", b"\x01" * 32, b"1"), ("sensor.mic", b"\x02" * 32, b"2"), ("sensor.mic", b"\x01" * 32, b"3")]
    bp, bl = m.put(b"".join(new_event(s_, k, p) for k, s_, p in readings))
    check(m.ok("cortex_bus_publish", bus_handle, bp, bl) == 3, "publish of three readings")
    written = m.ok("cortex_bus_poll", latest, *out)
    got = [(e["source"], e["payload"]) for e in decode_events(m.read(out[0], written), stamped=False)]
    check(got == [(b"\x01" * 32, b"3"), (b"\x02" * 32, b"2")], f"Coalesce kept {got}")
    strict = m.ok("cortex_bus_open", 1, ERROR, 0)
    fp, fl = m.put(event_filter())
    m.ok("cortex_bus_subscribe", strict, fp, fl, BUS_POLICY, 0)
    one = new_event(src, "sensor.mic", b"")
    p1, l1 = m.put(one)
    m.ok("cortex_bus_publish", strict, p1, l1)
    check(m.call("cortex_bus_publish", strict, p1, l1) == E_FULL, "a full queue under Error")
    m.ok("cortex_bus_close", strict)
    check(m.call("cortex_bus_publish", strict, p1, l1) == E_BAD_HANDLE, "publish to a closed bus handle")
    print("ok: bus — publish, filtered subscribe, DropOldest, a subscriber's own Coalesce, poll, stats, Error policy, close")


def bad_input(m, handle, out):
    kind, _ = m.put(b"note")
    node, _ = m.put(b"\x0a" * 32)

    def bad_regions():
        # Made against memory as it is now: the module's memory grows as it allocates (an error
        # message, for one), so a region past the end made earlier may lie inside it later.
        end = m.memory_len()
        return [(0, 8), (end - 4, 8), (end + 4096, 8), (2**31 - 1, 8), (kind, -1), (-8, 16)]

    calls = 0
    for index in range(len(bad_regions())):
        for name, args_of in [
            ("cortex_query", lambda ptr, length: (handle, ptr, length, *out)),
            ("cortex_query", lambda ptr, length: (handle, kind, 4, ptr, length)),
            ("cortex_append_batch", lambda ptr, length: (handle, ptr, length, *out)),
            ("cortex_put_node_record", lambda ptr, length: (handle, ptr, length)),
            ("cortex_get_node", lambda ptr, length: (handle, node, ptr, length)),
            ("cortex_subscribe", lambda ptr, length: (handle, ptr, length)),
            ("cortex_append", lambda ptr, length: (handle, node, ptr, length, kind, 4)),
            ("cortex_last_error", lambda ptr, length: (ptr, length)),
        ]:
            ptr, length = bad_regions()[index]
            ptr = ptr if ptr < 2**31 else ptr - 2**32
            args = args_of(ptr, length)
            code = m.call(name, *args)
            check(code == E_BAD_POINTER, f"{name}{args} returned {code}, not CORTEX_E_BAD_POINTER")
            check(m.last_error(), f"{name} failed without a message")
            calls += 1
    for bad in [0, -1, 999_999, 2**31 - 1]:
        for name, args in [
            ("cortex_event_count", (bad,)),
            ("cortex_query", (bad, kind, 4, *out)),
            ("cortex_poll", (bad, *out)),
            ("cortex_bus_poll", (bad, *out)),
            ("cortex_bus_publish", (bad, kind, 4)),
            ("cortex_get_node", (bad, node, *out)),
            ("cortex_store_close", (bad,)),
        ]:
            code = m.call(name, *args)
            check(code == E_BAD_HANDLE, f"{name}{args} returned {code}, not CORTEX_E_BAD_HANDLE")
            calls += 1
    # A handle of another kind is refused too: a store is not a bus, a bus is not a store.
    bus_handle = m.ok("cortex_bus_open", 2, DROP_OLDEST, 0)
    check(m.call("cortex_bus_publish", handle, kind, 4) == E_BAD_HANDLE, "publish to a store handle")
    check(m.call("cortex_event_count", bus_handle) == E_BAD_HANDLE, "event count of a bus handle")
    garbage, glen = m.put(b"\xff" * 13)
    check(m.call("cortex_query", handle, garbage, glen, *out) == E_INVALID, "a malformed filter")
    check(m.call("cortex_bus_open", 0, DROP_OLDEST, 0) == E_INVALID, "a bus of capacity 0")
    check(m.call("cortex_bus_open", 4, 99, 0) == E_INVALID, "an unknown policy")
    check(m.call("cortex_event_count", handle) >= 12, "the store still answers after all that")
    print(f"ok: bad input — {calls + 5} calls with bad pointers, lengths, handles and records gave codes, no trap")


def main():
    m = Module(sys.argv[1])
    version = m.call("cortex_abi_version")
    check(version == ABI_VERSION, f"cortex_abi_version is {version}, this host speaks {ABI_VERSION}")
    out = m.put(bytes(64 * 1024))
    handle = events_and_queries(m, out)
    graph(m, handle, out)
    bus(m, out)
    bad_input(m, handle, out)


def run(scenarios):
    """Runs `scenarios` (a function that raises Failed at the first failed check); exits 1 with it."""
    try:
        scenarios()
    except Failed as failure:
        print(f"python host: {failure}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    run(main)
