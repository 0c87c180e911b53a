//! Bus exports: open a bus with a backpressure policy, publish new-event records, subscribe with a
//! filter, poll a receiver, read the counters, and close.

use std::cell::RefCell;
use std::rc::Rc;

use super::codes::{run_i32, Failure, Outcome, CORTEX_E_INTERNAL, CORTEX_E_INVALID};
use super::feed::{Feed, Source};
use super::memory::Region;
use super::registry::{self, Object};
use super::wire;
use crate::bus::{BackpressurePolicy, EventBus};
use crate::error::Error;

/// A subscription's policy code that means "the bus's own".
const BUS_POLICY: i32 = -1;

/// The policy a code names: 0 Block, 1 DropOldest, 2 DropNewest, 3 Error, 4 Coalesce, 5 Sample(`arg`).
/// `arg` is the parameter of the policies that take one (Sample's n), ignored by the others.
fn policy_of(code: i32, arg: i32) -> Outcome<BackpressurePolicy> {
    Ok(match code {
        0 => BackpressurePolicy::Block,
        1 => BackpressurePolicy::DropOldest,
        2 => BackpressurePolicy::DropNewest,
        3 => BackpressurePolicy::Error,
        4 => BackpressurePolicy::Coalesce,
        5 => {
            BackpressurePolicy::Sample(u32::try_from(arg).map_err(|_| {
                Failure::new(CORTEX_E_INVALID, "the sample rate must not be negative")
            })?)
        }
        _ => {
            return Err(Failure::new(
                CORTEX_E_INVALID,
                format!(
                    "unknown backpressure policy {}: 0 block, 1 drop oldest, 2 drop newest, \
                     3 error, 4 coalesce, 5 sample",
                    // Widened: the module already formats i64s, and an i32 would be another copy.
                    i64::from(code)
                ),
            ));
        }
    })
}

#[no_mangle]
pub extern "C" fn cortex_bus_open(capacity: i32, policy: i32, policy_arg: i32) -> i32 {
    run_i32(|| {
        let capacity = usize::try_from(capacity)
            .ok()
            .filter(|&c| c > 0)
            .ok_or_else(|| Failure::new(CORTEX_E_INVALID, "bus capacity must be at least 1"))?;
        registry::insert(Object::Bus(EventBus::new(
            capacity,
            policy_of(policy, policy_arg)?,
        )))
    })
}

/// Publishes the records in order under one lock; the first refusal stops the batch. Returns how
/// many were accepted, or CORTEX_E_FULL when the first one was refused.
#[no_mangle]
pub extern "C" fn cortex_bus_publish(bus: i32, in_ptr: i32, in_len: i32) -> i32 {
    run_i32(|| {
        let bus = registry::bus(bus)?;
        let input = Region::new(in_ptr, in_len, "events")?;
        let events = wire::all(&input.read(), |r| r.new_event())?;
        let offered = events.len();
        let accepted = bus.publish_batch(events)?;
        if accepted == 0 && offered > 0 {
            return Err(Error::Full {
                capacity: bus.capacity(),
            }
            .into());
        }
        // At most as many as the records read from a region, whose length came from an i32.
        Ok(accepted as i32)
    })
}

#[no_mangle]
pub extern "C" fn cortex_bus_subscribe(
    bus: i32,
    filter_ptr: i32,
    filter_len: i32,
    policy: i32,
    policy_arg: i32,
) -> i32 {
    run_i32(|| {
        let bus = registry::bus(bus)?;
        let filter = Region::new(filter_ptr, filter_len, "filter")?;
        let policy = if policy == BUS_POLICY {
            bus.policy()
        } else {
            policy_of(policy, policy_arg)?
        };
        let filter = wire::whole(&filter.read(), "filter", |r| r.filter())?;
        let receiver = bus.subscribe_with(filter, policy)?;
        registry::insert(Object::Feed(Rc::new(RefCell::new(Feed::new(Source::Bus(
            receiver,
        ))))))
    })
}

#[no_mangle]
pub extern "C" fn cortex_bus_poll(receiver: i32, out_ptr: i32, out_cap: i32) -> i32 {
    run_i32(|| {
        let feed = registry::feed(receiver, true)?;
        Feed::poll_shared(&feed, Region::output(out_ptr, out_cap)?)
    })
}

/// A bus handle gives the bus's counters, a receiver handle that subscriber's; both as u64s.
#[no_mangle]
pub extern "C" fn cortex_bus_stats(handle: i32, out_ptr: i32, out_cap: i32) -> i32 {
    run_i32(|| {
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
                    s.coalesced,
                    s.sampled_out,
                ]
            }
            Err(not_a_bus) => {
                let feed = registry::feed(handle, true).map_err(|_| not_a_bus)?;
                let feed = feed
                    .try_borrow()
                    .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "receiver busy"))?;
                let Source::Bus(receiver) = &feed.source else {
                    return Err(Failure::new(
                        CORTEX_E_INTERNAL,
                        "a bus feed holds no receiver",
                    ));
                };
                let s = receiver.stats();
                vec![
                    s.queued,
                    s.delivered,
                    s.dropped_oldest,
                    s.dropped_newest,
                    s.coalesced,
                    s.sampled_out,
                ]
            }
        };
        let out = Region::output(out_ptr, out_cap)?;
        let mut bytes = Vec::with_capacity(8 * counters.len());
        for n in counters {
            wire::put_u64(&mut bytes, n);
        }
        out.answer(&bytes)
    })
}

#[no_mangle]
pub extern "C" fn cortex_bus_close(bus: i32) -> i32 {
    run_i32(|| {
        registry::close(bus, "bus", |o| matches!(o, Object::Bus(_))).map(|object| {
            if let Object::Bus(bus) = object {
                // Receivers still drain what is queued; publishes and subscriptions end.
                bus.close();
            }
            0
        })
    })
}
