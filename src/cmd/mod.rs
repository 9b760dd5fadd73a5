//! One file per command: each takes its typed arguments, does the work through the library and
//! writes its result. `main` only parses arguments, calls one of these and maps the outcome to
//! an exit code.

pub mod add;
pub mod check;
pub mod db;
pub mod export;
pub mod outlets;
pub mod output;
pub(crate) mod progress;
pub mod report;
pub mod run;
pub mod status;

use crate::config::{Article, Config};
use crate::error::Error;
use chrono::NaiveDate;

/// The tracked article `--article ID` names.
///
/// # Errors
/// [`Error::Usage`] naming the id and the config file when no article has that id.
pub fn tracked<'a>(config: &'a Config, id: &str) -> Result<&'a Article, Error> {
    config
        .article(id)
        .ok_or_else(|| Error::Usage(format!("--article {id}: no such article in {}", config.path.display())))
}

/// Parses a `--since`/`--until` day given as `YYYY-MM-DD` (a calendar day, no time zone).
/// Used as a clap value parser, so a bad date is a usage error before any work starts.
pub fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("not a date like 2021-11-10: {s}"))
}
