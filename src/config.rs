//! The config file: TOML read into raw, spanned values, then validated once into typed values.
//!
//! Every error names the file, the line and the field it concerns. Unknown keys are errors.

use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;
use url::Url;

mod outlets_csv;

/// The header names an outlets CSV's columns are known by (`outlets_csv.rs`), one list per
/// column with its own name first (`["feeds", "feed", "rss", …]`), compared lower case with
/// spaces, `-` and `_` alike. README's "Outlets from a spreadsheet" table lists them all.
pub fn outlets_csv_columns() -> Vec<&'static [&'static str]> {
    outlets_csv::column_names().collect()
}

/// A config problem, located as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The whole configuration, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    pub store: StoreConfig,
    pub crawl: CrawlConfig,
    pub articles: Vec<Article>,
    pub outlets: Vec<Outlet>,
    /// Where pages from outlets nobody listed come from (`[discovery]`).
    pub discovery: DiscoveryConfig,
    /// Article id → ids of the outlets the op-ed was offered to (`pitched` of the article, and
    /// the `pitched` column of outlets CSV files), each once, in the order first named.
    pub pitched: std::collections::BTreeMap<String, Vec<String>>,
    /// Problems that did not stop the config from loading: bad rows of an outlets CSV (the
    /// other rows load). Commands show them; the run goes on without those rows.
    pub problems: Vec<ConfigError>,
    /// Where news of new placements goes (`[alerts]`); none by default.
    pub alerts: AlertsConfig,
    /// How often each source is polled (`[polling]`, see [`crate::run::schedule`]).
    pub polling: PollingConfig,
    /// How the briefing names and brands things (`[report]`).
    pub report: ReportConfig,
    /// When placements are fetched again to see whether they still stand (`[recheck]`, see
    /// [`crate::run::recheck`]).
    pub recheck: RecheckConfig,
}

/// `[recheck]`: the liveness re-check schedule, counted from a placement's `first_seen`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecheckConfig {
    /// Re-checks are on (`enabled`, and some time to re-check at).
    pub enabled: bool,
    /// The first re-checks, this long after the placement was first found, in order, each once
    /// (`after_days`).
    pub after: Vec<chrono::TimeDelta>,
    /// Then one every this long after the last of `after` (`then_every_days`); `None` for 0.
    pub every: Option<chrono::TimeDelta>,
    /// No re-check is due later than this after the placement was first found (`for_days`).
    pub until: chrono::TimeDelta,
}

impl Default for RecheckConfig {
    fn default() -> Self {
        RecheckConfig {
            enabled: true,
            after: RECHECK_AFTER_DAYS
                .iter()
                .map(|d| chrono::TimeDelta::days((*d).into()))
                .collect(),
            every: Some(chrono::TimeDelta::days(RECHECK_EVERY_DAYS.into())),
            until: chrono::TimeDelta::days(RECHECK_FOR_DAYS.into()),
        }
    }
}

/// A day, a week and a month after a placement is found: most takedowns and paywalls come in
/// its first weeks.
const RECHECK_AFTER_DAYS: [u32; 3] = [1, 7, 30];
/// Then monthly ...
const RECHECK_EVERY_DAYS: u32 = 30;
/// ... for a year: the horizon a press office reports on.
const RECHECK_FOR_DAYS: u32 = 365;

/// `[polling]`: the adaptive polling rules ([`crate::run::schedule`]). Politeness is not here:
/// it is `[crawl]`'s and no rule changes it.
#[derive(Debug, Clone, PartialEq)]
pub struct PollingConfig {
    /// A source's usual interval between polls (`interval_minutes`).
    pub interval: chrono::TimeDelta,
    /// The floor under every interval, boosted ones included (`min_interval_minutes`).
    pub min_interval: chrono::TimeDelta,
    /// How long a boost window stays open (`boost_days`).
    pub boost: chrono::TimeDelta,
    /// Nothing new for this long backs a source off (`quiet_days`).
    pub quiet: chrono::TimeDelta,
    /// The longest a backed-off source waits (`max_interval_hours`).
    pub max_interval: chrono::TimeDelta,
}

impl Default for PollingConfig {
    fn default() -> Self {
        PollingConfig {
            interval: chrono::TimeDelta::minutes(POLL_INTERVAL_MINUTES.into()),
            min_interval: chrono::TimeDelta::minutes(POLL_FLOOR_MINUTES.into()),
            boost: chrono::TimeDelta::days(BOOST_DAYS.into()),
            quiet: chrono::TimeDelta::days(QUIET_DAYS.into()),
            max_interval: chrono::TimeDelta::hours(MAX_INTERVAL_HOURS.into()),
        }
    }
}

/// An hour: what an hourly cron gives anyway, so by default every run polls every source.
const POLL_INTERVAL_MINUTES: u32 = 60;
/// A quarter-hour: a boosted source is never asked more often than this, however often cron runs.
const POLL_FLOOR_MINUTES: u32 = 15;
/// Most republications of an op-ed come in its first three days.
const BOOST_DAYS: u32 = 3;
/// Three weeks without anything new: an outlet that rarely publishes, polled less.
const QUIET_DAYS: u32 = 21;
/// A day: even the quietest source is asked daily.
const MAX_INTERVAL_HOURS: u32 = 24;

/// `[alerts]`: each channel set gets every new placement once, as a JSON array of export
/// records (see [`crate::alerts`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertsConfig {
    /// A shell command (`sh -c`), given the records on standard input.
    pub command: Option<String>,
    /// An http(s) URL the records are POSTed to.
    pub webhook: Option<Url>,
    /// An address mailed through the local `sendmail -t`.
    pub email: Option<String>,
    /// How long one delivery may take before it counts as failed.
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// The sled directory, resolved against the config file's folder.
    pub path: PathBuf,
}

/// How pickup behaves on the wire.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    pub user_agent: String,
    /// Requests per second to one host.
    pub per_host_rps: f64,
    pub per_host_burst: NonZeroU32,
    /// Requests in flight, all hosts together.
    pub max_concurrency: usize,
    /// Whole-request timeout (connect, headers and body).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_page_bytes: u64,
    /// Candidates published this long before an article are ignored for it.
    pub lookback_days: u32,
    pub respect_robots: bool,
    pub proxy: Option<Url>,
    /// Tries after the first, for timeouts, connection errors, 429 and 5xx.
    pub retries: u32,
    /// First backoff wait; it doubles on each retry (with jitter).
    pub retry_base: Duration,
    /// The longest `Retry-After` pickup honours; a longer one fails the request.
    pub max_retry_after: Duration,
    pub max_redirects: usize,
    /// Wall time one host may take in one run; later requests to it are dropped.
    pub host_budget: Duration,
    /// Longest a cached robots.txt is trusted.
    pub robots_max_age: Duration,
    /// Origins besides the outlets' own that may be at private or loopback addresses (a feed
    /// relay on the local network). Only their scheme, host and port count.
    pub private_origins: Vec<Url>,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            user_agent: concat!("pickup/", env!("CARGO_PKG_VERSION")).to_string(),
            per_host_rps: 1.0,
            per_host_burst: NonZeroU32::MIN,
            max_concurrency: 16,
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            max_page_bytes: 5_000_000,
            lookback_days: 30,
            respect_robots: true,
            proxy: None,
            retries: 2,
            retry_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
            max_redirects: 10,
            host_budget: Duration::from_secs(600),
            robots_max_age: Duration::from_secs(24 * 3600),
            private_origins: Vec::new(),
        }
    }
}

