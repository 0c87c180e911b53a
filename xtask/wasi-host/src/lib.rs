//! The WASI preview1 calls that Rust's `wasm32-wasip1` std makes, served to the xtask's embedded
//! wasmtime.
//!
//! Our artifacts import a handful of functions (arguments, environment, clocks, `fd_write`,
//! `poll_oneoff` for timers, `random_get`, `proc_exit`). A general WASI host would bring a
//! filesystem, sockets and the component model, and minutes of compile time, for calls these
//! modules never make; every other preview1 import links to a stub that answers `ENOSYS`, as a
//! host without that capability would.
//!
//! A crate of its own so that the root Cargo.toml can compile it optimised in the dev profile: the
//! host functions, and wasmtime's call glue generic over them, are instantiated here, and
//! unoptimised they made each WASI call several times slower than a release embedder's.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use wasmtime::{Caller, Extern, ExternType, Linker, Memory, Module, Val};

/// The import module every preview1 function lives in.
pub const MODULE: &str = "wasi_snapshot_preview1";

// The errno values this host returns (preview1 numbering).
const SUCCESS: i32 = 0;
const EBADF: i32 = 8;
const EFAULT: i32 = 21;
const EINVAL: i32 = 28;
const ENOSYS: i32 = 52;
const ENOTSUP: i32 = 58;

/// 2026-01-01T00:00:00Z: the wall clock of a deterministic run.
const FIXED_WALL_CLOCK_NS: u64 = 1_767_225_600 * 1_000_000_000;
/// How far the monotonic clock of a deterministic run moves per reading, so timers still expire.
const STEP_NS: u64 = 1_000_000;

/// The module called `proc_exit(code)`: how a WASI program ends with a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exited(pub i32);

impl fmt::Display for Exited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exited with status {}", self.0)
    }
}

impl std::error::Error for Exited {}

/// What a program sees of the world, held in its store.
#[derive(Debug)]
pub struct Host {
    /// The program's exported memory, found by name on the first call that needs it: a lookup by
    /// name on every call cost more than the rest of a clock read.
    memory: Option<Memory>,
    args: Vec<Vec<u8>>,
    output: Output,
    clock: Clock,
    random: Random,
}

#[derive(Debug)]
enum Output {
    /// Straight through to the xtask's own stdout and stderr.
    Inherit,
    /// Kept in memory, up to `limit` bytes per stream.
    Capture {
        stdout: Vec<u8>,
        stderr: Vec<u8>,
        limit: usize,
    },
}

#[derive(Debug)]
enum Clock {
    Real(Instant),
    /// A fixed wall clock and a monotonic one that steps per reading and jumps over every sleep.
    Stepping {
        monotonic_ns: u64,
    },
}

#[derive(Debug)]
enum Random {
    /// Seeded from the standard library's per-process random keys; not for cryptography, which
    /// nothing the xtask runs needs.
    Process(RandomState, u64),
    /// splitmix64 from a fixed seed, so two runs read the same bytes.
    Seeded(u64),
}

impl Host {
    /// The real clocks and output of the xtask: for `cargo xtask run`.
    pub fn inherit(args: Vec<String>) -> Self {
        Self {
            memory: None,
            args: args.into_iter().map(String::into_bytes).collect(),
            output: Output::Inherit,
            clock: Clock::Real(Instant::now()),
            random: Random::Process(RandomState::new(), 0),
        }
    }

    /// The real clocks, output kept in memory up to `limit` bytes per stream: for a program that
    /// times itself and reports on stdout (`cargo xtask bench`).
    pub fn timed(args: Vec<String>, limit: usize) -> Self {
        Self {
            output: Output::Capture {
                stdout: Vec::new(),
                stderr: Vec::new(),
                limit,
            },
            ..Self::inherit(args)
        }
    }

    /// Fixed clocks and randomness, output kept in memory up to `limit` bytes per stream: two runs
    /// of one program print the same bytes.
    pub fn deterministic(args: Vec<String>, limit: usize) -> Self {
        Self {
            memory: None,
            args: args.into_iter().map(String::into_bytes).collect(),
            output: Output::Capture {
                stdout: Vec::new(),
                stderr: Vec::new(),
                limit,
            },
            clock: Clock::Stepping { monotonic_ns: 0 },
            random: Random::Seeded(0x0123_4567_89ab_cdef),
        }
    }

