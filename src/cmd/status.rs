//! `pickup status`: prints every source's health and the last run's figures.

use super::output::print;
use crate::config::Config;
use crate::error::Error;

/// Prints the status table of the store `config` names; with `article`, that article's pitch
/// lists after it.
///
/// # Errors
/// Store errors (locked by a run, damaged); [`Error::Usage`] for an unknown article.
pub fn status(config: &Config, article: Option<&str>) -> Result<(), Error> {
    if let Some(id) = article {
        super::tracked(config, id)?;
    }
    let store = crate::store_guard::open_checked(&config.store.path)?;
    let mut text = crate::status::render(config, &store)?;
    if let Some(id) = article {
        text.push('\n');
        text.push_str(&crate::status::render_article(config, &store, id)?);
    }
    print(&text)
}