/// How the briefing (`pickup report`) presents itself: its title, a logo, and the display names
/// of countries and languages where the common English short name is not what the office uses.
#[derive(Debug, Clone, Default)]
pub struct ReportConfig {
    /// The report's title, above the article's; the report says "Op-ed placements" without it.
    pub title: Option<String>,
    /// A logo image, read at load time and embedded in the page.
    pub logo: Option<Logo>,
    /// ISO 3166-1 alpha-2 code (upper case) → display name.
    pub country_names: BTreeMap<String, String>,
    /// ISO 639 code (lower case) → display name.
    pub language_names: BTreeMap<String, String>,
    /// The paper `pickup report --format pdf` prints on.
    pub paper: Paper,
}

/// A paper size for the PDF briefing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Paper {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// The CSS `@page` size keyword.
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

/// An image file embedded in the briefing as a `data:` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub path: PathBuf,
    /// The MIME type its extension names (`image/png`, `image/jpeg`, `image/gif`, `image/svg+xml`,
    /// `image/webp`).
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// The largest logo embedded: a letterhead mark, not a photograph, and every copy of the report
/// carries it.
pub const MAX_LOGO_BYTES: u64 = 1_000_000;

/// A tracked op-ed, with its text loaded.
#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub author: Option<String>,
    pub published: NaiveDate,
    /// ISO 639-1.
    pub language: String,
    /// Plain text, paragraphs separated by blank lines.
    pub text: String,
    pub translations: Vec<Translation>,
}

impl Article {
    /// The earliest a republication may be dated: `lookback` before the article's day. Items
    /// dated earlier are older texts, not placements of this one.
    pub fn window_start(&self, lookback: chrono::TimeDelta) -> chrono::DateTime<chrono::Utc> {
        self.published.and_time(chrono::NaiveTime::MIN).and_utc() - lookback
    }
}

/// An official translation of a tracked article.
#[derive(Debug, Clone)]
pub struct Translation {
    pub language: String,
    pub title: Option<String>,
    pub text: String,
}

/// A publication pickup polls.
#[derive(Debug, Clone)]
pub struct Outlet {
    pub id: String,
    pub name: String,
    /// ISO 3166-1 alpha-2, upper case: as configured, else from the homepage's country-code
    /// domain ([`crate::discover::country_of_site`]), else [`UNKNOWN_COUNTRY`].
    pub country: String,
    /// ISO 639-1: the outlet's main language; `und` (ISO 639-2 "undetermined") when an outlets
    /// CSV does not say.
    pub language: String,
    pub homepage: Option<Url>,
    /// RSS, Atom or JSON Feed URLs.
    pub feeds: Vec<Url>,
    /// XML sitemaps (or sitemap indexes, news sitemaps).
    pub sitemaps: Vec<Url>,
    /// HTML pages whose links are candidate articles (a section front, an opinion index).
    pub listings: Vec<Url>,
    /// Monthly readers, for reach figures.
    pub audience: Option<u64>,
}

/// The country of an outlet or placement nothing tells: neither the config, the search service
/// nor the site's domain.
pub const UNKNOWN_COUNTRY: &str = "unknown";

/// The language of an outlet nothing tells (ISO 639-2 "undetermined").
pub const UNDETERMINED_LANGUAGE: &str = "und";

impl Outlet {
    /// True when the outlet configures no feed, sitemap or listing page: its sources are then
    /// discovered from its homepage ([`crate::discover::sources`]).
    pub fn needs_discovery(&self) -> bool {
        self.feeds.is_empty() && self.sitemaps.is_empty() && self.listings.is_empty() && self.homepage.is_some()
    }

    /// Every source of this outlet, with its kind.
    pub fn sources(&self) -> impl Iterator<Item = (SourceKind, &Url)> {
        let feeds = self.feeds.iter().map(|u| (SourceKind::Feed, u));
        let maps = self.sitemaps.iter().map(|u| (SourceKind::Sitemap, u));
        let lists = self.listings.iter().map(|u| (SourceKind::Listing, u));
        feeds.chain(maps).chain(lists)
    }
}

/// What kind of document a source URL serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Feed,
    Sitemap,
    Listing,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, not `write_str`, so tables can align it with `{:<8}`.
        f.pad(match self {
            SourceKind::Feed => "feed",
            SourceKind::Sitemap => "sitemap",
            SourceKind::Listing => "listing",
        })
    }
}

