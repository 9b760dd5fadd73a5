//! A page's publication date: which of its sources to believe, in which order.
//!
//! The sources, best first (each one read with [`crate::date`]):
//! 1. JSON-LD: the article object's `datePublished` (else `dateCreated`);
//! 2. `<meta>` tags naming the publication date ([`PUBLISHED_KEYS`]) and microdata
//!    `itemprop=datePublished` on any element;
//! 3. `<time datetime>`: one marked as the publication time, else one in the article's header;
//! 4. a date line near the headline or byline (a short line right beside the `<h1>`, elements
//!    whose class or id speaks of a date, byline or post meta, or the lines just after the
//!    `<h1>`), in the outlets' languages;
//! 5. a data object in the page's own scripts ([`SCRIPT_KEYS`]);
//! 6. the URL path (`/2025/06/03/`);
//! 7. the last modified date (JSON-LD `dateModified`, `article:modified_time`), then a date in
//!    the page's description, then the first date in its text, as a last resort.
//!
//! Dates belonging to other pages are skipped everywhere: reader comments, quotations, related
//! boxes, teaser `<article>`s, and (outside the article's header) navigation, asides, footers
//! and lists ([`Page::elsewhere`]).
//!
//! The page's own UTC offset is kept: the date part is the outlet's own day. When two sources
//! name the same instant, one in UTC and one with the outlet's offset, the latter is kept.

use super::elements::{Elements, Tag};
use super::jsonld::LdArticle;
use super::{is_inside, selector};
use crate::date::{self, DayMonth};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use dom_query::{Document as Tree, Matcher, NodeData, NodeRef, Selection};
use serde::Serialize;
use std::cell::OnceCell;
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
    /// A key of a data object in one of the page's scripts ([`SCRIPT_KEYS`]).
    Script,
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
            DateSource::Script => "script",
            DateSource::Modified => "modified",
        }
    }
}

/// A publication date and its source.
#[derive(Debug, Clone, Copy)]
pub(super) struct Found {
    pub date: DateTime<FixedOffset>,
    pub source: DateSource,
}

