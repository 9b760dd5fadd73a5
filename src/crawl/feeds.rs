//! Feeds → candidates: parses RSS 0.9x/1.0/2.0, Atom and JSON Feed (through feed-rs) into the
//! links of their items, working around what real feeds do to feed-rs (see CRATES.md).
//!
//! What is done here beyond calling feed-rs, and why:
//! - the body is gunzipped if it is gzip (a `.xml.gz` served as a file, not as Content-Encoding);
//! - it is decoded to UTF-8 by [`charset`] first (feed-rs rejects undeclared legacy charsets and
//!   quick-xml panics on some UTF-16), and the XML declaration's `encoding` is then removed so
//!   feed-rs does not decode the UTF-8 text a second time;
//! - `<rss>` with no or an unusual version ("0.94", "2.01") is rewritten to 2.0, as feed-rs only
//!   dispatches on the versions it knows;
//! - an unknown default namespace on the root (e.g. UserLand's old RSS namespace) hides every item
//!   from feed-rs; when a document has items but 0 come out, it is retried without it, then it
//!   is an error rather than silence;
//! - XML that feed-rs refuses (a raw `&`, an HTML entity, a feed cut off mid-item) is repaired by
//!   [`xmlfix`](super::xmlfix) and parsed again: every complete item is used, and the repairs
//!   are reported as the reason the feed was read only in part;
//! - a panic in the parser is caught and reported as a malformed feed;
//! - dates feed-rs cannot read ("Monday, June 2, 2025", "2025-06-02 10:00:00") go through
//!   [`crate::date::parse_utc`], the parser pages use too.

use std::borrow::Cow;
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use feed_rs::model::{Entry, Feed, Link};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use url::Url;

use super::Candidate;
use super::charset::{self, Kind};
use super::health::Failure;

/// Why a feed (or sitemap) body gave no candidates. The caller adds the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// The body is something else: an HTML page, an XML document of another kind, plain JSON.
    #[error("not a feed: {0}")]
    NotAFeed(String),
    /// The body is meant to be a feed but cannot be read: truncated, invalid XML, items that the
    /// parser could not see, a parser panic.
    #[error("malformed feed: {0}")]
    Malformed(String),
}

impl FeedError {
    /// The outlet-health class: [`Failure::NotAFeed`] or [`Failure::MalformedFeed`] (said of a
    /// sitemap with [`Failure::for_sitemap`]).
    pub fn class(&self) -> Failure {
        match self {
            FeedError::NotAFeed(_) => Failure::NotAFeed,
            FeedError::Malformed(_) => Failure::MalformedFeed,
        }
    }
}

/// Parses a feed body into candidate article links, resolved against `base` (the feed's URL) and
/// any `xml:base`. `content_type` is the HTTP header, used for its charset.
pub fn parse(body: &[u8], content_type: Option<&str>, base: &Url) -> Result<Vec<Candidate>, FeedError> {
    parse_detailed(body, content_type, base).map(|p| p.candidates)
}

/// A parsed feed with the figures worth logging.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The feed's own title, cleaned.
    pub title: Option<String>,
    /// The character encoding the body was decoded from.
    pub encoding: &'static str,
    /// Entries the parser found, before links were checked.
    pub entries: usize,
    /// Entries dropped for want of an http(s) link (tag: URIs, no link at all).
    pub without_link: usize,
    /// Distinct article links, in feed order.
    pub candidates: Vec<Candidate>,
    /// Why the feed was read only in part, when it was: the repairs its XML needed (a feed cut
    /// off mid-item loses that item). `None` for a well-formed feed.
    pub partial: Option<String>,
}

/// [`parse`] with the feed's title, encoding and entry counts.
pub fn parse_detailed(body: &[u8], content_type: Option<&str>, base: &Url) -> Result<Parsed, FeedError> {
    let body = super::gzip::inflate_if_gzip(body).map_err(FeedError::Malformed)?;
    let decoded = charset::decode(&body, content_type, Kind::Xml, charset::tld(base));
    let text = decoded.text.trim_start_matches('\u{feff}');
    let first = text.trim_start().chars().next();
    let (feed, repairs) = match first {
        Some('{') => (parse_json(text, base)?, Vec::new()),
        Some('<') => parse_xml(text, base)?,
        None => return Err(FeedError::NotAFeed("empty body".into())),
        Some(_) => return Err(FeedError::NotAFeed("neither XML nor JSON".into())),
    };
    let Some(feed) = feed else {
        return Ok(Parsed {
            title: None,
            encoding: decoded.encoding,
            entries: 0,
            without_link: 0,
            candidates: vec![],
            partial: None,
        });
    };
    let partial = (!repairs.is_empty()).then(|| format!("invalid XML repaired: {}", repairs.join(", ")));
    let (candidates, without_link) = candidates(&feed, base);
    Ok(Parsed {
        title: feed.title.as_ref().and_then(|t| clean_text(&t.content)),
        encoding: decoded.encoding,
        entries: feed.entries.len(),
        without_link,
        candidates,
        partial,
    })
}