// ---------------------------------------------------------------------------
// Raw layer: what the TOML says, with spans for error messages.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    store: Option<Spanned<RawStore>>,
    #[serde(default)]
    crawl: Option<Spanned<RawCrawl>>,
    #[serde(default)]
    articles: Vec<Spanned<RawArticle>>,
    #[serde(default)]
    outlets: Vec<Spanned<RawOutlet>>,
    #[serde(default)]
    outlet_files: Vec<Spanned<String>>,
    #[serde(default)]
    discovery: Option<Spanned<RawDiscovery>>,
    alerts: Option<Spanned<RawAlerts>>,
    report: Option<Spanned<RawReport>>,
    #[serde(default)]
    polling: Option<Spanned<RawPolling>>,
    #[serde(default)]
    recheck: Option<Spanned<RawRecheck>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRecheck {
    enabled: Option<bool>,
    after_days: Option<Vec<Spanned<u32>>>,
    then_every_days: Option<Spanned<u32>>,
    for_days: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolling {
    interval_minutes: Option<Spanned<u32>>,
    min_interval_minutes: Option<Spanned<u32>>,
    boost_days: Option<Spanned<u32>>,
    quiet_days: Option<Spanned<u32>>,
    max_interval_hours: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAlerts {
    command: Option<Spanned<String>>,
    webhook: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
    timeout_secs: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawReport {
    title: Option<Spanned<String>>,
    logo: Option<Spanned<String>>,
    #[serde(default)]
    country_names: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    language_names: BTreeMap<Spanned<String>, Spanned<String>>,
    paper: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutletFile {
    #[serde(default)]
    outlets: Vec<Spanned<RawOutlet>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    path: Spanned<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCrawl {
    user_agent: Option<Spanned<String>>,
    per_host_rps: Option<Spanned<f64>>,
    per_host_burst: Option<Spanned<u32>>,
    max_concurrency: Option<Spanned<usize>>,
    timeout_secs: Option<Spanned<f64>>,
    connect_timeout_secs: Option<Spanned<f64>>,
    max_page_bytes: Option<Spanned<u64>>,
    lookback_days: Option<Spanned<u32>>,
    respect_robots: Option<bool>,
    proxy: Option<Spanned<String>>,
    retries: Option<Spanned<u32>>,
    retry_base_ms: Option<Spanned<u64>>,
    max_retry_after_secs: Option<Spanned<u64>>,
    max_redirects: Option<Spanned<usize>>,
    host_budget_secs: Option<Spanned<f64>>,
    robots_max_age_hours: Option<Spanned<u64>>,
    #[serde(default)]
    private_origins: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArticle {
    id: Spanned<String>,
    title: Spanned<String>,
    author: Option<String>,
    published: Spanned<String>,
    language: Spanned<String>,
    text: Spanned<String>,
    #[serde(default)]
    translations: Vec<Spanned<RawTranslation>>,
    #[serde(default)]
    pitched: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranslation {
    language: Spanned<String>,
    title: Option<String>,
    text: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutlet {
    id: Spanned<String>,
    name: Spanned<String>,
    country: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    homepage: Option<Spanned<String>>,
    #[serde(default)]
    feeds: Vec<Spanned<String>>,
    #[serde(default)]
    sitemaps: Vec<Spanned<String>>,
    #[serde(default)]
    listings: Vec<Spanned<String>>,
    audience: Option<Spanned<u64>>,
}

// ---------------------------------------------------------------------------

/// One source file being validated: its path, its text (for line numbers) and its folder.
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Source<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())].matches('\n').count() + 1
    }

    fn err<T>(
        &self,
        span: std::ops::Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Result<T, ConfigError> {
        Err(ConfigError {
            file: self.path.to_path_buf(),
            line: Some(self.line_of(span.start)),
            field: field.into(),
            message: message.into(),
        })
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, ConfigError> {
        toml::from_str(self.text).map_err(|e| ConfigError {
            file: self.path.to_path_buf(),
            line: e.span().map(|s| self.line_of(s.start)),
            field: e.span().map(|s| self.field_at(s.start)).unwrap_or_default(),
            message: e.message().trim().to_string(),
        })
    }

    /// The dotted field a byte offset falls in, read from the text itself, for errors the TOML
    /// parser reports only by position (a value of the wrong type, an integer out of its type's
    /// range): the `key =` on that line or the nearest one above it, under the nearest table
    /// header above, with the index of an array of tables (`outlets[2].audience`).
    fn field_at(&self, offset: usize) -> String {
        let before = &self.text[..offset.min(self.text.len())];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[line_start..]
            .find('\n')
            .map_or(self.text.len(), |i| line_start + i);
        let mut lines = self.text[..line_end].lines().rev();
        let mut key = None;
        let mut header = None;
        let mut headers_above = Vec::new();
        for line in lines.by_ref() {
            let t = line.trim();
            if t.starts_with('[') {
                header = Some(t.to_string());
                break;
            }
            if key.is_none()
                && let Some((k, _)) = t.split_once('=')
                && !t.starts_with('#')
            {
                key = Some(k.trim().trim_matches('"').to_string());
            }
        }
        for line in lines {
            let t = line.trim();
            if t.starts_with("[[") {
                headers_above.push(t.to_string());
            }
        }
        let section = match header {
            None => String::new(),
            Some(h) if h.starts_with("[[") => {
                let name = h.trim_matches(|c| c == '[' || c == ']').trim().to_string();
                let index = headers_above.iter().filter(|o| **o == h).count();
                format!("{name}[{index}]")
            }
            Some(h) => h.trim_matches(|c| c == '[' || c == ']').trim().to_string(),
        };
        match (section.is_empty(), key) {
            (_, None) => section,
            (true, Some(k)) => k,
            (false, Some(k)) => format!("{section}.{k}"),
        }
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.to_path_buf(),
        line: None,
        field: String::new(),
        message: format!("cannot read: {e}"),
    })
}

impl Config {
    /// Reads and validates a config file and every file it refers to.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = read(path)?;
        Config::from_str(&text, path)
    }

    /// Validates config text as if read from `path` (relative paths resolve against its folder).
    pub fn from_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let src = Source { path, text };
        if text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            return Err(ConfigError {
                file: path.to_path_buf(),
                line: None,
                field: String::new(),
                message: "the config is empty: it needs [[articles]] to look for and [[outlets]] to poll \
                          (config/pickup.toml is a commented example; README's Configuration lists every key)"
                    .into(),
            });
        }
        let raw: RawConfig = src.parse()?;

        let store = StoreConfig {
            path: store_path(&src, raw.store.as_ref().map(|s| &s.get_ref().path))?,
        };
        let crawl = crawl_config(&src, raw.crawl.as_ref().map(|c| c.get_ref()))?;

        let mut articles = Vec::new();
        let mut article_ids = HashSet::new();
        for (i, a) in raw.articles.iter().enumerate() {
            let article = article(&src, i, a.get_ref())?;
            if !article_ids.insert(article.id.clone()) {
                let id = &a.get_ref().id;
                return src.err(
                    id.span(),
                    format!("articles[{i}].id"),
                    format!("duplicate article id {:?}", article.id),
                );
            }
            articles.push(article);
        }

        let mut outlets = Vec::new();
        let mut outlet_ids = HashSet::new();
        fn push_outlets(
            src: &Source,
            raws: &[Spanned<RawOutlet>],
            outlets: &mut Vec<Outlet>,
            outlet_ids: &mut HashSet<String>,
        ) -> Result<(), ConfigError> {
            for (i, o) in raws.iter().enumerate() {
                let outlet = outlet(src, i, o.get_ref())?;
                if !outlet_ids.insert(outlet.id.clone()) {
                    let id = &o.get_ref().id;
                    return src.err(
                        id.span(),
                        format!("outlets[{i}].id"),
                        format!("duplicate outlet id {:?}", outlet.id),
                    );
                }
                outlets.push(outlet);
            }
            Ok(())
        }
        push_outlets(&src, &raw.outlets, &mut outlets, &mut outlet_ids)?;
        let mut problems = Vec::new();
        // Pitches named in a CSV's `pitched` column: (article id, outlet id).
        let mut csv_pitches = Vec::new();
        for (i, f) in raw.outlet_files.iter().enumerate() {
            let file = src.dir().join(f.get_ref());
            let text = std::fs::read_to_string(&file).or_else(|e| {
                src.err(
                    f.span(),
                    format!("outlet_files[{i}]"),
                    format!("cannot read {}: {e}", file.display()),
                )
            })?;
            if outlets_csv::is_csv(&file) {
                let known: HashSet<&str> = articles.iter().map(|a| a.id.as_str()).collect();
                let loaded = outlets_csv::read(&file, &text, &known, &mut outlet_ids)?;
                outlets.extend(loaded.outlets);
                csv_pitches.extend(loaded.pitches);
                problems.extend(loaded.problems);
                continue;
            }
            let sub = Source {
                path: &file,
                text: &text,
            };
            let raw: RawOutletFile = sub.parse()?;
            push_outlets(&sub, &raw.outlets, &mut outlets, &mut outlet_ids)?;
        }
        let pitched = pitch_lists(&src, &raw.articles, &articles, &outlet_ids, csv_pitches)?;
        let discovery = discovery_config(&src, raw.discovery.as_ref())?;

        let alerts = alerts_config(&src, raw.alerts.as_ref().map(|a| a.get_ref()))?;
        let polling = polling_config(&src, raw.polling.as_ref().map(|p| p.get_ref()))?;
        let report = report_config(&src, raw.report.as_ref().map(|r| r.get_ref()))?;
        let recheck = recheck_config(&src, raw.recheck.as_ref().map(|r| r.get_ref()))?;
        Ok(Config {
            path: path.to_path_buf(),
            store,
            crawl,
            articles,
            outlets,
            discovery,
            pitched,
            problems,
            alerts,
            polling,
            report,
            recheck,
        })
    }

    /// The ids of the outlets `article` was pitched to (empty when none is listed).
    pub fn pitched(&self, article: &str) -> &[String] {
        self.pitched.get(article).map_or(&[], Vec::as_slice)
    }

    /// For `pickup run`: a config with nothing to look for, or nowhere to look, is a mistake
    /// (a run would poll nothing and exit 0 in silence).
    ///
    /// # Errors
    /// A [`ConfigError`] naming the missing table, with a hint.
    pub fn require_work(&self) -> Result<(), ConfigError> {
        let missing = |field: &str, message: &str| ConfigError {
            file: self.path.clone(),
            line: None,
            field: field.into(),
            message: message.into(),
        };
        if self.articles.is_empty() {
            return Err(missing(
                "articles",
                "no [[articles]]: nothing to look for; add the op-ed to track (README, Configuration)",
            ));
        }
        if self.outlets.is_empty() {
            return Err(missing(
                "outlets",
                "no [[outlets]] (nor outlet_files): nothing to poll; add an outlet with a feed, sitemap or listing page (README, Configuration)",
            ));
        }
        Ok(())
    }

    /// The tracked article with this id.
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }

    /// Each outlet's audience (monthly readers), by outlet id, for the ones that give it.
    pub fn audiences(&self) -> std::collections::HashMap<String, u64> {
        self.outlets
            .iter()
            .filter_map(|o| Some((o.id.clone(), o.audience?)))
            .collect()
    }
}

/// The range each number in the config may take, checked at load. A value outside its range is
/// a config error (exit 2) naming the file, line and field; README's Configuration table shows
/// the same ranges. The bounds keep every derived quantity representable (governor's rate
/// limiter needs a period under about 584 years; dates must stay within chrono's range) and
/// reject values that can only be typing mistakes.
pub mod limits {
    use std::ops::RangeInclusive;

    /// One request per 1000 s at the slowest; 1000 a second at most (a politeness cap).
    pub const PER_HOST_RPS: RangeInclusive<f64> = 0.001..=1000.0;
    pub const PER_HOST_BURST: RangeInclusive<u32> = 1..=1000;
    pub const MAX_CONCURRENCY: RangeInclusive<usize> = 1..=1024;
    /// Seconds: from 10 ms (tests on 127.0.0.1) to an hour.
    pub const TIMEOUT_SECS: RangeInclusive<f64> = 0.01..=3600.0;
    pub const CONNECT_TIMEOUT_SECS: RangeInclusive<f64> = 0.01..=3600.0;
    /// 1 KiB to 1 GiB.
    pub const MAX_PAGE_BYTES: RangeInclusive<u64> = 1024..=1 << 30;
    /// Up to 100 years: far enough back for any archive, and within chrono's dates.
    pub const LOOKBACK_DAYS: RangeInclusive<u32> = 0..=36_500;
    pub const RETRIES: RangeInclusive<u32> = 0..=10;
    /// Up to a minute; ten doublings of it stay within a day.
    pub const RETRY_BASE_MS: RangeInclusive<u64> = 0..=60_000;
    /// Up to a day.
    pub const MAX_RETRY_AFTER_SECS: RangeInclusive<u64> = 0..=86_400;
    pub const MAX_REDIRECTS: RangeInclusive<usize> = 0..=50;
    /// 10 ms to a day.
    pub const HOST_BUDGET_SECS: RangeInclusive<f64> = 0.01..=86_400.0;
    /// Up to a year.
    pub const ROBOTS_MAX_AGE_HOURS: RangeInclusive<u64> = 0..=8_760;
    /// Monthly readers: up to ten billion (more than the world's population).
    pub const AUDIENCE: RangeInclusive<u64> = 0..=10_000_000_000;
    /// One alert delivery: a second to ten minutes.
    pub const ALERT_TIMEOUT_SECS: RangeInclusive<f64> = 1.0..=600.0;
    /// A source's interval: from every run (0) to a week.
    pub const POLL_INTERVAL_MINUTES: RangeInclusive<u32> = 0..=10_080;
    /// The floor under every interval: none (0) to a day.
    pub const POLL_FLOOR_MINUTES: RangeInclusive<u32> = 0..=1_440;
    /// A boost window: none (0) to three months.
    pub const BOOST_DAYS: RangeInclusive<u32> = 0..=90;
    /// Quiet before backing off: a day to ten years.
    pub const QUIET_DAYS: RangeInclusive<u32> = 1..=3_650;
    /// The longest wait of a backed-off source: an hour to a month.
    pub const MAX_INTERVAL_HOURS: RangeInclusive<u32> = 1..=720;
    /// A re-check after a placement is found: the same day (0) to ten years.
    pub const RECHECK_AFTER_DAYS: RangeInclusive<u32> = 0..=3_650;
    /// The repeat of re-checks: none (0), or every day to every year.
    pub const RECHECK_EVERY_DAYS: RangeInclusive<u32> = 0..=365;
    /// How long after a placement is found it is re-checked at all: none (0) to ten years.
    pub const RECHECK_FOR_DAYS: RangeInclusive<u32> = 0..=3_650;
    /// News search's window after an article's publication: as [`LOOKBACK_DAYS`], up to 100
    /// years, within chrono's dates.
    pub const SEARCH_DAYS: RangeInclusive<u32> = 0..=36_500;
    /// Search phrases per article: one to twenty.
    pub const QUERIES_PER_ARTICLE: RangeInclusive<usize> = 1..=20;
}

/// A number checked against its documented range (NaN is outside every range).
fn in_range<T>(src: &Source, v: &Spanned<T>, field: &str, range: &std::ops::RangeInclusive<T>) -> Result<T, ConfigError>
where
    T: PartialOrd + Copy + fmt::Display,
{
    let x = *v.get_ref();
    if range.contains(&x) {
        Ok(x)
    } else {
        src.err(
            v.span(),
            field,
            format!(
                "{x} is out of range: it must be from {} to {}",
                range.start(),
                range.end()
            ),
        )
    }
}

/// An optional number: its default when absent, else checked against its range.
fn ranged<T>(
    src: &Source,
    v: &Option<Spanned<T>>,
    field: &str,
    range: &std::ops::RangeInclusive<T>,
    default: T,
) -> Result<T, ConfigError>
where
    T: PartialOrd + Copy + fmt::Display,
{
    v.as_ref().map_or(Ok(default), |v| in_range(src, v, field, range))
}

fn secs(
    src: &Source,
    v: &Option<Spanned<f64>>,
    field: &str,
    range: &std::ops::RangeInclusive<f64>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    ranged(src, v, &format!("crawl.{field}"), range, default.as_secs_f64()).map(Duration::from_secs_f64)
}

fn crawl_config(src: &Source, raw: Option<&RawCrawl>) -> Result<CrawlConfig, ConfigError> {
    use limits::*;
    let d = CrawlConfig::default();
    let empty = RawCrawl::default();
    let raw = raw.unwrap_or(&empty);
    let per_host_rps = ranged(
        src,
        &raw.per_host_rps,
        "crawl.per_host_rps",
        &PER_HOST_RPS,
        d.per_host_rps,
    )?;
    let burst = ranged(
        src,
        &raw.per_host_burst,
        "crawl.per_host_burst",
        &PER_HOST_BURST,
        d.per_host_burst.get(),
    )?;
    let per_host_burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    let max_concurrency = ranged(
        src,
        &raw.max_concurrency,
        "crawl.max_concurrency",
        &MAX_CONCURRENCY,
        d.max_concurrency,
    )?;
    let max_page_bytes = ranged(
        src,
        &raw.max_page_bytes,
        "crawl.max_page_bytes",
        &MAX_PAGE_BYTES,
        d.max_page_bytes,
    )?;
    let user_agent = match &raw.user_agent {
        None => d.user_agent,
        Some(s) if s.get_ref().chars().any(char::is_control) => {
            return src.err(
                s.span(),
                "crawl.user_agent",
                "must be one line of text: it holds a newline or another control character, which an HTTP header cannot carry",
            );
        }
        Some(s) if !s.get_ref().trim().is_empty() => s.get_ref().trim().to_string(),
        Some(s) => return src.err(s.span(), "crawl.user_agent", "must not be empty"),
    };
    let proxy = match &raw.proxy {
        None => None,
        Some(s) => Some(parse_url(src, s, "crawl.proxy")?),
    };
    Ok(CrawlConfig {
        user_agent,
        per_host_rps,
        per_host_burst,
        max_concurrency,
        timeout: secs(src, &raw.timeout_secs, "timeout_secs", &TIMEOUT_SECS, d.timeout)?,
        connect_timeout: secs(
            src,
            &raw.connect_timeout_secs,
            "connect_timeout_secs",
            &CONNECT_TIMEOUT_SECS,
            d.connect_timeout,
        )?,
        max_page_bytes,
        lookback_days: ranged(
            src,
            &raw.lookback_days,
            "crawl.lookback_days",
            &LOOKBACK_DAYS,
            d.lookback_days,
        )?,
        respect_robots: raw.respect_robots.unwrap_or(d.respect_robots),
        proxy,
        retries: ranged(src, &raw.retries, "crawl.retries", &RETRIES, d.retries)?,
        retry_base: Duration::from_millis(ranged(
            src,
            &raw.retry_base_ms,
            "crawl.retry_base_ms",
            &RETRY_BASE_MS,
            d.retry_base.as_millis() as u64,
        )?),
        max_retry_after: Duration::from_secs(ranged(
            src,
            &raw.max_retry_after_secs,
            "crawl.max_retry_after_secs",
            &MAX_RETRY_AFTER_SECS,
            d.max_retry_after.as_secs(),
        )?),
        max_redirects: ranged(
            src,
            &raw.max_redirects,
            "crawl.max_redirects",
            &MAX_REDIRECTS,
            d.max_redirects,
        )?,
        host_budget: secs(
            src,
            &raw.host_budget_secs,
            "host_budget_secs",
            &HOST_BUDGET_SECS,
            d.host_budget,
        )?,
        robots_max_age: Duration::from_secs(
            3600 * ranged(
                src,
                &raw.robots_max_age_hours,
                "crawl.robots_max_age_hours",
                &ROBOTS_MAX_AGE_HOURS,
                d.robots_max_age.as_secs() / 3600,
            )?,
        ),
        private_origins: raw
            .private_origins
            .iter()
            .enumerate()
            .map(|(i, s)| parse_url(src, s, &format!("crawl.private_origins[{i}]")))
            .collect::<Result<_, _>>()?,
    })
}

/// Where the store goes without a `[store]` table, from the config's folder: a `data` folder
/// beside `config/`, as the project's own layout has it.
const DEFAULT_STORE_PATH: &str = "../data/pickup.sled";

/// `store.path` as written (`None`: no `[store]`, so [`DEFAULT_STORE_PATH`]), resolved against
/// the config's folder. Either way it must name a folder pickup can write: not empty (that would
/// be the config's own folder), not a file, and inside a folder that exists and takes new files
/// (probed by creating and removing a temporary file, the only test that holds for every user,
/// root included, and every file system).
///
/// # Errors
/// A [`ConfigError`] on `store.path`, at its line when written, else saying the default is meant.
fn store_path(src: &Source, s: Option<&Spanned<String>>) -> Result<PathBuf, ConfigError> {
    let field = "store.path";
    let written = s.map_or(DEFAULT_STORE_PATH, |s| s.get_ref().as_str());
    let fail = |message: String| match s {
        Some(s) => src.err(s.span(), field, message),
        None => Err(ConfigError {
            file: src.path.to_path_buf(),
            line: None,
            field: field.into(),
            message: format!("{message} (the default {DEFAULT_STORE_PATH:?}: the config has no [store])"),
        }),
    };
    if written.trim().is_empty() {
        return fail(format!(
            "must not be empty: name the store's folder, such as {DEFAULT_STORE_PATH:?}"
        ));
    }
    if written.chars().any(char::is_control) {
        return fail("holds a newline or another control character".into());
    }
    let path = src.dir().join(written);
    if path.exists() && !path.is_dir() {
        return fail(format!("{} is a file, not a store folder", path.display()));
    }
    // The folder itself when it exists, else the nearest folder above it that does.
    let existing = path.ancestors().find(|p| p.as_os_str().is_empty() || p.exists());
    let probe_dir = match existing {
        Some(p) if p.as_os_str().is_empty() => Path::new("."),
        Some(p) => p,
        None => Path::new("."),
    };
    if !probe_dir.is_dir() {
        return fail(format!(
            "{} is a file, so {} cannot be made",
            probe_dir.display(),
            path.display()
        ));
    }
    if let Err(e) = tempfile::tempfile_in(probe_dir) {
        return fail(format!("cannot write in {}: {e}", probe_dir.display()));
    }
    Ok(path)
}

/// How long one alert delivery may take by default.
const ALERT_TIMEOUT: Duration = Duration::from_secs(30);

fn alerts_config(src: &Source, raw: Option<&RawAlerts>) -> Result<AlertsConfig, ConfigError> {
    let empty = RawAlerts::default();
    let raw = raw.unwrap_or(&empty);
    let command = raw
        .command
        .as_ref()
        .map(|c| non_empty(src, c, "alerts.command"))
        .transpose()?;
    let webhook = raw
        .webhook
        .as_ref()
        .map(|w| parse_url(src, w, "alerts.webhook"))
        .transpose()?;
    let email = match &raw.email {
        None => None,
        Some(e) => {
            let v = e.get_ref().trim();
            let one_address = v.contains('@') && !v.chars().any(|c| c.is_whitespace() || c.is_control() || c == ',');
            if !one_address {
                return src.err(e.span(), "alerts.email", format!("{v:?} is not one e-mail address"));
            }
            Some(v.to_string())
        }
    };
    let timeout = ranged(
        src,
        &raw.timeout_secs,
        "alerts.timeout_secs",
        &limits::ALERT_TIMEOUT_SECS,
        ALERT_TIMEOUT.as_secs_f64(),
    )?;
    Ok(AlertsConfig {
        command,
        webhook,
        email,
        timeout: Duration::from_secs_f64(timeout),
    })
}

fn polling_config(src: &Source, raw: Option<&RawPolling>) -> Result<PollingConfig, ConfigError> {
    use chrono::TimeDelta;
    let empty = RawPolling::default();
    let raw = raw.unwrap_or(&empty);
    let get = |v: &Option<Spanned<u32>>, key: &str, range, default| {
        ranged(src, v, &format!("polling.{key}"), range, default).map(i64::from)
    };
    Ok(PollingConfig {
        interval: TimeDelta::minutes(get(
            &raw.interval_minutes,
            "interval_minutes",
            &limits::POLL_INTERVAL_MINUTES,
            POLL_INTERVAL_MINUTES,
        )?),
        min_interval: TimeDelta::minutes(get(
            &raw.min_interval_minutes,
            "min_interval_minutes",
            &limits::POLL_FLOOR_MINUTES,
            POLL_FLOOR_MINUTES,
        )?),
        boost: TimeDelta::days(get(&raw.boost_days, "boost_days", &limits::BOOST_DAYS, BOOST_DAYS)?),
        quiet: TimeDelta::days(get(&raw.quiet_days, "quiet_days", &limits::QUIET_DAYS, QUIET_DAYS)?),
        max_interval: TimeDelta::hours(get(
            &raw.max_interval_hours,
            "max_interval_hours",
            &limits::MAX_INTERVAL_HOURS,
            MAX_INTERVAL_HOURS,
        )?),
    })
}

/// `[recheck]`: ranges checked, `after_days` sorted with repeats dropped. Off when
/// `enabled = false`, or when it leaves no time to re-check at (no `after_days`, no repeat).
fn recheck_config(src: &Source, raw: Option<&RawRecheck>) -> Result<RecheckConfig, ConfigError> {
    use chrono::TimeDelta;
    let Some(raw) = raw else {
        return Ok(RecheckConfig::default());
    };
    let mut after = match &raw.after_days {
        None => RecheckConfig::default().after,
        Some(days) => days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let field = format!("recheck.after_days[{i}]");
                in_range(src, d, &field, &limits::RECHECK_AFTER_DAYS).map(|d| TimeDelta::days(d.into()))
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    after.sort();
    after.dedup();
    let every = ranged(
        src,
        &raw.then_every_days,
        "recheck.then_every_days",
        &limits::RECHECK_EVERY_DAYS,
        RECHECK_EVERY_DAYS,
    )?;
    let until = ranged(
        src,
        &raw.for_days,
        "recheck.for_days",
        &limits::RECHECK_FOR_DAYS,
        RECHECK_FOR_DAYS,
    )?;
    let every = (every > 0).then(|| TimeDelta::days(every.into()));
    Ok(RecheckConfig {
        enabled: raw.enabled.unwrap_or(true) && (!after.is_empty() || every.is_some()),
        after,
        every,
        until: TimeDelta::days(until.into()),
    })
}

fn report_config(src: &Source, raw: Option<&RawReport>) -> Result<ReportConfig, ConfigError> {
    let Some(raw) = raw else {
        return Ok(ReportConfig::default());
    };
    let title = raw
        .title
        .as_ref()
        .map(|t| non_empty(src, t, "report.title"))
        .transpose()?;
    let logo = raw.logo.as_ref().map(|l| logo(src, l)).transpose()?;
    let mut country_names = BTreeMap::new();
    for (code, name) in &raw.country_names {
        let field = format!("report.country_names.{}", code.get_ref());
        let upper = code.get_ref().trim().to_ascii_uppercase();
        if isocountry::CountryCode::for_alpha2(&upper).is_err() {
            return src.err(
                code.span(),
                field,
                format!(
                    "{:?} is not an ISO 3166-1 alpha-2 country code (such as \"TW\")",
                    code.get_ref()
                ),
            );
        }
        country_names.insert(upper, non_empty(src, name, &field)?);
    }
    let mut language_names = BTreeMap::new();
    for (code, name) in &raw.language_names {
        let field = format!("report.language_names.{}", code.get_ref());
        let code = language(src, code, &field)?;
        language_names.insert(code, non_empty(src, name, &field)?);
    }
    let paper = match &raw.paper {
        None => Paper::default(),
        Some(p) => match p.get_ref().trim().to_ascii_lowercase().as_str() {
            "a4" => Paper::A4,
            "letter" => Paper::Letter,
            _ => {
                return src.err(
                    p.span(),
                    "report.paper",
                    format!("{:?} is not a paper size: \"a4\" or \"letter\"", p.get_ref()),
                );
            }
        },
    };
    Ok(ReportConfig {
        title,
        logo,
        country_names,
        language_names,
        paper,
    })
}

fn logo(src: &Source, s: &Spanned<String>) -> Result<Logo, ConfigError> {
    let path = src.dir().join(s.get_ref().trim());
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mime = match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        _ => {
            return src.err(
                s.span(),
                "report.logo",
                format!("{} is not a .png, .jpg, .gif, .svg or .webp image", path.display()),
            );
        }
    };
    let size = std::fs::metadata(&path)
        .map(|m| m.len())
        .or_else(|e| src.err(s.span(), "report.logo", format!("cannot read {}: {e}", path.display())))?;
    if size > MAX_LOGO_BYTES {
        return src.err(
            s.span(),
            "report.logo",
            format!(
                "{} is {size} bytes; a logo may have at most {MAX_LOGO_BYTES}",
                path.display()
            ),
        );
    }
    let bytes = std::fs::read(&path)
        .or_else(|e| src.err(s.span(), "report.logo", format!("cannot read {}: {e}", path.display())))?;
    Ok(Logo { path, mime, bytes })
}

fn non_empty(src: &Source, s: &Spanned<String>, field: &str) -> Result<String, ConfigError> {
    let v = s.get_ref().trim();
    if v.is_empty() {
        return src.err(s.span(), field, "must not be empty");
    }
    Ok(v.to_string())
}

/// A language field as its ISO 639-1 code, whatever form it was written in (`es`, `spa`, `es-MX`):
/// pages and detection speak ISO 639-1, so the config must too (`crate::extract::lang`).
fn language(src: &Source, s: &Spanned<String>, field: &str) -> Result<String, ConfigError> {
    match crate::extract::lang::iso639_1(s.get_ref()) {
        Some(code) => Ok(code.to_string()),
        None => src.err(
            s.span(),
            field,
            format!(
                "{:?} is not a language code (ISO 639-1 such as \"en\", or ISO 639-2/3 such as \"spa\")",
                s.get_ref()
            ),
        ),
    }
}

fn parse_url(src: &Source, s: &Spanned<String>, field: &str) -> Result<Url, ConfigError> {
    match Url::parse(s.get_ref().trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u),
        Ok(_) => src.err(
            s.span(),
            field,
            format!("{:?} is not an http or https URL", s.get_ref()),
        ),
        Err(e) => src.err(s.span(), field, format!("{:?} is not a valid URL: {e}", s.get_ref())),
    }
}

