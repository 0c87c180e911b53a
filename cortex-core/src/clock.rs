//! The wall clock the stores stamp with: milliseconds since the Unix epoch.
//!
//! On wasm32-wasip1 it reads WASI's `clock_time_get` itself. `SystemTime::now` reads the same clock,
//! but it unwraps an `io::Error` when the host fails the call, and that error's `Debug` would bring
//! the name and message of every WASI errno, `str`'s escaping and the Unicode printable tables into
//! the module. On unix it calls `clock_gettime` directly, since every append reads the clock.

/// Milliseconds since the Unix epoch, or 0 when the host has no clock to give.
#[cfg(all(target_os = "wasi", target_env = "p1"))]
pub fn now_millis() -> u64 {
    now_nanos() / 1_000_000
}

/// Nanoseconds since the Unix epoch, or 0 when the host has no clock to give.
#[cfg(all(target_os = "wasi", target_env = "p1"))]
pub(crate) fn now_nanos() -> u64 {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        // Declared by WASI preview 1 (`clock_time_get(id, precision, *time) -> errno`), and the very
        // import std's own clock uses, so the module's imports do not change.
        fn clock_time_get(id: u32, precision: u64, time: *mut u64) -> u16;
    }
    const REALTIME: u32 = 0;
    let mut nanos = 0u64;
    // SAFETY: `nanos` is a live, aligned u64 for the whole call, the only memory the host writes.
    #[allow(unsafe_code)]
    let errno = unsafe { clock_time_get(REALTIME, 1, &mut nanos) };
    if errno == 0 {
        nanos
    } else {
        0
    }
}

/// Milliseconds since the Unix epoch, or 0 for a clock set before it.
///
/// `clock_gettime` itself: each append reads the clock, and `SystemTime::now` makes this same call
/// and adds a `duration_since` on top.
#[cfg(unix)]
pub fn now_millis() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a live timespec for the whole call, the only memory it writes.
    #[allow(unsafe_code)]
    let status = unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) };
    match (
        status,
        u64::try_from(now.tv_sec),
        u64::try_from(now.tv_nsec),
    ) {
        (0, Ok(secs), Ok(nanos)) => secs * 1000 + nanos / 1_000_000,
        _ => 0,
    }
}

/// Milliseconds since the Unix epoch, or 0 for a clock set before it.
#[cfg(not(any(unix, all(target_os = "wasi", target_env = "p1"))))]
pub fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oracle is std's clock, read on either side.
    #[test]
    fn now_millis_reads_the_wall_clock() {
        let millis = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0)
        };
        let before = millis();
        let now = now_millis();
        let after = millis();
        assert!(
            before <= now && now <= after,
            "{before} <= {now} <= {after}"
        );
    }
}
