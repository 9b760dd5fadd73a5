//! A page's publication date: which of its sources to believe, in which order.
//!
//! The sources, best first (each one read with [`crate::date`]):
//! 1. JSON-LD: the article object's `datePublished` (else `dateCreated`);
//! 2. `<meta>` tags naming the publication date ([`PUBLISHED_KEYS`]) and microdata
//!    `itemprop=datePublished` on any element;
//! 3. `<time datetime>`: one marked as the publication time, else one in the article's header;
//! 4. a date line near the headline or byline (elements whose class or id speaks of a date,
//!    byline or post meta, or the lines just after the `<h1>`), in the outlets' languages;
//! 5. the URL path (`/2025/06/03/`);
//! 6. the last modified date (JSON-LD `dateModified`, `article:modified_time`), as a last resort.
//!
//! The page's own UTC offset is kept: the date part is the outlet's own day. When two sources
//! name the same instant, one in UTC and one with the outlet's offset, the latter is kept.

use super::jsonld::LdArticle;
use super::selector;
use crate::date::{self, DayMonth};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use super::flat::find_ci;
use dom_query::{Document as Tree, Matcher, NodeData, NodeRef, Selection};
use serde::Serialize;
use std::sync::LazyLock;
use url::Url;

/// Where a page's publication date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    JsonLd,
    Meta,
    Time,
    Text,
    Url,
    /// A last-modified date, used only when nothing gives the publication date.
    Modified,
}

impl DateSource {
    /// The lowercase name used in `check --json` and in the benchmark.
    pub fn name(self) -> &'static str {
        match self {
            DateSource::JsonLd => "jsonld",
            DateSource::Meta => "meta",
            DateSource::Time => "time",
            DateSource::Text => "text",
            DateSource::Url => "url",
            DateSource::Modified => "modified",
        }
    }
}

/// A publication date and its source.
#[derive(Debug, Clone, Copy)]
pub struct Found {
    pub date: DateTime<FixedOffset>,
    pub source: DateSource,
}

/// `<meta>` names (property, name or itemprop, lower-cased) whose content is the publication
/// date, best first: Open Graph, schema.org, then the CMS- and vendor-specific ones (Dublin Core,
/// Sailthru, Parse.ly, Highwire `citation_*`), then the generic `date`.
pub const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "date_published",
    "published_date",
    "article.published",
    "article_date_original",
    "original-publish-date",
    "originalpublicationdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "pubdate",
    "pub_date",
    "rbpubdate",
    "sailthru.date",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
    "article.created",
    "article_date",
    "created",
    "datecreated",
    "date_created",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "prism.publicationdate",
    "release_date",
    "displaydate",
];

/// Generic `<meta>` dates (`date`, Dublin Core's `dc.date`): many content management systems
/// fill them with the time the page was generated or last edited, so the article's own `<time>`
/// and date line are believed first.
pub const GENERIC_KEYS: &[&str] = &["date", "dc.date", "dcterms.date", "dc.date.issued", "dcterms.issued"];

/// `<meta>` names whose content is the last modification, used only as a last resort.
pub const MODIFIED_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "og:modified_time",
    "datemodified",
    "date_modified",
    "dc.date.modified",
    "dcterms.modified",
    "lastmod",
    "last-modified",
];

/// A date more than this far ahead of now is a placeholder or an event date, not a publication.
const FUTURE_SLACK: Duration = Duration::days(1);

/// Text longer than this is a paragraph, not a date line.
const MAX_LINE_CHARS: usize = 200;

/// How far up from the `<h1>` the article header is looked for.
const HEADER_LEVELS: usize = 4;

/// Class and id words that mark a date line, byline or post meta block (English and the
/// outlets' languages: "datum", "fecha", "data").
const DATE_LINE_HINTS: &[&str] = &[
    "date", "time", "publi", "posted", "byline", "dateline", "meta", "datum", "fecha", "data", "info", "author",
    "stamp",
];