    /// What the program wrote to stdout and stderr; empty when its output was not captured.
    pub fn take_output(&mut self) -> (Vec<u8>, Vec<u8>) {
        match &mut self.output {
            Output::Inherit => (Vec::new(), Vec::new()),
            Output::Capture { stdout, stderr, .. } => {
                (std::mem::take(stdout), std::mem::take(stderr))
            }
        }
    }

    /// Reads clock `id` (0 realtime; 1 monotonic; 2 and 3, the CPU-time clocks, as monotonic).
    fn now(&mut self, id: i32) -> Option<u64> {
        if let (Clock::Stepping { monotonic_ns }, 1..=3) = (&mut self.clock, id) {
            *monotonic_ns += STEP_NS;
        }
        self.current(id)
    }

    /// Clock `id` as it stands, without the step a reading takes.
    fn current(&self, id: i32) -> Option<u64> {
        match (&self.clock, id) {
            (Clock::Real(_), 0) => Some(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64),
            ),
            (Clock::Real(start), 1..=3) => Some(start.elapsed().as_nanos() as u64),
            (Clock::Stepping { .. }, 0) => Some(FIXED_WALL_CLOCK_NS),
            (Clock::Stepping { monotonic_ns }, 1..=3) => Some(*monotonic_ns),
            _ => None,
        }
    }

    /// Lets `ns` of monotonic time pass: slept for real, or skipped on a stepping clock.
    fn pass(&mut self, ns: u64) {
        match &mut self.clock {
            Clock::Real(_) => std::thread::sleep(std::time::Duration::from_nanos(ns)),
            Clock::Stepping { monotonic_ns } => *monotonic_ns = monotonic_ns.saturating_add(ns),
        }
    }

    fn next_random(&mut self) -> u64 {
        match &mut self.random {
            Random::Process(keys, counter) => {
                *counter += 1;
                let mut hasher = keys.build_hasher();
                hasher.write_u64(*counter);
                hasher.finish()
            }
            Random::Seeded(state) => {
                *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = *state;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^ (z >> 31)
            }
        }
    }

    /// Writes `bytes` to fd 1 or 2; returns an errno.
    fn write(&mut self, fd: i32, bytes: &[u8]) -> Result<(), i32> {
        match (&mut self.output, fd) {
            (Output::Inherit, 1) => std::io::stdout().write_all(bytes).map_err(|_| EBADF),
            (Output::Inherit, 2) => std::io::stderr().write_all(bytes).map_err(|_| EBADF),
            (Output::Capture { stdout, limit, .. }, 1) => capture(stdout, *limit, bytes),
            (Output::Capture { stderr, limit, .. }, 2) => capture(stderr, *limit, bytes),
            _ => Err(EBADF),
        }
    }
}

/// Output past the limit is an error to the program rather than an unbounded allocation here.
fn capture(into: &mut Vec<u8>, limit: usize, bytes: &[u8]) -> Result<(), i32> {
    if into.len() + bytes.len() > limit {
        return Err(ENOTSUP);
    }
    into.extend_from_slice(bytes);
    Ok(())
}

/// The caller's linear memory, through which every pointer argument is read or written.
///
/// A host lives in one store and serves the one instance in it, so the memory found is kept.
fn memory<'a>(caller: &'a mut Caller<'_, Host>) -> Result<(&'a mut [u8], &'a mut Host), i32> {
    let memory = match caller.data().memory {
        Some(memory) => memory,
        None => {
            let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                return Err(EFAULT);
            };
            caller.data_mut().memory = Some(memory);
            memory
        }
    };
    Ok(memory.data_and_store_mut(caller))
}

/// `len` bytes at `ptr`, or `EFAULT` when they are not all inside memory.
fn region(memory: &mut [u8], ptr: i32, len: usize) -> Result<&mut [u8], i32> {
    let start = ptr as u32 as usize;
    let end = start.checked_add(len).ok_or(EFAULT)?;
    memory.get_mut(start..end).ok_or(EFAULT)
}

