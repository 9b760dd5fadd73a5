//! Listing pages → candidates: the links on a section front or opinion index that look like
//! article pages, for outlets whose feeds miss their opinion pieces.
//!
//! A link is kept when it is http(s), on the listing's registrable domain (so `www.` and `m.`
//! hosts count, other sites do not), not the listing itself, not an obvious non-article (tag,
//! category, author, page-N, login, subscribe, search, feeds, files) and its path looks like an
//! article: a long or hyphenated slug, a numeric id, a date in the path, or a `.html` page. Section
//! fronts such as `/opinion/` are left out: they are listings, not articles.

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{Html, Selector};
use url::Url;

use super::Candidate;

static ANCHORS: LazyLock<Selector> = LazyLock::new(|| Selector::parse("a[href]").expect("valid selector"));
static BASE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("base[href]").expect("valid selector"));

/// Path segments that mark a page as a listing, account or utility page rather than an article.
const NON_ARTICLE_SEGMENTS: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "author",
    "authors",
    "autor",
    "auteur",
    "page",
    "login",
    "logout",
    "signin",
    "sign-in",
    "signup",
    "sign-up",
    "register",
    "account",
    "profile",
    "subscribe",
    "subscription",
    "subscriptions",
    "abo",
    "abonnement",
    "newsletter",
    "newsletters",
    "search",
    "suche",
    "recherche",
    "feed",
    "feeds",
    "rss",
    "wp-admin",
    "wp-login.php",
    "cdn-cgi",
    "privacy",
    "privacy-policy",
    "terms",
    "cookies",
    "contact",
    "advertise",
    "shop",
];

/// File extensions of things that are not article pages.
const NON_ARTICLE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "pdf", "mp3", "mp4", "m4a", "zip", "xml", "rss", "atom", "json",
    "css", "js", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "epub",
];

/// Query parameters of pagination, search and sharing links.
const NON_ARTICLE_QUERY_KEYS: &[&str] = &["page", "s", "q", "query", "search", "replytocom", "share", "output"];

