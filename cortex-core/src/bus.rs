//! In-process event bus with explicit backpressure (being written).
