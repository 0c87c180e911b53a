"""A Python host for cortex-core's wasm module built with its file store (cortex_fs.h): grants it a
directory with wasmtime's `WasiConfig.preopen_dir`, opens a store there with `cortex_open_dir`,
appends events and a node, closes it, then reads them back in a new instance, as a host that
restarts would. A path outside the granted directory is CORTEX_E_STORE_FILE and creates nothing.

Usage: python host_fs.py <cortex-core-fs.wasm> <empty directory>. Prints one line per checked
scenario; exits 1 with the first failure.
"""

import os
import sys

import wasmtime

from host import Module, check, decode_events, event_filter, new_event, run

OPEN_SYNC = 1
E_STORE_FILE = -11
GUEST = "/data"


class GrantedModule(Module):
    """One instance of the module, granted `directory` as /data."""

    def __init__(self, path, directory):
        wasi = wasmtime.WasiConfig()
        wasi.preopen_dir(directory, GUEST)
        super().__init__(path, wasi)

    def open_dir(self, path, flags):
        ptr, length = self.put(path.encode())
        return self.call("cortex_open_dir", ptr, length, flags)


def main():
    wasm, directory = sys.argv[1], sys.argv[2]
    source = b"\x05" * 32
    written = [("note", f"kept {i}".encode()) for i in range(5)]

    first = GrantedModule(wasm, directory)
    handle = first.open_dir(f"{GUEST}/store", OPEN_SYNC)
    check(handle > 0, f"cortex_open_dir failed with {handle}: {first.last_error()}")
    out = first.put(bytes(64 * 1024))
    for kind, payload in written[:2]:
        k, p = first.put(kind.encode()), first.put(payload)
        first.ok("cortex_append", handle, first.put(source)[0], *k, *p)
    batch = b"".join(new_event(source, kind, payload) for kind, payload in written[2:])
    count = first.ok("cortex_append_batch", handle, *first.put(batch), *out)
    check(count == 3, f"cortex_append_batch stored {count} of 3")
    node, label = first.put(b"\x09" * 32), first.put(b"place")
    first.ok("cortex_put_node", handle, node[0], *label)
    first.ok("cortex_store_close", handle)
    del first
    print(f"ok: fs write — {len(written)} events and a node in {GUEST}/store, closed")

    second = GrantedModule(wasm, directory)
    handle = second.open_dir(f"{GUEST}/store", 0)
    check(handle > 0, f"reopening failed with {handle}: {second.last_error()}")
    out = second.put(bytes(64 * 1024))
    flt = second.put(event_filter())
    events = decode_events(second.read(out[0], second.ok("cortex_query", handle, *flt, *out)))
    found = [(e["kind"], e["payload"]) for e in events]
    check(found == written, f"a new instance read {found}, expected {written}")
    check(second.call("cortex_node_count", handle) == 1, "the node survives the instance")
    print(f"ok: fs reopen — a new instance read back all {len(found)} events and the node")

    before = sorted(os.listdir(os.path.dirname(os.path.abspath(directory))))
    for path in ["/elsewhere/store", f"{GUEST}/../outside"]:
        code = second.open_dir(path, 0)
        check(code == E_STORE_FILE, f"cortex_open_dir({path!r}) gave {code}, expected {E_STORE_FILE}")
        check(path in second.last_error(), f"the message names {path!r}: {second.last_error()}")
    after = sorted(os.listdir(os.path.dirname(os.path.abspath(directory))))
    check(before == after, f"nothing is created beside the granted directory: {before} -> {after}")
    print("ok: fs bad paths — outside the granted directory: CORTEX_E_STORE_FILE, nothing created")


if __name__ == "__main__":
    run(main)