fn read_text(src: &Source, s: &Spanned<String>, field: &str) -> Result<String, ConfigError> {
    let path = src.dir().join(s.get_ref());
    let text = std::fs::read_to_string(&path)
        .or_else(|e| src.err(s.span(), field, format!("cannot read {}: {e}", path.display())))?;
    if text.trim().is_empty() {
        return src.err(s.span(), field, format!("{} is empty", path.display()));
    }
    Ok(text)
}

fn article(src: &Source, i: usize, a: &RawArticle) -> Result<Article, ConfigError> {
    let f = |name: &str| format!("articles[{i}].{name}");
    let published = NaiveDate::parse_from_str(a.published.get_ref().trim(), "%Y-%m-%d").or_else(|_| {
        src.err(
            a.published.span(),
            f("published"),
            format!("{:?} is not a date like 2021-11-10", a.published.get_ref()),
        )
    })?;
    let mut translations = Vec::new();
    for (j, t) in a.translations.iter().enumerate() {
        let t = t.get_ref();
        let g = |name: &str| format!("articles[{i}].translations[{j}].{name}");
        translations.push(Translation {
            language: language(src, &t.language, &g("language"))?,
            title: t.title.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            text: read_text(src, &t.text, &g("text"))?,
        });
    }
    Ok(Article {
        id: non_empty(src, &a.id, &f("id"))?,
        title: non_empty(src, &a.title, &f("title"))?,
        author: a
            .author
            .as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        published,
        language: language(src, &a.language, &f("language"))?,
        text: read_text(src, &a.text, &f("text"))?,
        translations,
    })
}

