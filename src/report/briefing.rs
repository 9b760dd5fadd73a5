//! The briefing's content, computed once for every format (HTML, PDF, XLSX, Markdown): the title
//! block, the headline figures per article and combined, counts by kind, country, language and
//! day, the top outlets by audience, the auto outlets, the placements of unknown country and
//! the pitch lists.
//!
//! Reach follows DESIGN.md: each outlet's monthly audience counts once per article, however many
//! pages of that article it ran; the combined reach adds the articles' reaches.

use super::names::Names;
use super::{ExportRecord, Filter, day};
use crate::config::{Config, Logo, Paper, UNKNOWN_COUNTRY};
use crate::pitch::{PitchLists, pitch_lists};
use crate::store::HitRecord;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The hit kinds in the order a briefing lists them (DESIGN.md's order).
pub const KINDS: [&str; 4] = ["verbatim", "edited", "excerpt", "translation"];

/// The title a report carries when `report.title` is not set.
pub const DEFAULT_TITLE: &str = "Op-ed placements";

/// Rows in the "top outlets by audience" table: a page's worth, the outlets a reader names first.
pub const TOP_OUTLETS: usize = 10;

/// The headline figures of a set of placements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub placements: usize,
    /// Distinct outlets.
    pub outlets: usize,
    pub countries: usize,
    pub languages: usize,
    /// Monthly readers, each outlet counted once per article.
    pub reach: u64,
    /// Outlets (distinct, over all articles) whose audience the config does not give.
    pub audience_unknown: usize,
    /// Placements per kind, in [`KINDS`] order, zeros included.
    pub by_kind: Vec<(&'static str, usize)>,
    /// Placements that do not credit another site.
    pub direct: usize,
    /// Placements crediting another site (`syndicated_from` set).
    pub syndicated: usize,
    /// Placements per country code, most first, then by code.
    pub by_country: Vec<(String, usize)>,
    /// Placements per language code, most first.
    pub by_language: Vec<(String, usize)>,
    /// Placements per day, in date order, days without placements left out.
    pub by_day: Vec<(NaiveDate, usize)>,
}

/// One tracked article's part of the briefing.
#[derive(Debug, Clone)]
pub struct ArticleSection {
    pub id: String,
    /// The configured title, or the id for placements of an article no longer in the config.
    pub title: String,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
    /// Its placements, oldest first.
    pub records: Vec<ExportRecord>,
    pub figures: Figures,
    /// Its pitch lists ([`pitch_lists`], over every recorded placement of the article, whatever
    /// the date filter), when the config gives it a pitch list.
    pub pitch: Option<PitchLists>,
}

/// One row of the top-outlets table.
#[derive(Debug, Clone, PartialEq)]
pub struct TopOutlet {
    pub outlet_name: String,
    pub country: String,
    pub language: String,
    pub audience: Option<u64>,
    /// The day of its first placement in the report.
    pub first_day: NaiveDate,
    /// Its kinds, in [`KINDS`] order.
    pub kinds: Vec<&'static str>,
    pub placements: usize,
    /// An auto outlet (see [`Briefing::auto_outlets`]).
    pub auto: bool,
}

/// Everything a briefing shows.
#[derive(Debug, Clone)]
pub struct Briefing {
    pub title: String,
    pub logo: Option<Logo>,
    pub generated: DateTime<Utc>,
    /// The `--article` filter, when given: the report is about that article alone.
    pub article_filter: Option<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// The days the report covers: the filter's bounds, else the first and last placement's day.
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub sections: Vec<ArticleSection>,
    /// Over every section.
    pub figures: Figures,
    pub top_outlets: Vec<TopOutlet>,
    pub names: Names,
    /// The ids of the auto outlets among the placements' outlets: made by pickup from a site no
    /// configured outlet owns, and not adopted into the config since.
    pub auto_outlets: BTreeSet<String>,
    /// The paper the page is laid out for when printed to PDF; `None` leaves it to the printer.
    pub paper: Option<Paper>,
}

impl Briefing {
    /// Builds the briefing from the filtered export records (any order), every recorded
    /// placement (`hits`, unfiltered: for the pitch lists) and the ids of the store's auto
    /// outlets (`Store::auto_outlets`; those now in the config are not marked).
    pub fn build(
        config: &Config,
        filter: &Filter,
        records: &[ExportRecord],
        hits: &[HitRecord],
        auto_outlets: &BTreeSet<String>,
        generated: DateTime<Utc>,
    ) -> Briefing {
        let auto_outlets: BTreeSet<String> = auto_outlets
            .iter()
            .filter(|id| !config.outlets.iter().any(|o| &o.id == *id))
            .cloned()
            .collect();
        let mut audience = config.audiences();
        for r in records {
            if let Some(a) = r.audience {
                audience.insert(r.outlet.clone(), a);
            }
        }
        let mut by_article: BTreeMap<&str, Vec<ExportRecord>> = BTreeMap::new();
        for r in records {
            by_article.entry(&r.article).or_default().push(r.clone());
        }
        let mut sections = Vec::new();
        // Configured articles first, in config order; then any the config no longer lists.
        for a in &config.articles {
            if filter.article.as_deref().is_some_and(|id| id != a.id) {
                continue;
            }
            let recs = by_article.remove(a.id.as_str()).unwrap_or_default();
            let mut s = section(
                a.id.clone(),
                a.title.clone(),
                a.author.clone(),
                Some(a.published),
                recs,
                &audience,
            );
            if !config.pitched(&a.id).is_empty() {
                s.pitch = pitch_lists(config, &a.id, hits);
            }
            sections.push(s);
        }
        for (id, recs) in by_article {
            sections.push(section(id.to_string(), id.to_string(), None, None, recs, &audience));
        }
        let all: Vec<&ExportRecord> = sections.iter().flat_map(|s| &s.records).collect();
        let figures = figures(&all, &audience);
        let first = figures.by_day.first().map(|d| d.0);
        let last = figures.by_day.last().map(|d| d.0);
        let period = match (filter.since.or(first), filter.until.or(last)) {
            (Some(a), Some(b)) => Some((a, b)),
            (Some(a), None) => Some((a, generated.date_naive())),
            (None, Some(b)) => sections.iter().filter_map(|s| s.published).min().map(|a| (a.min(b), b)),
            (None, None) => None,
        };
        Briefing {
            title: config.report.title.clone().unwrap_or_else(|| DEFAULT_TITLE.to_string()),
            logo: config.report.logo.clone(),
            generated,
            article_filter: filter.article.clone(),
            since: filter.since,
            until: filter.until,
            period,
            top_outlets: top_outlets(&all, &audience, &auto_outlets),
            auto_outlets,
            figures,
            sections,
            names: Names::new(&config.report),
            paper: None,
        }
    }

    /// Every placement, grouped by article, each group oldest first.
    pub fn records(&self) -> impl Iterator<Item = &ExportRecord> {
        self.sections.iter().flat_map(|s| &s.records)
    }

    /// True when `outlet` (an id) is an auto outlet, to be marked `auto`.
    pub fn is_auto(&self, outlet: &str) -> bool {
        self.auto_outlets.contains(outlet)
    }

    /// The placements whose country is unknown (configured nowhere, no search service or
    /// country-code domain saying it), listed apart; in section order.
    pub fn country_unknown(&self) -> impl Iterator<Item = &ExportRecord> {
        self.records().filter(|r| r.country == UNKNOWN_COUNTRY)
    }

    /// "No placements found between 1 November 2021 and 29 November 2026." for an empty report:
    /// the filter's bounds, else the earliest article's date and the day the report was made.
    pub fn nothing_found(&self) -> String {
        self.nothing_found_since(self.sections.iter().filter_map(|s| s.published).min())
    }

    /// [`Briefing::nothing_found`] for one article's section: from its publication date.
    pub fn nothing_found_for(&self, section: &ArticleSection) -> String {
        self.nothing_found_since(section.published)
    }

    fn nothing_found_since(&self, published: Option<NaiveDate>) -> String {
        let start = self.since.or(published);
        let end = self.until.unwrap_or_else(|| self.generated.date_naive());
        match start {
            Some(start) => format!(
                "No placements found between {} and {}.",
                long_date(start),
                long_date(end)
            ),
            None => format!("No placements found up to {}.", long_date(end)),
        }
    }

    /// "12 November 2021 – 20 November 2021", or "no placements yet".
    pub fn period_text(&self) -> String {
        match self.period {
            Some((a, b)) if a == b => long_date(a),
            Some((a, b)) => format!("{} – {}", long_date(a), long_date(b)),
            None => "no placements yet".to_string(),
        }
    }

    /// The filters the report was made with, in words: "article cybercrime-2021; published from
    /// 1 November 2021", or "none: every recorded placement".
    pub fn filters_text(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = &self.article_filter {
            parts.push(format!("article {a}"));
        }
        match (self.since, self.until) {
            (Some(s), Some(u)) => parts.push(format!("published {} to {}", long_date(s), long_date(u))),
            (Some(s), None) => parts.push(format!("published from {}", long_date(s))),
            (None, Some(u)) => parts.push(format!("published up to {}", long_date(u))),
            (None, None) => {}
        }
        if parts.is_empty() {
            "none: every recorded placement".to_string()
        } else {
            parts.join("; ")
        }
    }

    /// "29 November 2026, 10:04 UTC".
    pub fn generated_text(&self) -> String {
        self.generated.format("%-d %B %Y, %H:%M UTC").to_string()
    }

    /// The rule behind the reach figure and what it leaves out, in one sentence.
    pub fn reach_rule(&self) -> String {
        reach_rule(&self.figures)
    }
}

/// "Estimated reach adds each outlet's monthly readers once per article; audience unknown for 3
/// of 48 outlets."
pub fn reach_rule(f: &Figures) -> String {
    let unknown = match f.audience_unknown {
        0 => "audience known for every outlet".to_string(),
        n if n == f.outlets => format!("audience unknown for {}", plural(n, "outlet", "outlets")),
        n => format!("audience unknown for {n} of {}", plural(f.outlets, "outlet", "outlets")),
    };
    format!("Estimated reach adds each outlet's monthly readers once per article; {unknown}.")
}

fn section(
    id: String,
    title: String,
    author: Option<String>,
    published: Option<NaiveDate>,
    mut records: Vec<ExportRecord>,
    audience: &HashMap<String, u64>,
) -> ArticleSection {
    records.sort_by(|a, b| {
        day(a)
            .cmp(&day(b))
            .then_with(|| a.outlet_name.cmp(&b.outlet_name))
            .then_with(|| a.url.cmp(&b.url))
    });
    let refs: Vec<&ExportRecord> = records.iter().collect();
    let figures = figures(&refs, audience);
    ArticleSection {
        id,
        title,
        author,
        published,
        records,
        figures,
        pitch: None,
    }
}

/// Counts, most first, then by key.
fn counts<'a>(records: &[&'a ExportRecord], key: impl Fn(&'a ExportRecord) -> &'a str) -> Vec<(String, usize)> {
    let mut map: BTreeMap<&str, usize> = BTreeMap::new();
    for r in records {
        *map.entry(key(r)).or_default() += 1;
    }
    let mut list: Vec<(String, usize)> = map.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list
}

