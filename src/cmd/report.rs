//! `pickup report`: the briefing (title block, headline, charts, top outlets, every placement)
//! as HTML, PDF, XLSX or Markdown.

use super::output::write_to;
use crate::config::Config;
use crate::error::Error;
use crate::report::{self, briefing::Briefing};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One self-contained page (the default)
    Html,
    /// The page printed by a headless Chromium or Chrome (on the PATH, or $PICKUP_CHROME)
    Pdf,
    /// An Excel workbook: a Summary sheet and a Placements sheet
    Xlsx,
    /// Title block, headline and table, for an email or a chat
    Md,
}

/// What `pickup report` was asked for (its command-line options; the field docs are its help).
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// html (default), pdf (printed by headless Chromium or Chrome), xlsx or md
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// Only this article (default: a section per tracked article, with a combined headline)
    #[arg(long)]
    pub article: Option<String>,
    /// Only placements published on or after this day (YYYY-MM-DD)
    #[arg(long, value_parser = super::parse_day)]
    pub since: Option<NaiveDate>,
    /// Only placements published on or before this day (YYYY-MM-DD)
    #[arg(long, value_parser = super::parse_day)]
    pub until: Option<NaiveDate>,
    /// Write to this file instead of standard output
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Builds the briefing from `stores` (merged by placement, as `export --store` merges the stores
/// of `--shard` jobs) for `filter`, as of now.
///
/// # Errors
/// [`Error::Usage`] for an unknown article id; store errors.
pub fn briefing(config: &Config, stores: &[PathBuf], filter: &report::Filter) -> Result<Briefing, Error> {
    if let Some(id) = &filter.article {
        super::tracked(config, id)?;
    }
    let (hits, auto) = read_stores(stores)?;
    let records = report::records(&hits, filter);
    Ok(Briefing::build(
        config,
        filter,
        &records,
        &hits,
        &auto,
        chrono::Utc::now(),
    ))
}

/// Every placement in `stores`, merged by placement, and the ids of their auto outlets: each
/// store opened once, through the damage guard.
///
/// # Errors
/// The first store that cannot be opened or read.
pub(super) fn read_stores(stores: &[PathBuf]) -> Result<(Vec<crate::store::HitRecord>, BTreeSet<String>), Error> {
    let mut sets = Vec::with_capacity(stores.len());
    let mut auto = BTreeSet::new();
    for path in stores {
        let store = crate::store_guard::open_checked(path)?;
        sets.push(store.hits()?);
        auto_outlet_ids(&store, &mut auto)?;
    }
    Ok((crate::store::merge_placements(sets), auto))
}

/// Adds the ids of `store`'s auto outlets to `ids`, for the briefing's `auto` marks.
///
/// # Errors
/// Store errors.
pub(super) fn auto_outlet_ids(store: &crate::store::Store, ids: &mut BTreeSet<String>) -> Result<(), Error> {
    ids.extend(store.auto_outlets()?.into_iter().map(|a| a.id));
    Ok(())
}

/// Writes the report.
///
/// # Errors
/// [`Error::Usage`] for an unknown `--article`, `--since` after `--until`, or `--format pdf`
/// without a browser (exit 2, saying how to get one); store errors; [`Error::Io`] naming the
/// output file; [`Error::Other`] when the browser fails to print.
pub fn report(config: &Config, args: &ReportArgs) -> Result<(), Error> {
    if let (Some(since), Some(until)) = (args.since, args.until)
        && since > until
    {
        return Err(Error::Usage(format!("--since {since} is after --until {until}")));
    }
    // Look for the browser before any work, so a missing one is said at once.
    let browser = match args.format {
        ReportFormat::Pdf => Some(
            report::pdf::find_browser().ok_or_else(|| Error::Usage(report::pdf::PdfError::NoBrowser.to_string()))?,
        ),
        _ => None,
    };
    let filter = report::Filter {
        article: args.article.clone(),
        since: args.since,
        until: args.until,
    };
    let mut b = briefing(config, std::slice::from_ref(&config.store.path), &filter)?;
    let bytes = match browser {
        Some(browser) => {
            b.paper = Some(config.report.paper);
            report::pdf::print(&browser, &report::html::render(&b)).map_err(|e| Error::Other(e.to_string()))?
        }
        None => render(&b, args.format)?,
    };
    write_to(args.output.as_deref(), &bytes)
}

/// The report's bytes in a format that needs no browser (HTML, XLSX, Markdown); PDF gives the
/// HTML it would print.
///
/// # Errors
/// [`Error::Other`] when the workbook cannot be written.
pub fn render(b: &Briefing, format: ReportFormat) -> Result<Vec<u8>, Error> {
    Ok(match format {
        ReportFormat::Html | ReportFormat::Pdf => report::html::render(b).into_bytes(),
        ReportFormat::Md => report::markdown::render(b).into_bytes(),
        ReportFormat::Xlsx => {
            report::xlsx::write(b).map_err(|e| Error::Other(format!("cannot write the workbook: {e}")))?
        }
    })
}
