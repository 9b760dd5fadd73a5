//! `pickup status`: prints every source's health and the last run's figures.

use super::output::print;
use crate::config::Config;
use crate::error::Error;
use crate::store::Store;

/// Prints the status table of the store `config` names.
///
/// # Errors
/// Store errors (locked by a run, damaged).
pub fn status(config: &Config) -> Result<(), Error> {
    let store = Store::open(&config.store.path)?;
    print(&crate::status::render(config, &store)?)
}
