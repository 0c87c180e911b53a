//! `poll_oneoff`: timers served by the host's clock, and no descriptor that can be polled.

use crate::errno::{EBADF, EINVAL, SUCCESS};
use crate::memory::{get_u32, get_u64, put_u32, region};
use crate::Host;

/// Waits for the earliest clock subscription and reports every one due by then; a subscription to a
/// file descriptor is answered at once with `EBADF`, since no descriptor here can be polled.
pub(crate) fn poll(
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
