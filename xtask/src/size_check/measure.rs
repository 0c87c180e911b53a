//! Measuring the artifacts: cargo builds them one after another (each build uses every core), and
//! as each finishes, one of `jobs` workers optimises, measures and checks it.

use std::sync::{mpsc, Mutex, PoisonError};

use crate::pipeline::{self, Built, Measurement, Optimise, Step};
use crate::project::{ArtifactBudget, Context};
use crate::runtime;

/// What became of one artifact: its measurement when it got that far, and what stopped or failed it.
#[derive(Debug)]
pub struct Measured {
    pub measurement: Option<Measurement>,
    /// A build or optimiser error (no measurement), or a failed behaviour check (with one).
    pub failure: Option<anyhow::Error>,
}

/// Every artifact of `artifacts`, in their order, whatever happened to the others.
pub fn all(cx: &Context, artifacts: &[&ArtifactBudget], step: Step, jobs: usize) -> Vec<Measured> {
    let slots: Vec<Mutex<Option<Measured>>> = artifacts.iter().map(|_| Mutex::new(None)).collect();
    let put = |i: usize, measured: Measured| {
        *slots[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(measured);
    };
    let (queue, built) = mpsc::channel::<(usize, Built)>();
    let built = Mutex::new(built);
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let next = built.lock().unwrap_or_else(PoisonError::into_inner).recv();
                let Ok((i, module)) = next else {
                    break;
                };
                put(i, finish(artifacts[i], module));
            });
        }
        for (i, artifact) in artifacts.iter().enumerate() {
            match pipeline::built(cx, artifact, step, Optimise::Yes) {
                Ok(module) => {
                    // The workers outlive the loop, so the queue is open.
                    let _ = queue.send((i, module));
                }
                Err(err) => put(
                    i,
                    Measured {
                        measurement: None,
                        failure: Some(err),
                    },
                ),
            }
        }
        // Closing the queue lets the workers stop once it is empty.
        drop(queue);
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .unwrap_or_else(|| Measured {
                    measurement: None,
                    failure: Some(anyhow::anyhow!(
                        "the artifact's check ended without a result"
                    )),
                })
        })
        .collect()
}

/// Optimises, measures and checks one built artifact, and measures what running it costs.
fn finish(artifact: &ArtifactBudget, module: Built) -> Measured {
    match module.finish(artifact) {
        Ok(mut measurement) => {
            let failure = if measurement.glue.is_some() {
                pipeline::glue_check::verify(artifact, &measurement).err()
            } else {
                // What a module costs to run is measured once it is known to behave.
                runtime::verify(artifact, &measurement)
                    .and_then(|checked| {
                        measurement.run = runtime::run_cost(artifact, &measurement.path, checked)?;
                        Ok(())
                    })
                    .err()
            };
            Measured {
                measurement: Some(measurement),
                failure,
            }
        }
        Err(err) => Measured {
            measurement: None,
            failure: Some(err),
        },
    }
}

/// The machine's cores, the default number of workers.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