fn outlet(src: &Source, i: usize, o: &RawOutlet) -> Result<Outlet, ConfigError> {
    let f = |name: &str| format!("outlets[{i}].{name}");
    let country = match &o.country {
        None => None,
        Some(c) => {
            let country = c.get_ref().trim().to_ascii_uppercase();
            if isocountry::CountryCode::for_alpha2(&country).is_err() {
                return src.err(
                    c.span(),
                    f("country"),
                    format!(
                        "{:?} is not an ISO 3166-1 alpha-2 country code (such as \"US\")",
                        c.get_ref()
                    ),
                );
            }
            Some(country)
        }
    };
    let urls = |list: &[Spanned<String>], name: &str| -> Result<Vec<Url>, ConfigError> {
        list.iter()
            .enumerate()
            .map(|(j, s)| parse_url(src, s, &format!("outlets[{i}].{name}[{j}]")))
            .collect()
    };
    let mut outlet = Outlet {
        id: non_empty(src, &o.id, &f("id"))?,
        name: non_empty(src, &o.name, &f("name"))?,
        country: country.unwrap_or_default(),
        language: match &o.language {
            Some(l) => language(src, l, &f("language"))?,
            None => UNDETERMINED_LANGUAGE.to_string(),
        },
        homepage: o
            .homepage
            .as_ref()
            .map(|h| parse_url(src, h, &f("homepage")))
            .transpose()?,
        feeds: urls(&o.feeds, "feeds")?,
        sitemaps: urls(&o.sitemaps, "sitemaps")?,
        listings: urls(&o.listings, "listings")?,
        audience: o
            .audience
            .as_ref()
            .map(|a| in_range(src, a, &f("audience"), &limits::AUDIENCE))
            .transpose()?,
    };
    if outlet.country.is_empty() {
        outlet.country = derived_country(&outlet);
    }
    Ok(outlet)
}

