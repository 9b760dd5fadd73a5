//! URL canonicalisation: the many URLs one page goes by (AMP, tracking parameters, http/https,
//! fragments, default ports, host case) become one, so one placement is one record.

use url::Url;

/// Query parameters that only say where a reader came from.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ocid",
    "cmpid",
    "cmp",
    "icid",
    "ito",
    "ref",
    "ref_src",
    "ref_url",
    "referrer",
    "source",
    "src",
    "smid",
    "smtyp",
    "sr_share",
    "taid",
    "share",
    "socialshare",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "at_medium",
    "at_campaign",
    "xtor",
    "s_cid",
    "soc_src",
    "soc_trk",
    "rss",
    "feed",
    "from",
    "via",
    "outputtype",
    "amp",
    "print",
    "output",
    "view",
    "tbref",
    "guccounter",
];

/// Query-parameter prefixes of campaign trackers (`utm_source`, `pk_campaign`, ...).
const TRACKING_PREFIXES: &[&str] = &["utm_", "pk_", "mtm_", "hsa_", "at_", "sc_", "__"];

fn is_tracking(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&lower.as_str()) || TRACKING_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// The canonical form of a URL: no fragment, no tracking or AMP/print parameters, remaining
/// parameters sorted, no trailing `/amp` segment, no `index.html`, lower-case host, default
/// port dropped (the `url` crate already lower-cases hosts and drops default ports).
pub fn canonicalize(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    let mut pairs: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    if pairs.is_empty() {
        u.set_query(None);
    } else {
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    let path = u.path().to_string();
    let trimmed = strip_amp_and_print(&path);
    if trimmed != path {
        u.set_path(&trimmed);
    }
    u
}

/// `/story/amp`, `/story/amp/`, `/story.amp`, `/amp/story`, `/story/print` → `/story`.
fn strip_amp_and_print(path: &str) -> String {
    let mut segs: Vec<&str> = path.split('/').collect();
    let had_slash = path.ends_with('/') && path.len() > 1;
    while segs.last() == Some(&"") && segs.len() > 1 {
        segs.pop();
    }
    while segs.len() > 2
        && matches!(
            segs.last(),
            Some(&"amp") | Some(&"print") | Some(&"index.html") | Some(&"index.htm")
        )
    {
        segs.pop();
    }
    if segs.len() > 2 && segs.get(1) == Some(&"amp") {
        segs.remove(1);
    }
    if let Some(last) = segs.last_mut()
        && let Some(stem) = last.strip_suffix(".amp").or_else(|| last.strip_suffix(".amp.html"))
    {
        *last = stem;
    }
    let mut out = segs.join("/");
    // Keep a trailing slash the site uses for directories, but never add one after a file name.
    let file_like = out.rsplit('/').next().unwrap_or("").contains('.');
    if out.is_empty() || (had_slash && !out.ends_with('/') && !file_like) {
        out.push('/');
    }
    out
}

/// The key one page is stored under: the canonical URL without its scheme, without `www.`
/// and without a trailing slash, so `http://www.x.com/a/` and `https://x.com/a` are one page.
pub fn page_key(url: &Url) -> String {
    let c = canonicalize(url);
    let host = c.host_str().unwrap_or("");
    let host = host.strip_prefix("www.").unwrap_or(host);
    let port = c.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = c.path().trim_end_matches('/');
    match c.query() {
        Some(q) => format!("{host}{port}{path}?{q}"),
        None => format!("{host}{port}{path}"),
    }
}

/// File names a web server answers for a directory: `/index.html` is the home page.
const INDEX_FILES: &[&str] = &["index.html", "index.htm", "index.php", "default.aspx", "default.htm"];

/// True when `candidate` (a page's `rel=canonical` or `og:url`) cannot stand for the article
/// page at `page`: a site's home page (path `/` or an index file, no query), or, on the page's
/// own site, a section front the page sits under (`/opinion/` for `/opinion/2025/06/03/story`).
/// CMS templates put such URLs on every article; taken at their word, they would fold every
/// article of an outlet into one. A page of a paginated article (`/story/2`, `/story/page/2`)
/// is not the case: its canonical is the article. `page` is `None` for a saved file; then
/// only the home page is recognised.
pub fn is_front_page(candidate: &Url, page: Option<&Url>) -> bool {
    let c = canonicalize(candidate);
    let path = c.path().trim_end_matches('/');
    if c.query().is_some() {
        return false;
    }
    if path.is_empty() || INDEX_FILES.iter().any(|f| path.strip_prefix('/') == Some(f)) {
        return true;
    }
    let Some(page) = page else { return false };
    if site(&c) != site(page) {
        return false;
    }
    let page = canonicalize(page);
    let Some(rest) = page.path().trim_end_matches('/').strip_prefix(path) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix('/') else {
        return false; // the same path, or a sibling like `/opinion-extra`
    };
    let rest = rest.strip_prefix("page/").unwrap_or(rest);
    !rest.chars().all(|ch| ch.is_ascii_digit())
}

/// The page's own canonical URL (`rel=canonical`, `og:url`) when it can stand for the page at
/// `page`: on the same site ([`site`], the registrable domain), so an AMP or print view or a
/// renamed address points to its article, and not a home page or section front
/// ([`is_front_page`]). `None` otherwise: a canonical on another site names an original the
/// page republishes (syndication), not the page itself. Used where a placement's URL is chosen
/// (`placement.rs`) and where a re-check asks whether a redirect still leads to it
/// ([`crate::recheck::judge`]), so both read a canonical alike.
pub fn same_site_canonical<'a>(page: &Url, canonical: Option<&'a Url>) -> Option<&'a Url> {
    canonical.filter(|c| site(c) == site(page) && !is_front_page(c, Some(page)))
}

