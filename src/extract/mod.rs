//! HTML → [`Document`]: page metadata and the article's main text.
//!
//! One linear pre-scan ([`prescan`]) drops what is never text and measures nesting; the page is
//! then parsed once (html5ever, through `dom_query`). One walk of that tree gathers the elements
//! metadata is read from ([`elements`]), and metadata is read from them ([`meta`], [`jsonld`]);
//! then furniture is removed from the same tree and the article's container found and read
//! ([`text`], [`boilerplate`], [`article`]). Pages nested absurdly deep skip the tree altogether
//! ([`flat`]), because tree building is quadratic in nesting depth. The language is decided
//! last, from the declaration and the main text ([`lang::decide`]).

mod article;
mod boilerplate;
mod date;
mod elements;
pub use date::DateSource;
pub(crate) mod entities;
mod flat;
mod jsonld;
pub(crate) mod lang;
mod lines;
mod meta;
pub use meta::names_only_the_site;
pub mod paywall;
mod prescan;
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
    /// ISO 639-1 code (`en`, `es`, `ja`) of the page: the declared language, unless the main
    /// text is clearly in another one (then the text's; see [`lang::decide`]), or, with no
    /// declaration, the text's when whatlang is reliable.
    pub language: Option<String>,
    /// The language the page declares (`<html lang>`, `Content-Language`, `og:locale`), as an
    /// ISO 639-1 code; differs from `language` when the text overruled it.
    pub declared_language: Option<String>,
    /// whatlang's best guess for the main text, reliable or not (ISO 639-1), so that detection
    /// does not classify the same text again.
    pub text_language: Option<String>,
    /// The main text, one entry per paragraph (subheadings are paragraphs too).
    pub paragraphs: Vec<String>,
}

impl Document {
    /// The main text, paragraphs separated by blank lines.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}

/// [`entities::decode`] as an owned string: HTML character references in feed titles and other
/// text read outside the parser.
pub fn decode_entities(text: &str) -> String {
    entities::decode(text).into_owned()
}

/// Compiles a selector written in pickup's own source, once, where it is declared:
/// `static X: LazyLock<Matcher> = LazyLock::new(|| selector("…"))`. Compiling a selector costs
/// more than matching it against a whole page, so none is compiled per page.
///
/// # Panics
/// On invalid CSS, which only a typo in the source can cause (the unit tests compile them all).
fn selector(css: &str) -> dom_query::Matcher {
    dom_query::Matcher::new(css).unwrap_or_else(|e| panic!("invalid selector {css:?}: {e:?}"))
}

/// True when `node` is inside `scope`: a descendant, not `scope` itself.
fn is_inside(node: &dom_query::NodeRef, scope: &dom_query::NodeRef) -> bool {
    node.ancestors_it(None).any(|a| a.id == scope.id)
}

/// Extracts metadata and main text from an HTML page. Never fails: a page
/// with nothing recognisable gives a `Document` with empty fields.
pub fn extract(html: &str, page_url: Option<&Url>) -> Document {
    extract_reading(html, page_url, |_| ()).0
}

/// [`extract`], also handing the parsed page to `also` (before the main-text pass changes the
/// tree), for a caller that reads more of it without parsing the page again. `None` from `also`
/// for a page too deeply nested to parse, which is read flat instead.
pub fn extract_reading<T>(
    html: &str,
    page_url: Option<&Url>,
    also: impl FnOnce(&dom_query::Document) -> T,
) -> (Document, Option<T>) {
    let scanned = prescan::prescan(html);
    let (mut doc, extra) = if scanned.too_deep {
        (flat::extract(html), None)
    } else {
        let (doc, extra) = tree_extract(&scanned.html, &scanned.scripts, page_url, also);
        (doc, Some(extra))
    };
    doc.url = page_url.cloned();
    let detected = lang::detect(&doc.paragraphs);
    let declared = doc.declared_language.as_deref().and_then(lang::iso639_1);
    let text_bytes = doc.paragraphs.iter().map(String::len).sum();
    doc.language = lang::decide(declared, detected, text_bytes).map(str::to_string);
    doc.text_language = detected.map(|d| d.code.to_string());
    (doc, extra)
}

/// The normal path: one parse, metadata first (furniture removal changes the tree), then main text.
/// `scripts` are the scripts the pre-scan dropped, for the dates some pages give only there.
fn tree_extract<T>(
    html: &str,
    scripts: &[&str],
    page_url: Option<&Url>,
    also: impl FnOnce(&dom_query::Document) -> T,
) -> (Document, T) {
    let tree = dom_query::Document::from(html);
    let extra = also(&tree);
    let elements = elements::Elements::gather(&tree);
    let ld = jsonld::find_article(&elements);
    let meta = meta::read(&tree, &elements, page_url, ld.as_ref(), scripts);
    // Furniture removal below takes nodes out of the tree the gathered elements point into.
    drop(elements);
    let ld_body = ld.as_ref().and_then(|a| a.body.as_deref());
    let paragraphs = lines::clean(text::main_text(&tree, ld_body), meta.title.as_deref());
    let doc = Document {
        url: None,
        canonical_url: meta.canonical_url,
        amp_url: meta.amp_url,
        title: meta.title,
        byline: meta.byline,
        published: meta.published.map(|f| f.date),
        published_from: meta.published.map(|f| f.source),
        declared_language: meta.language,
        paragraphs,
        ..Document::default()
    };
    (doc, extra)
}