fn parse_json(text: &str, base: &Url) -> Result<Option<Feed>, FeedError> {
    // A JSON Feed names its version URL (slashes maybe escaped as `\/`); any other JSON (an API
    // answer, an error object) is not one.
    if !text.contains("jsonfeed.org") {
        return Err(FeedError::NotAFeed(
            "JSON that is not a JSON Feed (no jsonfeed.org version)".into(),
        ));
    }
    let feed = run_feed_rs(text, base).map_err(|e| match e {
        ParseFeedError::JsonUnsupportedVersion(v) => {
            FeedError::NotAFeed(format!("unsupported JSON Feed version {v:?}"))
        }
        // Only now, on the error path, is it worth a second parse to tell a broken JSON Feed
        // from other JSON that merely mentions jsonfeed.org.
        ParseFeedError::JsonSerde(e) if !is_json_feed_object(text) => {
            FeedError::NotAFeed(format!("JSON that is not a JSON Feed ({e})"))
        }
        other => FeedError::Malformed(other.to_string()),
    })?;
    if feed.entries.is_empty() && text.contains("\"items\"") && text.contains("\"url\"") {
        return Err(FeedError::Malformed(
            "JSON Feed has items but none could be read".into(),
        ));
    }
    Ok(Some(feed))
}

/// A JSON object whose top-level `version` is a JSON Feed version URL.
fn is_json_feed_object(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| {
        v.get("version")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|s| s.contains("jsonfeed.org/version/"))
    })
}

/// None: a feed root with nothing in it. With the feed, the repairs its XML needed (none for a
/// well-formed feed).
fn parse_xml(text: &str, base: &Url) -> Result<(Option<Feed>, Vec<String>), FeedError> {
    // feed-rs keeps `&eacute;` as literal text: such a feed is repaired before it is read.
    let first = if super::xmlfix::has_undefined_entities(text) {
        None
    } else {
        match parse_xml_strict(text, base) {
            Err(FeedError::Malformed(reason)) => Some(reason),
            other => return other.map(|feed| (feed, Vec::new())),
        }
    };
    let repaired = super::xmlfix::repair(text, |name| matches!(name, "item" | "entry"));
    let fallback = || match &first {
        Some(reason) => Err(FeedError::Malformed(reason.clone())),
        None => parse_xml_strict(text, base).map(|feed| (feed, Vec::new())),
    };
    if repaired.notes.is_empty() {
        return fallback();
    }
    match parse_xml_strict(&repaired.text, base) {
        Ok(Some(feed)) if !feed.entries.is_empty() || first.is_none() => Ok((Some(feed), repaired.notes)),
        // Nothing readable even so: the first error is the one worth reporting.
        _ => fallback(),
    }
}

fn parse_xml_strict(text: &str, base: &Url) -> Result<Option<Feed>, FeedError> {
    let text = without_decl_encoding(text);
    let Some(root) = root_element(&text) else {
        return Err(if looks_like_html(&text) {
            FeedError::NotAFeed("an HTML page".into())
        } else {
            FeedError::Malformed("no XML root element".into())
        });
    };
    let text: Cow<str> = match root.local_name().to_ascii_lowercase().as_str() {
        // feed-rs knows RDF only in this case (`<rdf>` is some other document).
        "feed" | "entry" => text,
        "rdf" if root.name_is("RDF") => text,
        "rss" => match charset::pseudo_attr(root.tag(&text), "version") {
            Some((_, "2.0" | "0.91" | "0.92" | "")) => text,
            // feed-rs dispatches on the version: absent, "0.94", "2.01"... are all read as 2.0.
            other => Cow::Owned(rewrite_root(&text, &root, |tag| {
                set_version(tag, other.map(|(span, _)| span))
            })),
        },
        "html" => return Err(FeedError::NotAFeed("an HTML page".into())),
        name => {
            return Err(FeedError::NotAFeed(format!(
                "XML document with root <{name}>, not RSS, RDF or Atom"
            )));
        }
    };
    let feed = match run_feed_rs(&text, base) {
        Ok(feed) => feed,
        // `<rss></rss>` with no channel: a feed root with nothing in it is an empty feed, not an error.
        Err(ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot)) if !has_items(&text) => return Ok(None),
        Err(e) => return Err(FeedError::Malformed(xml_reason(&e))),
    };
    if !feed.entries.is_empty() || !has_items(&text) {
        return Ok(Some(feed));
    }
    // Items are there but feed-rs saw none: typically a default namespace it does not know.
    if let Some((span, ns)) = charset::pseudo_attr(root.tag(&text), "xmlns") {
        let ns = ns.to_owned();
        let retried = rewrite_root(&text, &root, |tag| format!("{}{}", &tag[..span.0], &tag[span.1..]));
        if let Ok(feed) = run_feed_rs(&retried, base)
            && !feed.entries.is_empty()
        {
            return Ok(Some(feed));
        }
        return Err(FeedError::Malformed(format!(
            "0 entries although the document has items (root namespace {ns:?})"
        )));
    }
    Err(FeedError::Malformed("0 entries although the document has items".into()))
}

