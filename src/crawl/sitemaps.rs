//! Sitemaps → candidates: urlset pages (with `<lastmod>` and Google News data) and sitemapindex
//! children, read with quick-xml as a stream (news sitemaps run to thousands of URLs).
//!
//! Also accepted: gzipped sitemaps (`.xml.gz` served as a file) and the protocol's plain-text
//! form, one URL per line. A sitemap cut short (by the body cap, or a broken server) yields the
//! URLs before the cut, and XML the reader refuses (a raw `&` in a `<loc>`) is repaired by
//! [`xmlfix`](super::xmlfix) and read again; either way [`Sitemap::partial`] says why the
//! sitemap was read only in part.
//!
//! A sitemap index's children are ordered newest first, by `<lastmod>` or, without one, by the
//! date in the child's own URL (`sitemap-2025-06-03.xml`, `/2025/06/sitemap.xml`,
//! `?yyyy=2025&mm=06`), so a crawler with a budget reads a news site's newest articles first.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
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
    /// Child sitemaps of a sitemap index, deduplicated, newest first (see [`Child::order`]): a
    /// crawler that cannot follow them all wants the fresh ones.
    pub children: Vec<Child>,
    /// Why the sitemap was read only in part, when it was: cut off, or XML repaired.
    pub partial: Option<String>,
}

/// One child of a sitemap index.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    pub url: Url,
    /// Its `<lastmod>` in the index, if given and readable.
    pub lastmod: Option<DateTime<Utc>>,
}

impl Child {
    /// A child known by its URL alone (its lastmod unknown).
    pub fn new(url: Url) -> Child {
        Child { url, lastmod: None }
    }

    /// When the child was last modified, as far as the index tells: its `<lastmod>`, else the
    /// start of the period its URL names ([`date_in_url`]).
    pub fn date(&self) -> Option<DateTime<Utc>> {
        self.lastmod.or_else(|| date_in_url(&self.url).map(|(start, _)| start))
    }

    /// The latest its entries can be: its `<lastmod>`, else the end of the period its URL names.
    /// `None` when neither is known.
    pub fn newest_possible(&self) -> Option<DateTime<Utc>> {
        self.lastmod.or_else(|| date_in_url(&self.url).map(|(_, end)| end))
    }

    /// Sorts children newest first: by [`Child::date`]; undated ones after the dated, those
    /// numbered in their name (`post-sitemap7.xml`; CMSs number them oldest first) highest
    /// first, then the rest in document order.
    pub fn order(children: &mut [Child]) {
        children.sort_by_key(|c| {
            (
                std::cmp::Reverse(c.date()),
                std::cmp::Reverse(if c.date().is_none() {
                    sequence_number(&c.url)
                } else {
                    None
                }),
            )
        });
    }
}

/// The period a sitemap's URL names, as (start, end): `2025-06-03` or `20250603` a day,
/// `2025-06`, `2025/06` or `yyyy=2025&mm=06` a month, a lone `2025` a year. Separators `-`,
/// `_`, `/` and `.` are accepted; the year must be 1995–2100.
pub fn date_in_url(url: &Url) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let text = format!("{}?{}", url.path(), url.query().unwrap_or(""));
    // Digit runs with what separates them, e.g. "sitemap-2025-06-03.xml" → [2025, 06, 03].
    let mut runs: Vec<(usize, &str)> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, &text[start..i]));
        } else {
            i += 1;
        }
    }
    let joined_by_sep = |a: &(usize, &str), b: &(usize, &str)| {
        let gap = &text[a.0 + a.1.len()..b.0];
        gap.len() == 1 || (gap.len() <= 4 && gap.chars().all(|c| c.is_ascii_alphabetic() || "-_/.=&".contains(c)))
    };
    let year_of = |s: &str| s.parse::<i32>().ok().filter(|y| (1995..=2100).contains(y));
    // The last date-looking group wins (a path's file name is more specific than its folders).
    let mut found = None;
    for (k, run) in runs.iter().enumerate() {
        let day_of = |y: i32, m: &str, d: &str| NaiveDate::from_ymd_opt(y, m.parse().ok()?, d.parse().ok()?);
        if run.1.len() == 8
            && let Some(y) = year_of(&run.1[..4])
            && let Some(d) = day_of(y, &run.1[4..6], &run.1[6..])
        {
            found = Some(period(d, Period::Day));
            continue;
        }
        let Some(y) = year_of(run.1).filter(|_| run.1.len() == 4) else {
            continue;
        };
        let month = runs.get(k + 1).filter(|m| m.1.len() <= 2 && joined_by_sep(run, m));
        let day = month.and_then(|m| runs.get(k + 2).filter(|d| d.1.len() <= 2 && joined_by_sep(m, d)));
        found = match (month, day) {
            (Some(m), Some(d)) => day_of(y, m.1, d.1).map(|d| period(d, Period::Day)),
            (Some(m), None) => day_of(y, m.1, "1").map(|d| period(d, Period::Month)),
            _ => NaiveDate::from_ymd_opt(y, 1, 1).map(|d| period(d, Period::Year)),
        }
        .or(found);
    }
    found
}

enum Period {
    Day,
    Month,
    Year,
}

fn period(start: NaiveDate, len: Period) -> (DateTime<Utc>, DateTime<Utc>) {
    use chrono::Months;
    let end = match len {
        Period::Day => start.succ_opt(),
        Period::Month => start.checked_add_months(Months::new(1)),
        Period::Year => start.checked_add_months(Months::new(12)),
    }
    .unwrap_or(start);
    let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    (at(start), at(end))
}

