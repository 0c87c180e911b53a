//! The preview1 functions this host serves for real: arguments, environment, clocks, an empty
//! input, output, timers, randomness and exit; reads and writes of files go on to `served_files`.

use wasmtime::{Caller, Linker};

use crate::errno::{errno, EBADF, EFAULT, EINVAL, SUCCESS};
use crate::memory::{each_iovec, memory, put_u32, put_u64, region};
use crate::serve::serve;
use crate::served_files::{self, Way};
use crate::{poll, Exited, Host, MODULE};

/// The preview1 functions served for real; [`crate::link`] stubs every other one a module imports.
pub(crate) const NAMES: &[&str] = &[
    "args_sizes_get",
    "args_get",
    "environ_sizes_get",
    "environ_get",
    "clock_res_get",
    "clock_time_get",
    "fd_read",
    "fd_write",
    "poll_oneoff",
    "random_get",
    "sched_yield",
    "proc_exit",
];

/// Links every function of [`NAMES`].
pub(crate) fn add(linker: &mut Linker<Host>) -> wasmtime::Result<()> {
    serve!(linker, "args_sizes_get", (memory, host, count: i32, size: i32) => {
        let bytes: usize = host.args.iter().map(|arg| arg.len() + 1).sum();
        put_u32(memory, count, host.args.len() as u32)?;
        put_u32(memory, size, bytes as u32)
    });
    serve!(linker, "args_get", (memory, host, argv: i32, buf: i32) => {
        let mut at = buf as u32;
        for (i, arg) in host.args.iter().enumerate() {
            put_u32(memory, argv.wrapping_add(4 * i as i32), at)?;
            let slot = region(memory, at as i32, arg.len() + 1)?;
            slot[..arg.len()].copy_from_slice(arg);
            slot[arg.len()] = 0;
            at = at.checked_add(arg.len() as u32 + 1).ok_or(EFAULT)?;
        }
        Ok(())
    });
    // No environment: an artifact's behaviour must not depend on the machine that checks it.
    serve!(linker, "environ_sizes_get", (memory, _, count: i32, size: i32) => {
        put_u32(memory, count, 0)?;
        put_u32(memory, size, 0)
    });
    linker.func_wrap(
        MODULE,
        "environ_get",
        |_: Caller<'_, Host>, _: i32, _: i32| SUCCESS,
    )?;
    serve!(linker, "clock_res_get", (memory, _, id: i32, res: i32) => match id {
        0..=3 => put_u64(memory, res, 1),
        _ => Err(EINVAL),
    });
    serve!(linker, "clock_time_get", (memory, host, id: i32, _precision: i64, time: i32) => {
        let now = host.now(id).ok_or(EINVAL)?;
        put_u64(memory, time, now)
    });
    // Stdin is empty: a program that reads it sees its end at once, as it would with `< /dev/null`,
    // so what it prints cannot depend on the machine that checks it.
    serve!(linker, "fd_read", (memory, host, fd: i32, iovs: i32, count: i32, read: i32) => {
        let n = match fd {
            0 => 0,
            1 | 2 => return Err(EBADF),
            _ => served_files::transfer(memory, host, fd, iovs, count, Way::Read, None)?,
        };
        put_u32(memory, read, n)
    });
    linker.func_wrap(
        MODULE,
        "fd_write",
        |mut caller: Caller<'_, Host>, fd: i32, iovs: i32, count: i32, written: i32| {
            // Fuel left at the first write to stdout marks where a metered command's startup ends.
            if fd == 1 {
                if let Ok(fuel) = caller.get_fuel() {
                    caller.data_mut().note_stdout(fuel);
                }
            }
            errno(memory(&mut caller).and_then(|(memory, host)| {
                // Stdout and stderr here; a file in the granted directory there.
                let n = match fd {
                    0 => return Err(EBADF),
                    1 | 2 => each_iovec(memory, iovs, count, |bytes| {
                        host.write(fd, bytes).map(|()| bytes.len())
                    })?,
                    _ => served_files::transfer(memory, host, fd, iovs, count, Way::Write, None)?,
                };
                put_u32(memory, written, n)
            }))
        },
    )?;
    serve!(linker, "poll_oneoff", (memory, host, subs: i32, events: i32, count: i32, ready: i32) => {
        poll::poll(memory, host, subs, events, count, ready)
    });
    serve!(linker, "random_get", (memory, host, buf: i32, len: i32) => {
        let target = region(memory, buf, len as u32 as usize)?;
        for chunk in target.chunks_mut(8) {
            let word = host.next_random().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    });
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
