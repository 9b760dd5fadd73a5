//! The sled store: recorded hits, seen URLs, per-source state, robots.txt copies and run summaries.
//!
//! sled holds an exclusive lock on its directory, so a second `pickup run` fails to open the
//! store and exits with [`StoreError::Locked`]. Every recorded hit is flushed before it is
//! counted, so a run killed at any point loses nothing it reported.

use crate::crawl::robots::CachedRobots;
use crate::detect::Kind;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped whenever a tree's key or value layout changes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store {} is in use by another pickup run", .0.display())]
    Locked(PathBuf),
    #[error("the store {path} has schema version {found}; this pickup reads version {SCHEMA_VERSION}", path = .path.display())]
    Schema { path: PathBuf, found: u32 },
    #[error("store {}: {source}", .path.display())]
    Sled { path: PathBuf, source: sled::Error },
    #[error("store {}: damaged record under {key:?}: {reason}", .path.display())]
    Corrupt { path: PathBuf, key: String, reason: String },
}

/// One placement: an article found on an outlet. The stored form carries more than the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HitRecord {
    pub article: String,
    pub kind: Kind,
    pub score: f64,
    #[serde(default)]
    pub coverage: f64,
    /// The page as fetched (after redirects).
    pub url: String,
    pub canonical_url: String,
    pub outlet: String,
    pub outlet_name: String,
    pub country: String,
    pub language: String,
    pub title: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub first_seen: DateTime<Utc>,
    pub evidence: String,
    /// Every other URL this placement was seen under (AMP, print, tracking variants).
    #[serde(default)]
    pub variants: Vec<String>,
    /// Recorded with `pickup add --force`: the team's own judgement, not pickup's verdict.
    #[serde(default)]
    pub team_judgement: bool,
}

/// What pickup remembers of a source between runs: conditional-GET validators and health.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceState {
    pub outlet: String,
    pub kind: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// xxh3 of the last body parsed: some servers send the same ETag for a changed feed, and
    /// many send none, so an unchanged hash is what proves the feed unchanged.
    pub body_hash: Option<u64>,
    pub last_polled: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    /// "ok", "unchanged", or the failure class ("timeout", "http 503", "malformed feed", ...).
    pub last_status: String,
    pub last_error: Option<String>,
    pub consecutive_failures: u32,
    /// Exponential moving average of response times, in milliseconds.
    pub avg_latency_ms: Option<f64>,
    pub items_last_poll: usize,
    /// A sitemap index's children as last read, so an unchanged index still leads to them.
    #[serde(default)]
    pub children: Vec<String>,
}

impl SourceState {
    /// Failures in a row after which a source is flagged and polled less often.
    pub const FAILING_AFTER: u32 = 3;

    pub fn is_failing(&self) -> bool {
        self.consecutive_failures >= Self::FAILING_AFTER
    }
}

/// What one run did, kept for `pickup status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    pub sources_polled: usize,
    pub sources_unchanged: usize,
    pub sources_failed: usize,
    /// Sources that keep failing and were not polled this run (they are polled less often).
    #[serde(default)]
    pub sources_backing_off: usize,
    pub candidates: usize,
    pub pages_fetched: usize,
    pub pages_failed: usize,
    pub skipped_robots: usize,
    pub new_hits: usize,
    pub requests: usize,
    /// Queries asked of news search services (`[discovery] search`).
    #[serde(default)]
    pub search_queries: usize,
}

/// A handle on the open store. Cheap to clone; clones share one sled database.
#[derive(Clone)]
pub struct Store {
    path: PathBuf,
    db: sled::Db,
    hits: sled::Tree,
    seen: sled::Tree,
    sources: sled::Tree,
    robots: sled::Tree,
    runs: sled::Tree,
    /// Outlet id → sources discovered from its homepage.
    discovered: sled::Tree,
    /// Auto outlet id → the outlet made for placements on a site nobody configured.
    auto_outlets: sled::Tree,
}

