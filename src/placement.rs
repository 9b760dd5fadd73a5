//! From a judged page to placement records: which outlet the page belongs to, which URL
//! stands for it, and one [`HitRecord`] per article it republishes. Shared by `run` and `check`.

use crate::canon;
use crate::config::{Article, Outlet};
use crate::detect::{Judgement, Verdict};
use crate::extract::Document;
use crate::store::{FoundVia, HitRecord};
use chrono::{DateTime, FixedOffset, NaiveTime, TimeDelta, Utc};
use std::collections::HashMap;
use url::Url;

/// How far before the article's day a page's own date may fall and still be credible: one
/// instant is two calendar days across time zones (UTC−12 to UTC+14), and the article's day is
/// the author's.
const DATE_SLACK_HOURS: i64 = 24;

/// Finds the configured outlet a URL belongs to, by registrable domain.
pub(crate) struct OutletIndex {
    sites: HashMap<String, usize>,
}

impl OutletIndex {
    pub(crate) fn new(outlets: &[Outlet]) -> OutletIndex {
        let mut sites = HashMap::new();
        for (i, o) in outlets.iter().enumerate() {
            for u in o.homepage.iter().chain(&o.feeds).chain(&o.sitemaps).chain(&o.listings) {
                sites.entry(canon::site(u)).or_insert(i);
            }
        }
        OutletIndex { sites }
    }

    /// The index of the outlet whose site serves `url`.
    pub(crate) fn owner(&self, url: &Url) -> Option<usize> {
        self.sites.get(&canon::site(url)).copied()
    }
}

/// A page that has been fetched (or read), extracted and judged.
pub(crate) struct JudgedPage<'a> {
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
    /// The kind of source that listed the page, or `Manual` for `pickup check --record`.
    pub found_via: FoundVia,
    /// What the page's text credits as the original ([`crate::syndication::credit`]).
    pub credit: Option<String>,
    pub verdicts: &'a [Judgement],
    /// The page's [`crate::proof::html_hash`], kept with each placement as proof; `None` when
    /// the HTML is not at hand (then no proof is kept).
    pub html_xxh3: Option<String>,
}