/// Runs feed-rs, turning a panic inside it into an error.
fn run_feed_rs(text: &str, base: &Url) -> Result<Feed, ParseFeedError> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        // We only read links, titles and dates; sanitising HTML content would be wasted work.
        .sanitize_content(false)
        .timestamp_parser(crate::date::parse_utc)
        .build();
    match catch_unwind(AssertUnwindSafe(|| parser.parse(text.as_bytes()))) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Err(ParseFeedError::ParseError(ParseErrorKind::IllegalState {
                position: 0,
                reference: format!("parser panicked: {what}"),
            }))
        }
    }
}

fn xml_reason(e: &ParseFeedError) -> String {
    match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => "no RSS, RDF or Atom root element".into(),
        ParseFeedError::ParseError(ParseErrorKind::IllegalState { reference, .. }) => reference.clone(),
        other => other.to_string(),
    }
}

/// Entries → candidates: one per distinct http(s) link, in feed order; and how many entries had
/// no usable link.
fn candidates(feed: &Feed, base: &Url) -> (Vec<Candidate>, usize) {
    let mut without_link = 0;
    let mut seen = HashSet::with_capacity(feed.entries.len());
    let mut out = Vec::with_capacity(feed.entries.len());
    for entry in &feed.entries {
        let Some(url) = entry_url(entry, base) else {
            without_link += 1;
            continue;
        };
        if !seen.insert(url.as_str().to_owned()) {
            continue;
        }
        let title = entry.title.as_ref().and_then(|t| clean_text(&t.content));
        out.push(Candidate {
            url,
            title,
            published: entry.published.or(entry.updated),
        });
    }
    (out, without_link)
}

/// The entry's article link: the alternate HTML link if there is one, else the first http(s)
/// link that is not the feed itself, an edit link or an enclosure; else an RSS guid that is a URL
/// (RSS 2.0 guids are permalinks unless `isPermaLink="false"`, which feed-rs does not tell us;
/// an opaque guid simply does not parse as an http URL).
fn entry_url(entry: &Entry, base: &Url) -> Option<Url> {
    let rel = |l: &Link| l.rel.as_deref().unwrap_or("alternate").to_ascii_lowercase();
    let htmlish = |l: &Link| l.media_type.as_deref().is_none_or(|t| t.contains("html"));
    let resolved = |l: &Link| http_url(&l.href, base);
    let alternate = entry.links.iter().filter(|l| rel(l) == "alternate");
    alternate
        .clone()
        .filter(|l| htmlish(l))
        .chain(alternate)
        .chain(
            entry
                .links
                .iter()
                .filter(|l| !matches!(rel(l).as_str(), "self" | "edit" | "enclosure" | "replies")),
        )
        .find_map(resolved)
        .or_else(|| http_url(&entry.id, base).filter(|_| entry.id.contains("://")))
}

/// An absolute http(s) URL from an href that may be relative.
pub(crate) fn http_url(href: &str, base: &Url) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// Text for a title: tags removed (HTML titles), entities decoded, whitespace collapsed.
pub(crate) fn clean_text(raw: &str) -> Option<String> {
    let mut no_tags = String::with_capacity(raw.len());
    let mut in_tag = false;
    for c in raw.chars() {
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => no_tags.push(c),
            _ => {}
        }
    }
    let unescaped = if no_tags.contains('&') {
        crate::extract::decode_entities(&no_tags)
    } else {
        no_tags
    };
    let collapsed = unescaped.split_whitespace().collect::<Vec<_>>().join(" ");
    (!collapsed.is_empty()).then_some(collapsed)
}

