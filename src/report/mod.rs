//! Exports of recorded hits: the record DESIGN.md defines, its JSON and CSV writers, and the
//! briefing (`pickup report`) built from it in HTML, PDF, XLSX and Markdown.

pub mod briefing;
mod chart;
pub(crate) mod csv;
pub mod html;
pub(crate) mod json;
pub mod markdown;
pub(crate) mod names;
pub mod pdf;
pub(crate) mod xlsx;

use crate::store::HitRecord;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::Serialize;

/// One placement as exported: exactly DESIGN.md's fields, in its order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportRecord {
    pub article: String,
    pub kind: &'static str,
    pub score: f64,
    pub url: String,
    pub canonical_url: String,
    pub outlet: String,
    pub outlet_name: String,
    pub country: String,
    pub language: String,
    pub title: Option<String>,
    /// The page's own publication time, in the page's own UTC offset.
    #[serde(serialize_with = "serde_rfc3339::option")]
    pub published: Option<DateTime<FixedOffset>>,
    /// When pickup first saw the placement, UTC.
    #[serde(serialize_with = "serde_rfc3339::one")]
    pub first_seen: DateTime<Utc>,
    pub evidence: String,
    /// Share of the article found, 0–1, to three decimals.
    pub coverage: f64,
    /// 1-based numbers of the article's paragraphs not found on the page.
    pub missing_paragraphs: Vec<usize>,
    pub syndicated_from: Option<String>,
    pub group: Option<String>,
    /// `feed`, `sitemap`, `listing`, `search` or `manual`; null for placements recorded before
    /// pickup kept it.
    pub found_via: Option<&'static str>,
    /// The outlet's monthly readers, if known.
    pub audience: Option<u64>,
    pub date_note: Option<String>,
    /// Whose judgement the placement is: `pickup` (its own verdict) or `team` (recorded with
    /// `pickup add --force` on a page pickup did not judge a placement).
    pub judgement: &'static str,
    /// The last decisive liveness re-check's result (`live`, `gone`, `moved`, `paywalled`,
    /// `changed`); null when none has decided one yet.
    pub status_now: Option<&'static str>,
    /// When that re-check was made, UTC; null when never.
    #[serde(serialize_with = "serde_rfc3339::option")]
    pub checked_at: Option<DateTime<Utc>>,
}

/// RFC 3339 to the second, `Z` for UTC, else the time's own offset (`+08:00`): how every
/// export writes a time.
pub(crate) fn rfc3339<Tz: TimeZone>(t: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Times serialised as [`rfc3339`] writes them.
mod serde_rfc3339 {
    use chrono::{DateTime, TimeZone};
    use serde::Serializer;

    pub(super) fn one<Tz: TimeZone, S: Serializer>(t: &DateTime<Tz>, s: S) -> Result<S::Ok, S::Error>
    where
        Tz::Offset: std::fmt::Display,
    {
        s.serialize_str(&super::rfc3339(t))
    }

    pub(super) fn option<Tz: TimeZone, S: Serializer>(t: &Option<DateTime<Tz>>, s: S) -> Result<S::Ok, S::Error>
    where
        Tz::Offset: std::fmt::Display,
    {
        match t {
            Some(t) => one(t, s),
            None => s.serialize_none(),
        }
    }
}

impl From<&HitRecord> for ExportRecord {
    fn from(h: &HitRecord) -> Self {
        ExportRecord {
            article: h.article.clone(),
            kind: h.kind.as_str(),
            score: (h.score * 1000.0).round() / 1000.0,
            url: h.url.clone(),
            canonical_url: h.canonical_url.clone(),
            outlet: h.outlet.clone(),
            outlet_name: h.outlet_name.clone(),
            country: h.country.clone(),
            language: h.language.clone(),
            title: h.title.clone(),
            published: h.published,
            first_seen: h.first_seen,
            // Detection stored the passage already shortened.
            evidence: h.evidence.clone(),
            coverage: (h.coverage * 1000.0).round() / 1000.0,
            missing_paragraphs: h.missing_paragraphs.clone(),
            syndicated_from: h.syndicated_from.clone(),
            group: h.group.clone(),
            found_via: h.found_via.map(|v| v.as_str()),
            audience: h.audience,
            date_note: h.date_note.clone(),
            judgement: if h.team_judgement { "team" } else { "pickup" },
            status_now: h.recheck.as_ref().and_then(|r| r.status).map(|s| s.as_str()),
            checked_at: h.recheck.as_ref().and_then(|r| r.checked_at),
        }
    }
}

/// The day a placement counts on: the page's own day (in its own offset), else the day pickup
/// first saw it.
fn when(h: &HitRecord) -> DateTime<chrono::FixedOffset> {
    h.published.unwrap_or_else(|| h.first_seen.fixed_offset())
}

/// "7 placements on 6 outlets": placements counted apart from the outlets that ran them.
pub fn placements_on_outlets(hits: &[HitRecord]) -> String {
    let outlets: std::collections::BTreeSet<&str> = hits.iter().map(|h| h.outlet.as_str()).collect();
    counted(hits.len(), outlets.len())
}

/// "1 placement on 1 outlet", "7 placements on 6 outlets".
pub fn counted(placements: usize, outlets: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!("{} on {}", plural(placements, "placement"), plural(outlets, "outlet"))
}

/// Which hits an export includes.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub article: Option<String>,
    /// Keeps hits published on or after this day (first seen, when the publication date is unknown).
    pub since: Option<NaiveDate>,
    /// Keeps hits published on or before this day (the same date as `since`).
    pub until: Option<NaiveDate>,
}

impl Filter {
    pub fn keeps(&self, h: &HitRecord) -> bool {
        let article_ok = self.article.as_deref().is_none_or(|a| a == h.article);
        let day = when(h).date_naive();
        let since_ok = self.since.is_none_or(|d| day >= d);
        let until_ok = self.until.is_none_or(|d| day <= d);
        article_ok && since_ok && until_ok
    }
}

/// The hits to export, filtered, newest publication first.
pub fn records(hits: &[HitRecord], filter: &Filter) -> Vec<ExportRecord> {
    let mut kept: Vec<&HitRecord> = hits.iter().filter(|h| filter.keeps(h)).collect();
    kept.sort_by(|a, b| {
        when(b)
            .cmp(&when(a))
            .then_with(|| a.article.cmp(&b.article))
            .then_with(|| a.outlet.cmp(&b.outlet))
            .then_with(|| a.canonical_url.cmp(&b.canonical_url))
    });
    kept.into_iter().map(ExportRecord::from).collect()
}

/// The briefing's mark for a re-checked placement, `now gone`, with the day (UTC) of the
/// re-check that found it ("12 Mar 2026"), so a printed briefing says when; `None` for one
/// never re-checked. A gone placement is still listed and counted: the mark is all that changes.
pub fn status_mark(r: &ExportRecord) -> Option<(String, String)> {
    let status = r.status_now?;
    let day = r
        .checked_at
        .map(|t| briefing::short_day(t.date_naive()))
        .unwrap_or_default();
    Some((format!("now {status}"), day))
}

/// The day a placement counts on: its publication day in the page's own offset, else the day
/// (UTC) pickup first saw it.
pub fn day(r: &ExportRecord) -> NaiveDate {
    r.published
        .map_or_else(|| r.first_seen.date_naive(), |p| p.date_naive())
}
