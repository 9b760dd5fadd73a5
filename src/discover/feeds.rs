//! An outlet's sources found from its homepage, for outlets configured with a homepage only.
//!
//! In this order, every request through the one polite fetcher:
//! 1. `<link rel="alternate">` feeds (RSS, Atom, JSON Feed) on the homepage, and on the opinion or
//!    section page the homepage links to ([`OPINION_SEGMENTS`]): the opinion page's own feed
//!    comes first, as it carries op-eds a front-page feed often leaves out;
//! 2. the `Sitemap:` lines of the site's robots.txt (RFC 9309 §2.3.5 leaves them to the file);
//! 3. when robots.txt names none, `/sitemap.xml` (or `/sitemap_index.xml`), and a news sitemap
//!    (Google News sitemap paths) when none of the sitemaps is one;
//! 4. when no page declares a feed, the common feed paths ([`COMMON_FEED_PATHS`]), the first that
//!    parses as a feed;
//! 5. when nothing else is found, the section page and the homepage themselves as listing pages.
//!
//! Probed paths are kept only when they parse as what they should be; declared ones (link tags,
//! robots.txt) are kept as declared and their health shows in `pickup status` once polled.

use super::DiscoveredSources;
use crate::crawl::robots::{self, RobotsCache};
use crate::crawl::{Fetcher, Want, charset};
use chrono::{DateTime, TimeDelta, Utc};
use scraper::{Html, Selector};
use std::sync::LazyLock;
use url::Url;

/// How long discovered sources are trusted before the homepage is read again: sites rarely
/// move their feeds, and a week keeps discovery at a few requests per outlet per week.
pub(crate) const REDISCOVER_AFTER: TimeDelta = TimeDelta::days(7);

/// Feeds kept per outlet: the opinion page's and the homepage's main ones. A site declaring
/// twenty category feeds would otherwise cost twenty requests every run.
const MAX_FEEDS: usize = 3;

/// Sitemaps kept per outlet (robots.txt of big sites lists dozens: video, images, archives).
const MAX_SITEMAPS: usize = 3;

/// Where sites usually serve a feed, tried in order when no page declares one: WordPress
/// (`/feed`), common CMS and static-site paths, Blogger.
pub(crate) const COMMON_FEED_PATHS: &[&str] = &[
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feeds/posts/default",
];

/// Sitemap paths tried when robots.txt names none.
const SITEMAP_PATHS: &[&str] = &["/sitemap.xml", "/sitemap_index.xml"];

/// Google News sitemap paths tried when no sitemap found is a news sitemap.
const NEWS_SITEMAP_PATHS: &[&str] = &["/news-sitemap.xml", "/sitemap-news.xml", "/sitemap_news.xml"];

/// Path segments of opinion and comment sections, in the languages of the outlets pickup
/// meets most: a link from the homepage to one of them is the section page read for feeds.
pub(crate) const OPINION_SEGMENTS: &[&str] = &[
    "opinion",
    "opinions",
    "op-ed",
    "op-eds",
    "oped",
    "commentary",
    "comment",
    "editorial",
    "editorials",
    "columns",
    "columnists",
    "views",
    "viewpoints",
    "perspectives",
    "voices",
    "ideas",
    "analysis",
    "opinion-analysis",
    "meinung",
    "kommentar",
    "kommentare",
    "standpunkte",
    "opinión",
    "opinion-y-analisis",
    "columnas",
    "opiniao",
    "opinião",
    "opinione",
    "opinioni",
    "opinie",
    "opini",
    "tribune",
    "tribunes",
    "idees",
    "idées",
    "debat",
    "débats",
    "forum",
];