/// `<meta>` names (property, name or itemprop, lower-cased) whose content is the publication
/// date, best first: Open Graph, schema.org, then the CMS- and vendor-specific ones (Dublin Core,
/// Sailthru, Parse.ly, Highwire `citation_*`), then the generic `date`.
pub(super) const PUBLISHED_KEYS: &[&str] = &[
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
pub(super) const GENERIC_KEYS: &[&str] = &["date", "dc.date", "dcterms.date", "dc.date.issued", "dcterms.issued"];

/// `<meta>` names whose content is the last modification, used only as a last resort.
pub(super) const MODIFIED_KEYS: &[&str] = &[
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

/// `<meta>` names whose content describes the page in prose; some sites write the article's
/// date there ("Notizia del 14 Gennaio 2020").
const DESCRIPTION_KEYS: &[&str] = &["description", "og:description", "twitter:description"];

/// Keys under which pages hand their own scripts the publication date, outside JSON-LD: a
/// CMS's page state, an analytics data layer, a shop's product object (`"published_at":
/// "2025-06-03T07:00:00+02:00"`). Publication first, then creation; each key is looked for in
/// every script before the next.
pub(super) const SCRIPT_KEYS: &[&str] = &[
    "datePublished",
    "date_published",
    "publishDate",
    "publish_date",
    "publishedAt",
    "published_at",
    "firstPublished",
    "firstPublishedAt",
    "first_published_at",
    "dateCreated",
    "createdAt",
    "created_at",
];

/// A script value longer than this is not a date.
const MAX_SCRIPT_VALUE: usize = 64;

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
/// `scripts` are the page's scripts other than JSON-LD (dropped before parsing), read for the
/// data objects some pages give their date to ([`SCRIPT_KEYS`]).
pub(super) fn find(
    tree: &Tree,
    elements: &Elements,
    page_url: Option<&Url>,
    ld: Option<&LdArticle>,
    metas: &[(String, String)],
    scripts: &[&str],
) -> Option<Found> {
    let lang = elements.tagged(Tag::Html).first().and_then(|html| html.attr("lang"));
    let order = DayMonth::for_lang(lang.as_deref());
    let page = &Page::new(tree, elements, order);
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
    let chosen = from_page(page, ld, &parse, &meta, &day).or_else(|| {
        script_date(scripts, &parse).map(|date| Found {
            date,
            source: DateSource::Script,
        })
    });
    // A full date in the URL path is the day the CMS filed the article under: it overrides a
    // date on another day (a UTC time past midnight, a re-stamped page), and stands alone when
    // the page gives none.
    match (url_day, chosen) {
        (Some(u), Some(c)) if c.date.date_naive() != u => day(u).map(found(DateSource::Url)).or(Some(c)),
        (Some(u), None) => day(u)
            .map(found(DateSource::Url))
            .or_else(|| last_resort(page, ld, &parse, &meta, &day, metas)),
        (_, Some(c)) => Some(c),
        (None, None) => last_resort(page, ld, &parse, &meta, &day, metas),
    }
}

type Parse<'a> = &'a dyn Fn(&str) -> Option<DateTime<FixedOffset>>;
type MetaLookup<'a> = &'a dyn Fn(&[&str]) -> Option<DateTime<FixedOffset>>;
type Day<'a> = &'a dyn Fn(NaiveDate) -> Option<DateTime<FixedOffset>>;

/// Sources 1–4 and the generic `<meta>` date, in order.
fn from_page(page: &Page, ld: Option<&LdArticle>, parse: Parse, meta: MetaLookup, day: Day) -> Option<Found> {
    let found = |source| move |date| Found { date, source };
    let sources: [&dyn Fn() -> Option<Found>; 4] = [
        &|| {
            ld.and_then(|a| a.date_published.as_deref())
                .and_then(parse)
                .map(found(DateSource::JsonLd))
        },
        &|| meta(PUBLISHED_KEYS).map(found(DateSource::Meta)),
        &|| microdata(page, parse).map(found(DateSource::Meta)),
        &|| time_element(page, parse).map(found(DateSource::Time)),
    ];
    // The later sources only matter when the first gives its time in UTC (see
    // `local_rendition` and `shown_day`), so they are not read when it does not.
    let mut structured: Vec<Found> = Vec::new();
    for source in sources {
        let Some(f) = source() else { continue };
        structured.push(f);
        if structured[0].date.offset().local_minus_utc() != 0 {
            break;
        }
    }
    if let Some(first) = structured.first() {
        let best = local_rendition(*first, &structured);
        return Some(shown_day(best, page, day).unwrap_or(best));
    }
    date_line(page)
        .and_then(day)
        .map(found(DateSource::Text))
        .or_else(|| any_time_element(page, parse).map(found(DateSource::Time)))
        .or_else(|| meta(GENERIC_KEYS).map(found(DateSource::Meta)))
}

/// Without any source above: the modified date, else a date in the page's description ("News
/// of 14 January 2020: …"), else the first date in the page's visible text outside its
/// furniture.
fn last_resort(
    page: &Page,
    ld: Option<&LdArticle>,
    parse: Parse,
    meta: MetaLookup,
    day: Day,
    metas: &[(String, String)],
) -> Option<Found> {
    ld.and_then(|a| a.date_modified.as_deref())
        .and_then(parse)
        .or_else(|| meta(MODIFIED_KEYS))
        .map(|date| Found {
            date,
            source: DateSource::Modified,
        })
        .or_else(|| {
            DESCRIPTION_KEYS
                .iter()
                .flat_map(|k| metas.iter().filter(move |(key, _)| key == k))
                .find_map(|(_, v)| date::find_in_text(v, page.order))
                .and_then(day)
                .map(|date| Found {
                    date,
                    source: DateSource::Meta,
                })
        })
        .or_else(|| {
            first_date_in_text(page).and_then(day).map(|date| Found {
                date,
                source: DateSource::Text,
            })
        })
}

/// The first date in the visible text of the page's body, outside navigation, asides, footers
/// and lists of links.
fn first_date_in_text(page: &Page) -> Option<NaiveDate> {
    let body = page.elements.tagged(Tag::Body).first()?;
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
                || page.elsewhere(&p, &FURNITURE)
        });
        if !skip {
            let piece = node.text();
            read += piece.len();
            text.push(' ');
            text.push_str(&piece);
            if let Some(d) = date::find_in_text(&text, page.order) {
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
fn shown_day(best: Found, page: &Page, day: Day) -> Option<Found> {
    let utc = best.date.offset().local_minus_utc() == 0;
    let midnight = best.date.time() == chrono::NaiveTime::MIN;
    if !utc || midnight {
        return None;
    }
    let shown = date_line(page)?;
    let apart = (shown - best.date.date_naive()).num_days().abs();
    (apart == 1).then(|| day(shown)).flatten().map(|date| Found {
        date,
        source: DateSource::Text,
    })
}

/// Microdata `itemprop="datePublished"` or RDFa `property="schema:datePublished"` (or
/// `dateCreated`) on an element other than `<meta>`: its `content` or `datetime` attribute, else
/// its text.
fn microdata(page: &Page, parse: Parse) -> Option<DateTime<FixedOffset>> {
    page.elements.attributed_matching(&MICRODATA).find_map(|n| {
        n.attr("content")
            .or_else(|| n.attr("datetime"))
            .and_then(|v| parse(&v))
            .or_else(|| parse(&n.text()))
    })
}

/// `<time datetime>`: one marked as the publication time (`pubdate`, a class or itemprop
/// saying so); else the earliest in the article's header (the elements around the `<h1>`), or in
/// the `<article>`.
fn time_element(page: &Page, parse: Parse) -> Option<DateTime<FixedOffset>> {
    let read = |times: &mut dyn Iterator<Item = &NodeRef>, furniture: &Matcher| -> Vec<DateTime<FixedOffset>> {
        times
            .filter(|n| !page.elsewhere(n, furniture))
            .filter_map(|n| n.attr("datetime").and_then(|d| parse(&d)))
            .collect()
    };
    let marked = &mut page.elements.tagged_matching(Tag::Time, &MARKED_TIME);
    if let Some(d) = read(marked, &FURNITURE_AND_LISTS).into_iter().next() {
        return Some(d);
    }
    for scope in page.header_scopes() {
        let inside = &mut page
            .elements
            .tagged_matching(Tag::Time, &TIME)
            .filter(|n| is_inside(n, &scope));
        if let Some(d) = read(inside, &INNER_FURNITURE).into_iter().min() {
            return Some(d);
        }
    }
    None
}

/// The first `<time datetime>` on the page outside navigation, asides and footers.
fn any_time_element(page: &Page, parse: Parse) -> Option<DateTime<FixedOffset>> {
    page.elements
        .tagged_matching(Tag::Time, &TIME)
        .filter(|n| !page.elsewhere(n, &FURNITURE_AND_LISTS))
        .find_map(|n| n.attr("datetime").and_then(|d| parse(&d)))
}

/// The parsed page and what the date finder works out about it once: the numeric date order
/// its language implies, its headline and the `<article>` elements that hold it.
struct Page<'a> {
    tree: &'a Tree,
    /// The elements the date sources are read from, gathered once ([`Elements`]).
    elements: &'a Elements<'a>,
    order: DayMonth,
    /// The `<h1>` elements that can be the headline, in page order (see [`Page::new`]).
    headlines: Vec<NodeRef<'a>>,
    /// The first headline's ancestors, nearest first: they hold the article, so are never
    /// furniture, whatever their class says (`class="comment-header"` on an opinion column).
    headline_path: Vec<NodeRef<'a>>,
    /// Those of them that are `<article>` elements: any other `<article>` on the page is a
    /// teaser for another page.
    own_articles: Vec<NodeRef<'a>>,
    /// The page's date-line candidates ([`is_hinted`]) in page order, found in one walk the
    /// first time they are asked for.
    hinted: OnceCell<Vec<NodeRef<'a>>>,
}

impl<'a> Page<'a> {
    /// Finds the headlines: the page's `<h1>` elements but the site's logo (an `<h1>` whose
    /// class or id, or a descendant's, speaks of a logo, or that links to the site's home with
    /// `rel="home"`/`"start"`), which many templates wrap in an `<h1>`.
    fn new(tree: &'a Tree, elements: &'a Elements<'a>, order: DayMonth) -> Page<'a> {
        let headlines: Vec<NodeRef<'a>> = elements
            .tagged(Tag::H1)
            .iter()
            .filter(|h| !h.is_match(&LOGO) && Selection::from(**h).select_matcher(&LOGO).is_empty())
            .cloned()
            .collect();
        let headline_path: Vec<NodeRef<'a>> = headlines.first().map_or_else(Vec::new, |h| h.ancestors(None));
        let own_articles = headline_path
            .iter()
            .filter(|a| a.node_name().as_deref() == Some("article"))
            .cloned()
            .collect();
        Page {
            tree,
            elements,
            order,
            headlines,
            headline_path,
            own_articles,
            hinted: OnceCell::new(),
        }
    }

    /// The page's date-line candidates ([`is_hinted`]), in page order.
    fn hinted(&self) -> &[NodeRef<'a>] {
        self.hinted.get_or_init(|| {
            let mut lower = String::new();
            let root = self.tree.root();
            let mut hinted = root.descendants_it();
            std::iter::from_fn(|| hinted.find(|n| is_hinted(n, &mut lower))).collect()
        })
    }

    /// The date-line candidates inside `scope` (not `scope` itself), in page order.
    fn hinted_in(&self, scope: &NodeRef<'a>) -> impl Iterator<Item = &NodeRef<'a>> {
        self.hinted().iter().filter(move |n| is_inside(n, scope))
    }

    /// The article's header and body, nearest first: the headline's ancestors a few levels up,
    /// then its `<article>` (else the page's first), and `<main>`.
    fn header_scopes(&self) -> Vec<NodeRef<'a>> {
        let mut scopes = Vec::new();
        if let Some(h1) = self.headlines.first() {
            scopes.extend(
                h1.ancestors(Some(HEADER_LEVELS))
                    .into_iter()
                    .filter(|a| !a.is_match(&BODY_OR_HTML)),
            );
        }
        let article = self.own_articles.first().cloned();
        scopes.extend(article.or_else(|| self.elements.tagged(Tag::Article).first().cloned()));
        scopes.extend(self.elements.tagged(Tag::Main).first().cloned());
        scopes
    }

    /// The element belongs to something other than the article: it or an ancestor that does
    /// not hold the headline matches `furniture` ([`FURNITURE`], [`INNER_FURNITURE`] or
    /// [`FURNITURE_AND_LISTS`]), is a comment thread ([`is_comment`]), or is an `<article>` (a
    /// teaser), when the headline is inside one.
    fn elsewhere(&self, node: &NodeRef, furniture: &Matcher) -> bool {
        let has_headline = !self.own_articles.is_empty();
        std::iter::once(*node)
            .chain(node.ancestors_it(None))
            .filter(|a| a.is_element() && !self.headline_path.iter().any(|h| h.id == a.id))
            .any(|a| {
                is_comment(&a) || a.is_match(furniture) || (has_headline && a.node_name().as_deref() == Some("article"))
            })
    }
}

/// Navigation, asides, footers, "related" boxes and quotations (an embedded post is a
/// `<blockquote>`): dates there belong to other pages. Comment threads too ([`is_comment`]).
static FURNITURE: LazyLock<Matcher> =
    LazyLock::new(|| selector(r#"nav, aside, footer, blockquote, [class*="related" i]"#));

/// What is never the article's own even inside its header or body: "related" boxes and
/// quotations (comment threads too, see [`in_furniture`]). Asides and footers there often hold
/// the article's own date line ("Posted on …" in an `<aside class="post-meta">`).
static INNER_FURNITURE: LazyLock<Matcher> = LazyLock::new(|| selector(r#"blockquote, [class*="related" i]"#));

/// Furniture and lists of links or teasers, where a page lists other pages with their dates.
static FURNITURE_AND_LISTS: LazyLock<Matcher> =
    LazyLock::new(|| selector(r#"nav, aside, footer, blockquote, [class*="related" i], li, [class*="teaser" i]"#));

// The page's other selectors, compiled once (not per page, nor per scope or ancestor).
/// A site's logo, which many templates wrap in an `<h1>`.
static LOGO: LazyLock<Matcher> =
    LazyLock::new(|| selector(r#"[class*="logo" i], [id*="logo" i], a[rel~="home" i], a[rel~="start" i]"#));
static BODY_OR_HTML: LazyLock<Matcher> = LazyLock::new(|| selector("body, html"));
static MICRODATA: LazyLock<Matcher> = LazyLock::new(|| {
    selector(
        r#"[itemprop="datePublished" i]:not(meta), [property$="datePublished" i]:not(meta), [property$="dateCreated" i]:not(meta)"#,
    )
});
static MARKED_TIME: LazyLock<Matcher> = LazyLock::new(|| {
    selector(
        r#"time[pubdate][datetime], time[class*="publish" i][datetime], time[class*="entry-date" i][datetime], time[class*="created" i][datetime], time[itemprop*="published" i][datetime]"#,
    )
});
static TIME: LazyLock<Matcher> = LazyLock::new(|| selector("time[datetime]"));
/// [`DATE_LINE_HINTS`] as substring searchers, built once (building one costs more than a
/// search); "date" comes first, for `itemprop`.
static HINT_FINDERS: LazyLock<Vec<memchr::memmem::Finder<'static>>> =
    LazyLock::new(|| DATE_LINE_HINTS.iter().map(memchr::memmem::Finder::new).collect());

/// True for an element whose class or id speaks of a date or byline ([`DATE_LINE_HINTS`], in
/// any case, anywhere in the value), a `<time>`, or an `itemprop` that speaks of a date.
/// `lower` is a buffer the attribute values are lower-cased into.
fn is_hinted(node: &NodeRef, lower: &mut String) -> bool {
    node.query_or(false, |n| {
        let NodeData::Element(el) = &n.data else { return false };
        if &*el.name.local == "time" {
            return true;
        }
        el.attrs.iter().any(|a| {
            let hints: &[memchr::memmem::Finder] = match &*a.name.local {
                "class" | "id" => &HINT_FINDERS,
                "itemprop" => &HINT_FINDERS[..1],
                _ => return false,
            };
            lower.clear();
            lower.push_str(&a.value);
            lower.make_ascii_lowercase();
            hints.iter().any(|h| h.find(lower.as_bytes()).is_some())
        })
    })
}

/// A reader's comment or a comment thread: a class or id word (split at anything but letters
/// and digits) starting with "comment" but not "commentar" (an opinion column, "commentary"),
/// Disqus's blocks, or schema.org's `itemprop="comment"`. Comment dates are the readers', later
/// than the article's.
fn is_comment(node: &NodeRef) -> bool {
    let word = |w: &str| {
        let w = w.to_ascii_lowercase();
        (w.starts_with("comment") && !w.starts_with("commentar")) || w == "disqus"
    };
    ["class", "id"].iter().any(|attr| {
        node.attr(attr)
            .is_some_and(|v| v.split(|c: char| !c.is_alphanumeric()).any(word))
    }) || node
        .attr("itemprop")
        .is_some_and(|v| v.split_whitespace().any(|w| w == "comment"))
}

/// A date line near the headline or byline: in the article's header, an element whose class or
/// id speaks of a date or byline; the headline itself and the short lines around it; the start
/// of the first paragraphs after it (a dateline: "27.1.2022 – Bei der …"); then such an element
/// anywhere outside the page's furniture. Of several dates in one line the first counts: lines
/// say "Published 3 June, updated 5 June" far more often than the reverse.
fn date_line(page: &Page) -> Option<NaiveDate> {
    let order = page.order;
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
    // A short line right before or after the headline, beside it in the same parent.
    if let Some(h1) = page.headlines.first() {
        let beside = [h1.next_element_sibling(), h1.prev_element_sibling()];
        if let Some(d) = beside.iter().flatten().find_map(line_date) {
            return Some(d);
        }
    }
    for scope in page.header_scopes() {
        if let Some(d) = page
            .hinted_in(&scope)
            .filter(|n| !page.elsewhere(n, &INNER_FURNITURE))
            .find_map(line_date)
        {
            return Some(d);
        }
    }
    for h1 in page.headlines.iter().copied().take(MAX_HEADLINES) {
        if let Some(d) = line_date(&h1) {
            return Some(d);
        }
        let mut node = Some(h1);
        for _ in 0..HEADER_LEVELS {
            let Some(n) = node else { break };
            let after = std::iter::successors(n.next_element_sibling(), |s| s.next_element_sibling()).take(3);
            let before = std::iter::successors(n.prev_element_sibling(), |s| s.prev_element_sibling()).take(2);
            for s in after.chain(before).filter(|s| !page.elsewhere(s, &INNER_FURNITURE)) {
                if let Some(d) = line_date(&s).or_else(|| dateline(&s)) {
                    return Some(d);
                }
            }
            node = n.parent();
        }
    }
    page.hinted()
        .iter()
        .filter(|n| !page.elsewhere(n, &FURNITURE_AND_LISTS))
        .find_map(line_date)
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

/// The first value under one of [`SCRIPT_KEYS`] (key order first, then page order) that reads
/// as a date: `"key": "value"`, also inside a JSON string (`\"key\":\"value\"`). Each key is
/// found with a substring search, not by parsing the scripts.
fn script_date(scripts: &[&str], parse: Parse) -> Option<DateTime<FixedOffset>> {
    SCRIPT_KEYS.iter().find_map(|key| {
        let finder = memchr::memmem::Finder::new(key.as_bytes());
        scripts.iter().find_map(|script| {
            finder
                .find_iter(script.as_bytes())
                .find_map(|at| script_value(script, at, key.len()).and_then(parse))
        })
    })
}

/// The string value after the key found at `at` (`len` bytes long), when the key is quoted
/// whole and followed by a colon.
fn script_value(script: &str, at: usize, len: usize) -> Option<&str> {
    let bytes = script.as_bytes();
    if at == 0 || bytes[at - 1] != b'"' {
        return None;
    }
    let rest = script[at + len..].strip_prefix('\\').unwrap_or(&script[at + len..]);
    let rest = rest.strip_prefix('"')?.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('\\').unwrap_or(rest).strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    (end <= MAX_SCRIPT_VALUE).then(|| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::DateSource;
    use url::Url;

    #[test]
    fn itemprop_is_searched_for_the_first_hint_which_is_date() {
        assert_eq!(super::DATE_LINE_HINTS[0], "date");
    }

    /// One row per rule: (what, page HTML, expected day or "" for none, expected source).
    const RULES: &[(&str, &str, &str, Option<DateSource>)] = &[
        (
            "a reader's comment is not the article's time",
            r#"<html lang="en"><article><h1>Ferry</h1><p>The ferry leaves earlier.</p>
               <div class="comment-list"><time datetime="2025-06-05T10:00:00Z">June 5</time></div></article>
               <p class="dateline">June 3, 2025</p>"#,
            "2025-06-03",
            Some(DateSource::Text),
        ),
        (
            "comment dates alone give no date",
            r#"<h1>Ferry</h1><p>The ferry leaves earlier.</p>
               <ol id="comments"><li><div class="comment-meta">5 June 2025 at 11:21</div></li></ol>"#,
            "",
            None,
        ),
        (
            "an embedded post in a blockquote keeps its own time",
            r#"<html lang="de"><article><h1>Fähre</h1><div class="meta">3. Juni 2025</div>
               <blockquote class="instagram-media"><time datetime="2018-03-12T19:30:00+00:00">12. März 2018</time></blockquote></article>"#,
            "2025-06-03",
            Some(DateSource::Text),
        ),
        (
            "a marked time in a sidebar list is another page's",
            r#"<article><h1>Ferry</h1><p class="publication"><time datetime="2025-06-03T10:00:00Z">3 June</time></p></article>
               <div class="sidebar"><ul><li><article><time pubdate datetime="2025-06-20T08:00:00Z">20 June</time></article></li></ul></div>"#,
            "2025-06-03",
            Some(DateSource::Time),
        ),
        (
            "a teaser article beside the headline's article",
            r#"<html lang="en-GB"><main><article><h1>Ferry</h1><p class="byline">By Mara Ellison, 3 June 2025</p><p>Text.</p></article>
               <div class="more"><article><h2>Bridge</h2><time pubdate datetime="2025-06-20">20 June</time></article></div></main>"#,
            "2025-06-03",
            Some(DateSource::Text),
        ),
        (
            "the site's logo in an <h1> is not the headline",
            r#"<html lang="en-GB"><header><h1><a href="/" rel="home">Coastal Times</a></h1><span>Friday 20 June 2025</span></header>
               <div><h1>Ferry</h1><p>3 June 2025</p><p>The ferry leaves earlier from September.</p></div>"#,
            "2025-06-03",
            Some(DateSource::Text),
        ),
        (
            "the line beside the headline before a dated link further off",
            r#"<div class="content"><h1>Ferry</h1><p><em>03.06.2025</em></p><p>Text.</p>
               <ul><li><a class="publication" href="/press/34">Press release of 1 June 2025</a></li></ul></div>"#,
            "2025-06-03",
            Some(DateSource::Text),
        ),
        (
            "a block that holds the headline is never furniture, whatever its class",
            r#"<div class="PageArticle_commentHeader"><article><h1>Opinion</h1>
               <div class="publishDate">3 June 2025</div></article></div><div id="comments"><p class="date">9 June 2025</p></div>"#,
            "2025-06-03",
            Some(DateSource::Text),
        ),
        (
            "a shop's product object in a script",
            r#"<h1>Coffee</h1><script>var product = {"title":"Sidamo","published_at":"2025-06-03T06:22:28+02:00"};</script>"#,
            "2025-06-03",
            Some(DateSource::Script),
        ),
        (
            "a page state escaped inside a JSON string",
            r#"<h1>Ferry</h1><script>window.__STATE__ = JSON.parse("{\"story\":{\"datePublished\":\"2025-06-03T07:00:00Z\"}}")</script>"#,
            "2025-06-03",
            Some(DateSource::Script),
        ),
        (
            "publication keys before creation keys, whatever their order in the script",
            r#"<h1>Photo</h1><script>{"created_at":"2025-05-01T09:00:00Z","publishDate":"2025-06-03T09:00:00Z"}</script>"#,
            "2025-06-03",
            Some(DateSource::Script),
        ),
        (
            "a key that only ends like one is not it",
            r#"<h1>Ferry</h1><script>{"last_published_at":"2025-06-09T00:00:00Z","publishDateTime":"x"}</script>"#,
            "",
            None,
        ),
        (
            "a date in the page's description",
            r#"<html lang="it"><meta name="description" content="Orsi: un anno da record (Comunicato del 3 giugno 2025)"><h1>Orsi</h1>"#,
            "2025-06-03",
            Some(DateSource::Meta),
        ),
    ];

    #[test]
    fn each_rule_gives_the_article_its_own_day() {
        let url = Url::parse("https://news.example/story").unwrap();
        for (what, html, day, source) in RULES {
            let doc = crate::extract::extract(html, Some(&url));
            let got = doc.published.map(|d| d.date_naive().to_string()).unwrap_or_default();
            assert_eq!(&got, day, "{what}");
            assert_eq!(doc.published_from, *source, "{what}");
        }
    }
}
