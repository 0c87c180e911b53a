//! What a program sees of the world, held in its store: arguments, output, clocks, randomness and
//! the directory it was granted, if any.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use wasmtime::Memory;

use crate::errno::{EBADF, ENOTSUP};
use crate::files::{FileCalls, Files};

/// 2026-01-01T00:00:00Z: the wall clock of a deterministic run.
const FIXED_WALL_CLOCK_NS: u64 = 1_767_225_600 * 1_000_000_000;
/// How far the monotonic clock of a deterministic run moves per reading, so timers still expire.
const STEP_NS: u64 = 1_000_000;

/// What a program sees of the world, held in its store.
#[derive(Debug)]
pub struct Host {
    /// The program's exported memory, found by name on the first call that needs it: a lookup by
    /// name on every call costs more than the rest of a clock read.
    pub(crate) memory: Option<Memory>,
    pub(crate) args: Vec<Vec<u8>>,
    output: Output,
    clock: Clock,
    random: Random,
    /// The fuel left when the program first wrote to stdout, in a run that meters fuel.
    fuel_at_first_stdout: Option<u64>,
    /// The granted directory and the files open in it.
    pub(crate) files: Files,
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
            fuel_at_first_stdout: None,
            files: Files::default(),
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
            fuel_at_first_stdout: None,
            files: Files::default(),
        }
    }

    /// This host with the directory `host` granted to the program, which knows it as `guest` (its
    /// preopen, descriptor 3): paths under `guest` reach files under `host`, and no path leaves it.
    /// Replaces a directory granted before.
    pub fn with_dir(self, host: impl Into<PathBuf>, guest: &str) -> io::Result<Self> {
        Ok(Self {
            files: Files::grant(host.into(), guest)?,
            ..self
        })
    }

    /// The program's counted file calls (syncs, renames), readable while it runs.
    pub fn file_calls(&self) -> FileCalls {
        self.files.calls.clone()
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

    /// Records `fuel_left` as the fuel at the first write to stdout, unless one came before.
    pub(crate) fn note_stdout(&mut self, fuel_left: u64) {
        self.fuel_at_first_stdout.get_or_insert(fuel_left);
    }

    /// The fuel left when the program first wrote to stdout; `None` before it has, or when the
    /// run does not meter fuel.
    pub fn fuel_at_first_stdout(&self) -> Option<u64> {
        self.fuel_at_first_stdout
    }

    /// Reads clock `id` (0 realtime; 1 monotonic; 2 and 3, the CPU-time clocks, as monotonic).
    #[inline]
    pub(crate) fn now(&mut self, id: i32) -> Option<u64> {
        if let (Clock::Stepping { monotonic_ns }, 1..=3) = (&mut self.clock, id) {
            *monotonic_ns += STEP_NS;
        }
        self.current(id)
    }

    /// Clock `id` as it stands, without the step a reading takes.
    #[inline]
    pub(crate) fn current(&self, id: i32) -> Option<u64> {
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
    #[inline]
    pub(crate) fn pass(&mut self, ns: u64) {
        match &mut self.clock {
            Clock::Real(_) => std::thread::sleep(std::time::Duration::from_nanos(ns)),
            Clock::Stepping { monotonic_ns } => *monotonic_ns = monotonic_ns.saturating_add(ns),
        }
    }

    #[inline]
    pub(crate) fn next_random(&mut self) -> u64 {
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
    #[inline]
    pub(crate) fn write(&mut self, fd: i32, bytes: &[u8]) -> Result<(), i32> {
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
