//! `pickup export`: every recorded placement as JSON, CSV, or the briefing's HTML page or Excel
//! workbook (the same as `pickup report` gives).

use super::output::write_to;
use super::report::ReportFormat;
use crate::config::Config;
use crate::error::Error;
use crate::report;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One array of records
    Json,
    /// The same columns, for spreadsheets
    Csv,
    /// The briefing page `pickup report` writes
    Html,
    /// The briefing's Excel workbook: a Summary sheet and a Placements sheet with every field
    Xlsx,
}

/// What `pickup export` was asked for (its command-line options; the field docs are its help).
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: Format,
    /// Only this article's placements
    #[arg(long)]
    pub article: Option<String>,
    /// Only placements published on or after this day (YYYY-MM-DD)
    #[arg(long, value_parser = super::parse_day)]
    pub since: Option<NaiveDate>,
    /// Write to this file instead of standard output
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Only placements not exported with --mark before (for scripts that poll)
    #[arg(long)]
    pub new: bool,
    /// Remember the placements exported now, so a later --new leaves them out
    #[arg(long)]
    pub mark: bool,
    /// The stores to read and merge by placement (one per `--shard` job; the global `--store`);
    /// empty: the config's.
    #[arg(skip)]
    pub stores: Vec<PathBuf>,
}

/// The store tree holding the keys of placements exported with `--mark`.
pub const MARKS_TREE: &str = "exported";

/// Writes the export.
///
/// # Errors
/// [`Error::Usage`] for an unknown `--article`, or `--new`/`--mark` with several stores; store
/// errors; [`Error::Io`] naming the output file.
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
        until: None,
    };
    // --new and --mark keep their marks in the one store read; several are merged read-only.
    // Every placement and the auto outlets too, for the briefing's pitch lists and `auto` marks.
    let mut auto = BTreeSet::new();
    let (records, all, marking) = match stores {
        [path] => {
            let store = crate::store_guard::open_checked(path)?;
            let marks = store.tree(MARKS_TREE)?;
            let mut hits = Vec::new();
            let mut all = Vec::new();
            let mut keys = Vec::new();
            for (key, hit) in store.hit_entries()? {
                let marked = marks.contains_key(&key).map_err(|e| store.engine_error(e))?;
                if filter.keeps(&hit) && !(args.new && marked) {
                    keys.push(key);
                    hits.push(hit.clone());
                }
                all.push(hit);
            }
            super::report::auto_outlet_ids(&store, &mut auto)?;
            (report::records(&hits, &filter), all, Some((store, marks, keys)))
        }
        _ if args.new || args.mark => {
            return Err(Error::Usage(
                "--new and --mark keep their marks in one store: give at most one --store".into(),
            ));
        }
        _ => {
            let (all, ids) = super::report::read_stores(stores)?;
            auto = ids;
            (report::records(&all, &filter), all, None)
        }
    };
    let briefing = |format| {
        let b = report::briefing::Briefing::build(config, &filter, &records, &all, &auto, chrono::Utc::now());
        super::report::render(&b, format)
    };
    let buf = match args.format {
        Format::Html => briefing(ReportFormat::Html)?,
        Format::Xlsx => briefing(ReportFormat::Xlsx)?,
        Format::Json | Format::Csv => {
            let mut buf = Vec::new();
            match args.format {
                Format::Csv => report::csv::write(&mut buf, &records),
                _ => report::json::write(&mut buf, &records),
            }
            .map_err(|e| Error::Other(format!("cannot write export: {e}")))?;
            buf
        }
    };
    write_to(args.output.as_deref(), &buf)?;
    if args.mark
        && let Some((store, marks, keys)) = marking
    {
        // Marked only once written: an export that failed is not "seen".
        for key in keys {
            marks.insert(key, &[]).map_err(|e| store.engine_error(e))?;
        }
        store.flush()?;
    }
    Ok(())
}
