//! `pickup check`: extracts and judges one page (a URL or a saved file) and prints the verdicts.

use super::output::print;
use crate::config::Config;
use crate::error::Error;

/// What `pickup check` was asked for (its command-line options; the field docs are its help).
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// An http(s) URL, or the path of an HTML file (.html or .html.gz)
    pub target: String,
    /// Judge against this article only
    #[arg(long)]
    pub article: Option<String>,
    /// Print one JSON object: every extracted field, the full text, the verdicts
    #[arg(long)]
    pub json: bool,
    /// Record a hit found on the page (the URL's site must be a configured outlet)
    #[arg(long)]
    pub record: bool,
}

/// Checks the page and prints the report.
///
/// # Errors
/// [`Error::Usage`] for an unknown `--article`, or `--record` on a page of no configured outlet
/// (said before anything is fetched); fetch and store errors.
pub async fn check(config: &Config, args: &CheckArgs) -> Result<(), Error> {
    let articles: Vec<_> = match &args.article {
        Some(id) => vec![super::tracked(config, id)?.clone()],
        None => config.articles.clone(),
    };
    let store = if args.record {
        // Say so before fetching anything: the record would have no outlet. And take the
        // store's lock first: a run holding it makes the fetch pointless.
        crate::check::recording_outlet(config, url::Url::parse(&args.target).ok().as_ref())?;
        Some(crate::store_guard::open_checked(&config.store.path)?)
    } else {
        None
    };
    let (url, html) = crate::check::load(config, &args.target).await?;
    let (report, recorded) = tokio::task::spawn_blocking({
        let config = config.clone();
        move || crate::check::check(&config, &articles, url.as_ref(), &html, store.as_ref())
    })
    .await
    .map_err(|e| Error::Other(format!("check crashed: {e}")))??;
    if args.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| Error::Other(e.to_string()))?;
        print(&format!("{text}\n"))
    } else {
        print(&report.to_string())?;
        for r in recorded {
            print(&format!("recorded: {} {} on {}\n", r.article, r.kind, r.outlet))?;
        }
        Ok(())
    }
}