/// The last number in a URL's file name (`post-sitemap7.xml` → 7), for undated children.
fn sequence_number(url: &Url) -> Option<u64> {
    let name = url.path().rsplit('/').next().unwrap_or("");
    let digits: String = name
        .chars()
        .rev()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.chars().rev().collect::<String>().parse().ok()
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
    match parse_xml(trimmed, base) {
        Ok(sitemap) if sitemap.partial.is_none() => Ok(sitemap),
        first => {
            // Refused, or cut short: repair the XML and read it again; keep whichever gave more.
            let repaired = super::xmlfix::repair(trimmed, |name| matches!(name, "url" | "sitemap"));
            let again = parse_xml(&repaired.text, base).ok().filter(|s| s.partial.is_none());
            match (first, again) {
                (Ok(before), Some(after))
                    if after.pages.len() + after.children.len() <= before.pages.len() + before.children.len() =>
                {
                    Ok(before)
                }
                (_, Some(mut after)) if !repaired.notes.is_empty() => {
                    after.partial = Some(format!("invalid XML repaired: {}", repaired.notes.join(", ")));
                    Ok(after)
                }
                (first, _) => first,
            }
        }
    }
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
            Err(e) => {
                out.partial = Some(format!(
                    "invalid XML at byte {}: {e}; the entries before it are used",
                    reader.error_position()
                ));
                break;
            }
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
                // Named ones through the one WHATWG table pickup has (XML's five are in it).
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => crate::extract::entities::named(&r.into_inner()),
                };
                if let Some(text) = resolved {
                    push(&mut entry, field, &text);
                }
            }
            Event::End(e) => {
                field = Field::None;
                match e.local_name().as_ref() {
                    "news" => in_news = false,
                    "url" | "sitemap" if in_entry => {
                        in_entry = false;
                        finish(std::mem::take(&mut entry), root.as_deref(), base, &mut seen, &mut out);
                    }
                    _ => {}
                }
            }
            Event::Eof => {
                if in_entry && out.partial.is_none() {
                    out.partial = Some("cut off mid-entry; the entries before it are used".into());
                }
                break;
            }
            _ => {}
        }
    }
    Child::order(&mut out.children);
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

fn finish(entry: Entry, root: Option<&str>, base: &Url, seen: &mut HashSet<String>, out: &mut Sitemap) {
    let Some(url) = http_url(&entry.loc, base) else { return };
    if !seen.insert(url.as_str().to_owned()) {
        return;
    }
    if root == Some("sitemapindex") {
        out.children.push(Child {
            url,
            lastmod: parse_date(&entry.lastmod),
        });
    } else {
        let published = parse_date(&entry.news_date).or_else(|| parse_date(&entry.lastmod));
        out.pages.push(Candidate {
            url,
            title: clean_text(&entry.news_title),
            published,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dated(url: &str) -> Option<(String, String)> {
        let url = Url::parse(url).unwrap();
        date_in_url(&url).map(|(a, b)| (a.format("%Y-%m-%d").to_string(), b.format("%Y-%m-%d").to_string()))
    }

    #[test]
    fn dates_in_child_names() {
        let day = |d: &str, e: &str| Some((d.to_string(), e.to_string()));
        assert_eq!(
            dated("https://e.com/sitemap-2025-06-03.xml"),
            day("2025-06-03", "2025-06-04")
        );
        assert_eq!(
            dated("https://e.com/sitemaps/2025/06/03.xml"),
            day("2025-06-03", "2025-06-04")
        );
        assert_eq!(
            dated("https://e.com/news_20250603.xml"),
            day("2025-06-03", "2025-06-04")
        );
        assert_eq!(
            dated("https://e.com/sitemap-2025-06.xml.gz"),
            day("2025-06-01", "2025-07-01")
        );
        assert_eq!(
            dated("https://e.com/sitemap.xml?yyyy=2025&mm=06"),
            day("2025-06-01", "2025-07-01")
        );
        assert_eq!(dated("https://e.com/posts-2019.xml"), day("2019-01-01", "2020-01-01"));
        assert_eq!(dated("https://e.com/post-sitemap7.xml"), None);
        assert_eq!(dated("https://e.com/sitemap-123456.xml"), None);
        assert_eq!(dated("https://e.com/sitemap-2025-13-45.xml"), None);
    }

    #[test]
    fn children_order() {
        let child = |u: &str, lastmod: Option<&str>| Child {
            url: Url::parse(u).unwrap(),
            lastmod: lastmod.map(|d| d.parse().unwrap()),
        };
        let mut c = vec![
            child("https://e.com/pages.xml", None),
            child("https://e.com/post-sitemap2.xml", None),
            child("https://e.com/sitemap-2025-05-29.xml", None),
            child("https://e.com/post-sitemap10.xml", None),
            child("https://e.com/a.xml", Some("2025-05-30T00:00:00Z")),
            child("https://e.com/sitemap-2025-06-03.xml", None),
        ];
        Child::order(&mut c);
        let paths: Vec<&str> = c.iter().map(|c| c.url.path()).collect();
        assert_eq!(
            paths,
            [
                "/sitemap-2025-06-03.xml",
                "/a.xml",
                "/sitemap-2025-05-29.xml",
                "/post-sitemap10.xml",
                "/post-sitemap2.xml",
                "/pages.xml"
            ]
        );
    }
}