static ALTERNATE: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse(r#"link[rel~="alternate"][href]"#).expect("valid selector"));
static ANCHORS: LazyLock<Selector> = LazyLock::new(|| Selector::parse("a[href]").expect("valid selector"));

/// True when sources discovered at `checked` from `homepage` are still good for `outlet_home`.
pub(crate) fn is_fresh(found: &DiscoveredSources, outlet_home: &Url, now: DateTime<Utc>) -> bool {
    found.homepage == outlet_home.as_str() && found.checked.is_some_and(|c| now - c < REDISCOVER_AFTER)
}

/// What one HTML page declares: its feeds, and the best opinion or section page it links to.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct PageLinks {
    /// `<link rel="alternate">` feeds, in page order.
    pub feeds: Vec<Url>,
    /// The same-site link whose path is shortest among those with an opinion segment.
    pub section: Option<Url>,
}

/// Reads the feeds a page declares and its opinion or section link.
pub(crate) fn page_links(html: &str, base: &Url) -> PageLinks {
    let doc = Html::parse_document(html);
    let mut feeds: Vec<Url> = Vec::new();
    for link in doc.select(&ALTERNATE) {
        let ty = link.value().attr("type").unwrap_or("").to_ascii_lowercase();
        let is_feed = ty.contains("rss") || ty.contains("atom") || ty.contains("feed+json") || ty == "application/json";
        let Some(href) = link.value().attr("href").map(str::trim) else {
            continue;
        };
        if !is_feed {
            continue;
        }
        if let Ok(u) = base.join(href)
            && matches!(u.scheme(), "http" | "https")
            && !feeds.contains(&u)
        {
            feeds.push(u);
        }
    }
    let site = crate::canon::site(base);
    let mut section: Option<Url> = None;
    for a in doc.select(&ANCHORS) {
        let Some(Ok(mut u)) = a.value().attr("href").map(|h| base.join(h.trim())) else {
            continue;
        };
        u.set_fragment(None);
        if !matches!(u.scheme(), "http" | "https") || crate::canon::site(&u) != site {
            continue;
        }
        let segments: Vec<String> = u
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).map(|s| s.to_lowercase()).collect())
            .unwrap_or_default();
        // A section front ends in the section's name, one or two segments deep (`/opinion/`,
        // `/news/opinion/`); `/opinion/some-article` is an article in the section.
        let opinion = segments.len() <= 2
            && segments
                .last()
                .is_some_and(|s| OPINION_SEGMENTS.contains(&s.trim_end_matches(".html")));
        if opinion && section.as_ref().is_none_or(|s| u.path().len() < s.path().len()) {
            section = Some(u);
        }
    }
    PageLinks { feeds, section }
}

/// Discovers the sources of the outlet at `homepage`. `robots_cache` is where the fetcher keeps
/// robots.txt (the store, in a run): the file it already fetched is read from there.
///
/// # Errors
/// The homepage's fetch error, as a message: without the homepage nothing can be discovered,
/// and the caller tries again next run.
pub(crate) async fn discover(
    fetcher: &Fetcher,
    robots_cache: &dyn RobotsCache,
    user_agent: &str,
    homepage: &Url,
    now: DateTime<Utc>,
) -> Result<DiscoveredSources, String> {
    let home = fetcher
        .get(homepage, Want::Page, None)
        .await
        .map_err(|e| e.to_string())?;
    let html = charset::decode_html(&home.body, home.content_type.as_deref(), Some(&home.url));
    let home_links = page_links(&html, &home.url);
    drop(html);

    let mut feeds: Vec<Url> = Vec::new();
    if let Some(section) = &home_links.section {
        match fetcher.get(section, Want::Page, None).await {
            Ok(page) => {
                let html = charset::decode_html(&page.body, page.content_type.as_deref(), Some(&page.url));
                feeds.extend(page_links(&html, &page.url).feeds);
            }
            Err(e) => tracing::info!("discovery: {e}"),
        }
    }
    for f in home_links.feeds {
        if !feeds.contains(&f) {
            feeds.push(f);
        }
    }
    feeds.truncate(MAX_FEEDS);

    let mut sitemaps = robots_sitemaps(fetcher, robots_cache, user_agent, &home.url).await;
    sitemaps.truncate(MAX_SITEMAPS);
    if sitemaps.is_empty()
        && let Some(found) = first_parsing(fetcher, &home.url, SITEMAP_PATHS, Kind::Sitemap).await
    {
        sitemaps.push(found);
    }
    if !sitemaps
        .iter()
        .any(|s| s.as_str().to_ascii_lowercase().contains("news"))
        && let Some(found) = first_parsing(fetcher, &home.url, NEWS_SITEMAP_PATHS, Kind::Sitemap).await
    {
        sitemaps.push(found);
    }
    if feeds.is_empty()
        && let Some(found) = first_parsing(fetcher, &home.url, COMMON_FEED_PATHS, Kind::Feed).await
    {
        feeds.push(found);
    }
    let mut listings = Vec::new();
    if feeds.is_empty() && sitemaps.is_empty() {
        listings.extend(home_links.section);
        listings.push(home.url.clone());
    }
    let strings = |v: Vec<Url>| v.into_iter().map(String::from).collect();
    Ok(DiscoveredSources {
        homepage: homepage.to_string(),
        checked: Some(now),
        feeds: strings(feeds),
        sitemaps: strings(sitemaps),
        listings: strings(listings),
        note: None,
    })
}

