//! The bus against a plain model of its documented rules: random subscribers (policy, kind patterns,
//! source, limit) and random publishes and receives give the same results, events and counters.

use std::collections::VecDeque;

use proptest::prelude::*;

use super::*;

const KINDS: [&str; 4] = ["a.x", "a.y", "b", "c.z"];
const PATTERNS: [&str; 6] = ["*", "a.*", "a.x", "b", "c.*", "nothing"];
const SOURCES: [&str; 2] = ["left", "right"];

#[derive(Clone, Debug)]
struct Sub {
    policy: BackpressurePolicy,
    patterns: Vec<usize>,
    source: Option<usize>,
    limit: Option<usize>,
}

#[derive(Clone, Debug)]
enum Op {
    Publish { kind: usize, source: usize },
    Recv(usize),
}

/// One subscriber as the documentation reads: its queue holds (kind, source, payload).
struct ModelSub {
    spec: Sub,
    queue: VecDeque<(usize, usize, u8)>,
    wants: Option<usize>,
    streak: u32,
    stats: SubscriberStats,
}

impl ModelSub {
    fn takes(&self, kind: usize, source: usize) -> bool {
        let kind = KINDS[kind];
        let kind_ok = self.spec.patterns.is_empty()
            || self.spec.patterns.iter().any(|&p| match PATTERNS[p] {
                "*" => true,
                p => match p.strip_suffix('*') {
                    Some(head) => kind.starts_with(head),
                    None => kind == p,
                },
            });
        kind_ok && self.spec.source.is_none_or(|s| s == source) && self.wants != Some(0)
    }

    fn queued(&mut self) {
        self.stats.queued += 1;
        if let Some(w) = self.wants.as_mut() {
            *w -= 1;
        }
    }

    fn offer(&mut self, item: (usize, usize, u8), capacity: usize, bus: &mut BusStats) {
        let full = self.queue.len() >= capacity;
        match self.spec.policy {
            BackpressurePolicy::Coalesce => {
                if let Some(q) = self
                    .queue
                    .iter_mut()
                    .find(|q| (q.0, q.1) == (item.0, item.1))
                {
                    *q = item;
                    self.stats.coalesced += 1;
                    bus.coalesced += 1;
                    return self.queued();
                }
            }
            BackpressurePolicy::DropNewest if full => {
                self.stats.dropped_newest += 1;
                bus.dropped_newest += 1;
                return;
            }
            BackpressurePolicy::Sample(n) if full => {
                self.streak += 1;
                if self.streak < n.max(1) {
                    self.stats.sampled_out += 1;
                    bus.sampled_out += 1;
                    return;
                }
                self.streak = 0;
            }
            _ => {}
        }
        if full {
            self.queue.pop_front();
            self.stats.dropped_oldest += 1;
            bus.dropped_oldest += 1;
        }
        self.queue.push_back(item);
        self.queued();
    }
}

fn policy() -> impl Strategy<Value = BackpressurePolicy> {
    prop_oneof![
        Just(BackpressurePolicy::Block),
        Just(BackpressurePolicy::DropOldest),
        Just(BackpressurePolicy::DropNewest),
        Just(BackpressurePolicy::Error),
        Just(BackpressurePolicy::Coalesce),
        (0u32..4).prop_map(BackpressurePolicy::Sample),
    ]
}

fn sub() -> impl Strategy<Value = Sub> {
    (
        policy(),
        prop::collection::vec(0..PATTERNS.len(), 0..3),
        prop::option::weighted(0.3, 0..SOURCES.len()),
        prop::option::weighted(0.3, 0usize..6),
    )
        .prop_map(|(policy, patterns, source, limit)| Sub {
            policy,
            patterns,
            source,
            limit,
        })
}

fn op(subs: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..KINDS.len(), 0..SOURCES.len()).prop_map(|(kind, source)| Op::Publish { kind, source }),
        2 => (0..subs).prop_map(Op::Recv),
    ]
}

fn case() -> impl Strategy<Value = (usize, Vec<Sub>, Vec<Op>)> {
    (1usize..4, prop::collection::vec(sub(), 1..4)).prop_flat_map(|(capacity, subs)| {
        let ops = prop::collection::vec(op(subs.len()), 0..40);
        (Just(capacity), Just(subs), ops)
    })
}

proptest! {
    #[test]
    fn the_bus_routes_queues_and_counts_as_its_rules_say((capacity, subs, ops) in case()) {
        let bus = EventBus::new(capacity, BackpressurePolicy::DropOldest);
        let mut receivers = Vec::new();
        let mut model = Vec::new();
        for spec in &subs {
            let filter = EventFilter {
                kinds: spec.patterns.iter().map(|&p| PATTERNS[p].to_string()).collect(),
                source: spec.source.map(|s| NodeId::from_name(SOURCES[s])),
                limit: spec.limit,
                ..EventFilter::default()
            };
            receivers.push(bus.subscribe_with(filter, spec.policy).unwrap());
            model.push(ModelSub {
                spec: spec.clone(),
                queue: VecDeque::new(),
                wants: spec.limit,
                streak: 0,
                stats: SubscriberStats::default(),
            });
        }
        let mut stats = BusStats::default();
        for (n, op) in ops.iter().enumerate() {
            match *op {
                Op::Publish { kind, source } => {
                    let payload = n as u8;
                    let got = bus.try_publish(keyed(payload, KINDS[kind], SOURCES[source]));
                    let matching: Vec<usize> =
                        (0..model.len()).filter(|&i| model[i].takes(kind, source)).collect();
                    let refused = matching.iter().any(|&i| {
                        model[i].queue.len() >= capacity
                            && matches!(
                                model[i].spec.policy,
                                BackpressurePolicy::Error | BackpressurePolicy::Block
                            )
                    });
                    if refused {
                        stats.rejected += 1;
                        prop_assert!(matches!(got, Err(Error::Full { .. })), "{got:?}");
                        continue;
                    }
                    prop_assert!(got.is_ok(), "{got:?}");
                    stats.published += 1;
                    if matching.is_empty() {
                        stats.unrouted += 1;
                    }
                    for i in matching {
                        model[i].offer((kind, source, payload), capacity, &mut stats);
                    }
                }
                Op::Recv(i) => {
                    let got = receivers[i]
                        .try_recv()
                        .map(|e| (e.kind, e.source, e.payload[0]));
                    let want = model[i].queue.pop_front().map(|(k, s, p)| {
                        model[i].stats.delivered += 1;
                        stats.delivered += 1;
                        (KINDS[k].to_string(), NodeId::from_name(SOURCES[s]), p)
                    });
                    prop_assert_eq!(got, want);
                }
            }
        }
        prop_assert_eq!(bus.stats(), stats);
        for (receiver, model) in receivers.iter().zip(&model) {
            prop_assert_eq!(receiver.stats(), model.stats);
        }
    }
}
