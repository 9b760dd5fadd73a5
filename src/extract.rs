//! HTML → [`Document`]: page metadata and the article's main text.
//!
//! Placeholder implementation (title + every `<p>`); replaced by the full extractor.

use chrono::{DateTime, Utc};
use scraper::{Html, Selector};
use serde::Serialize;
use std::sync::LazyLock;
use url::Url;

/// What extraction found on one page.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Document {
    /// The URL the page was fetched from (after redirects), if known.
    pub url: Option<Url>,
    /// `<link rel=canonical>` or `og:url`, resolved against `url`.
    pub canonical_url: Option<Url>,
    /// `<link rel=amphtml>`, resolved against `url`.
    pub amp_url: Option<Url>,
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// ISO 639-1 code (`en`, `es`, `ja`), from `<html lang>` or detected from the text.
    pub language: Option<String>,
    /// The main text, one entry per paragraph (subheadings are paragraphs too).
    pub paragraphs: Vec<String>,
}

impl Document {
    /// The main text, paragraphs separated by blank lines.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}

static P: LazyLock<Selector> = LazyLock::new(|| Selector::parse("p").unwrap());
static TITLE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("title").unwrap());

/// Extracts metadata and main text from an HTML page. Never fails: a page
/// with nothing recognisable gives a `Document` with empty fields.
pub fn extract(html: &str, page_url: Option<&Url>) -> Document {
    let doc = Html::parse_document(html);
    let title = doc
        .select(&TITLE)
        .next()
        .map(|t| t.text().collect::<String>().trim().to_string());
    let paragraphs = doc
        .select(&P)
        .map(|p| p.text().collect::<String>().trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    Document {
        url: page_url.cloned(),
        title,
        paragraphs,
        ..Document::default()
    }
}