/// Finds the page's publication date. `metas` are the page's `<meta>` tags as (lower-cased
/// key, content); `ld` the JSON-LD article object, if any.
pub fn find(tree: &Tree, page_url: Option<&Url>, ld: Option<&LdArticle>, metas: &[(String, String)]) -> Option<Found> {
    let order = DayMonth::for_lang(tree.select_matcher(&HTML).attr("lang").as_deref());
    let now = Utc::now();
    let parse = |raw: &str| date::parse_with(raw, order).filter(|d| d.with_timezone(&Utc) <= now + FUTURE_SLACK);
    let meta = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| metas.iter().filter(|(key, _)| key == k).find_map(|(_, v)| parse(v)))
    };
    let found = |source| move |date| Found { date, source };
    let day = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| zero().from_local_datetime(&t).single())
            .filter(|d| d.with_timezone(&Utc) <= now + FUTURE_SLACK)
    };

    let url_day = page_url.and_then(date::from_url_path);
    let chosen = from_page(tree, ld, order, &parse, &meta, &day);
    // A full date in the URL path is the day the CMS filed the article under: it overrides a
    // date on another day (a UTC time past midnight, a re-stamped page), and stands alone when
    // the page gives none.
    match (url_day, chosen) {
        (Some(u), Some(c)) if c.date.date_naive() != u => day(u).map(found(DateSource::Url)).or(Some(c)),
        (Some(u), None) => day(u)
            .map(found(DateSource::Url))
            .or_else(|| last_resort(tree, ld, order, &parse, &meta, &day)),
        (_, Some(c)) => Some(c),
        (None, None) => last_resort(tree, ld, order, &parse, &meta, &day),
    }
}

type Parse<'a> = &'a dyn Fn(&str) -> Option<DateTime<FixedOffset>>;
type MetaLookup<'a> = &'a dyn Fn(&[&str]) -> Option<DateTime<FixedOffset>>;
type Day<'a> = &'a dyn Fn(NaiveDate) -> Option<DateTime<FixedOffset>>;

