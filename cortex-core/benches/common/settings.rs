//! Criterion's settings for the store benches: ten samples over three seconds, since one sample of
//! a 1 M-event figure already takes long.

use std::time::Duration;

use criterion::Criterion;

pub fn settings() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
}