const SCHEMA_KEY: &[u8] = b"schema_version";

impl Store {
    /// Opens (creating if needed) the store at `path`, checking its schema version.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        // No background flusher: pickup flushes after every hit and at the end of a run, and
        // without that thread the file lock is released the moment the store is dropped (with
        // it, a moment later), so a command that follows in the same process can open it.
        let db = sled::Config::new()
            .path(path)
            .flush_every_ms(None)
            .open()
            .map_err(|e| match e {
                sled::Error::Io(ref io)
                    if io.kind() == std::io::ErrorKind::WouldBlock
                        || io.to_string().contains("could not acquire lock") =>
                {
                    StoreError::Locked(path.to_path_buf())
                }
                e => StoreError::Sled {
                    path: path.to_path_buf(),
                    source: e,
                },
            })?;
        let sled_err = |source| StoreError::Sled {
            path: path.to_path_buf(),
            source,
        };
        match db.get(SCHEMA_KEY).map_err(sled_err)? {
            Some(v) => {
                let found = v.as_ref().try_into().map(u32::from_be_bytes).unwrap_or(0);
                if found != SCHEMA_VERSION {
                    return Err(StoreError::Schema {
                        path: path.to_path_buf(),
                        found,
                    });
                }
            }
            None => {
                db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes()).map_err(sled_err)?;
            }
        }
        let tree = |name: &str| db.open_tree(name).map_err(sled_err);
        Ok(Store {
            hits: tree("hits")?,
            seen: tree("seen")?,
            sources: tree("sources")?,
            robots: tree("robots")?,
            runs: tree("runs")?,
            discovered: tree("discovered")?,
            auto_outlets: tree("auto_outlets")?,
            db,
            path: path.to_path_buf(),
        })
    }

    fn sled_err(&self, source: sled::Error) -> StoreError {
        StoreError::Sled {
            path: self.path.clone(),
            source,
        }
    }

    fn get<T: DeserializeOwned>(&self, tree: &sled::Tree, key: &[u8]) -> Result<Option<T>, StoreError> {
        match tree.get(key).map_err(|e| self.sled_err(e))? {
            None => Ok(None),
            Some(v) => self.decode(key, &v).map(Some),
        }
    }

    fn decode<T: DeserializeOwned>(&self, key: &[u8], v: &[u8]) -> Result<T, StoreError> {
        serde_json::from_slice(v).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            key: String::from_utf8_lossy(key).into_owned(),
            reason: e.to_string(),
        })
    }

    fn put<T: Serialize>(&self, tree: &sled::Tree, key: &[u8], value: &T) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).expect("store records always serialise");
        tree.insert(key, bytes).map_err(|e| self.sled_err(e))?;
        Ok(())
    }

    /// Writes everything to disk. Called after each recorded hit and at the end of a run.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| self.sled_err(e))?;
        Ok(())
    }

    // --- hits -------------------------------------------------------------------------------

    fn hit_key(article: &str, outlet: &str) -> Vec<u8> {
        format!("{article}\0{outlet}").into_bytes()
    }

    /// Records a placement, one per article and outlet. Returns `true` when it is new. When the
    /// placement is already known, the better of the two verdicts is kept (with the first
    /// `first_seen`) and the new URL is remembered as a variant. Flushed before returning.
    pub fn record_hit(&self, hit: &HitRecord) -> Result<bool, StoreError> {
        let key = Self::hit_key(&hit.article, &hit.outlet);
        let new = match self.get::<HitRecord>(&self.hits, &key)? {
            None => {
                self.put(&self.hits, &key, hit)?;
                true
            }
            Some(old) => {
                let merged = merge(old, hit);
                self.put(&self.hits, &key, &merged)?;
                false
            }
        };
        self.flush()?;
        Ok(new)
    }

    /// How many placements are recorded, without reading them.
    pub fn hit_count(&self) -> usize {
        self.hits.len()
    }

    /// Every recorded hit, ordered by article then outlet.
    pub fn hits(&self) -> Result<Vec<HitRecord>, StoreError> {
        self.hits
            .iter()
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                self.decode(&k, &v)
            })
            .collect()
    }

    // --- seen URLs --------------------------------------------------------------------------

    /// True when this canonical page key was fetched and judged in an earlier run.
    pub fn is_seen(&self, key: &str) -> Result<bool, StoreError> {
        self.seen.contains_key(key).map_err(|e| self.sled_err(e))
    }

    pub fn mark_seen(&self, key: &str, when: DateTime<Utc>) -> Result<(), StoreError> {
        self.seen
            .insert(key, when.timestamp().to_be_bytes().as_slice())
            .map_err(|e| self.sled_err(e))?;
        Ok(())
    }

    pub fn seen_count(&self) -> usize {
        self.seen.len()
    }

    // --- sources ----------------------------------------------------------------------------

    pub fn source(&self, url: &str) -> Result<Option<SourceState>, StoreError> {
        self.get(&self.sources, url.as_bytes())
    }

    pub fn save_source(&self, url: &str, state: &SourceState) -> Result<(), StoreError> {
        self.put(&self.sources, url.as_bytes(), state)
    }

    /// Every source with its state, keyed by URL.
    pub fn sources(&self) -> Result<Vec<(String, SourceState)>, StoreError> {
        self.sources
            .iter()
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                Ok((String::from_utf8_lossy(&k).into_owned(), self.decode(&k, &v)?))
            })
            .collect()
    }

    // --- runs -------------------------------------------------------------------------------

    pub fn save_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        let key = run.started.timestamp_millis().to_be_bytes();
        self.put(&self.runs, &key, run)?;
        self.flush()
    }

    pub fn last_run(&self) -> Result<Option<RunRecord>, StoreError> {
        match self.runs.last().map_err(|e| self.sled_err(e))? {
            None => Ok(None),
            Some((k, v)) => self.decode(&k, &v).map(Some),
        }
    }
}

