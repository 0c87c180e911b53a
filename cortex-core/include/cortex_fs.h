/*
 * cortex_fs.h: the exports a cortex-core module built with its `fs` feature adds to cortex.h.
 *
 * `cargo build -p cortex-core --features fs --target wasm32-wasip1` gives a module whose store handles
 * are file-backed: cortex_store_open still opens a store without a file, and cortex_open_dir opens one
 * kept in a directory the host granted (wasmtime --dir, Node's preopens), whose events and graph survive
 * the instance. Everything in cortex.h applies to it. The module then imports WASI's file calls as well
 * (path_open, fd_read, fd_write, fd_seek, fd_filestat_set_size, fd_datasync, path_rename, ...).
 *
 * The plain module does not export cortex_open_dir, so this is a header of its own: cortex.h is
 * checked against the plain module's exports.
 */

#ifndef CORTEX_FS_H
#define CORTEX_FS_H

#include "cortex.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cortex_open_dir's flags: sync every write (fd_datasync) before its call returns. */
#define CORTEX_OPEN_SYNC 1

/*
 * A store handle (> 0) for the directory at the UTF-8 path (path_ptr, path_len): its event log
 * (events.log) and graph (graph.log), created if missing, replayed if present; a torn last write is cut
 * off. flags: 0 or CORTEX_OPEN_SYNC (anything else is CORTEX_E_INVALID). A path that is not a directory,
 * a directory the host did not grant, a log of a newer format, a file that is not a cortex log or a log
 * damaged before its end is CORTEX_E_STORE_FILE, its message naming the path (and the offset of damage),
 * and nothing on disk is changed. Keep one handle per directory open at a time.
 */
int32_t cortex_open_dir(int32_t path_ptr, int32_t path_len, int32_t flags);

#ifdef __cplusplus
}
#endif

#endif /* CORTEX_FS_H */
