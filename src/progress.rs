//! How long work reports where it is and learns that the user stopped it.

use std::sync::atomic::{AtomicBool, Ordering};

/// Receives progress from a long task and tells it whether to stop.
pub trait Progress: Sync {
    /// `fraction` in 0..=1; `message` says what is being done, in French.
    fn update(&self, fraction: f32, message: &str);

    /// One line of the report as it happens (an invoice deposited, a file read): the window
    /// shows them while the task runs, so a long run is never an empty screen.
    fn detail(&self, _line: &str) {}

    /// True once the user asked to stop; the task then returns `Cancelled` and undoes its work.
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// For callers that do not show progress (tests, benchmarks, scripted CLI runs).
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _fraction: f32, _message: &str) {}
}

/// A cancel flag shared between the window and a worker thread.
#[derive(Debug, Default)]
pub struct CancelFlag(AtomicBool);

impl CancelFlag {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