/// Discovery: sources found from homepages, and outlets made for placements on unlisted sites.
impl Store {
    /// The sources discovered for an outlet, if discovery ever ran for it.
    pub fn discovered(&self, outlet: &str) -> Result<Option<crate::discover::DiscoveredSources>, StoreError> {
        self.get(&self.discovered, outlet.as_bytes())
    }

    pub fn save_discovered(&self, outlet: &str, found: &crate::discover::DiscoveredSources) -> Result<(), StoreError> {
        self.put(&self.discovered, outlet.as_bytes(), found)
    }

    /// Every auto outlet, by id.
    pub fn auto_outlets(&self) -> Result<Vec<crate::discover::AutoOutlet>, StoreError> {
        self.auto_outlets
            .iter()
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                self.decode(&k, &v)
            })
            .collect()
    }

    pub fn auto_outlet(&self, id: &str) -> Result<Option<crate::discover::AutoOutlet>, StoreError> {
        self.get(&self.auto_outlets, id.as_bytes())
    }

    /// Saves an auto outlet over the one kept under its id (the team's own name or country).
    pub fn save_auto_outlet(&self, outlet: &crate::discover::AutoOutlet) -> Result<(), StoreError> {
        self.put(&self.auto_outlets, outlet.id.as_bytes(), outlet)?;
        self.flush()
    }

    /// Keeps `outlet` unless an auto outlet with its id exists already; returns the one kept, so
    /// the first placement on a site decides its country and name (two tasks finding pages on
    /// one site at once agree). Flushed.
    pub fn keep_auto_outlet(
        &self,
        outlet: &crate::discover::AutoOutlet,
    ) -> Result<crate::discover::AutoOutlet, StoreError> {
        let key = outlet.id.as_bytes();
        let bytes = serde_json::to_vec(outlet).expect("store records always serialise");
        let swapped = self
            .auto_outlets
            .compare_and_swap(key, None::<&[u8]>, Some(bytes))
            .map_err(|e| self.sled_err(e))?;
        let kept = match swapped {
            Ok(()) => outlet.clone(),
            Err(current) => match current.current {
                Some(v) => self.decode(key, &v)?,
                None => outlet.clone(),
            },
        };
        self.flush()?;
        Ok(kept)
    }
}