/// The country of an outlet the config gives none for: its homepage's (else its first
/// source's) country-code domain, else [`UNKNOWN_COUNTRY`].
fn derived_country(o: &Outlet) -> String {
    o.homepage
        .iter()
        .chain(o.sources().map(|(_, u)| u))
        .find_map(crate::discover::country_of_site)
        .unwrap_or_else(|| UNKNOWN_COUNTRY.to_string())
}

/// Each article's pitch list, from its `pitched` key and the CSV `pitched` columns. An outlet
/// id that no outlet has is an error naming the article's field.
fn pitch_lists(
    src: &Source,
    raw: &[Spanned<RawArticle>],
    articles: &[Article],
    outlet_ids: &HashSet<String>,
    csv_pitches: Vec<(String, String)>,
) -> Result<std::collections::BTreeMap<String, Vec<String>>, ConfigError> {
    let mut lists: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for (i, (r, a)) in raw.iter().zip(articles).enumerate() {
        for (j, p) in r.get_ref().pitched.iter().enumerate() {
            let id = p.get_ref().trim();
            if !outlet_ids.contains(id) {
                return src.err(
                    p.span(),
                    format!("articles[{i}].pitched[{j}]"),
                    format!("no outlet has the id {id:?}"),
                );
            }
            let list = lists.entry(a.id.clone()).or_default();
            if !list.iter().any(|x| x == id) {
                list.push(id.to_string());
            }
        }
    }
    for (article, outlet) in csv_pitches {
        let list = lists.entry(article).or_default();
        if !list.contains(&outlet) {
            list.push(outlet);
        }
    }
    Ok(lists)
}