impl JudgedPage<'_> {
    /// The URL that stands for the placement: the page's own `rel=canonical` when it can
    /// ([`canon::same_site_canonical`]: an AMP or print view points to the article), else the
    /// URL it came from; canonicalised either way.
    pub(crate) fn canonical_url(&self) -> Url {
        canon::canonicalize(canon::same_site_canonical(self.url, self.doc.canonical_url.as_ref()).unwrap_or(self.url))
    }

    /// The original this page credits, if any: its `rel=canonical` (or `og:url`) on another
    /// site, else the credit line of its text ([`crate::syndication::credit`]).
    pub(crate) fn syndicated_from(&self) -> Option<String> {
        self.doc
            .canonical_url
            .as_ref()
            .filter(|c| canon::site(c) != canon::site(self.url))
            .map(Url::to_string)
            .or_else(|| self.credit.clone())
    }

    /// The page's text group ([`crate::detect::text_group`]), its credit line left out so a
    /// partner's copy groups with the original.
    pub(crate) fn group(&self) -> Option<String> {
        let body: Vec<&String> = self
            .doc
            .paragraphs
            .iter()
            .filter(|p| !crate::syndication::is_credit_line(p))
            .collect();
        crate::detect::text_group(&body)
    }

    /// The publication date a placement of `article` gets, and a note when it is not the
    /// page's own: a page date before the article was written is a template's or an older
    /// page's, so the date the source listed stands instead (or none); a page without a date
    /// takes the listed one.
    pub(crate) fn published_for(&self, article: &Article) -> (Option<DateTime<FixedOffset>>, Option<String>) {
        let earliest = article.published.and_time(NaiveTime::MIN).and_utc() - TimeDelta::hours(DATE_SLACK_HOURS);
        let credible = |d: &DateTime<FixedOffset>| d.to_utc() >= earliest;
        let own = self.doc.published;
        let listed = self.listed_published.map(|d| d.fixed_offset());
        let source = match self.found_via {
            FoundVia::Feed => "the feed's date",
            FoundVia::Sitemap => "the sitemap's date",
            FoundVia::Listing => "the listing page's date",
            FoundVia::Search => "the search result's date",
            FoundVia::Manual => "the date given",
        };
        let before = |what: &str, d: &DateTime<FixedOffset>| {
            format!(
                "{what} ({}) is before the article was published ({})",
                d.date_naive(),
                article.published
            )
        };
        match (own, listed) {
            (Some(d), _) if credible(&d) => (Some(d), None),
            (Some(d), Some(l)) if credible(&l) => (
                Some(l),
                Some(format!("{}; {source} is used", before("the page's own date", &d))),
            ),
            (Some(d), _) => (
                None,
                Some(format!("{}; no other date is known", before("the page's own date", &d))),
            ),
            (None, Some(l)) if credible(&l) => (Some(l), Some(format!("the page gives no date; {source} is used"))),
            (None, Some(l)) => (None, Some(format!("the page gives no date and {}", before(source, &l)))),
            (None, None) => (None, None),
        }
    }

    /// One record per article the page republishes (a digest carrying two tracked articles
    /// gives two). Every verified match is recorded, whatever the page's metadata says.
    pub(crate) fn records(&self, outlet: &Outlet, articles: &[Article], now: DateTime<Utc>) -> Vec<HitRecord> {
        let canonical = self.canonical_url();
        let group = self.group();
        let syndicated_from = self.syndicated_from();
        // A title that is only the outlet's name says nothing about the page.
        let brand_only = |t: &&str| crate::extract::names_only_the_site(t, Some(&outlet.name), None);
        let title = self
            .doc
            .title
            .as_deref()
            .filter(|t| !brand_only(t))
            .or(self.listed_title.filter(|t| !brand_only(t)))
            .map(str::to_string);
        let mut out = Vec::new();
        for j in self.verdicts {
            let Verdict::Hit(hit) = &j.verdict else { continue };
            let Some(article) = articles.iter().find(|a| a.id == j.article) else {
                continue;
            };
            let (published, date_note) = self.published_for(article);
            out.push(HitRecord {
                article: j.article.clone(),
                kind: hit.kind,
                score: hit.score,
                coverage: hit.coverage,
                missing_paragraphs: hit.missing_paragraphs.iter().map(|p| p + 1).collect(),
                url: self.url.to_string(),
                canonical_url: canonical.to_string(),
                outlet: outlet.id.clone(),
                outlet_name: outlet.name.clone(),
                country: outlet.country.clone(),
                language: hit.language.clone(),
                audience: outlet.audience,
                title: title.clone(),
                published,
                date_note,
                first_seen: now,
                evidence: hit.evidence.clone(),
                syndicated_from: syndicated_from.clone(),
                group: group.clone(),
                found_via: Some(self.found_via),
                variants: self.other_urls().map(Url::to_string).collect(),
                team_judgement: false,
                proof: self
                    .html_xxh3
                    .clone()
                    .map(|h| crate::proof::Proof::new(&hit.passage, h, now)),
                recheck: None,
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
    pub(crate) fn seen_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.other_urls().chain([self.url]).map(canon::page_key).collect();
        keys.push(canon::page_key(&self.canonical_url()));
        keys.sort();
        keys.dedup();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Hit, Kind};

    fn article(id: &str) -> Article {
        Article {
            id: id.into(),
            title: "T".into(),
            author: None,
            published: "2021-11-10".parse().unwrap(),
            language: "en".into(),
            text: String::new(),
            translations: vec![],
        }
    }

    fn outlet() -> Outlet {
        Outlet {
            id: "digest".into(),
            name: "The Weekly Digest".into(),
            country: "US".into(),
            language: "en".into(),
            homepage: None,
            feeds: vec![],
            sitemaps: vec![],
            listings: vec![],
            audience: Some(1000),
        }
    }

    fn hit_on(article: &str) -> Judgement {
        Judgement {
            article: article.into(),
            verdict: Verdict::Hit(Hit {
                kind: Kind::Excerpt,
                score: 0.9,
                coverage: 0.5,
                language: "en".into(),
                missing_paragraphs: vec![0, 3],
                evidence: "…".into(),
                passage: String::new(),
            }),
        }
    }

    fn page<'a>(url: &'a Url, doc: &'a Document, verdicts: &'a [Judgement]) -> JudgedPage<'a> {
        JudgedPage {
            url,
            listed_as: None,
            hops: &[],
            doc,
            listed_title: Some("Listed title"),
            listed_published: None,
            found_via: FoundVia::Sitemap,
            credit: None,
            verdicts,
            html_xxh3: None,
        }
    }

    #[test]
    fn a_digest_carrying_two_articles_is_two_placements() {
        let url = Url::parse("https://digest.example/2021/11/20/weekly").unwrap();
        let doc = Document {
            title: Some("The Weekly Digest".into()),
            paragraphs: vec!["First.".into(), "Second.".into()],
            ..Document::default()
        };
        let verdicts = [hit_on("a"), hit_on("b")];
        let records = page(&url, &doc, &verdicts).records(&outlet(), &[article("a"), article("b")], Utc::now());
        let keys: Vec<Vec<u8>> = records
            .iter()
            .map(|r| crate::store::hit_key(&r.article, &r.canonical_url))
            .collect();
        assert_eq!(records.len(), 2);
        assert_ne!(keys[0], keys[1]);
        let r = &records[0];
        assert_eq!(r.missing_paragraphs, [1, 4], "1-based");
        assert_eq!(
            r.title.as_deref(),
            Some("Listed title"),
            "the outlet's name is no title"
        );
        assert_eq!((r.found_via, r.audience), (Some(FoundVia::Sitemap), Some(1000)));
        assert!(r.group.is_some() && r.syndicated_from.is_none());
    }

    #[test]
    fn a_page_date_before_the_article_gives_way_to_the_listed_date_and_says_why() {
        let url = Url::parse("https://x.example/a").unwrap();
        let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        /// Page's own date, listed date → published, date_note.
        type Case<'s> = (Option<&'s str>, Option<&'s str>, Option<&'s str>, Option<&'s str>);
        let cases: &[Case] = &[
            (
                Some("2021-11-12T13:00:00Z"),
                Some("2021-11-13T00:00:00Z"),
                Some("2021-11-12T13:00:00+00:00"),
                None,
            ),
            // The evening before (in UTC) is still the page's own date: time zones differ.
            (
                Some("2021-11-09T20:00:00Z"),
                None,
                Some("2021-11-09T20:00:00+00:00"),
                None,
            ),
            (
                Some("2016-05-04T06:00:00Z"),
                Some("2021-11-16T04:00:00Z"),
                Some("2021-11-16T04:00:00+00:00"),
                Some(
                    "the page's own date (2016-05-04) is before the article was published (2021-11-10); the sitemap's date is used",
                ),
            ),
            (
                Some("2016-05-04T06:00:00Z"),
                None,
                None,
                Some(
                    "the page's own date (2016-05-04) is before the article was published (2021-11-10); no other date is known",
                ),
            ),
            (
                None,
                Some("2021-11-16T04:00:00Z"),
                Some("2021-11-16T04:00:00+00:00"),
                Some("the page gives no date; the sitemap's date is used"),
            ),
            (
                None,
                Some("2019-01-01T00:00:00Z"),
                None,
                Some(
                    "the page gives no date and the sitemap's date (2019-01-01) is before the article was published (2021-11-10)",
                ),
            ),
            (None, None, None, None),
        ];
        for (own, listed, published, note) in cases {
            let doc = Document {
                // Parsed as whatever the document keeps (UTC, or the page's own offset).
                published: own.map(|s| s.parse().unwrap()),
                ..Document::default()
            };
            let mut p = page(&url, &doc, &[]);
            p.listed_published = listed.map(utc);
            let (got, got_note) = p.published_for(&article("a"));
            assert_eq!(
                (got.map(|d| d.to_rfc3339()), got_note.as_deref()),
                (published.map(str::to_string), *note),
                "page {own:?}, listed {listed:?}"
            );
        }
    }
}