/// robots.txt copies, kept between runs so a run asks each origin for it at most once a day.
impl crate::crawl::robots::RobotsCache for Store {
    fn load(&self, origin: &str) -> Option<CachedRobots> {
        // A damaged copy is only a cache miss: the file is fetched again.
        self.get(&self.robots, origin.as_bytes()).ok().flatten()
    }

    fn save(&self, origin: &str, robots: &CachedRobots) {
        if let Err(e) = self.put(&self.robots, origin.as_bytes(), robots) {
            tracing::warn!("cannot keep robots.txt of {origin}: {e}");
        }
    }
}

/// Rank of a kind when two verdicts on one placement disagree: the fuller republication wins.
fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::Verbatim => 3,
        Kind::Edited | Kind::Translation => 2,
        Kind::Excerpt => 1,
    }
}

fn merge(old: HitRecord, new: &HitRecord) -> HitRecord {
    let better = (rank(new.kind), new.score) > (rank(old.kind), old.score);
    let mut kept = if better { new.clone() } else { old.clone() };
    kept.first_seen = old.first_seen.min(new.first_seen);
    let mut variants = old.variants;
    for u in [&old.url, &new.url].into_iter().chain(new.variants.iter()) {
        if *u != kept.url && !variants.contains(u) {
            variants.push(u.clone());
        }
    }
    kept.variants = variants;
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(kind: Kind, score: f64, url: &str, first_seen: &str) -> HitRecord {
        HitRecord {
            article: "a".into(),
            kind,
            score,
            coverage: score,
            url: url.into(),
            canonical_url: url.into(),
            outlet: "o".into(),
            outlet_name: "O".into(),
            country: "US".into(),
            language: "en".into(),
            title: None,
            published: None,
            first_seen: first_seen.parse().unwrap(),
            evidence: String::new(),
            variants: vec![],
            team_judgement: false,
        }
    }

    #[test]
    fn one_record_per_article_and_outlet_keeping_the_fullest_version() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s")).unwrap();
        assert!(
            store
                .record_hit(&hit(Kind::Excerpt, 0.4, "https://x/teaser", "2021-11-12T00:00:00Z"))
                .unwrap()
        );
        assert!(
            !store
                .record_hit(&hit(Kind::Verbatim, 1.0, "https://x/full", "2021-11-13T00:00:00Z"))
                .unwrap()
        );
        assert!(
            !store
                .record_hit(&hit(Kind::Excerpt, 0.5, "https://x/amp", "2021-11-14T00:00:00Z"))
                .unwrap()
        );
        let hits = store.hits().unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].kind, hits[0].url.as_str()), (Kind::Verbatim, "https://x/full"));
        assert_eq!(
            hits[0].first_seen.to_rfc3339(),
            "2021-11-12T00:00:00+00:00",
            "first seen is the earliest"
        );
        assert_eq!(hits[0].variants, ["https://x/teaser", "https://x/amp"]);
    }

    #[test]
    fn a_store_of_another_schema_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        {
            let db = sled::Config::new().path(&path).flush_every_ms(None).open().unwrap();
            db.insert(SCHEMA_KEY, &99u32.to_be_bytes()).unwrap();
            db.flush().unwrap();
        }
        match Store::open(&path) {
            Err(StoreError::Schema { found: 99, .. }) => {}
            other => panic!("{:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn a_second_open_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        let _first = Store::open(&path).unwrap();
        assert!(matches!(Store::open(&path), Err(StoreError::Locked(_))));
    }
}