// ---------------------------------------------------------------------------
// [discovery]: pages from outlets nobody listed.

/// The GDELT DOC 2.0 API, the default news search service.
pub const GDELT_ENDPOINT: &str = "https://api.gdeltproject.org/api/v2/doc/doc";

/// GDELT asks for no more than one request every 5 seconds
/// (<https://blog.gdeltproject.org/ukraine-api-rate-limiting-web-ngrams-3-0/>); pickup never asks
/// its API faster, whatever the config says.
pub const GDELT_MIN_INTERVAL: Duration = Duration::from_secs(5);

/// A news search service pickup can ask for pages carrying an article's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchService {
    /// The GDELT DOC 2.0 API (`mode=artlist`, `format=json`): news in 65 languages, searched
    /// through machine translation, so English phrases also find translated copies.
    Gdelt,
}

impl SearchService {
    pub fn as_str(self) -> &'static str {
        match self {
            SearchService::Gdelt => "gdelt",
        }
    }
}

/// The `[discovery]` table, validated.
#[derive(Debug, Clone)]
pub struct DiscoveryConfig {
    /// Services asked for each tracked article inside its window; empty: no search.
    pub search: Vec<SearchService>,
    pub gdelt_endpoint: Url,
    /// The least time between two requests to the GDELT API: at least [`GDELT_MIN_INTERVAL`]
    /// for GDELT's own host; a mirror or a local fake may be asked faster.
    pub gdelt_interval: Duration,
    /// Phrases searched per article: its title and its most distinctive sentences.
    pub queries_per_article: usize,
    /// An article is searched for from its window's start until this many days after its
    /// publication.
    pub search_days: u32,
    /// Record a placement verified on a site no configured outlet owns under an outlet made
    /// from the site (`pickup outlets adopt ID` prints its TOML). Off: such pages are only logged.
    pub auto_outlets: bool,
}