/// Sources 1–4 and the generic `<meta>` date, in order.
fn from_page(
    tree: &Tree,
    ld: Option<&LdArticle>,
    order: DayMonth,
    parse: Parse,
    meta: MetaLookup,
    day: Day,
) -> Option<Found> {
    let found = |source| move |date| Found { date, source };
    let structured: Vec<Found> = [
        ld.and_then(|a| a.date_published.as_deref())
            .and_then(parse)
            .map(found(DateSource::JsonLd)),
        meta(PUBLISHED_KEYS).map(found(DateSource::Meta)),
        microdata(tree, parse).map(found(DateSource::Meta)),
        time_element(tree, parse).map(found(DateSource::Time)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(first) = structured.first() {
        let best = local_rendition(*first, &structured);
        return Some(shown_day(best, tree, order, day).unwrap_or(best));
    }
    date_line(tree, order)
        .and_then(day)
        .map(found(DateSource::Text))
        .or_else(|| any_time_element(tree, parse).map(found(DateSource::Time)))
        .or_else(|| meta(GENERIC_KEYS).map(found(DateSource::Meta)))
}

/// Without any source above: the modified date, else the first date in the page's visible
/// text outside its furniture.
fn last_resort(
    tree: &Tree,
    ld: Option<&LdArticle>,
    order: DayMonth,
    parse: Parse,
    meta: MetaLookup,
    day: Day,
) -> Option<Found> {
    ld.and_then(|a| a.date_modified.as_deref())
        .and_then(parse)
        .or_else(|| meta(MODIFIED_KEYS))
        .map(|date| Found {
            date,
            source: DateSource::Modified,
        })
        .or_else(|| {
            first_date_in_text(tree, order).and_then(day).map(|date| Found {
                date,
                source: DateSource::Text,
            })
        })
}

/// The first date in the visible text of the page's body, outside navigation, asides, footers
/// and lists of links.
fn first_date_in_text(tree: &Tree, order: DayMonth) -> Option<NaiveDate> {
    let body = tree.select_single_matcher(&BODY);
    let body = body.nodes().first()?;
    let mut text = String::new();
    let mut read = 0;
    for node in body.descendants_it() {
        if read > MAX_PAGE_TEXT {
            break;
        }
        if !node.is_text() {
            continue;
        }
        let parent = node.parent();
        let skip = parent.is_some_and(|p| {
            p.node_name()
                .is_some_and(|n| matches!(&*n, "script" | "style" | "noscript" | "template"))
                || in_furniture(&p, &FURNITURE)
        });
        if !skip {
            let piece = node.text();
            read += piece.len();
            text.push(' ');
            text.push_str(&piece);
            if let Some(d) = date::find_in_text(&text, order) {
                return Some(d);
            }
            // Only the tail can still join a date with the next node's text.
            if text.len() > 200 {
                let keep = text.char_indices().rev().nth(60).map_or(0, |(i, _)| i);
                text = text.split_off(keep);
            }
        }
    }
    None
}

/// How much of a page's text the last resort reads.
const MAX_PAGE_TEXT: usize = 200_000;

fn zero() -> FixedOffset {
    FixedOffset::east_opt(0).expect("zero offset")
}

/// The same instant in the outlet's own offset, when another source gives it that way (a UTC
/// `datePublished` beside a `+02:00` `article:published_time`).
fn local_rendition(best: Found, all: &[Found]) -> Found {
    if best.date.offset().local_minus_utc() != 0 {
        return best;
    }
    all.iter()
        .find(|f| f.date.offset().local_minus_utc() != 0 && (f.date - best.date).num_seconds().abs() < 60)
        .map_or(best, |f| Found {
            date: f.date,
            source: best.source,
        })
}

/// A time given in UTC falls on the outlet's previous or next day when it is late or early
/// enough; the day the page shows in its date line is then the outlet's own.
fn shown_day(best: Found, tree: &Tree, order: DayMonth, day: Day) -> Option<Found> {
    let utc = best.date.offset().local_minus_utc() == 0;
    let midnight = best.date.time() == chrono::NaiveTime::MIN;
    if !utc || midnight {
        return None;
    }
    let shown = date_line(tree, order)?;
    let apart = (shown - best.date.date_naive()).num_days().abs();
    (apart == 1).then(|| day(shown)).flatten().map(|date| Found {
        date,
        source: DateSource::Text,
    })
}

/// Microdata `itemprop="datePublished"` or RDFa `property="schema:datePublished"` (or
/// `dateCreated`) on an element other than `<meta>`: its `content` or `datetime` attribute, else
/// its text.
fn microdata(tree: &Tree, parse: &dyn Fn(&str) -> Option<DateTime<FixedOffset>>) -> Option<DateTime<FixedOffset>> {
    static MICRODATA: LazyLock<Matcher> = LazyLock::new(|| {
        selector(r#"[itemprop="datePublished" i]:not(meta), [property$="datePublished" i]:not(meta), [property$="dateCreated" i]:not(meta)"#)
    });
    tree.select_matcher(&MICRODATA)
        .nodes()
        .iter()
        .find_map(|n| {
            n.attr("content")
                .or_else(|| n.attr("datetime"))
                .and_then(|v| parse(&v))
                .or_else(|| parse(&n.text()))
        })
}

/// `<time datetime>`: one marked as the publication time (`pubdate`, a class or itemprop
/// saying so); else the earliest in the article's header (the elements around the `<h1>`), or in
/// the `<article>`.
fn time_element(tree: &Tree, parse: &dyn Fn(&str) -> Option<DateTime<FixedOffset>>) -> Option<DateTime<FixedOffset>> {
    static MARKED: LazyLock<Matcher> = LazyLock::new(|| {
        selector(r#"time[pubdate][datetime], time[class*="publish" i][datetime], time[class*="entry-date" i][datetime], time[class*="created" i][datetime], time[itemprop*="published" i][datetime]"#)
    });
    let read = |sel: Selection| -> Vec<DateTime<FixedOffset>> {
        sel.nodes()
            .iter()
            .filter_map(|n| n.attr("datetime").and_then(|d| parse(&d)))
            .collect()
    };
    if let Some(d) = read(tree.select_matcher(&MARKED)).into_iter().next() {
        return Some(d);
    }
    for scope in header_scopes(tree) {
        if let Some(d) = read(Selection::from(scope).select_matcher(&TIME)).into_iter().min() {
            return Some(d);
        }
    }
    None
}

/// The first `<time datetime>` on the page outside navigation, asides and footers.
fn any_time_element(
    tree: &Tree,
    parse: &dyn Fn(&str) -> Option<DateTime<FixedOffset>>,
) -> Option<DateTime<FixedOffset>> {
    tree.select_matcher(&TIME)
        .nodes()
        .iter()
        .filter(|n| !in_furniture(n, &FURNITURE_AND_LISTS))
        .find_map(|n| n.attr("datetime").and_then(|d| parse(&d)))
}

/// The article's header and body, nearest first: the `<h1>`'s ancestors a few levels up, then
/// `<article>` and `<main>`.
fn header_scopes<'a>(tree: &'a Tree) -> Vec<NodeRef<'a>> {
    let mut scopes = Vec::new();
    if let Some(h1) = tree.select_single_matcher(&H1).nodes().first() {
        scopes.extend(
            h1.ancestors(Some(HEADER_LEVELS))
                .into_iter()
                .filter(|a| !a.is_match(&BODY_OR_HTML)),
        );
    }
    for sel in [&*ARTICLE, &*MAIN, &*ROLE_MAIN] {
        scopes.extend(tree.select_single_matcher(sel).nodes().first().cloned());
    }
    scopes
}

/// Navigation, asides, footers and "related" boxes: dates there belong to other pages.
static FURNITURE: LazyLock<Matcher> = LazyLock::new(|| selector(r#"nav, aside, footer, [class*="related" i]"#));

/// Furniture and lists of links or teasers, where a page lists other pages with their dates.
static FURNITURE_AND_LISTS: LazyLock<Matcher> =
    LazyLock::new(|| selector(r#"nav, aside, footer, [class*="related" i], li, [class*="teaser" i]"#));

/// Inside an element matching `furniture` ([`FURNITURE`] or [`FURNITURE_AND_LISTS`]).
fn in_furniture(node: &NodeRef, furniture: &Matcher) -> bool {
    node.ancestors_it(None).any(|a| a.is_match(furniture))
}

/// Selectors used on every page, compiled once.
static HTML: LazyLock<Matcher> = LazyLock::new(|| selector("html"));
static BODY: LazyLock<Matcher> = LazyLock::new(|| selector("body"));
static BODY_OR_HTML: LazyLock<Matcher> = LazyLock::new(|| selector("body, html"));
static H1: LazyLock<Matcher> = LazyLock::new(|| selector("h1"));
static ARTICLE: LazyLock<Matcher> = LazyLock::new(|| selector("article"));
static MAIN: LazyLock<Matcher> = LazyLock::new(|| selector("main"));
static ROLE_MAIN: LazyLock<Matcher> = LazyLock::new(|| selector(r#"[role="main"]"#));
static TIME: LazyLock<Matcher> = LazyLock::new(|| selector("time[datetime]"));
/// True when `value` holds one of [`DATE_LINE_HINTS`], ASCII case ignored: one pass over its
/// bytes, trying only the hints that start with the byte at hand.
fn holds_a_hint(value: &str) -> bool {
    const STARTS: [bool; 256] = {
        let mut starts = [false; 256];
        let mut i = 0;
        while i < DATE_LINE_HINTS.len() {
            starts[DATE_LINE_HINTS[i].as_bytes()[0] as usize] = true;
            i += 1;
        }
        starts
    };
    let bytes = value.as_bytes();
    (0..bytes.len()).any(|i| {
        let first = bytes[i].to_ascii_lowercase();
        STARTS[first as usize]
            && DATE_LINE_HINTS.iter().any(|h| {
                let h = h.as_bytes();
                h[0] == first && bytes[i..].len() >= h.len() && bytes[i..i + h.len()].eq_ignore_ascii_case(h)
            })
    })
}

/// Elements whose class or id holds one of [`DATE_LINE_HINTS`] (ASCII case ignored, as CSS
/// `[class*="date" i]` would), `<time>`, and microdata naming a date (`itemprop*="date"`).
fn hints_a_date(node: &NodeRef) -> bool {
    node.query_or(false, |n| match &n.data {
        NodeData::Element(el) => {
            &*el.name.local == "time"
                || el.attrs.iter().any(|a| match &*a.name.local {
                    "class" | "id" => holds_a_hint(&a.value),
                    "itemprop" => find_ci(&a.value, "date").is_some(),
                    _ => false,
                })
        }
        _ => false,
    })
}

/// A date line near the headline or byline: in the article's header, an element whose class or
/// id speaks of a date or byline; the headline itself and the short lines around it; the start
/// of the first paragraphs after it (a dateline: "27.1.2022 – Bei der …"); then such an element
/// anywhere outside the page's furniture. Of several dates in one line the first counts: lines
/// say "Published 3 June, updated 5 June" far more often than the reverse.
fn date_line(tree: &Tree, order: DayMonth) -> Option<NaiveDate> {
    let line_date = |n: &NodeRef| {
        let text = spaced_text(n, MAX_LINE_CHARS + 1);
        if text.chars().count() > MAX_LINE_CHARS {
            return None;
        }
        date::find_in_text(&text, order)
    };
    let dateline = |n: &NodeRef| {
        let text = spaced_text(n, DATELINE_CHARS);
        date::find_in_text(&text.chars().take(DATELINE_CHARS).collect::<String>(), order)
    };
    // One walk finds every hinted element; each scope reads those inside it, in page order, and
    // an element inside several nested scopes is read once.
    let hinted: Vec<NodeRef> = tree.root().descendants_it().filter(hints_a_date).collect();
    let mut read: Vec<Option<Option<NaiveDate>>> = vec![None; hinted.len()];
    let mut hinted_date = |i: usize| *read[i].get_or_insert_with(|| line_date(&hinted[i]));
    for scope in header_scopes(tree) {
        let inside = |i: &usize| hinted[*i].ancestors_it(None).any(|a| a.id == scope.id);
        if let Some(d) = (0..hinted.len()).filter(inside).find_map(&mut hinted_date) {
            return Some(d);
        }
    }
    for h1 in tree.select_matcher(&H1).nodes().iter().take(MAX_HEADLINES) {
        if let Some(d) = line_date(h1) {
            return Some(d);
        }
        let mut node = Some(*h1);
        for _ in 0..HEADER_LEVELS {
            let Some(n) = node else { break };
            let after = std::iter::successors(n.next_element_sibling(), |s| s.next_element_sibling()).take(3);
            let before = std::iter::successors(n.prev_element_sibling(), |s| s.prev_element_sibling()).take(2);
            for s in after.chain(before) {
                if let Some(d) = line_date(&s).or_else(|| dateline(&s)) {
                    return Some(d);
                }
            }
            node = n.parent();
        }
    }
    (0..hinted.len())
        .filter(|i| !in_furniture(&hinted[*i], &FURNITURE_AND_LISTS))
        .find_map(hinted_date)
}

/// Pages with several `<h1>` (a logo, a section name, then the headline): how many are tried.
const MAX_HEADLINES: usize = 3;

/// How much of a paragraph's start can hold a dateline.
const DATELINE_CHARS: usize = 40;

/// An element's text with its text nodes joined by spaces (`<span>Mai<span>06</span>2018</span>`
/// reads "Mai 06 2018"), scripts and styles left out, stopping once past `limit` characters.
fn spaced_text(node: &NodeRef, limit: usize) -> String {
    let mut out = String::new();
    for d in node.descendants_it() {
        if out.len() > limit * 4 {
            break;
        }
        if d.is_text() {
            let in_code = d
                .parent()
                .and_then(|p| p.node_name())
                .is_some_and(|n| matches!(&*n, "script" | "style" | "noscript"));
            if !in_code {
                out.push(' ');
                out.push_str(&d.text());
            }
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
