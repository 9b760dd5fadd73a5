//! The config file: TOML read into raw, spanned values, then validated once into typed values.
//!
//! Every error names the file, the line and the field it concerns. Unknown keys are errors.

use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;
use url::Url;

mod outlets_csv;

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
        }
    }
}

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
    lookback_days: Option<u32>,
    respect_robots: Option<bool>,
    proxy: Option<Spanned<String>>,
    retries: Option<u32>,
    retry_base_ms: Option<u64>,
    max_retry_after_secs: Option<u64>,
    max_redirects: Option<usize>,
    host_budget_secs: Option<Spanned<f64>>,
    robots_max_age_hours: Option<u64>,
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
    audience: Option<u64>,
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
            field: String::new(),
            message: e.message().trim().to_string(),
        })
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
        let raw: RawConfig = src.parse()?;

        let store = match &raw.store {
            Some(s) => StoreConfig {
                path: src.dir().join(s.get_ref().path.get_ref()),
            },
            None => StoreConfig {
                path: src.dir().join("../data/pickup.sled"),
            },
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

        Ok(Config {
            path: path.to_path_buf(),
            store,
            crawl,
            articles,
            outlets,
            discovery,
            pitched,
            problems,
        })
    }

    /// The ids of the outlets `article` was pitched to (empty when none is listed).
    pub fn pitched(&self, article: &str) -> &[String] {
        self.pitched.get(article).map_or(&[], Vec::as_slice)
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

fn secs(src: &Source, v: &Option<Spanned<f64>>, field: &str, default: Duration) -> Result<Duration, ConfigError> {
    match v {
        None => Ok(default),
        Some(s) if *s.get_ref() > 0.0 && s.get_ref().is_finite() => Ok(Duration::from_secs_f64(*s.get_ref())),
        Some(s) => src.err(
            s.span(),
            format!("crawl.{field}"),
            "must be a number of seconds above 0",
        ),
    }
}

fn crawl_config(src: &Source, raw: Option<&RawCrawl>) -> Result<CrawlConfig, ConfigError> {
    let d = CrawlConfig::default();
    let empty = RawCrawl::default();
    let raw = raw.unwrap_or(&empty);
    let per_host_rps = match &raw.per_host_rps {
        None => d.per_host_rps,
        Some(s) if *s.get_ref() > 0.0 && s.get_ref().is_finite() => *s.get_ref(),
        Some(s) => {
            return src.err(
                s.span(),
                "crawl.per_host_rps",
                "must be above 0 (requests per second to one host)",
            );
        }
    };
    let per_host_burst = match &raw.per_host_burst {
        None => d.per_host_burst,
        Some(s) => match NonZeroU32::new(*s.get_ref()) {
            Some(n) => n,
            None => return src.err(s.span(), "crawl.per_host_burst", "must be at least 1"),
        },
    };
    let max_concurrency = match &raw.max_concurrency {
        None => d.max_concurrency,
        Some(s) if *s.get_ref() > 0 => *s.get_ref(),
        Some(s) => return src.err(s.span(), "crawl.max_concurrency", "must be at least 1"),
    };
    let max_page_bytes = match &raw.max_page_bytes {
        None => d.max_page_bytes,
        Some(s) if *s.get_ref() >= 1024 => *s.get_ref(),
        Some(s) => return src.err(s.span(), "crawl.max_page_bytes", "must be at least 1024"),
    };
    let user_agent = match &raw.user_agent {
        None => d.user_agent,
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
        timeout: secs(src, &raw.timeout_secs, "timeout_secs", d.timeout)?,
        connect_timeout: secs(
            src,
            &raw.connect_timeout_secs,
            "connect_timeout_secs",
            d.connect_timeout,
        )?,
        max_page_bytes,
        lookback_days: raw.lookback_days.unwrap_or(d.lookback_days),
        respect_robots: raw.respect_robots.unwrap_or(d.respect_robots),
        proxy,
        retries: raw.retries.unwrap_or(d.retries),
        retry_base: raw.retry_base_ms.map(Duration::from_millis).unwrap_or(d.retry_base),
        max_retry_after: raw
            .max_retry_after_secs
            .map(Duration::from_secs)
            .unwrap_or(d.max_retry_after),
        max_redirects: raw.max_redirects.unwrap_or(d.max_redirects),
        host_budget: secs(src, &raw.host_budget_secs, "host_budget_secs", d.host_budget)?,
        robots_max_age: raw
            .robots_max_age_hours
            .map(|h| Duration::from_secs(h * 3600))
            .unwrap_or(d.robots_max_age),
    })
}

fn non_empty(src: &Source, s: &Spanned<String>, field: &str) -> Result<String, ConfigError> {
    let v = s.get_ref().trim();
    if v.is_empty() {
        return src.err(s.span(), field, "must not be empty");
    }
    Ok(v.to_string())
}

fn language(src: &Source, s: &Spanned<String>, field: &str) -> Result<String, ConfigError> {
    let v = s.get_ref().trim().to_ascii_lowercase();
    let ok = (v.len() == 2 || v.len() == 3) && v.bytes().all(|b| b.is_ascii_lowercase());
    if !ok {
        return src.err(
            s.span(),
            field,
            format!("{:?} is not an ISO 639-1 language code (such as \"en\")", s.get_ref()),
        );
    }
    Ok(v)
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
        audience: o.audience,
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
    search_days: Option<u32>,
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
    let queries_per_article = match &raw.queries_per_article {
        None => d.queries_per_article,
        Some(s) if (1..=20).contains(s.get_ref()) => *s.get_ref(),
        Some(s) => return src.err(s.span(), "discovery.queries_per_article", "must be from 1 to 20"),
    };
    Ok(DiscoveryConfig {
        search,
        gdelt_endpoint,
        gdelt_interval,
        queries_per_article,
        search_days: raw.search_days.unwrap_or(d.search_days),
        auto_outlets: raw.auto_outlets.unwrap_or(d.auto_outlets),
    })
}
