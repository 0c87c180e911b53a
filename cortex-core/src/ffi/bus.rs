//! Bus exports: open a bus with a backpressure policy, publish new-event records, subscribe with a
//! filter, poll a receiver, read the counters, and close.

use std::cell::RefCell;
use std::rc::Rc;

use super::codes::{finish_i32, Failure, Outcome, CORTEX_E_INTERNAL, CORTEX_E_INVALID};
use super::feed::{Feed, Source};
use super::memory::Region;
use super::registry::{self, Object};
use super::wire;
use crate::bus::{BackpressurePolicy, EventBus};

/// A subscription's policy code that means "the bus's own".
const BUS_POLICY: i32 = -1;

/// The policy a code names: 0 Block, 1 DropOldest, 2 DropNewest, 3 Error. `arg` is the parameter
/// of the policies that take one (none yet), so codes can be added without changing a signature.
fn policy_of(code: i32, _arg: i32) -> Outcome<BackpressurePolicy> {
    Ok(match code {
        0 => BackpressurePolicy::Block,
        1 => BackpressurePolicy::DropOldest,
        2 => BackpressurePolicy::DropNewest,
        3 => BackpressurePolicy::Error,
        _ => {
            return Err(Failure::new(
                CORTEX_E_INVALID,
                format!("unknown backpressure policy {code}: 0 block, 1 drop oldest, 2 drop newest, 3 error"),
            ))
        }
    })
}

#[no_mangle]
pub extern "C" fn cortex_bus_open(capacity: i32, policy: i32, policy_arg: i32) -> i32 {
    finish_i32(bus_open(capacity, policy, policy_arg))
}

fn bus_open(capacity: i32, policy: i32, policy_arg: i32) -> Outcome<i32> {
    let capacity = usize::try_from(capacity)
        .ok()
        .filter(|&c| c > 0)
        .ok_or_else(|| Failure::new(CORTEX_E_INVALID, "bus capacity must be at least 1"))?;
    registry::insert(Object::Bus(EventBus::new(
        capacity,
        policy_of(policy, policy_arg)?,
    )))
}

#[no_mangle]
pub extern "C" fn cortex_bus_publish(bus: i32, in_ptr: i32, in_len: i32) -> i32 {
    finish_i32(bus_publish(bus, in_ptr, in_len))
}

/// Publishes each record in order; the first refusal stops the batch. Returns how many were
/// accepted, or the refusal's code when the first one was refused.
fn bus_publish(bus: i32, in_ptr: i32, in_len: i32) -> Outcome<i32> {
    let bus = registry::bus(bus)?;
    let input = Region::new(in_ptr, in_len, "events")?;
    let events = wire::all(&input.read(), |r| r.new_event())?;
    let mut accepted = 0;
    for event in events {
        match bus.try_publish(event) {
            Ok(()) => accepted += 1,
            Err(error) if accepted == 0 => return Err(error.into()),
            Err(_) => break,
        }
    }
    Ok(accepted)
}

#[no_mangle]
pub extern "C" fn cortex_bus_subscribe(
    bus: i32,
    filter_ptr: i32,
    filter_len: i32,
    policy: i32,
    policy_arg: i32,
) -> i32 {
    finish_i32(bus_subscribe(
        bus, filter_ptr, filter_len, policy, policy_arg,
    ))
}

fn bus_subscribe(
    bus: i32,
    filter_ptr: i32,
    filter_len: i32,
    policy: i32,
    policy_arg: i32,
) -> Outcome<i32> {
    let bus = registry::bus(bus)?;
    let filter = Region::new(filter_ptr, filter_len, "filter")?;
    if policy != BUS_POLICY {
        policy_of(policy, policy_arg)?;
        return Err(Failure::new(
            CORTEX_E_INVALID,
            "a subscriber cannot choose its own policy in this build; pass -1 for the bus's",
        ));
    }
    let filter = wire::whole(&filter.read(), "filter", |r| r.filter())?;
    let receiver = bus.subscribe(filter)?;
    registry::insert(Object::Feed(Rc::new(RefCell::new(Feed::new(Source::Bus(
        receiver,
    ))))))
}

#[no_mangle]
pub extern "C" fn cortex_bus_poll(receiver: i32, out_ptr: i32, out_cap: i32) -> i32 {
    finish_i32(bus_poll(receiver, out_ptr, out_cap))
}

fn bus_poll(receiver: i32, out_ptr: i32, out_cap: i32) -> Outcome<i32> {
    let feed = registry::feed(receiver, true)?;
    let out = Region::new(out_ptr, out_cap, "output buffer")?;
    Feed::poll_shared(&feed, out)
}

#[no_mangle]
pub extern "C" fn cortex_bus_stats(handle: i32, out_ptr: i32, out_cap: i32) -> i32 {
    finish_i32(bus_stats(handle, out_ptr, out_cap))
}

/// A bus handle gives the bus's counters, a receiver handle that subscriber's; both as u64s.
fn bus_stats(handle: i32, out_ptr: i32, out_cap: i32) -> Outcome<i32> {
    let counters = match registry::bus(handle) {
        Ok(bus) => {
            let s = bus.stats();
            vec![
                s.published,
                s.delivered,
                s.dropped_oldest,
                s.dropped_newest,
                s.rejected,
                s.unrouted,
            ]
        }
        Err(not_a_bus) => {
            let feed = registry::feed(handle, true).map_err(|_| not_a_bus)?;
            let feed = feed
                .try_borrow()
                .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "receiver busy"))?;
            let Source::Bus(receiver) = &feed.source else {
                return Err(Failure::new(CORTEX_E_INTERNAL, "a bus feed holds no receiver"));
            };
            let s = receiver.stats();
            vec![s.queued, s.delivered, s.dropped_oldest, s.dropped_newest]
        }
    };
    let out = Region::new(out_ptr, out_cap, "output buffer")?;
    let mut bytes = Vec::with_capacity(8 * counters.len());
    for n in counters {
        wire::put_u64(&mut bytes, n);
    }
    out.answer(&bytes)
}

#[no_mangle]
pub extern "C" fn cortex_bus_close(bus: i32) -> i32 {
    finish_i32(
        registry::close(bus, "bus", |o| matches!(o, Object::Bus(_))).map(|object| {
            if let Object::Bus(bus) = object {
                // Receivers still drain what is queued; publishes and subscriptions end.
                bus.close();
            }
            0
        }),
    )
}
