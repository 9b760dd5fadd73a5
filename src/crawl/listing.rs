//! Listing pages → candidates. Placeholder; replaced by the full link filter.

use super::Candidate;
use scraper::{Html, Selector};
use url::Url;

pub fn links(html: &str, base: &Url) -> Vec<Candidate> {
    let doc = Html::parse_document(html);
    let a = Selector::parse("a[href]").expect("valid selector");
    doc.select(&a)
        .filter_map(|e| base.join(e.value().attr("href")?).ok())
        .filter(|u| u.host_str() == base.host_str() && u != base)
        .map(|url| Candidate {
            url,
            title: None,
            published: None,
        })
        .collect()
}