/// The registrable domain of a URL (`news.bbc.co.uk` → `bbc.co.uk`); for an IP address or a
/// name with no public suffix, the host itself with its port.
pub fn site(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.host() {
        // `www.lemonde.fr.` (a fully qualified name) is `lemonde.fr` too.
        Some(url::Host::Domain(d)) => match psl::domain_str(d.trim_end_matches('.')) {
            Some(reg) => reg.to_string(),
            None => host.trim_end_matches('.').to_string(),
        },
        _ => match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        canonicalize(&Url::parse(s).unwrap()).to_string()
    }

    #[test]
    fn strips_tracking_fragments_and_amp() {
        assert_eq!(
            c("https://EX.com:443/a/b?utm_source=x&id=3&fbclid=9#top"),
            "https://ex.com/a/b?id=3"
        );
        assert_eq!(c("https://ex.com/a/b/amp"), "https://ex.com/a/b");
        assert_eq!(c("https://ex.com/a/b/amp/"), "https://ex.com/a/b/");
        assert_eq!(c("https://ex.com/a/b?amp"), "https://ex.com/a/b");
        assert_eq!(c("https://ex.com/a/b?amp=1&outputType=amp"), "https://ex.com/a/b");
        assert_eq!(c("https://ex.com/amp/a/b"), "https://ex.com/a/b");
        assert_eq!(c("https://ex.com/a/b.amp.html"), "https://ex.com/a/b");
        assert_eq!(c("https://ex.com/a/b/print"), "https://ex.com/a/b");
        assert_eq!(c("https://ex.com/a/b?print=1"), "https://ex.com/a/b");
        assert_eq!(c("https://ex.com/?b=2&a=1"), "https://ex.com/?a=1&b=2");
        assert_eq!(c("https://ex.com/amp"), "https://ex.com/amp");
    }

    #[test]
    fn page_key_ignores_scheme_www_and_trailing_slash() {
        let k = |s| page_key(&Url::parse(s).unwrap());
        assert_eq!(k("http://www.ex.com/a/"), k("https://ex.com/a"));
        assert_eq!(k("https://ex.com/a/amp?utm_medium=rss"), "ex.com/a");
        assert_ne!(k("https://ex.com/a?id=1"), k("https://ex.com/a?id=2"));
        assert_eq!(k("http://127.0.0.1:8080/x"), "127.0.0.1:8080/x");
    }

    #[test]
    fn home_pages_and_section_fronts_cannot_stand_for_an_article() {
        let u = |s: &str| Url::parse(s).unwrap();
        let page = u("https://www.ex.com/opinion/2025/06/03/story");
        let front = |c: &str| is_front_page(&u(c), Some(&page));
        assert!(front("https://ex.com/"));
        assert!(front("http://www.ex.com/index.html"));
        assert!(
            front("https://www.ex.com/?utm_source=x"),
            "tracking does not make it a page"
        );
        assert!(front("https://ex.com/opinion/"));
        assert!(front("https://ex.com/opinion/2025"));
        assert!(
            front("https://other.example/"),
            "another site's home page is no original"
        );
        assert!(!front("https://ex.com/opinion/2025/06/03/story"));
        assert!(!front("https://ex.com/opinion/2025/06/03/story/amp"));
        assert!(
            !front("https://ex.com/world/story"),
            "another page: a canonical, not a front"
        );
        assert!(
            !front("https://other.example/opinion/"),
            "another site's path says nothing here"
        );
        assert!(!front("https://ex.com/?p=123"), "a query names an article");
        assert!(!front("https://ex.com/opinion-2025"));
        let second = u("https://ex.com/story/2");
        assert!(!is_front_page(&u("https://ex.com/story"), Some(&second)));
        assert!(!is_front_page(
            &u("https://ex.com/story"),
            Some(&u("https://ex.com/story/page/3"))
        ));
        assert!(is_front_page(&u("https://ex.com/"), None));
        assert!(!is_front_page(&u("https://ex.com/opinion/"), None));
    }

    #[test]
    fn a_canonical_stands_for_its_page_only_on_the_same_site_and_not_as_a_front() {
        let u = |s: &str| Url::parse(s).unwrap();
        // (page, canonical, stands for the page)
        let cases = [
            ("https://ex.com/a/story/amp", "https://ex.com/a/story", true),
            ("https://m.ex.com/a/story", "https://www.ex.com/a/story", true),
            ("https://ex.com/new-address", "https://ex.com/2026/01/story", true),
            ("https://ex.com/story/2", "https://ex.com/story", true),
            ("https://ex.com/a/story", "https://other.example/a/story", false),
            ("https://ex.co.uk/story", "https://other.co.uk/story", false),
            ("https://ex.com/opinion/2025/story", "https://ex.com/", false),
            ("https://ex.com/opinion/2025/story", "https://ex.com/opinion/", false),
            ("http://127.0.0.1:8080/story", "http://127.0.0.1:9090/story", false),
        ];
        for (page, canonical, stands) in cases {
            let c = u(canonical);
            assert_eq!(
                same_site_canonical(&u(page), Some(&c)).is_some(),
                stands,
                "{page} with canonical {canonical}"
            );
        }
        assert_eq!(same_site_canonical(&u("https://ex.com/a"), None), None);
    }

    #[test]
    fn site_is_registrable_domain() {
        assert_eq!(site(&Url::parse("https://news.bbc.co.uk/x").unwrap()), "bbc.co.uk");
        assert_eq!(site(&Url::parse("https://www.lemonde.fr./x").unwrap()), "lemonde.fr");
        assert_eq!(site(&Url::parse("http://127.0.0.1:99/x").unwrap()), "127.0.0.1:99");
    }
}