/// Removes the XML declaration's `encoding`: the text is already UTF-8, and feed-rs would
/// otherwise switch its decoder to the declared charset and decode it again.
fn without_decl_encoding(text: &str) -> Cow<'_, str> {
    let Some((start, end)) = charset::xml_decl_span(text.as_bytes()) else {
        return Cow::Borrowed(text);
    };
    let Some(((a, b), _)) = charset::pseudo_attr(&text[start..end], "encoding") else {
        return Cow::Borrowed(text);
    };
    Cow::Owned(format!("{}{}", &text[..start + a], &text[start + b..]))
}

/// The root element of a document: its start tag's byte range and lowercased local name.
struct Root {
    tag: (usize, usize),
    local_name: String,
    /// As written, case kept.
    local_name_raw: String,
}

impl Root {
    fn tag<'a>(&self, text: &'a str) -> &'a str {
        &text[self.tag.0..self.tag.1]
    }

    fn local_name(&self) -> &str {
        &self.local_name
    }

    fn name_is(&self, exact: &str) -> bool {
        self.local_name_raw == exact
    }
}

/// Finds the first element, skipping the declaration, processing instructions, comments and a
/// DOCTYPE (with an internal subset). Linear in the prolog's length.
fn root_element(text: &str) -> Option<Root> {
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        i += bytes[i..].iter().position(|b| !b.is_ascii_whitespace())?;
        let rest = &text[i..];
        if !rest.starts_with('<') {
            return None;
        }
        if rest.starts_with("<?") {
            i += rest.find("?>")? + 2;
        } else if rest.starts_with("<!--") {
            i += rest.find("-->")? + 3;
        } else if rest.starts_with("<!") {
            // DOCTYPE: an internal subset in [...] may contain '>'.
            let close = rest.find('>')?;
            i += match rest[..close].find('[') {
                Some(_) => rest.find("]>").or_else(|| rest.find("] >").map(|p| p + 1))? + 2,
                None => close + 1,
            };
        } else {
            let name_len = rest[1..]
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(rest.len() - 1);
            let name = &rest[1..1 + name_len];
            if name.is_empty() {
                return None;
            }
            let tag_len = rest.find('>').map_or(rest.len(), |p| p + 1);
            let local = name.rsplit(':').next().unwrap_or(name);
            return Some(Root {
                tag: (i, i + tag_len),
                local_name: local.to_ascii_lowercase(),
                local_name_raw: local.to_owned(),
            });
        }
    }
}

/// Replaces the root's start tag with `edit(tag)`.
fn rewrite_root(text: &str, root: &Root, edit: impl FnOnce(&str) -> String) -> String {
    let (a, b) = root.tag;
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..a]);
    out.push_str(&edit(&text[a..b]));
    out.push_str(&text[b..]);
    out
}

/// `<rss ...>` with its version set to 2.0 (`span`: where the current version attribute is).
fn set_version(tag: &str, span: Option<(usize, usize)>) -> String {
    match span {
        Some((a, b)) => format!("{}version=\"2.0\"{}", &tag[..a], &tag[b..]),
        None => {
            // After the element name (which may carry a prefix).
            let end = 1 + tag[1..]
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(tag.len() - 1);
            format!("{} version=\"2.0\"{}", &tag[..end], &tag[end..])
        }
    }
}

/// Whether the text has RSS items or Atom entries (possibly namespace-prefixed) as elements.
fn has_items(text: &str) -> bool {
    ["item", "entry"].iter().any(|name| {
        text.match_indices(name).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + name.len()..].chars().next();
            matches!(before, Some('<' | ':')) && matches!(after, Some(c) if c.is_whitespace() || c == '>' || c == '/')
        })
    })
}

fn looks_like_html(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(2048)];
    let lower = head.to_ascii_lowercase();
    [&b"<!doctype html"[..], b"<html", b"<head", b"<body"]
        .iter()
        .any(|p| lower.windows(p.len()).any(|w| w == *p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_rewrites() {
        let text = "<?xml version=\"1.0\"?><!-- c --><!DOCTYPE rss [<!ENTITY a \"b\">]><rss><channel/></rss>";
        let root = root_element(text).unwrap();
        assert_eq!(root.local_name(), "rss");
        assert_eq!(
            rewrite_root(text, &root, |t| set_version(t, None))
                .matches("<rss version=\"2.0\">")
                .count(),
            1
        );
        assert!(has_items("<rdf:item rdf:about='x'>") && !has_items("<items><itemx>"));
    }
}
