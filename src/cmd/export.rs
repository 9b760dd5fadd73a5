//! `pickup export`: every recorded placement as JSON, CSV or an HTML briefing page.

use super::output::write_to;
use crate::config::Config;
use crate::error::Error;
use crate::report;
use chrono::NaiveDate;
use std::path::PathBuf;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One array of records
    Json,
    /// The same columns, for spreadsheets
    Csv,
    /// A briefing page: headline figures, counts, a chart by day, every placement with its link
    Html,
}

/// What `pickup export` was asked for.
#[derive(Debug, Clone)]
pub struct ExportArgs {
    pub format: Format,
    /// Only this article's placements.
    pub article: Option<String>,
    /// Only placements published on or after this day.
    pub since: Option<NaiveDate>,
    /// Write here instead of standard output.
    pub output: Option<PathBuf>,
    /// The stores to read and merge by placement (one per `--shard` job); empty: the config's.
    pub stores: Vec<PathBuf>,
}

/// Writes the export.
///
/// # Errors
/// [`Error::Usage`] for an unknown `--article`; store errors; [`Error::Io`] naming the output file.
pub fn export(config: &Config, args: &ExportArgs) -> Result<(), Error> {
    if let Some(id) = &args.article {
        super::tracked(config, id)?;
    }
    let stores = match args.stores.as_slice() {
        [] => std::slice::from_ref(&config.store.path),
        some => some,
    };
    let filter = report::Filter {
        article: args.article.clone(),
        since: args.since,
    };
    let records = report::records(&crate::store::merged_hits(stores)?, &filter);
    let mut buf = Vec::new();
    match args.format {
        Format::Json => report::json::write(&mut buf, &records),
        Format::Csv => report::csv::write(&mut buf, &records),
        Format::Html => report::html::write(&mut buf, &records, &config.audiences()),
    }
    .map_err(|e| Error::Other(format!("cannot write export: {e}")))?;
    write_to(args.output.as_deref(), &buf)
}
