//! HTML → [`Document`]: page metadata and the article's main text.
//!
//! The page is parsed once (html5ever, through `dom_query`); metadata is read from that tree
//! ([`meta`], [`jsonld`]), then the same tree is handed to dom_smoothie for the main text
//! ([`text`]). Pages nested absurdly deep skip the tree altogether ([`flat`]), because tree
//! building is quadratic in nesting depth.

mod boilerplate;
mod date;
pub use date::DateSource;
mod flat;
pub use flat::decode_entities;
mod jsonld;
pub mod lang;
mod lines;
mod meta;
pub use meta::names_only_the_site;
mod text;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
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
    /// The publication date in the page's own UTC offset (RFC 3339), so its date part is the
    /// outlet's own day; a date written without a zone is read as written, at +00:00.
    pub published: Option<DateTime<FixedOffset>>,
    /// Which source gave `published` (see `extract/date.rs` for their order).
    pub published_from: Option<DateSource>,
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

/// Extracts metadata and main text from an HTML page. Never fails: a page
/// with nothing recognisable gives a `Document` with empty fields.
pub fn extract(html: &str, page_url: Option<&Url>) -> Document {
    let mut doc = if flat::too_deep(html) {
        flat::extract(html)
    } else {
        tree_extract(html, page_url)
    };
    doc.url = page_url.cloned();
    if doc.language.is_none() {
        doc.language = lang::detect(&doc.paragraphs);
    }
    doc
}

/// The normal path: one parse, metadata first (dom_smoothie mutates the tree), then main text.
fn tree_extract(html: &str, page_url: Option<&Url>) -> Document {
    let tree = dom_query::Document::from(html);
    let ld = jsonld::find_article(&tree);
    let meta = meta::read(&tree, page_url, ld.as_ref());
    let ld_body = ld.as_ref().and_then(|a| a.body.as_deref());
    let paragraphs = lines::clean(text::main_text(tree, page_url, ld_body), meta.title.as_deref());
    Document {
        url: None,
        canonical_url: meta.canonical_url,
        amp_url: meta.amp_url,
        title: meta.title,
        byline: meta.byline,
        published: meta.published.map(|f| f.date),
        published_from: meta.published.map(|f| f.source),
        language: meta.language,
        paragraphs,
    }
}