impl Default for DiscoveryConfig {
    /// No search: the defaults of a config without a `[discovery]` table.
    fn default() -> Self {
        DiscoveryConfig {
            search: Vec::new(),
            gdelt_endpoint: Url::parse(GDELT_ENDPOINT).expect("a valid URL"),
            gdelt_interval: GDELT_MIN_INTERVAL,
            queries_per_article: 4,
            search_days: 90,
            auto_outlets: true,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDiscovery {
    search: Option<Vec<Spanned<String>>>,
    gdelt_endpoint: Option<Spanned<String>>,
    gdelt_interval_secs: Option<Spanned<f64>>,
    queries_per_article: Option<Spanned<usize>>,
    search_days: Option<Spanned<u32>>,
    auto_outlets: Option<bool>,
}

/// Validates `[discovery]`. Without the table nothing is searched; with it, `search` defaults
/// to `["gdelt"]`.
fn discovery_config(src: &Source, raw: Option<&Spanned<RawDiscovery>>) -> Result<DiscoveryConfig, ConfigError> {
    let d = DiscoveryConfig::default();
    let Some(raw) = raw.map(Spanned::get_ref) else {
        return Ok(d);
    };
    let mut search = Vec::new();
    match &raw.search {
        None => search.push(SearchService::Gdelt),
        Some(list) => {
            for (i, s) in list.iter().enumerate() {
                let service = match s.get_ref().trim().to_ascii_lowercase().as_str() {
                    "gdelt" => SearchService::Gdelt,
                    "google_news" | "google-news" | "googlenews" => {
                        return src.err(
                            s.span(),
                            format!("discovery.search[{i}]"),
                            "google_news is not offered: Google's terms do not allow automated queries of its services (see README, News search)",
                        );
                    }
                    other => {
                        return src.err(
                            s.span(),
                            format!("discovery.search[{i}]"),
                            format!("unknown search service {other:?} (known: \"gdelt\")"),
                        );
                    }
                };
                if !search.contains(&service) {
                    search.push(service);
                }
            }
        }
    }
    let gdelt_endpoint = match &raw.gdelt_endpoint {
        None => d.gdelt_endpoint,
        Some(s) => parse_url(src, s, "discovery.gdelt_endpoint")?,
    };
    let floor = if gdelt_endpoint.host_str() == Url::parse(GDELT_ENDPOINT).ok().as_ref().and_then(Url::host_str) {
        GDELT_MIN_INTERVAL
    } else {
        Duration::ZERO
    };
    let gdelt_interval = match &raw.gdelt_interval_secs {
        None => d.gdelt_interval,
        Some(s)
            if s.get_ref().is_finite()
                && Duration::from_secs_f64(s.get_ref().max(0.0)) >= floor
                && *s.get_ref() > 0.0 =>
        {
            Duration::from_secs_f64(*s.get_ref())
        }
        Some(s) => {
            return src.err(
                s.span(),
                "discovery.gdelt_interval_secs",
                format!(
                    "must be a number of seconds above 0, and at least {} for GDELT's own API (its rate rule)",
                    GDELT_MIN_INTERVAL.as_secs()
                ),
            );
        }
    };
    let queries_per_article = ranged(
        src,
        &raw.queries_per_article,
        "discovery.queries_per_article",
        &limits::QUERIES_PER_ARTICLE,
        d.queries_per_article,
    )?;
    Ok(DiscoveryConfig {
        search,
        gdelt_endpoint,
        gdelt_interval,
        queries_per_article,
        search_days: ranged(
            src,
            &raw.search_days,
            "discovery.search_days",
            &limits::SEARCH_DAYS,
            d.search_days,
        )?,
        auto_outlets: raw.auto_outlets.unwrap_or(d.auto_outlets),
    })
}

#[cfg(test)]
impl Config {
    /// `text` validated as if read from `config/pickup.toml` in a fresh temporary folder (gone
    /// on return), so a test probes no folder of the machine for the default store.
    pub(crate) fn for_test(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        Config::from_str(text, &dir.path().join("config/pickup.toml"))
    }
}

#[cfg(test)]
mod language_tests {
    use super::Config;

    fn outlet_language(value: &str) -> Result<String, super::ConfigError> {
        let text = format!(
            "[[outlets]]\nid = \"x\"\nname = \"X\"\ncountry = \"PT\"\nlanguage = \"{value}\"\nhomepage = \"https://x.example/\"\n"
        );
        Config::for_test(&text).map(|c| c.outlets[0].language.clone())
    }

    #[test]
    fn language_fields_are_stored_as_iso_639_1_whatever_their_form() {
        for (written, stored) in [
            ("pt", "pt"),
            ("por", "pt"),
            ("POR", "pt"),
            ("pt-BR", "pt"),
            ("iw", "he"),
        ] {
            assert_eq!(outlet_language(written).unwrap(), stored, "{written}");
        }
        for bad in ["xx", "portuguese", "", "x-private"] {
            let err = outlet_language(bad).unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.line),
                ("outlets[0].language", Some(5)),
                "{bad}: {err}"
            );
            assert!(err.message.contains("not a language code"), "{err}");
        }
    }
}
