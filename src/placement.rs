//! From a judged page to placement records: which outlet the page belongs to, which URL
//! stands for it, and one [`HitRecord`] per article it republishes. Shared by `run` and `check`.

use crate::canon;
use crate::config::{Article, Outlet};
use crate::detect::{Judgement, Verdict};
use crate::extract::Document;
use crate::store::HitRecord;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;
use url::Url;

/// Finds the configured outlet a URL belongs to, by registrable domain.
pub struct OutletIndex {
    sites: HashMap<String, usize>,
}

impl OutletIndex {
    pub fn new(outlets: &[Outlet]) -> OutletIndex {
        let mut sites = HashMap::new();
        for (i, o) in outlets.iter().enumerate() {
            for u in o.homepage.iter().chain(&o.feeds).chain(&o.sitemaps).chain(&o.listings) {
                sites.entry(canon::site(u)).or_insert(i);
            }
        }
        OutletIndex { sites }
    }

    /// The index of the outlet whose site serves `url`.
    pub fn owner(&self, url: &Url) -> Option<usize> {
        self.sites.get(&canon::site(url)).copied()
    }
}

/// A page that has been fetched (or read), extracted and judged.
pub struct JudgedPage<'a> {
    /// The URL the page came from, after redirects.
    pub url: &'a Url,
    /// The URL the source listed, when it differs.
    pub listed_as: Option<&'a Url>,
    /// Redirect hops between the listed URL and `url` (a feed proxy, http → https, a short link).
    pub hops: &'a [Url],
    pub doc: &'a Document,
    /// Title and date the feed gave, used when the page has none.
    pub listed_title: Option<&'a str>,
    pub listed_published: Option<DateTime<Utc>>,
    pub verdicts: &'a [Judgement],
}

impl JudgedPage<'_> {
    /// The URL that stands for the placement: the page's own `rel=canonical` when it stays on
    /// the same site (an AMP or print view points to the article), else the URL it came from.
    pub fn canonical_url(&self) -> Url {
        self.doc
            .canonical_url
            .as_ref()
            .filter(|c| canon::site(c) == canon::site(self.url))
            .map(canon::canonicalize)
            .unwrap_or_else(|| canon::canonicalize(self.url))
    }

    /// One record per article the page republishes. A hit on a page published before the
    /// article's look-back window is dropped: it is an older text the article reused.
    pub fn records(
        &self,
        outlet: &Outlet,
        articles: &[Article],
        lookback: TimeDelta,
        now: DateTime<Utc>,
    ) -> Vec<HitRecord> {
        let published = self.doc.published.or(self.listed_published);
        let canonical = self.canonical_url();
        let mut out = Vec::new();
        for j in self.verdicts {
            let Verdict::Hit(hit) = &j.verdict else { continue };
            let Some(article) = articles.iter().find(|a| a.id == j.article) else {
                continue;
            };
            let window = article.window_start(lookback);
            if published.is_some_and(|p| p < window) {
                continue;
            }
            out.push(HitRecord {
                article: j.article.clone(),
                kind: hit.kind,
                score: hit.score,
                coverage: hit.coverage,
                url: self.url.to_string(),
                canonical_url: canonical.to_string(),
                outlet: outlet.id.clone(),
                outlet_name: outlet.name.clone(),
                country: outlet.country.clone(),
                language: hit.language.clone(),
                title: self.doc.title.clone().or(self.listed_title.map(str::to_string)),
                published,
                first_seen: now,
                evidence: hit.evidence.clone(),
                variants: self.other_urls().map(Url::to_string).collect(),
                team_judgement: false,
            });
        }
        out
    }

    /// Every URL the page went by on its way here, other than the one it answered at.
    fn other_urls(&self) -> impl Iterator<Item = &Url> {
        let mut seen = vec![self.url];
        self.listed_as.into_iter().chain(self.hops).filter(move |u| {
            let new = !seen.contains(u);
            seen.push(u);
            new
        })
    }

    /// The keys under which this page counts as seen: as listed, through each redirect, as
    /// fetched, as canonical.
    pub fn seen_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.other_urls().chain([self.url]).map(canon::page_key).collect();
        keys.push(canon::page_key(&self.canonical_url()));
        keys.sort();
        keys.dedup();
        keys
    }
}