fn put_u32(memory: &mut [u8], ptr: i32, value: u32) -> Result<(), i32> {
    region(memory, ptr, 4)?.copy_from_slice(&value.to_le_bytes());
    Ok(())
}

fn put_u64(memory: &mut [u8], ptr: i32, value: u64) -> Result<(), i32> {
    region(memory, ptr, 8)?.copy_from_slice(&value.to_le_bytes());
    Ok(())
}

fn get_u32(memory: &mut [u8], ptr: i32) -> Result<u32, i32> {
    let bytes = region(memory, ptr, 4)?;
    Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

fn get_u64(memory: &mut [u8], ptr: i32) -> Result<u64, i32> {
    let bytes = region(memory, ptr, 8)?;
    let mut word = [0; 8];
    word.copy_from_slice(bytes);
    Ok(u64::from_le_bytes(word))
}

fn errno(result: Result<(), i32>) -> i32 {
    result.err().unwrap_or(SUCCESS)
}

/// Links every preview1 function `module` imports: the ones above, and for any other a stub that
/// answers `ENOSYS` (or traps, naming the call, where the function returns no errno).
pub fn link(linker: &mut Linker<Host>, module: &Module) -> anyhow::Result<()> {
    add_served(linker).map_err(anyhow::Error::from)?;
    for import in module.imports() {
        let (MODULE, ExternType::Func(ty)) = (import.module(), import.ty()) else {
            continue;
        };
        let name = import.name();
        if SERVED.contains(&name) {
            continue;
        }
        let call = name.to_owned();
        linker
            .func_new(
                MODULE,
                name,
                ty,
                move |_, _, results: &mut [Val]| match results {
                    [errno] => {
                        *errno = Val::I32(ENOSYS);
                        Ok(())
                    }
                    _ => wasmtime::bail!(
                        "the module called wasi `{call}`, which this runtime does not provide"
                    ),
                },
            )
            .map_err(anyhow::Error::from)
            .with_context(|| format!("link the wasi import `{name}`"))?;
    }
    Ok(())
}

/// The preview1 functions served for real; [`link`] stubs every other one a module imports.
const SERVED: &[&str] = &[
    "args_sizes_get",
    "args_get",
    "environ_sizes_get",
    "environ_get",
    "clock_res_get",
    "clock_time_get",
    "fd_write",
    "poll_oneoff",
    "random_get",
    "sched_yield",
    "proc_exit",
];

/// Waits for the earliest clock subscription and reports every one due by then; a subscription to a
/// file descriptor is answered at once with `EBADF`, since no descriptor here can be polled.
fn poll(
    memory: &mut [u8],
    host: &mut Host,
    subs: i32,
    events: i32,
    count: i32,
    ready: i32,
) -> Result<(), i32> {
    const SUBSCRIPTION: i32 = 48;
    const EVENT: i32 = 32;
    const ABSOLUTE: u16 = 1;
    if count <= 0 {
        return Err(EINVAL);
    }
    let mut clocks = Vec::new();
    let mut descriptors = Vec::new();
    for i in 0..count {
        let sub = subs.wrapping_add(SUBSCRIPTION.wrapping_mul(i));
        let userdata = get_u64(memory, sub)?;
        let tag = region(memory, sub.wrapping_add(8), 1)?[0];
        if tag == 0 {
            let id = get_u32(memory, sub.wrapping_add(16))? as i32;
            let timeout = get_u64(memory, sub.wrapping_add(24))?;
            let flags = get_u32(memory, sub.wrapping_add(40))? as u16;
            let delay = if flags & ABSOLUTE == 0 {
                timeout
            } else {
                timeout.saturating_sub(host.current(id).ok_or(EINVAL)?)
            };
            clocks.push((userdata, delay));
        } else {
            descriptors.push((userdata, tag));
        }
    }
    let mut due: Vec<(u64, u8, i32)> = descriptors
        .iter()
        .map(|&(data, tag)| (data, tag, EBADF))
        .collect();
    if due.is_empty() {
        let wait = clocks.iter().map(|&(_, delay)| delay).min().unwrap_or(0);
        host.pass(wait);
        due.extend(
            clocks
                .iter()
                .filter(|&&(_, delay)| delay <= wait)
                .map(|&(data, _)| (data, 0, SUCCESS)),
        );
    }
    for (i, &(userdata, kind, error)) in due.iter().enumerate() {
        let event = region(
            memory,
            events.wrapping_add(EVENT.wrapping_mul(i as i32)),
            EVENT as usize,
        )?;
        event.fill(0);
        event[..8].copy_from_slice(&userdata.to_le_bytes());
        event[8..10].copy_from_slice(&(error as u16).to_le_bytes());
        event[10] = kind;
    }
    put_u32(memory, ready, due.len() as u32)
}

fn add_served(linker: &mut Linker<Host>) -> wasmtime::Result<()> {
    linker.func_wrap(
        MODULE,
        "args_sizes_get",
        |mut caller: Caller<'_, Host>, count: i32, size: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let bytes: usize = host.args.iter().map(|arg| arg.len() + 1).sum();
                put_u32(memory, count, host.args.len() as u32)?;
                put_u32(memory, size, bytes as u32)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "args_get",
        |mut caller: Caller<'_, Host>, argv: i32, buf: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let mut at = buf as u32;
                for (i, arg) in host.args.iter().enumerate() {
                    put_u32(memory, argv.wrapping_add(4 * i as i32), at)?;
                    let slot = region(memory, at as i32, arg.len() + 1)?;
                    slot[..arg.len()].copy_from_slice(arg);
                    slot[arg.len()] = 0;
                    at = at.checked_add(arg.len() as u32 + 1).ok_or(EFAULT)?;
                }
                Ok(())
            }))
        },
    )?;
    // No environment: an artifact's behaviour must not depend on the machine that checks it.
    linker.func_wrap(
        MODULE,
        "environ_sizes_get",
        |mut caller: Caller<'_, Host>, count: i32, size: i32| {
            errno(memory(&mut caller).and_then(|(memory, _)| {
                put_u32(memory, count, 0)?;
                put_u32(memory, size, 0)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "environ_get",
        |_: Caller<'_, Host>, _: i32, _: i32| SUCCESS,
    )?;
    linker.func_wrap(
        MODULE,
        "clock_res_get",
        |mut caller: Caller<'_, Host>, id: i32, res: i32| {
            errno(memory(&mut caller).and_then(|(memory, _)| match id {
                0..=3 => put_u64(memory, res, 1),
                _ => Err(EINVAL),
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_time_get",
        |mut caller: Caller<'_, Host>, id: i32, _precision: i64, time: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let now = host.now(id).ok_or(EINVAL)?;
                put_u64(memory, time, now)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_write",
        |mut caller: Caller<'_, Host>, fd: i32, iovs: i32, count: i32, written: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                // Only stdout and stderr exist here; say so before touching any iovec.
                if !(1..=2).contains(&fd) {
                    return Err(EBADF);
                }
                let mut total: u32 = 0;
                for i in 0..count.max(0) {
                    let iov = iovs.wrapping_add(8 * i);
                    let (ptr, len) = (get_u32(memory, iov)?, get_u32(memory, iov.wrapping_add(4))?);
                    let bytes = region(memory, ptr as i32, len as usize)?;
                    host.write(fd, bytes)?;
                    total = total.wrapping_add(len);
                }
                put_u32(memory, written, total)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "poll_oneoff",
        |mut caller: Caller<'_, Host>, subs: i32, events: i32, count: i32, ready: i32| {
            errno(
                memory(&mut caller)
                    .and_then(|(memory, host)| poll(memory, host, subs, events, count, ready)),
            )
        },
    )?;
    linker.func_wrap(
        MODULE,
        "random_get",
        |mut caller: Caller<'_, Host>, buf: i32, len: i32| {
            errno(memory(&mut caller).and_then(|(memory, host)| {
                let target = region(memory, buf, len as u32 as usize)?;
                for chunk in target.chunks_mut(8) {
                    let word = host.next_random().to_le_bytes();
                    chunk.copy_from_slice(&word[..chunk.len()]);
                }
                Ok(())
            }))
        },
    )?;
    linker.func_wrap(MODULE, "sched_yield", |_: Caller<'_, Host>| SUCCESS)?;
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |_: Caller<'_, Host>, code: i32| -> wasmtime::Result<()> {
            Err(wasmtime::Error::new(Exited(code)))
        },
    )?;
    Ok(())
}
