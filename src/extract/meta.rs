//! Page metadata read from the parsed tree: canonical and AMP URLs, title, byline, date, language.

use super::jsonld::LdArticle;
use super::{date, lang};
use dom_query::Document as Tree;
use url::Url;

/// Metadata found on a page; every field may be missing.
#[derive(Debug, Default)]
pub struct Meta {
    pub canonical_url: Option<Url>,
    pub amp_url: Option<Url>,
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<date::Found>,
    pub language: Option<String>,
}

/// Reads every metadata field; `ld` is the page's JSON-LD article object, if any.
pub fn read(tree: &Tree, page_url: Option<&Url>, ld: Option<&LdArticle>) -> Meta {
    let metas = meta_tags(tree);
    let get = |key: &str| metas.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let site_name = get("og:site_name").or_else(|| get("application-name"));

    let canonical_url = link_href(tree, "canonical", page_url)
        .or_else(|| get("og:url").and_then(|u| resolve(u, page_url)))
        .or_else(|| ld.and_then(|a| a.url.as_deref()).and_then(|u| resolve(u, page_url)));
    let title_host = canonical_url
        .as_ref()
        .or(page_url)
        .and_then(Url::host_str)
        .map(str::to_string);

    let title = get("og:title")
        .or_else(|| get("twitter:title"))
        .map(str::to_string)
        .or_else(|| ld.and_then(|a| a.headline.clone()))
        .or_else(|| first_text(tree, "h1"))
        .or_else(|| first_text(tree, "title"))
        .map(|t| strip_site_suffix(&collapse_spaces(&t), site_name, title_host.as_deref()));

    let byline = ld
        .and_then(|a| a.author.clone())
        .or_else(|| get("author").filter(|a| !a.contains("://")).map(str::to_string))
        .or_else(|| first_text(tree, r#"[rel~="author"], [itemprop="author"]"#))
        .or_else(|| first_text(tree, ".byline, .author-name, .article-author"))
        .and_then(|b| clean_byline(&b));

    let published = date::find(tree, page_url, ld, &metas);

    let language = tree
        .select("html")
        .attr("lang")
        .and_then(|l| lang::normalize(&l))
        .or_else(|| get("content-language").and_then(lang::normalize))
        .or_else(|| get("og:locale").and_then(lang::normalize));

    Meta {
        canonical_url,
        amp_url: link_href(tree, "amphtml", page_url),
        title: title.filter(|t| !t.is_empty()),
        byline,
        published,
        language,
    }
}

/// Every `<meta>` as (lower-cased property / name / itemprop / http-equiv, trimmed content).
fn meta_tags(tree: &Tree) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for node in tree.select("meta").nodes() {
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

/// The first `<link rel=…>` of that relation, resolved.
fn link_href(tree: &Tree, rel: &str, page_url: Option<&Url>) -> Option<Url> {
    let selector = format!(r#"link[rel~="{rel}" i][href]"#);
    tree.select(&selector)
        .nodes()
        .iter()
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

/// The text of the first element matching `selector`, whitespace collapsed, if not empty.
fn first_text(tree: &Tree, selector: &str) -> Option<String> {
    tree.select(selector)
        .nodes()
        .iter()
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
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
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

/// The distinctive label of a host: `www.theguardian.com` → `theguardian`.
fn host_label(host: &str) -> Option<String> {
    let domain = psl::domain_str(host).unwrap_or(host);
    domain.split('.').next().map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::strip_site_suffix;

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
