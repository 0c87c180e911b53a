//! Feeding a store from the bus: every matching event is appended, and so stamped, by the store.

use std::future::Future;
use std::sync::Arc;

use super::EventBus;
use crate::error::Result;
use crate::event::EventFilter;
use crate::store::EventStore;

impl EventBus {
    /// Subscribes now and returns a future that appends each matching event to `store` (which stamps
    /// it), resolving to the number appended once the bus is closed and drained. It stops at the first
    /// event the store refuses and returns that error.
    pub fn feed<S>(
        &self,
        store: Arc<S>,
        filter: EventFilter,
    ) -> Result<impl Future<Output = Result<u64>> + Send>
    where
        S: EventStore + ?Sized + 'static,
    {
        let mut receiver = self.subscribe(filter)?;
        Ok(async move {
            let mut appended = 0;
            while let Some(event) = receiver.recv().await {
                store.append(event)?;
                appended += 1;
            }
            Ok(appended)
        })
    }

    /// `feed` run as a task on the current tokio runtime.
    pub fn spawn_feeder<S>(
        &self,
        store: Arc<S>,
        filter: EventFilter,
    ) -> Result<tokio::task::JoinHandle<Result<u64>>>
    where
        S: EventStore + ?Sized + 'static,
    {
        Ok(tokio::spawn(self.feed(store, filter)?))
    }
}
