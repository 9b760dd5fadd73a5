//! Stopping a run cleanly (SIGTERM, Ctrl-C): once asked, the run starts no new source and no
//! new page; requests in flight get [`Stop::grace`] to finish or fail, after which whatever is
//! still running is dropped. Every placement is flushed as it is recorded and a source's state
//! is saved only once all its pages are judged, so a stopped run loses nothing it recorded and
//! the next run redoes exactly the unfinished sources.

use std::time::Duration;
use tokio::sync::watch;

/// How long requests in flight may go on after a stop is asked: a little under the 5 s within
/// which a service manager expects a SIGTERMed process to be gone, with room for saving the
/// run's record and flushing the store.
pub const GRACE: Duration = Duration::from_secs(3);

/// A stop request shared by the run's tasks and whoever listens for signals.
#[derive(Debug)]
pub struct Stop {
    asked: watch::Sender<bool>,
    grace: Duration,
}

impl Default for Stop {
    fn default() -> Self {
        Stop::new(GRACE)
    }
}

impl Stop {
    /// A stop not yet asked for, with this grace period for work in flight.
    pub fn new(grace: Duration) -> Stop {
        Stop {
            asked: watch::Sender::new(false),
            grace,
        }
    }

    /// Asks the run to stop. Idempotent.
    pub fn ask(&self) {
        self.asked.send_replace(true);
    }

    /// True once a stop was asked: take no new work.
    pub fn asked(&self) -> bool {
        *self.asked.borrow()
    }

    /// The grace period work in flight gets after a stop is asked.
    pub fn grace(&self) -> Duration {
        self.grace
    }

    /// Resolves [`Stop::grace`] after a stop is asked (never, if none is).
    pub async fn grace_over(&self) {
        let mut rx = self.asked.subscribe();
        // The sender lives as long as `self`, so waiting cannot fail.
        let _ = rx.wait_for(|asked| *asked).await;
        tokio::time::sleep(self.grace).await;
    }
}