/// Article-looking links of a listing page, resolved against `base` (the page's URL) and the
/// page's `<base href>`, deduplicated (fragments removed), in page order.
pub fn links(html: &str, base: &Url) -> Vec<Candidate> {
    let doc = Html::parse_document(html);
    let base = doc
        .select(&BASE)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|href| base.join(href.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .unwrap_or_else(|| base.clone());
    let site = crate::canon::site(&base);
    let mut listing = base.clone();
    listing.set_fragment(None);

    let mut out: Vec<Candidate> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for a in doc.select(&ANCHORS) {
        let Some(href) = a.value().attr("href").map(str::trim) else {
            continue;
        };
        let lower_start = href.get(..11).unwrap_or(href).to_ascii_lowercase();
        if href.is_empty()
            || href.starts_with('#')
            || ["mailto:", "javascript:", "tel:", "data:", "sms:"]
                .iter()
                .any(|p| lower_start.starts_with(p))
        {
            continue;
        }
        let Ok(mut url) = base.join(href) else { continue };
        url.set_fragment(None);
        if !matches!(url.scheme(), "http" | "https") || url == listing || crate::canon::site(&url) != site {
            continue;
        }
        if !looks_like_article(&url) {
            continue;
        }
        let text: String = a.text().collect::<Vec<_>>().join(" ");
        let title =
            super::feeds::clean_text(&text).or_else(|| a.value().attr("title").and_then(super::feeds::clean_text));
        match index.get(url.as_str()) {
            // The same article is often linked twice (image, then headline): keep the first
            // position and the first non-empty title.
            Some(&i) => {
                if out[i].title.is_none() {
                    out[i].title = title;
                }
            }
            None => {
                index.insert(url.as_str().to_owned(), out.len());
                out.push(Candidate {
                    url,
                    title,
                    published: None,
                });
            }
        }
    }
    out
}

fn looks_like_article(url: &Url) -> bool {
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let Some(last) = segments.last().map(|s| s.to_ascii_lowercase()) else {
        return false; // the home page
    };
    if segments
        .iter()
        .any(|s| NON_ARTICLE_SEGMENTS.iter().any(|n| s.eq_ignore_ascii_case(n)))
    {
        return false;
    }
    if let Some((_, ext)) = last.rsplit_once('.')
        && NON_ARTICLE_EXTENSIONS.contains(&ext)
    {
        return false;
    }
    if url
        .query_pairs()
        .any(|(k, _)| NON_ARTICLE_QUERY_KEYS.iter().any(|n| k.eq_ignore_ascii_case(n)))
    {
        return false;
    }
    // `page-2`, `p2` style pagination as the last segment.
    let digits_after = |prefix: &str| {
        last.strip_prefix(prefix)
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
    };
    if digits_after("page-") || digits_after("page") || digits_after("p") {
        return false;
    }
    let longest_digit_run = last
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    let date_in_path = segments.windows(2).any(|w| {
        w[0].len() == 4
            && w[0].bytes().all(|b| b.is_ascii_digit())
            && w[1].len() <= 2
            && w[1].bytes().all(|b| b.is_ascii_digit())
    });
    let hyphens = last.matches(['-', '_']).count();
    let page_ext = [".html", ".htm", ".shtml", ".php", ".asp", ".aspx", ".ece", ".cms"]
        .iter()
        .any(|e| last.ends_with(e));
    // A one-hyphen slug under a section (`/opinion/taiwan-cybercrime`) is an article once it is
    // longer than section names such as `middle-east` or `science-tech` tend to be.
    let section_slug = segments.len() >= 2 && hyphens >= 1 && last.len() >= 16;
    last.len() >= 25
        || hyphens >= 2
        || section_slug
        || longest_digit_run >= 5
        || date_in_path
        || (page_ext && segments.len() >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_articles_and_drops_the_rest() {
        let html = r##"<html><head><base href="https://www.example.co.uk/opinion/"></head><body>
            <a href="2025/06/02/why-we-must-act"><img src="x.jpg"></a>
            <a href="2025/06/02/why-we-must-act#comments">Why we <b>must</b> act</a>
            <a href="https://m.example.co.uk/news/a-long-enough-article-slug-here">Mobile</a>
            <a href="/opinion/">Opinion</a><a href="#top">Top</a><a href="/tag/climate-change-policy">Tag</a>
            <a href="/opinion/page/2">Next</a><a href="mailto:x@example.co.uk">Mail</a>
            <a href="https://other.com/2025/06/02/why-we-must-act">Elsewhere</a>
            <a href="/files/report-2025-final.pdf">PDF</a><a href="/search?q=op-ed-on-things">Search</a>
            <a href="/news/12345678">Numeric id</a><a href="JavaScript:void(0)">JS</a></body></html>"##;
        let base = Url::parse("https://www.example.co.uk/opinion/index").unwrap();
        let got: Vec<(String, Option<String>)> = links(html, &base)
            .into_iter()
            .map(|c| (c.url.to_string(), c.title))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "https://www.example.co.uk/opinion/2025/06/02/why-we-must-act".into(),
                    Some("Why we must act".into())
                ),
                (
                    "https://m.example.co.uk/news/a-long-enough-article-slug-here".into(),
                    Some("Mobile".into())
                ),
                (
                    "https://www.example.co.uk/news/12345678".into(),
                    Some("Numeric id".into())
                ),
            ]
        );
    }

    #[test]
    fn ip_hosts_compare_exactly() {
        let base = Url::parse("http://127.0.0.1:8080/opinion/").unwrap();
        let got = links(r#"<a href="/opinion/a-republished-op-ed-on-climate">x</a>"#, &base);
        assert_eq!(got.len(), 1);
    }
}
