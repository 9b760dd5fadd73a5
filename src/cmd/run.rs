//! `pickup run`: one polling pass over every outlet, for cron.

use super::output::print;
use super::progress::ProgressBar;
use crate::config::Config;
use crate::error::Error;
use crate::store::Store;

/// Runs one pass and prints its summary (nothing with `quiet`).
///
/// # Errors
/// The run's own errors ([`Error::NothingFetched`] when every source failed, store errors), and
/// [`Error::Other`] when interrupted by Ctrl-C (every hit found until then stays recorded).
pub async fn run(config: &Config, options: &crate::run::RunOptions, quiet: bool) -> Result<(), Error> {
    let store = Store::open(&config.store.path)?;
    let progress = ProgressBar::for_terminal(quiet);
    let summary = tokio::select! {
        s = crate::run::run_with(config, &store, progress.clone(), options) => s,
        _ = tokio::signal::ctrl_c() => {
            store.flush()?;
            progress.finish();
            return Err(Error::Other("interrupted; every hit found so far is recorded".into()));
        }
    };
    progress.finish();
    let summary = summary?;
    if !quiet {
        print(&summary.to_string())?;
    }
    Ok(())
}