/// The figures of one article's placements, or of all of them: reach counts each (article,
/// outlet) pair once, so the combined reach is the sum of the articles' reaches.
fn figures(records: &[&ExportRecord], audience: &HashMap<String, u64>) -> Figures {
    let outlets: BTreeSet<&str> = records.iter().map(|r| r.outlet.as_str()).collect();
    let reach = records
        .iter()
        .map(|r| (r.article.as_str(), r.outlet.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter_map(|(_, o)| audience.get(o))
        .sum();
    let mut by_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for r in records {
        *by_day.entry(day(r)).or_default() += 1;
    }
    let syndicated = records.iter().filter(|r| r.syndicated_from.is_some()).count();
    let by_country = counts(records, |r| &r.country);
    let by_language = counts(records, |r| &r.language);
    Figures {
        placements: records.len(),
        outlets: outlets.len(),
        countries: by_country.len(),
        languages: by_language.len(),
        reach,
        audience_unknown: outlets.iter().filter(|o| !audience.contains_key(**o)).count(),
        by_kind: KINDS
            .iter()
            .map(|k| (*k, records.iter().filter(|r| r.kind == *k).count()))
            .collect(),
        direct: records.len() - syndicated,
        syndicated,
        by_country,
        by_language,
        by_day: by_day.into_iter().collect(),
    }
}

/// The outlets with the largest audience (unknown audiences last, then by earliest placement).
fn top_outlets(
    records: &[&ExportRecord],
    audience: &HashMap<String, u64>,
    auto_outlets: &BTreeSet<String>,
) -> Vec<TopOutlet> {
    let mut by_outlet: BTreeMap<&str, TopOutlet> = BTreeMap::new();
    for r in records {
        let row = by_outlet.entry(&r.outlet).or_insert_with(|| TopOutlet {
            outlet_name: r.outlet_name.clone(),
            country: r.country.clone(),
            language: r.language.clone(),
            audience: audience.get(&r.outlet).copied(),
            first_day: day(r),
            kinds: Vec::new(),
            placements: 0,
            auto: auto_outlets.contains(&r.outlet),
        });
        row.placements += 1;
        if day(r) < row.first_day {
            row.first_day = day(r);
            row.language = r.language.clone();
        }
        if !row.kinds.contains(&r.kind) {
            row.kinds.push(r.kind);
        }
    }
    let mut rows: Vec<TopOutlet> = by_outlet.into_values().collect();
    for row in &mut rows {
        row.kinds.sort_by_key(|k| KINDS.iter().position(|x| x == k));
    }
    rows.sort_by(|a, b| {
        b.audience
            .cmp(&a.audience)
            .then_with(|| a.first_day.cmp(&b.first_day))
            .then_with(|| a.outlet_name.cmp(&b.outlet_name))
    });
    rows.truncate(TOP_OUTLETS);
    rows
}

/// "1 language", "3 languages".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n as u64), if n == 1 { one } else { many })
}

/// "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A reach figure as people say it: "850,000", "12.3 million", "1.2 billion".
pub fn reach_words(n: u64) -> String {
    match n {
        0..1_000_000 => thousands(n),
        1_000_000..1_000_000_000 => format!("{} million", one_decimal(n as f64 / 1e6)),
        _ => format!("{} billion", one_decimal(n as f64 / 1e9)),
    }
}

fn one_decimal(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// "12 November 2021".
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// "12 Nov 2021".
pub fn short_day(day: NaiveDate) -> String {
    day.format("%-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(article: &str, outlet: &str, day: &str, kind: &'static str) -> ExportRecord {
        ExportRecord {
            article: article.into(),
            kind,
            score: 1.0,
            url: format!("https://{outlet}.example/{article}/{day}"),
            canonical_url: String::new(),
            outlet: outlet.into(),
            outlet_name: outlet.to_uppercase(),
            country: if outlet == "b" { "TW".into() } else { "GB".into() },
            language: "en".into(),
            title: None,
            published: Some(format!("{day}T10:00:00+08:00").parse().unwrap()),
            first_seen: format!("{day}T12:00:00Z").parse().unwrap(),
            evidence: String::new(),
            coverage: 1.0,
            missing_paragraphs: vec![],
            syndicated_from: (outlet == "c").then(|| "https://a.example/x".to_string()),
            group: None,
            found_via: None,
            audience: None,
            date_note: None,
            judgement: "pickup",
            status_now: None,
            checked_at: None,
        }
    }

    fn config() -> Config {
        let text = "[[outlets]]\nid = \"a\"\nname = \"A\"\ncountry = \"GB\"\nlanguage = \"en\"\naudience = 1000\n\
                    [[outlets]]\nid = \"b\"\nname = \"B\"\ncountry = \"TW\"\nlanguage = \"en\"\naudience = 500\n\
                    [[outlets]]\nid = \"c\"\nname = \"C\"\ncountry = \"GB\"\nlanguage = \"en\"\n";
        Config::for_test(text).unwrap()
    }

    #[test]
    fn reach_counts_each_outlet_once_per_article() {
        let records = [
            record("one", "a", "2021-11-12", "verbatim"),
            record("one", "a", "2021-11-13", "excerpt"),
            record("one", "b", "2021-11-13", "translation"),
            record("two", "a", "2021-11-14", "edited"),
            record("two", "c", "2021-11-14", "verbatim"),
        ];
        let now = DateTime::parse_from_rfc3339("2021-12-01T00:00:00Z").unwrap().to_utc();
        let b = Briefing::build(&config(), &Filter::default(), &records, &[], &BTreeSet::new(), now);
        assert_eq!(b.sections.len(), 2);
        assert_eq!(b.sections[0].figures.reach, 1500, "a once, b once");
        assert_eq!(b.sections[1].figures.reach, 1000, "a once; c unknown");
        assert_eq!(b.figures.reach, 2500, "a counts once per article");
        assert_eq!((b.figures.outlets, b.figures.audience_unknown), (3, 1));
        assert_eq!((b.figures.direct, b.figures.syndicated), (4, 1));
        assert_eq!(
            b.figures.by_kind,
            vec![("verbatim", 2), ("edited", 1), ("excerpt", 1), ("translation", 1)]
        );
        assert_eq!(b.figures.by_country, vec![("GB".to_string(), 4), ("TW".to_string(), 1)]);
        assert_eq!(b.figures.by_day.len(), 3);
        assert_eq!(b.top_outlets[0].outlet_name, "A");
        assert_eq!(b.top_outlets[0].placements, 3);
        assert_eq!(b.top_outlets[0].kinds, vec!["verbatim", "edited", "excerpt"]);
        assert_eq!(b.top_outlets[2].audience, None, "unknown audiences last");
        assert_eq!(b.period_text(), "12 November 2021 – 14 November 2021");
        assert_eq!(
            b.reach_rule(),
            "Estimated reach adds each outlet's monthly readers once per article; audience unknown for 1 of 3 outlets."
        );
    }

    #[test]
    fn an_empty_briefing_says_what_was_searched() {
        let now = DateTime::parse_from_rfc3339("2021-12-01T00:00:00Z").unwrap().to_utc();
        let filter = Filter {
            since: NaiveDate::from_ymd_opt(2021, 11, 1),
            ..Filter::default()
        };
        let b = Briefing::build(&config(), &filter, &[], &[], &BTreeSet::new(), now);
        assert_eq!(
            b.nothing_found(),
            "No placements found between 1 November 2021 and 1 December 2021."
        );
        assert_eq!(b.filters_text(), "published from 1 November 2021");
    }

    #[test]
    fn figures_in_words() {
        assert_eq!(plural(1, "language", "languages"), "1 language");
        assert_eq!(plural(0, "language", "languages"), "0 languages");
        assert_eq!(plural(1200, "outlet", "outlets"), "1,200 outlets");
        assert_eq!(reach_words(850_000), "850,000");
        assert_eq!(reach_words(12_345_678), "12.3 million");
        assert_eq!(reach_words(2_000_000), "2 million");
        assert_eq!(reach_words(1_260_000_000), "1.3 billion");
        assert_eq!(short_day(NaiveDate::from_ymd_opt(2021, 11, 2).unwrap()), "2 Nov 2021");
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2021, 11, 2).unwrap()),
            "2 November 2021"
        );
    }
}
