//! Sitemaps → candidates: urlset pages (with `<lastmod>` and Google News data) and sitemapindex
//! children, read with quick-xml as a stream (news sitemaps run to thousands of URLs).
//!
//! Also accepted: gzipped sitemaps (`.xml.gz` served as a file) and the protocol's plain-text
//! form, one URL per line. A sitemap cut short (by the body cap, or a broken server) yields the
//! URLs before the cut: for a list of links that is more useful than an error.

use std::collections::HashSet;

use quick_xml::Reader;
use quick_xml::events::Event;
use url::Url;

use super::Candidate;
use super::charset::{self, Kind};
use super::feeds::{FeedError, clean_text, http_url};
use crate::date::parse_utc as parse_date;

/// What a sitemap lists: pages (urlset) or further sitemaps (sitemapindex).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sitemap {
    /// Pages, deduplicated, in document order. `published` is the Google News publication date
    /// if given, else `<lastmod>`; `title` the Google News title.
    pub pages: Vec<Candidate>,
    /// Child sitemaps of a sitemap index, deduplicated, the most recently modified first (undated
    /// ones after, in document order): a crawler that follows only a few wants the fresh ones.
    pub children: Vec<Url>,
}

/// Which text element we are inside, to know where its text goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    None,
    Loc,
    LastMod,
    NewsDate,
    NewsTitle,
}

#[derive(Default)]
struct Entry {
    loc: String,
    lastmod: String,
    news_date: String,
    news_title: String,
}

/// Parses a sitemap body. `base` is the sitemap's URL (sitemaps must use absolute URLs; a
/// relative one is resolved against it rather than dropped).
pub fn parse(body: &[u8], content_type: Option<&str>, base: &Url) -> Result<Sitemap, FeedError> {
    let body = super::gzip::inflate_if_gzip(body).map_err(FeedError::Malformed)?;
    let text = charset::decode(&body, content_type, Kind::Xml, charset::tld(base)).text;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(FeedError::NotAFeed("empty sitemap".into()));
    }
    if !trimmed.starts_with('<') {
        return parse_text(trimmed, base);
    }
    parse_xml(trimmed, base)
}

/// The plain-text sitemap: one absolute URL per line, nothing else.
fn parse_text(text: &str, base: &Url) -> Result<Sitemap, FeedError> {
    let mut out = Sitemap::default();
    let mut seen = HashSet::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !(line.starts_with("http://") || line.starts_with("https://")) {
            return Err(FeedError::NotAFeed("neither an XML nor a text sitemap".into()));
        }
        if let Some(url) = http_url(line, base).filter(|u| seen.insert(u.as_str().to_owned())) {
            out.pages.push(Candidate {
                url,
                title: None,
                published: None,
            });
        }
    }
    Ok(out)
}

fn parse_xml(text: &str, base: &Url) -> Result<Sitemap, FeedError> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    // No trim_text: `Climate &amp; the city` arrives as three events, and trimming each would
    // eat the spaces around `&`. Values are trimmed when used.
    // Mismatched end tags in a generated sitemap should not cost us the URLs.
    config.check_end_names = false;

    let mut out = Sitemap::default();
    let mut child_dates = Vec::new();
    let mut seen = HashSet::new();
    let mut root: Option<String> = None;
    let mut in_entry = false;
    let mut in_news = false;
    let mut field = Field::None;
    let mut entry = Entry::default();

    loop {
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) if out.pages.is_empty() && out.children.is_empty() => {
                return Err(FeedError::Malformed(format!(
                    "invalid XML at byte {}: {e}",
                    reader.error_position()
                )));
            }
            // Cut short: keep what came before.
            Err(_) => break,
        };
        match event {
            Event::Start(e) => {
                let local = e.local_name();
                let name: &str = local.as_ref();
                let Some(root_name) = root.as_deref() else {
                    let lower = name.to_ascii_lowercase();
                    if lower != "urlset" && lower != "sitemapindex" {
                        return Err(not_a_sitemap(&lower));
                    }
                    root = Some(lower);
                    continue;
                };
                match name {
                    "url" if root_name == "urlset" => (in_entry, entry) = (true, Entry::default()),
                    "sitemap" if root_name == "sitemapindex" => (in_entry, entry) = (true, Entry::default()),
                    "news" if in_entry => in_news = true,
                    "loc" if in_entry && !in_news => field = Field::Loc,
                    "lastmod" if in_entry => field = Field::LastMod,
                    "publication_date" if in_news => field = Field::NewsDate,
                    "title" if in_news => field = Field::NewsTitle,
                    _ => field = Field::None,
                }
            }
            Event::Empty(e) if root.is_none() => {
                let lower = e.local_name().as_ref().to_ascii_lowercase();
                return match lower.as_str() {
                    "urlset" | "sitemapindex" => Ok(out),
                    _ => Err(not_a_sitemap(&lower)),
                };
            }
            Event::Text(t) => push(&mut entry, field, &t.into_inner()),
            Event::CData(t) => push(&mut entry, field, &t.into_inner()),
            // quick-xml reports `&amp;` and `&#38;` apart from the text around them.
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.into_inner().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = resolved {
                    push(&mut entry, field, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::End(e) => {
                field = Field::None;
                match e.local_name().as_ref() {
                    "news" => in_news = false,
                    "url" | "sitemap" if in_entry => {
                        in_entry = false;
                        finish(
                            std::mem::take(&mut entry),
                            root.as_deref(),
                            base,
                            &mut seen,
                            &mut out,
                            &mut child_dates,
                        );
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Newest first; the sort is stable, so undated children keep their order after the dated.
    let mut order: Vec<usize> = (0..out.children.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(child_dates[i]));
    out.children = order.into_iter().map(|i| out.children[i].clone()).collect();
    if root.is_none() {
        return Err(if text.contains("<html") || text.contains("<HTML") {
            FeedError::NotAFeed("an HTML page, not a sitemap".into())
        } else {
            FeedError::Malformed("no root element".into())
        });
    }
    Ok(out)
}

fn not_a_sitemap(root: &str) -> FeedError {
    FeedError::NotAFeed(match root {
        "html" => "an HTML page, not a sitemap".into(),
        other => format!("XML document with root <{other}>, not urlset or sitemapindex"),
    })
}

fn push(entry: &mut Entry, field: Field, text: &str) {
    let target = match field {
        Field::None => return,
        Field::Loc => &mut entry.loc,
        Field::LastMod => &mut entry.lastmod,
        Field::NewsDate => &mut entry.news_date,
        Field::NewsTitle => &mut entry.news_title,
    };
    target.push_str(text);
}

fn finish(
    entry: Entry,
    root: Option<&str>,
    base: &Url,
    seen: &mut HashSet<String>,
    out: &mut Sitemap,
    child_dates: &mut Vec<Option<chrono::DateTime<chrono::Utc>>>,
) {
    let Some(url) = http_url(&entry.loc, base) else { return };
    if !seen.insert(url.as_str().to_owned()) {
        return;
    }
    if root == Some("sitemapindex") {
        out.children.push(url);
        child_dates.push(parse_date(&entry.lastmod));
    } else {
        let published = parse_date(&entry.news_date).or_else(|| parse_date(&entry.lastmod));
        out.pages.push(Candidate {
            url,
            title: clean_text(&entry.news_title),
            published,
        });
    }
}
