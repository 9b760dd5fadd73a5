//! `pickup check`: one page (a URL or a saved file) through extraction and detection, with
//! everything found shown, so a press officer can see why a page is or is not a hit.

use crate::config::Config;
use crate::crawl::robots::MemoryRobotsCache;
use crate::crawl::{Want, charset};
use crate::detect::{Detector, Judgement, Verdict};
use crate::error::{Error, Result};
use crate::extract::{self, Document};
use serde::Serialize;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use url::Url;

/// What `check` found on one page.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub amp_url: Option<String>,
    pub title: Option<String>,
    pub byline: Option<String>,
    /// RFC 3339 in the page's own offset.
    pub published: Option<String>,
    /// Which source gave the date: jsonld, meta, time, text, script, url or modified.
    pub published_from: Option<String>,
    /// The page's language: the declared one unless the text clearly says otherwise.
    pub language: Option<String>,
    /// The language the page declares, shown beside `language` so a wrong template is visible.
    pub declared_language: Option<String>,
    pub paragraphs: usize,
    pub words: usize,
    /// The main text, paragraphs separated by blank lines.
    pub text: String,
    pub verdicts: Vec<Judgement>,
}

impl Report {
    pub fn new(doc: &Document, verdicts: Vec<Judgement>) -> Report {
        let text = doc.text();
        Report {
            url: doc.url.as_ref().map(Url::to_string),
            canonical_url: doc.canonical_url.as_ref().map(Url::to_string),
            amp_url: doc.amp_url.as_ref().map(Url::to_string),
            title: doc.title.clone(),
            byline: doc.byline.clone(),
            published: doc
                .published
                .map(|p| p.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            published_from: doc.published_from.map(|s| s.name().to_string()),
            language: doc.language.clone(),
            declared_language: doc.declared_language.clone(),
            paragraphs: doc.paragraphs.len(),
            words: text.split_whitespace().count(),
            text,
            verdicts,
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        writeln!(f, "url:        {}", show(&self.url))?;
        writeln!(f, "canonical:  {}", show(&self.canonical_url))?;
        writeln!(f, "title:      {}", show(&self.title))?;
        writeln!(f, "byline:     {}", show(&self.byline))?;
        match &self.published_from {
            Some(from) => writeln!(f, "published:  {} (from {from})", show(&self.published))?,
            None => writeln!(f, "published:  {}", show(&self.published))?,
        }
        match (&self.language, &self.declared_language) {
            (Some(text), Some(declared)) if text != declared => {
                writeln!(f, "language:   {text} (from the text; the page declares {declared})")?
            }
            _ => writeln!(f, "language:   {}", show(&self.language))?,
        }
        writeln!(f, "main text:  {} paragraphs, {} words", self.paragraphs, self.words)?;
        let opening = crate::text::shorten(&self.text, 200);
        if !opening.is_empty() {
            writeln!(f, "            {opening}")?;
        }
        writeln!(f)?;
        for j in &self.verdicts {
            match &j.verdict {
                Verdict::Hit(h) => {
                    writeln!(
                        f,
                        "{}: HIT {} (score {:.2}, coverage {:.0}%, language {})",
                        j.article,
                        h.kind,
                        h.score,
                        h.coverage * 100.0,
                        h.language
                    )?;
                    if !h.missing_paragraphs.is_empty() {
                        let list: Vec<String> = h.missing_paragraphs.iter().map(|p| (p + 1).to_string()).collect();
                        writeln!(f, "  missing paragraphs: {}", list.join(", "))?;
                    }
                    writeln!(f, "  evidence: {}", crate::text::shorten(&h.evidence, 300))?;
                }
                Verdict::Rejected { score, reason } => {
                    writeln!(f, "{}: no (score {:.2}): {reason}", j.article, score)?;
                }
            }
        }
        Ok(())
    }
}

/// Reads a page from a URL (through the polite fetcher) or a file, and returns the final URL
/// (if any), the decoded HTML.
pub(crate) async fn load(config: &Config, target: &str) -> Result<(Option<Url>, String)> {
    if let Ok(url) = Url::parse(target)
        && matches!(url.scheme(), "http" | "https")
    {
        let fetcher = crate::crawl::fetch::for_config(config, Arc::new(MemoryRobotsCache::default()))?;
        let fetched = fetcher
            .get(&url, Want::Page, None)
            .await
            .map_err(|e| Error::Other(e.to_string()))?;
        return Ok((Some(fetched.url.clone()), fetched.html()));
    }
    let path = Path::new(target);
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    // A saved page may be gzipped (the extraction corpus is): recognised by its bytes.
    let bytes = crate::crawl::gzip::inflate_if_gzip(&bytes).map_err(|e| Error::Other(format!("{target}: {e}")))?;
    Ok((None, charset::decode_html(&bytes, None, None)))
}

/// The outlet a page recorded with `--record` belongs to: the one whose site serves it. The
/// target must be the page's URL: a record without a URL, or without an outlet, means nothing.
pub(crate) fn recording_outlet<'a>(config: &Config, target: Option<&'a Url>) -> Result<(usize, &'a Url)> {
    let url = target.ok_or_else(|| Error::Usage("--record needs the page's URL, not a file".into()))?;
    let owner = crate::placement::OutletIndex::new(&config.outlets)
        .owner(url)
        .ok_or_else(|| {
            Error::Usage(format!(
                "--record: no outlet in {} serves {url}; `pickup add {url}` records it under an auto outlet",
                config.path.display()
            ))
        })?;
    Ok((owner, url))
}

/// Judges one page; given the open `record` store, stores its hits under the outlet that serves
/// its URL. (The caller opens the store before fetching, so a run holding it is found first.)
pub(crate) fn check(
    config: &Config,
    articles: &[crate::config::Article],
    url: Option<&Url>,
    html: &str,
    record: Option<&crate::store::Store>,
) -> Result<(Report, Vec<crate::store::HitRecord>)> {
    let detector = Detector::new(articles);
    let doc = extract::extract(html, url);
    let verdicts = detector.judge(&doc);
    let mut recorded = Vec::new();
    if let Some(store) = record {
        let (owner, url) = recording_outlet(config, url)?;
        let page = crate::placement::JudgedPage {
            url,
            listed_as: None,
            hops: &[],
            doc: &doc,
            listed_title: None,
            listed_published: None,
            found_via: crate::store::FoundVia::Manual,
            credit: crate::syndication::credit(html, &doc.paragraphs, Some(url)),
            verdicts: &verdicts,
            html_xxh3: Some(crate::proof::html_hash(html.as_bytes())),
        };
        let now = chrono::Utc::now();
        for hit in page.records(&config.outlets[owner], articles, now) {
            store.record_hit(&hit)?;
            recorded.push(hit);
        }
        for key in page.seen_keys() {
            store.mark_seen(&key, now)?;
        }
        store.flush()?;
    }
    Ok((Report::new(&doc, verdicts), recorded))
}
