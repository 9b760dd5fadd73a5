//! The dates corpus (`../shared/corpus/dates/`: real news pages with their publication day) and
//! its metric, shared by `tests/corpus.rs` and `benches/dates.rs` (included there with `#[path]`).
//!
//! The metric is the corpus README's: exact day of the page's publication date in its own local
//! time; accuracy = correct / pages, with wrong (another day) and missing (no date) apart.

#[path = "../common/mod.rs"]
mod common;

use chrono::NaiveDate;
use pickup::extract::DateSource;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use url::Url;

/// One corpus page after extraction.
pub struct Outcome {
    pub key: String,
    pub url: String,
    pub expected: NaiveDate,
    pub got: Option<NaiveDate>,
    pub source: Option<DateSource>,
}

/// Extracts every page of the corpus (decoded as a fetched page is, with its URL known, as in a
/// run) and pairs its date with the known one. `Err` says why the corpus cannot be read.
pub fn measure() -> Result<Vec<Outcome>, String> {
    let dir = common::shared_corpus("dates").ok_or("../shared/corpus/dates not found")?;
    let truth_path = dir.join("dates.json");
    let truth = std::fs::read_to_string(&truth_path).map_err(|e| format!("{}: {e}", truth_path.display()))?;
    let truth: HashMap<String, serde_json::Value> =
        serde_json::from_str(&truth).map_err(|e| format!("{}: {e}", truth_path.display()))?;
    let mut out = Vec::with_capacity(truth.len());
    for (key, entry) in truth {
        let url = entry["url"].as_str().unwrap_or_default().to_string();
        let expected = entry["published"]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .ok_or_else(|| format!("{}: {key} has no published day", truth_path.display()))?;
        let path = dir.join("pages").join(format!("{key}.html.gz"));
        let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let page_url = Url::parse(&url).ok();
        let html = pickup::crawl::charset::decode_html(&bytes, None, page_url.as_ref());
        let doc = pickup::extract::extract(&html, page_url.as_ref());
        out.push(Outcome {
            key,
            url,
            expected,
            got: doc.published.map(|d| d.date_naive()),
            source: doc.published_from,
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// Counts over the corpus, and per source of the date (right, wrong).
#[derive(Debug, Default)]
pub struct Score {
    pub pages: usize,
    pub correct: usize,
    pub wrong: usize,
    pub missing: usize,
    pub by_source: BTreeMap<&'static str, (usize, usize)>,
}

impl Score {
    pub fn of(outcomes: &[Outcome]) -> Score {
        let mut s = Score {
            pages: outcomes.len(),
            ..Score::default()
        };
        for o in outcomes {
            match (o.got, o.source) {
                (Some(got), Some(source)) => {
                    let counts = s.by_source.entry(source.name()).or_default();
                    if got == o.expected {
                        s.correct += 1;
                        counts.0 += 1;
                    } else {
                        s.wrong += 1;
                        counts.1 += 1;
                    }
                }
                _ => s.missing += 1,
            }
        }
        s
    }

    /// correct / pages.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.pages.max(1) as f64
    }

    /// The figure and the per-source breakdown, as the README quotes them.
    pub fn report(&self) -> String {
        let mut out = format!(
            "{} pages: exact-day accuracy {:.3} ({} correct, {} wrong, {} missing)\n",
            self.pages,
            self.accuracy(),
            self.correct,
            self.wrong,
            self.missing
        );
        for (source, (right, wrong)) in &self.by_source {
            out.push_str(&format!("  {source:<9} {right:>4} right {wrong:>4} wrong\n"));
        }
        out
    }
}
