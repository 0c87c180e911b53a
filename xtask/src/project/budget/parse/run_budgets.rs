//! The ceilings on what a run costs (`memory_budget` in size units, `startup_budget` and
//! `run_budget` in instructions), refused at their line for an artifact the embedded runtime
//! cannot run.

use std::ops::Range;

use toml::Spanned;

use super::{figure, number_value, size_value};
use crate::bytes::counts::parse_count;
use crate::failure::ConfigError;
use crate::project::budget::RunBudgets;
use crate::project::workspace::Triple;

/// The keys, for the messages that list them.
pub const RUN_BUDGET_KEYS: [&str; 3] = ["memory_budget", "startup_budget", "run_budget"];

/// The run budgets of artifact `name`, built for `triple`; `place` names a span's file and line.
pub(super) fn run_budgets(
    name: &str,
    triple: Triple,
    place: &impl Fn(Range<usize>) -> String,
    memory: Option<Spanned<toml::Value>>,
    startup: Option<Spanned<toml::Value>>,
    run: Option<Spanned<toml::Value>>,
    at: &impl Fn(Range<usize>, String, &str) -> ConfigError,
) -> Result<RunBudgets, ConfigError> {
    let [memory_key, startup_key, run_key] = RUN_BUDGET_KEYS;
    for (key, value) in [
        (memory_key, &memory),
        (startup_key, &startup),
        (run_key, &run),
    ] {
        if let (Some(value), Triple::Unknown) = (value, triple) {
            return Err(at(
                value.span(),
                format!(
                    "artifact `{name}`: {key} holds a run in the embedded WASI runtime, and `{name}` is built for {}, which it cannot run",
                    triple.as_str()
                ),
                &format!("drop `{key}`: a browser module's run is not measured"),
            ));
        }
    }
    let set_at = [&memory, &startup, &run]
        .into_iter()
        .flatten()
        .map(Spanned::span)
        .min_by_key(|span| span.start)
        .map(place);
    let (what, fix) = (
        format!("artifact `{name}`: {memory_key}"),
        format!("e.g. `{memory_key} = \"2 MiB\"`"),
    );
    let peak_memory = memory
        .map(|value| figure(value, size_value, &what, &fix, at))
        .transpose()?;
    let count = |value: Option<Spanned<toml::Value>>, key: &str| {
        let (what, fix) = (
            format!("artifact `{name}`: {key}"),
            format!("e.g. `{key} = \"2.5 M\"` (instructions)"),
        );
        value
            .map(|value| figure(value, count_value, &what, &fix, at))
            .transpose()
    };
    Ok(RunBudgets {
        set_at,
        peak_memory,
        startup_instructions: count(startup, startup_key)?,
        instructions: count(run, run_key)?,
    })
}

fn count_value(value: &toml::Value) -> Result<u64, String> {
    number_value(
        value,
        parse_count,
        "a count; write an integer or a string like \"2.5 M\"",
    )
}