/// The `Sitemap:` lines of the robots.txt that governs `url`: from the cache the fetcher
/// filled, else fetched (when robots.txt is not obeyed, the fetcher never read it).
async fn robots_sitemaps(fetcher: &Fetcher, cache: &dyn RobotsCache, user_agent: &str, url: &Url) -> Vec<Url> {
    let body = match cache.load(&robots::origin_of(url)) {
        Some(cached) if (200..300).contains(&cached.status) => cached.body.into_bytes(),
        Some(_) => return Vec::new(),
        None => match fetcher.get(&robots::robots_url(url), Want::Page, None).await {
            Ok(f) => f.body,
            Err(_) => return Vec::new(),
        },
    };
    let agent = robots::agent_token(user_agent);
    let Ok(parsed) = texting_robots::Robot::new(agent, &body) else {
        return Vec::new();
    };
    let mut out: Vec<Url> = Vec::new();
    for s in parsed.sitemaps {
        if let Ok(u) = url.join(s.trim())
            && matches!(u.scheme(), "http" | "https")
            && !out.contains(&u)
        {
            out.push(u);
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Kind {
    Feed,
    Sitemap,
}

/// The first of `paths` on the site of `base` that answers with a document parsing as `kind`
/// with at least one entry.
async fn first_parsing(fetcher: &Fetcher, base: &Url, paths: &[&str], kind: Kind) -> Option<Url> {
    for path in paths {
        let Ok(url) = base.join(path) else { continue };
        let Ok(f) = fetcher.get(&url, Want::Feed, None).await else {
            continue;
        };
        let ct = f.content_type.as_deref();
        let ok = match kind {
            Kind::Feed => crate::crawl::feeds::parse(&f.body, ct, &f.url).is_ok_and(|c| !c.is_empty()),
            Kind::Sitemap => crate::crawl::sitemaps::parse(&f.body, ct, &f.url)
                .is_ok_and(|s| !s.pages.is_empty() || !s.children.is_empty()),
        };
        if ok {
            return Some(url);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_declares_its_feeds_and_links_its_opinion_section() {
        let base = Url::parse("https://www.example.de/").unwrap();
        let html = r#"<html><head>
            <link rel="alternate" type="application/rss+xml" href="/rss.xml">
            <link rel="alternate" type="application/atom+xml" href="https://www.example.de/atom">
            <link rel="alternate" hreflang="en" href="/en/">
            <link rel="stylesheet" href="/s.css">
            </head><body>
            <a href="/meinung/2021/11/ein-langer-artikel-ueber-etwas">story</a>
            <a href="https://www.example.de/politik/meinung/">Meinung</a>
            <a href="/meinung/">Meinung</a>
            <a href="https://other.de/opinion/">elsewhere</a>
            </body></html>"#;
        let links = page_links(html, &base);
        assert_eq!(
            links.feeds.iter().map(Url::as_str).collect::<Vec<_>>(),
            ["https://www.example.de/rss.xml", "https://www.example.de/atom"]
        );
        assert_eq!(links.section.unwrap().as_str(), "https://www.example.de/meinung/");
    }
}
