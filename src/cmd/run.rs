//! `pickup run`: one polling pass over every outlet, for cron.
//!
//! SIGTERM and Ctrl-C stop the run cleanly ([`crate::run::Stop`]): no new work starts, work in
//! flight gets [`crate::run::GRACE`], the run's record is saved, and the command exits 143
//! (SIGTERM) or 130 (SIGINT) with a one-line summary. A second signal exits at once; every
//! placement recorded until then is already flushed. After a completed run the new placements
//! go to the `[alerts]` channels ([`crate::alerts`]).

use super::output::print;
use super::progress::ProgressBar;
use crate::config::Config;
use crate::error::{Error, Signal};
use crate::run::{RunSummary, Stop};
use std::sync::Arc;

/// Runs one pass and prints its summary (nothing with `quiet`).
///
/// # Errors
/// A config with no articles or no outlets ([`Error::Config`]); the run's own errors
/// ([`Error::NothingFetched`] when no source could be fetched, store errors); and
/// [`Error::Interrupted`] when stopped by a signal (every hit found until then stays recorded).
pub async fn run(config: &Config, options: &crate::run::RunOptions, quiet: bool) -> Result<(), Error> {
    config.require_work()?;
    let mut signals = Signals::listen()?;
    let store = crate::store_guard::open_checked(&config.store.path)?;
    crate::alerts::begin(config, &store, chrono::Utc::now())?;
    let progress = ProgressBar::for_terminal(quiet);
    let stop = Arc::new(Stop::default());
    let run = crate::run::run_until(config, &store, progress.clone(), options, stop.clone());
    tokio::pin!(run);
    let (result, signal) = tokio::select! {
        result = &mut run => (result, None),
        signal = signals.next() => {
            stop.ask();
            tracing::info!("{signal}: stopping; requests in flight get {} s", stop.grace().as_secs());
            tokio::select! {
                result = &mut run => (result, Some(signal)),
                again = signals.next() => {
                    // A second signal: out at once. Placements are flushed as they are recorded.
                    let _ = store.flush();
                    progress.finish();
                    return Err(Error::Interrupted {
                        signal: again,
                        summary: format!("{again} again: stopped at once; every placement recorded so far is kept"),
                    });
                }
            }
        }
    };
    progress.finish();
    let summary = result?;
    crate::store_guard::write_witness(&store)?;
    if let Some(signal) = signal {
        return Err(Error::Interrupted {
            signal,
            summary: interrupted_line(signal, &summary),
        });
    }
    // After the summary is safe in the store: a failed alert stays in the outbox, not an error.
    let alerts = crate::alerts::deliver(config, &store).await?;
    if !quiet {
        print(&format!("{summary}{alerts}"))?;
    }
    Ok(())
}

/// The one line a stopped run ends with.
fn interrupted_line(signal: Signal, s: &RunSummary) -> String {
    let r = &s.record;
    format!(
        "stopped by {signal}: {} sources polled ({} failed), {} pages fetched, {} new placements recorded; unfinished sources are polled again next run",
        r.sources_polled, r.sources_failed, r.pages_fetched, r.new_hits
    )
}

/// SIGINT and SIGTERM, listened for from the start of the run so neither kills it mid-write.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn listen() -> Result<Signals, Error> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind| signal(kind).map_err(|e| Error::Other(format!("cannot listen for signals: {e}")));
            Ok(Signals {
                interrupt: listen(SignalKind::interrupt())?,
                terminate: listen(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// The next signal received.
    async fn next(&mut self) -> Signal {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Signal::Interrupt,
                _ = self.terminate.recv() => Signal::Terminate,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Signal::Interrupt
        }
    }
}
