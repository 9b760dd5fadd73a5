//! `pickup outlets adopt ID`: prints the config TOML of an auto outlet (one made for placements
//! on a site nobody configured), to paste into the config or an outlets file.

use super::output::print;
use crate::config::Config;
use crate::error::Error;

/// Prints the `[[outlets]]` TOML of auto outlet `id`.
///
/// # Errors
/// [`Error::Usage`] when no auto outlet has that id (the message lists those there are) or the
/// outlet is in the config already; store errors.
pub fn adopt(config: &Config, id: &str) -> Result<(), Error> {
    if config.outlets.iter().any(|o| o.id == id) {
        return Err(Error::Usage(format!(
            "outlets adopt {id}: {id} is a configured outlet already ({})",
            config.path.display()
        )));
    }
    let store = crate::store_guard::open_checked(&config.store.path)?;
    match store.auto_outlet(id)? {
        Some(auto) => print(&auto.toml()),
        None => {
            let known: Vec<String> = store
                .auto_outlets()?
                .into_iter()
                .filter(|a| !config.outlets.iter().any(|o| o.id == a.id))
                .map(|a| a.id)
                .collect();
            let hint = if known.is_empty() {
                "there are none yet".to_string()
            } else {
                format!("there are: {}", known.join(", "))
            };
            Err(Error::Usage(format!(
                "outlets adopt {id}: no auto outlet has that id; {hint}"
            )))
        }
    }
}
