//! Page metadata read from the parsed tree: canonical and AMP URLs, title, byline, date, language.

use super::elements::{Elements, Tag};
use super::jsonld::LdArticle;
use super::{date, lang, selector};
use dom_query::{Document as Tree, Matcher, NodeRef};
use std::sync::LazyLock;
use url::Url;

static CANONICAL: LazyLock<Matcher> = LazyLock::new(|| selector(r#"link[rel~="canonical" i][href]"#));
static AMPHTML: LazyLock<Matcher> = LazyLock::new(|| selector(r#"link[rel~="amphtml" i][href]"#));
/// Author links and microdata, then the class names templates give bylines.
static AUTHOR: LazyLock<Matcher> = LazyLock::new(|| selector(r#"[rel~="author"], [itemprop="author"]"#));
static BYLINE: LazyLock<Matcher> = LazyLock::new(|| selector(".byline, .author-name, .article-author"));

/// Metadata found on a page; every field may be missing.
#[derive(Debug, Default)]
pub(super) struct Meta {
    pub canonical_url: Option<Url>,
    pub amp_url: Option<Url>,
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<date::Found>,
    pub language: Option<String>,
}

/// Reads every metadata field from the page's `elements` (gathered from `tree`); `ld` is the
/// page's JSON-LD article object, if any; `scripts` the page's other scripts (see [`date::find`]).
pub(super) fn read(
    tree: &Tree,
    elements: &Elements,
    page_url: Option<&Url>,
    ld: Option<&LdArticle>,
    scripts: &[&str],
) -> Meta {
    let metas = meta_tags(elements);
    let get = |key: &str| metas.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let site_name = get("og:site_name").or_else(|| get("application-name"));

    // A home page or section front in these (a CMS template's) cannot stand for the article.
    let canonical_url = [
        link_href(elements, &CANONICAL, page_url),
        get("og:url").and_then(|u| resolve(u, page_url)),
        ld.and_then(|a| a.url.as_deref()).and_then(|u| resolve(u, page_url)),
    ]
    .into_iter()
    .flatten()
    .find(|u| !crate::canon::is_front_page(u, page_url));
    let title_host = canonical_url
        .as_ref()
        .or(page_url)
        .and_then(Url::host_str)
        .map(str::to_string);

    // The first candidate that is more than the site's name (templates fill og:title or
    // <title> with the brand alone).
    // Read lazily: most pages name their headline in `og:title`.
    let candidates: [&dyn Fn() -> Option<String>; 5] = [
        &|| get("og:title").map(str::to_string),
        &|| get("twitter:title").map(str::to_string),
        &|| ld.and_then(|a| a.headline.clone()),
        &|| first_text(elements.tagged(Tag::H1)),
        &|| first_text(elements.tagged(Tag::Title)),
    ];
    let title = candidates
        .iter()
        .filter_map(|candidate| candidate())
        .map(|t| strip_site_suffix(&collapse_spaces(&t), site_name, title_host.as_deref()))
        .find(|t| !t.is_empty() && !names_only_the_site(t, site_name, title_host.as_deref()));

    let byline = ld
        .and_then(|a| a.author.clone())
        .or_else(|| get("author").filter(|a| !a.contains("://")).map(str::to_string))
        .or_else(|| first_text(elements.attributed_matching(&AUTHOR)))
        .or_else(|| first_text(tree.select_matcher(&BYLINE).nodes()))
        .and_then(|b| clean_byline(&b));

    let published = date::find(tree, elements, page_url, ld, &metas, scripts);

    let language = elements
        .tagged(Tag::Html)
        .first()
        .and_then(|html| html.attr("lang"))
        .and_then(|l| lang::normalize(&l))
        .or_else(|| get("content-language").and_then(lang::normalize))
        .or_else(|| get("og:locale").and_then(lang::normalize));

    Meta {
        canonical_url,
        amp_url: link_href(elements, &AMPHTML, page_url),
        title,
        byline,
        published,
        language,
    }
}

/// Every `<meta>` as (lower-cased property / name / itemprop / http-equiv, trimmed content).
fn meta_tags(elements: &Elements) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for node in elements.tagged(Tag::Meta) {
        let Some(content) = node.attr("content") else { continue };
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        for attr in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(key) = node.attr(attr) {
                out.push((key.trim().to_ascii_lowercase(), content.to_string()));
            }
        }
    }
    out
}

/// The first `<link rel=…>` of a relation ([`CANONICAL`], [`AMPHTML`]), resolved.
fn link_href(elements: &Elements, link: &Matcher, page_url: Option<&Url>) -> Option<Url> {
    elements
        .tagged_matching(Tag::Link, link)
        .find_map(|n| n.attr("href").and_then(|h| resolve(&h, page_url)))
}

/// Resolves a link against the page URL; without one, only absolute links are kept.
/// Only http(s) URLs are meaningful as canonical or AMP addresses.
fn resolve(href: &str, page_url: Option<&Url>) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let url = match page_url {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The text of the first of `nodes` with any, whitespace collapsed.
fn first_text<'n, 'a: 'n>(nodes: impl IntoIterator<Item = &'n NodeRef<'a>>) -> Option<String> {
    nodes
        .into_iter()
        .map(|n| collapse_spaces(&n.text()))
        .find(|t| !t.is_empty())
}

pub(super) fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops a "By " prefix and rejects what is clearly not a name list (too long, empty).
fn clean_byline(raw: &str) -> Option<String> {
    let b = collapse_spaces(raw);
    let b = ["By ", "by ", "BY "]
        .iter()
        .find_map(|p| b.strip_prefix(p))
        .unwrap_or(&b)
        .trim();
    (!b.is_empty() && b.chars().count() <= 120).then(|| b.to_string())
}

/// Strips a trailing " | Site Name" only when it is safe: the tail names the site (its
/// `og:site_name`, or its host's name) and what remains still reads as a headline.
fn strip_site_suffix(title: &str, site_name: Option<&str>, host: Option<&str>) -> String {
    const SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " » "];
    let Some((head, tail)) = SEPARATORS
        .iter()
        .filter_map(|sep| title.rsplit_once(sep))
        .max_by_key(|(head, _)| head.len())
    else {
        return title.to_string();
    };
    let tail_key = squash(tail);
    let names_site = site_name.is_some_and(|s| squash(s) == tail_key)
        || host.is_some_and(|h| host_label(h).is_some_and(|label| tail_key.contains(&label) && label.len() >= 3));
    if names_site && head.split_whitespace().count() >= 2 {
        head.trim().to_string()
    } else {
        title.to_string()
    }
}

/// True when a title is only the site's name: its `og:site_name`, or its host's label
/// (`The Herald` on `herald.example`), letters and digits compared without case.
pub fn names_only_the_site(title: &str, site_name: Option<&str>, host: Option<&str>) -> bool {
    let t = squash(title);
    let t = t.strip_prefix("the").filter(|rest| !rest.is_empty()).unwrap_or(&t);
    let same = |name: &str| {
        let n = squash(name);
        let n = n.strip_prefix("the").filter(|rest| !rest.is_empty()).unwrap_or(&n);
        !n.is_empty() && n == t
    };
    site_name.is_some_and(same)
        || host
            .and_then(host_label)
            .is_some_and(|label| label.len() >= 3 && same(&label))
}

/// Letters and digits only, lower case: `The Harbour-Herald` → `theharbourherald`.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The distinctive label of a host: `www.theguardian.com` → `theguardian`.
fn host_label(host: &str) -> Option<String> {
    let domain = psl::domain_str(host).unwrap_or(host);
    domain.split('.').next().map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::{names_only_the_site, strip_site_suffix};

    #[test]
    fn template_metadata_that_lies_is_not_taken() {
        let page = url::Url::parse("https://news.example/opinion/2025/06/03/flood-fund").unwrap();
        let html = r#"<html><head><link rel="canonical" href="/">
            <meta property="og:url" content="https://news.example/opinion/">
            <meta property="og:site_name" content="The Coast News">
            <meta property="og:title" content="The Coast News"><title>Coast News</title></head>
            <body><h1>Coastal towns need a flood fund</h1><p>Every winter the sea takes more.</p></body></html>"#;
        let doc = crate::extract::extract(html, Some(&page));
        assert_eq!(doc.canonical_url, None, "home page and section front are ignored");
        assert_eq!(doc.title.as_deref(), Some("Coastal towns need a flood fund"));
        let amp = url::Url::parse("https://news.example/opinion/2025/06/03/flood-fund/amp").unwrap();
        let html =
            r#"<link rel="canonical" href="/"><meta property="og:url" content="/opinion/2025/06/03/flood-fund">"#;
        assert_eq!(
            crate::extract::extract(html, Some(&amp))
                .canonical_url
                .map(String::from),
            Some(page.to_string()),
            "og:url stands when the canonical is the home page"
        );
    }

    #[test]
    fn a_title_that_is_only_the_site_name_is_no_title() {
        assert!(names_only_the_site("The Harbour Herald", Some("Harbour Herald"), None));
        assert!(names_only_the_site("RELAY WIRE", Some("Relay Wire"), None));
        assert!(names_only_the_site("Theguardian", None, Some("www.theguardian.com")));
        assert!(!names_only_the_site(
            "Harbour Herald backs the fund",
            Some("Harbour Herald"),
            None
        ));
        assert!(!names_only_the_site("Storm hits coast", None, Some("127.0.0.1")));
    }

    #[test]
    fn strips_only_site_names() {
        let s = |t: &str, site: Option<&str>, host: Option<&str>| strip_site_suffix(t, site, host);
        assert_eq!(
            s("Storm hits coast | The Herald", Some("The Herald"), None),
            "Storm hits coast"
        );
        assert_eq!(
            s("Storm hits coast - BBC News", None, Some("www.bbc.co.uk")),
            "Storm hits coast"
        );
        // Not the site's name: part of the headline.
        assert_eq!(
            s("Rust 2.0 - what changes", Some("The Herald"), Some("herald.example")),
            "Rust 2.0 - what changes"
        );
        assert_eq!(s("Plain headline", Some("The Herald"), None), "Plain headline");
    }
}
