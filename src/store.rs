//! The sled store: recorded hits, seen URLs, per-source state, robots.txt copies and run summaries.
//!
//! sled holds an exclusive lock on its directory, so a second `pickup run` fails to open the
//! store and exits with [`StoreError::Locked`]. Every recorded hit is flushed before it is
//! counted (once per page, for all its placements), so a run killed at any point loses nothing
//! it reported.

use crate::canon;
use crate::config::SourceKind;
use crate::crawl::fetch::HostPause;
use crate::crawl::robots::CachedRobots;
use crate::crawl::{Failure, SourceStatus, Validators};
use crate::detect::Kind;
use chrono::{DateTime, FixedOffset, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use url::Url;

/// Bumped whenever a tree's key or value layout changes.
/// 2: placements keyed by article × canonical page key (1: by article × outlet).
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store {} is in use by another pickup run", .0.display())]
    Locked(PathBuf),
    #[error("the store {path} has schema version {found}; this pickup reads version {SCHEMA_VERSION}", path = .path.display())]
    Schema { path: PathBuf, found: u32 },
    #[error("store {}: {source}", .path.display())]
    Sled { path: PathBuf, source: sled::Error },
    #[error("cannot copy the store {} to {} before migrating it: {source}", .path.display(), .to.display())]
    Backup {
        path: PathBuf,
        to: PathBuf,
        source: std::io::Error,
    },
    #[error("store {}: damaged record under {key:?}: {reason}; run `pickup db check` for how to recover", .path.display())]
    Corrupt { path: PathBuf, key: String, reason: String },
    /// The store as a whole is damaged (see [`crate::store_guard`]).
    #[error("the store {} is damaged: {reason}; run `pickup db check` for how to recover", .path.display())]
    Damaged { path: PathBuf, reason: String },
    /// A file of the store other than sled's own (the record-count witness, a dump).
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl StoreError {
    /// A storage-engine error on the store at `path`: [`StoreError::Damaged`] when the engine
    /// found corrupted data (so the message leads to `pickup db check`), else
    /// [`StoreError::Sled`] (a full disk, a read-only file system, …), naming the path either way.
    pub fn from_engine(path: &Path, source: sled::Error) -> StoreError {
        match source {
            sled::Error::Corruption { .. } => StoreError::Damaged {
                path: path.to_path_buf(),
                reason: source.to_string(),
            },
            source => StoreError::Sled {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

/// How the page of a placement was found (DESIGN.md, export field `found_via`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FoundVia {
    /// An RSS, Atom, RDF or JSON feed of the outlet.
    Feed,
    /// A sitemap (or a child of a sitemap index).
    Sitemap,
    /// A listing page whose links are articles.
    Listing,
    /// A search for the article's text.
    Search,
    /// Added by hand (`pickup check --record`).
    Manual,
}

impl FoundVia {
    pub fn as_str(self) -> &'static str {
        match self {
            FoundVia::Feed => "feed",
            FoundVia::Sitemap => "sitemap",
            FoundVia::Listing => "listing",
            FoundVia::Search => "search",
            FoundVia::Manual => "manual",
        }
    }
}

impl std::fmt::Display for FoundVia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl From<crate::config::SourceKind> for FoundVia {
    fn from(kind: crate::config::SourceKind) -> FoundVia {
        match kind {
            crate::config::SourceKind::Feed => FoundVia::Feed,
            crate::config::SourceKind::Sitemap => FoundVia::Sitemap,
            crate::config::SourceKind::Listing => FoundVia::Listing,
        }
    }
}

/// One placement: one page of one article on an outlet. The stored form carries more than the
/// export (`variants`). Fields added after schema 1 default when a record lacks them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HitRecord {
    pub article: String,
    pub kind: Kind,
    pub score: f64,
    /// Share of the article's text found on the page, 0–1.
    #[serde(default)]
    pub coverage: f64,
    /// 1-based numbers of the article's paragraphs not found on the page.
    #[serde(default)]
    pub missing_paragraphs: Vec<usize>,
    /// The page as fetched (after redirects).
    pub url: String,
    pub canonical_url: String,
    pub outlet: String,
    pub outlet_name: String,
    pub country: String,
    pub language: String,
    /// The outlet's monthly readers, as configured when the placement was recorded.
    #[serde(default)]
    pub audience: Option<u64>,
    pub title: Option<String>,
    /// The page's publication time with its own UTC offset (RFC 3339). Schema-1 stores wrote
    /// UTC strings (`…Z`), which read as offset +00:00.
    pub published: Option<DateTime<FixedOffset>>,
    /// Why `published` is not the page's own date, or is missing (e.g. the page's date is
    /// before the article was written, so the feed's date stands).
    #[serde(default)]
    pub date_note: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub evidence: String,
    /// The original's URL when the page credits another site (a `rel=canonical` or `og:url` on
    /// another site, or a "first appeared in" line).
    #[serde(default)]
    pub syndicated_from: Option<String>,
    /// Pages with the same normalised text share this id (16 hex digits of an xxh3 hash), so
    /// copies spread by one syndication network can be told apart from independent runs.
    #[serde(default)]
    pub group: Option<String>,
    /// How the page was found; unknown for records of schema-1 stores.
    #[serde(default)]
    pub found_via: Option<FoundVia>,
    /// Every other URL this placement was seen under (AMP, print, tracking variants).
    #[serde(default)]
    pub variants: Vec<String>,
    /// Recorded with `pickup add --force`: the team's own judgement, not pickup's verdict.
    #[serde(default)]
    pub team_judgement: bool,
    /// The matched passage, compressed, and a hash of the page, kept when the placement was
    /// first recorded (or at its first successful re-check, for older records); never replaced.
    /// Left out of the stored JSON when absent, so records without it keep their old bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<crate::proof::Proof>,
    /// What the liveness re-checks found ([`crate::recheck`]); `None` until one is tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recheck: Option<crate::recheck::Recheck>,
}

/// What pickup remembers of a source between runs: conditional-GET validators and health.
///
/// Stored as JSON; fields added since the first version have defaults, and the validators are
/// flattened, so records written by earlier versions read back unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceState {
    pub outlet: String,
    pub kind: SourceKind,
    /// From the last response that carried them, sent back on the next poll.
    #[serde(flatten)]
    pub validators: Validators,
    /// xxh3 of the last body parsed: some servers send the same ETag for a changed feed, and
    /// many send none, so an unchanged hash is what proves the feed unchanged.
    pub body_hash: Option<u64>,
    pub last_polled: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_status: SourceStatus,
    /// The message of the last failure (with its URL).
    pub last_error: Option<String>,
    /// Why the last poll read the source only in part (with [`SourceStatus::Partial`]).
    #[serde(default)]
    pub partial: Option<String>,
    pub consecutive_failures: u32,
    /// Exponential moving average of response times, in milliseconds.
    pub avg_latency_ms: Option<f64>,
    pub items_last_poll: usize,
    /// A sitemap index's children as last read, newest first, so an unchanged index still
    /// leads to them.
    #[serde(default)]
    pub children: Vec<String>,
    /// When the source last brought a page not seen before (first set at its first poll): a
    /// source quiet for weeks is polled less often ([`crate::run::schedule`]).
    #[serde(default)]
    pub last_new: Option<DateTime<Utc>>,
    /// For a sitemap index's child: its `<lastmod>` in the index when it was last read. While
    /// the index lists the same lastmod, the child is not fetched again.
    #[serde(default)]
    pub listed_lastmod: Option<DateTime<Utc>>,
}

impl SourceState {
    /// Failures in a row after which a source is flagged and polled less often.
    pub const FAILING_AFTER: u32 = 3;

    /// A source never polled.
    pub fn new(outlet: &str, kind: SourceKind) -> SourceState {
        SourceState {
            outlet: outlet.to_string(),
            kind,
            validators: Validators::default(),
            body_hash: None,
            last_polled: None,
            last_success: None,
            last_status: SourceStatus::Never,
            last_error: None,
            partial: None,
            consecutive_failures: 0,
            avg_latency_ms: None,
            items_last_poll: 0,
            children: Vec::new(),
            last_new: None,
            listed_lastmod: None,
        }
    }

    pub fn is_failing(&self) -> bool {
        self.consecutive_failures >= Self::FAILING_AFTER
    }
}

/// An article page that failed, and when it is worth another try: pages that keep failing are
/// rested like sources, not fetched every run. Kept until the page is judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageFailure {
    /// The page as the source listed it.
    pub url: String,
    /// The outlet whose source listed it.
    pub outlet: String,
    /// The title and date the source gave, for when it is tried again on its own.
    pub title: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// How the page was found, for its placement when it is judged at last.
    #[serde(default)]
    pub found_via: Option<FoundVia>,
    /// The last failure's class and message.
    pub class: Failure,
    pub error: String,
    /// Failures counted against the page ("not now" answers, such as a deferred host, are not).
    pub failures: u32,
    pub first_failed: DateTime<Utc>,
    pub last_tried: DateTime<Utc>,
    /// Not tried before this.
    pub next_try: DateTime<Utc>,
    /// No more tries: listed by `pickup status` as given up.
    pub given_up: bool,
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
    /// Sources whose interval was not yet due, so not polled this run (`run --all` polls them).
    #[serde(default)]
    pub sources_not_due: usize,
    pub candidates: usize,
    pub pages_fetched: usize,
    pub pages_failed: usize,
    pub skipped_robots: usize,
    pub new_hits: usize,
    pub requests: usize,
    /// Queries asked of news search services (`[discovery] search`).
    #[serde(default)]
    pub search_queries: usize,
    /// Stopped by SIGTERM or Ctrl-C before every source was done.
    #[serde(default)]
    pub interrupted: bool,
    /// Sources read only in part (status `partial`).
    #[serde(default)]
    pub sources_partial: usize,
    /// Article pages whose body was cut at `max_page_bytes`: judged on what came.
    #[serde(default)]
    pub pages_cut: usize,
    /// Pages that failed again and were given up this run.
    #[serde(default)]
    pub pages_given_up: usize,
    /// Pages not fetched because their host asked to be left alone (`Retry-After`).
    #[serde(default)]
    pub pages_deferred: usize,
    /// Hosts that asked to be left alone past `max_retry_after_secs`.
    #[serde(default)]
    pub hosts_deferred: usize,
    /// This run's re-checks by result (`live`, `gone`, …, and [`UNDECIDED`] for a transient
    /// failure that left the last status standing).
    #[serde(default)]
    pub recheck_results: std::collections::BTreeMap<String, usize>,
}

/// The result a re-check that decided nothing is counted under in
/// [`RunRecord::recheck_results`].
pub const UNDECIDED: &str = "undecided";

impl RunRecord {
    /// Placements re-checked this run ([`crate::recheck`]), decided or not.
    pub fn rechecked(&self) -> usize {
        self.recheck_results.values().sum()
    }
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
    /// Failed article pages, keyed `outlet \0 page key`: see [`PageFailure`].
    page_failures: sled::Tree,
    /// Hosts deferred by a long `Retry-After`, keyed by host key: see [`HostPause`].
    host_pauses: sled::Tree,
    /// Outlet id → sources discovered from its homepage.
    discovered: sled::Tree,
    /// Auto outlet id → the outlet made for placements on a site nobody configured.
    auto_outlets: sled::Tree,
}

const SCHEMA_KEY: &[u8] = b"schema_version";

/// sled's page cache, in bytes. sled's default (1 GB) lets the cache grow with everything a run
/// writes, so a large run's memory grew with its outlets; one run reads each seen key and source
/// state about once, so a small cache costs little speed (pages not cached are read back from
/// the file, which the OS caches anyway).
const CACHE_BYTES: u64 = 32 * 1024 * 1024;

/// Opens the sled database at `path`, telling a lock held by another process from other errors.
fn open_db(path: &Path) -> Result<sled::Db, StoreError> {
    // No background flusher: pickup flushes after every hit and at the end of a run, and
    // without that thread the file lock is released the moment the store is dropped (with
    // it, a moment later), so a command that follows in the same process can open it.
    sled::Config::new()
        .path(path)
        .flush_every_ms(None)
        .cache_capacity(CACHE_BYTES)
        .open()
        .map_err(|e| match e {
            sled::Error::Io(ref io)
                if io.kind() == std::io::ErrorKind::WouldBlock || io.to_string().contains("could not acquire lock") =>
            {
                StoreError::Locked(path.to_path_buf())
            }
            e => StoreError::Sled {
                path: path.to_path_buf(),
                source: e,
            },
        })
}

impl Store {
    /// Opens (creating if needed) the store at `path`, checking its schema version. A store of
    /// schema 1 (pickup before placements were keyed by page) is copied to `<path>.v1-backup`
    /// and then migrated in place ([`migrate_v1`]); any other version than [`SCHEMA_VERSION`]
    /// is refused with [`StoreError::Schema`], a newer one included.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let sled_err = |source| StoreError::Sled {
            path: path.to_path_buf(),
            source,
        };
        let mut db = open_db(path)?;
        match db.get(SCHEMA_KEY).map_err(sled_err)? {
            Some(v) => {
                let found = v.as_ref().try_into().map(u32::from_be_bytes).unwrap_or(0);
                if found == 1 {
                    // Copied closed, so the copy is the store exactly as schema 1 left it.
                    drop(db);
                    backup(path)?;
                    db = open_db(path)?;
                    migrate_v1(path, &db)?;
                } else if found != SCHEMA_VERSION {
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
            page_failures: tree("page_failures")?,
            host_pauses: tree("host_pauses")?,
            discovered: tree("discovered")?,
            auto_outlets: tree("auto_outlets")?,
            db,
            path: path.to_path_buf(),
        })
    }

    fn sled_err(&self, source: sled::Error) -> StoreError {
        StoreError::from_engine(&self.path, source)
    }

    fn get<T: DeserializeOwned>(&self, tree: &sled::Tree, key: &[u8]) -> Result<Option<T>, StoreError> {
        match tree.get(key).map_err(|e| self.sled_err(e))? {
            None => Ok(None),
            Some(v) => self.decode(key, &v).map(Some),
        }
    }

    fn decode<T: DeserializeOwned>(&self, key: &[u8], v: &[u8]) -> Result<T, StoreError> {
        serde_json::from_slice(v).map_err(|e| self.corrupt(key, e.to_string()))
    }

    /// [`StoreError::Corrupt`] for the record under `key`.
    fn corrupt(&self, key: &[u8], reason: String) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            key: String::from_utf8_lossy(key).into_owned(),
            reason,
        }
    }

    fn put<T: Serialize>(&self, tree: &sled::Tree, key: &[u8], value: &T) -> Result<(), StoreError> {
        tree.insert(key, encode(value)).map_err(|e| self.sled_err(e))?;
        Ok(())
    }

    /// Writes everything to disk. Called after each recorded hit and at the end of a run.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| self.sled_err(e))?;
        Ok(())
    }

    // --- hits -------------------------------------------------------------------------------

    /// Records a placement: one per article and canonical page key ([`hit_key`]). Returns
    /// `true` when it is new. When the placement is already known, the stronger of the two
    /// verdicts is kept ([`merge`]) and the other URL is remembered as a variant. The merge is
    /// one atomic update of the stored record, so two tasks recording the same placement at
    /// once cannot lose either's URL. Flushed before returning.
    pub fn record_hit(&self, hit: &HitRecord) -> Result<bool, StoreError> {
        Ok(self.record_hits(std::slice::from_ref(hit))?[0])
    }

    /// [`Store::record_hit`] for every placement one page gave, flushed once for them all
    /// before returning (so none is counted before it is on disk). Returns, for each, whether
    /// it is new. On an error, the placements before the failing one are recorded but may not
    /// be flushed yet.
    pub fn record_hits(&self, hits: &[HitRecord]) -> Result<Vec<bool>, StoreError> {
        let fresh = hits
            .iter()
            .map(|hit| self.merge_hit(hit))
            .collect::<Result<Vec<bool>, _>>()?;
        if !hits.is_empty() {
            self.flush()?;
        }
        Ok(fresh)
    }

    /// One placement merged into the hits tree, not flushed.
    fn merge_hit(&self, hit: &HitRecord) -> Result<bool, StoreError> {
        let key = hit_key(&hit.article, &hit.canonical_url);
        let existed = self.update_hit(&key, |stored| {
            Some(match stored {
                None => hit.clone(),
                Some(old) => merge(old, hit),
            })
        })?;
        Ok(!existed)
    }

    /// One atomic update of the placement under `key`: `change` gets the stored record (`None`
    /// when there is none) and gives the one to store (`None` leaves the key empty). Returns
    /// whether a record was stored before. Not flushed.
    ///
    /// # Errors
    /// Storage errors, and [`StoreError::Corrupt`] for a damaged record, which is left as it is
    /// and never overwritten.
    fn update_hit(
        &self,
        key: &[u8],
        change: impl Fn(Option<HitRecord>) -> Option<HitRecord>,
    ) -> Result<bool, StoreError> {
        let existed = std::cell::Cell::new(false);
        let damaged = std::cell::RefCell::new(None);
        self.hits
            .update_and_fetch(key, |stored| {
                // sled may call this more than once (when it races another writer): every
                // call sets both outcomes afresh.
                existed.set(stored.is_some());
                *damaged.borrow_mut() = None;
                match stored.map(serde_json::from_slice::<HitRecord>) {
                    None => change(None).map(|h| encode(&h)),
                    Some(Ok(old)) => change(Some(old)).map(|h| encode(&h)),
                    Some(Err(e)) => {
                        *damaged.borrow_mut() = Some(e.to_string());
                        stored.map(<[u8]>::to_vec)
                    }
                }
            })
            .map_err(|e| self.sled_err(e))?;
        match damaged.into_inner() {
            Some(reason) => Err(self.corrupt(key, reason)),
            None => Ok(existed.get()),
        }
    }

    /// Notes a re-check of the placement stored under `key` ([`hit_key`]): its re-check history
    /// becomes `recheck`, and `proof` is kept if the record has none yet (first-seen evidence is
    /// never replaced). One atomic update, so a sighting recorded at the same time is not lost;
    /// not flushed (the run flushes once at its end; a re-check lost to a crash is made again
    /// next run). Returns false when no placement is stored under `key`.
    ///
    /// # Errors
    /// Storage errors, and [`StoreError::Corrupt`] for a damaged record (left as it is).
    pub fn note_recheck(
        &self,
        key: &[u8],
        recheck: &crate::recheck::Recheck,
        proof: Option<&crate::proof::Proof>,
    ) -> Result<bool, StoreError> {
        self.update_hit(key, |stored| {
            stored.map(|mut hit| {
                hit.recheck = Some(recheck.clone());
                if hit.proof.is_none() {
                    hit.proof = proof.cloned();
                }
                hit
            })
        })
    }

    /// How many placements are recorded, without reading them.
    pub fn hit_count(&self) -> usize {
        self.hits.len()
    }

    /// Every recorded hit, ordered by article then page key.
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

    // --- failed pages -----------------------------------------------------------------------

    fn page_failure_key(outlet: &str, page_key: &str) -> Vec<u8> {
        format!("{outlet}\0{page_key}").into_bytes()
    }

    /// The failure record of a page listed by `outlet`, if it failed before.
    pub fn page_failure(&self, outlet: &str, page_key: &str) -> Result<Option<PageFailure>, StoreError> {
        self.get(&self.page_failures, &Self::page_failure_key(outlet, page_key))
    }

    pub fn save_page_failure(&self, page_key: &str, failure: &PageFailure) -> Result<(), StoreError> {
        self.put(
            &self.page_failures,
            &Self::page_failure_key(&failure.outlet, page_key),
            failure,
        )
    }

    /// Forgets a page's failures (it has been judged).
    pub fn clear_page_failure(&self, outlet: &str, page_key: &str) -> Result<(), StoreError> {
        self.page_failures
            .remove(Self::page_failure_key(outlet, page_key))
            .map_err(|e| self.sled_err(e))?;
        Ok(())
    }

    /// The failed pages listed by `outlet`, with their page keys.
    pub fn page_failures_of(&self, outlet: &str) -> Result<Vec<(String, PageFailure)>, StoreError> {
        self.page_failures_under(format!("{outlet}\0").as_bytes())
    }

    /// Every failed page, with its page key, ordered by outlet.
    pub fn page_failures(&self) -> Result<Vec<(String, PageFailure)>, StoreError> {
        self.page_failures_under(b"")
    }

    fn page_failures_under(&self, prefix: &[u8]) -> Result<Vec<(String, PageFailure)>, StoreError> {
        self.page_failures
            .scan_prefix(prefix)
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                let key = String::from_utf8_lossy(&k);
                let page_key = key.split_once('\0').map_or(&*key, |(_, p)| p).to_string();
                Ok((page_key, self.decode(&k, &v)?))
            })
            .collect()
    }

    // --- deferred hosts ---------------------------------------------------------------------

    /// Hosts that asked to be left alone, as the last run left them (some may have expired).
    pub fn host_pauses(&self) -> Result<Vec<HostPause>, StoreError> {
        self.host_pauses
            .iter()
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                self.decode(&k, &v)
            })
            .collect()
    }

    /// Replaces the deferred hosts with `pauses`.
    pub fn save_host_pauses(&self, pauses: &[HostPause]) -> Result<(), StoreError> {
        self.host_pauses.clear().map_err(|e| self.sled_err(e))?;
        for p in pauses {
            self.put(&self.host_pauses, p.host.as_bytes(), p)?;
        }
        Ok(())
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

    /// A tree of the store by name, for modules keeping their own records (alerts, marks).
    pub(crate) fn tree(&self, name: &str) -> Result<sled::Tree, StoreError> {
        self.db.open_tree(name).map_err(|e| self.sled_err(e))
    }
}

/// Access for the modules that work on the store as a whole (its guard, dump and restore).
impl Store {
    /// The store's folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sled database, every tree of it.
    pub(crate) fn db(&self) -> &sled::Db {
        &self.db
    }

    /// A storage-engine error, naming the store.
    pub(crate) fn engine_error(&self, source: sled::Error) -> StoreError {
        self.sled_err(source)
    }

    /// Every recorded hit with the key it is stored under (the placement's identity), in key
    /// order: for alerts and export marks, which remember placements by key.
    pub fn hit_entries(&self) -> Result<Vec<(Vec<u8>, HitRecord)>, StoreError> {
        self.hits
            .iter()
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                Ok((k.to_vec(), self.decode(&k, &v)?))
            })
            .collect()
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

/// Every placement in several stores (one per `--shard` job), each opened through the damage
/// guard ([`crate::store_guard::open_checked`]) and merged by [`merge_placements`].
///
/// # Errors
/// The first store that cannot be opened or read ([`StoreError`] naming its path).
pub fn merged_hits(paths: &[PathBuf]) -> Result<Vec<HitRecord>, StoreError> {
    let mut sets = Vec::with_capacity(paths.len());
    for path in paths {
        sets.push(crate::store_guard::open_checked(path)?.hits()?);
    }
    Ok(merge_placements(sets))
}

/// Placements read from several stores, merged by placement key as one store would have merged
/// them ([`hit_key`], the same better-verdict rule as [`Store::record_hit`]), ordered by article
/// then page key.
pub fn merge_placements(sets: impl IntoIterator<Item = Vec<HitRecord>>) -> Vec<HitRecord> {
    let mut merged: std::collections::BTreeMap<Vec<u8>, HitRecord> = std::collections::BTreeMap::new();
    for hit in sets.into_iter().flatten() {
        let key = hit_key(&hit.article, &hit.canonical_url);
        let kept = match merged.remove(&key) {
            Some(old) => merge(old, &hit),
            None => hit,
        };
        merged.insert(key, kept);
    }
    merged.into_values().collect()
}

/// The key a placement is stored under: the article id, a NUL, and the page key of its
/// canonical URL ([`canon::page_key`]: no scheme, no `www.`, no tracking parameters, no AMP or
/// print suffix), so every URL one page goes by is one placement and two pages are two.
pub fn hit_key(article: &str, canonical_url: &str) -> Vec<u8> {
    let page = Url::parse(canonical_url)
        .map(|u| canon::page_key(&u))
        .unwrap_or_else(|_| canonical_url.to_string());
    format!("{article}\0{page}").into_bytes()
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("store records always serialise")
}

/// Two sightings of one placement as one record: the stronger verdict's fields
/// ([`crate::detect::Strength::beats`]; on a tie, the sighting under the page's own address),
/// the earliest `first_seen`, the first way it was found,
/// and every URL either went by (but the kept one) as a variant. Facts only one of them has
/// (syndication, group, audience) are kept.
fn merge(old: HitRecord, new: &HitRecord) -> HitRecord {
    // On a tie (the AMP view of a page and the page itself), the page under its own address
    // stands, whichever was seen first.
    let own_address = |h: &HitRecord| hit_key(&h.article, &h.url) == hit_key(&h.article, &h.canonical_url);
    let better = new.strength().beats(&old.strength())
        || (!old.strength().beats(&new.strength()) && own_address(new) && !own_address(&old));
    let (mut kept, other) = if better {
        (new.clone(), old.clone())
    } else {
        (old.clone(), new.clone())
    };
    kept.first_seen = old.first_seen.min(new.first_seen);
    kept.found_via = old.found_via.or(new.found_via);
    kept.syndicated_from = kept.syndicated_from.or(other.syndicated_from);
    kept.group = kept.group.or(other.group);
    kept.audience = kept.audience.or(other.audience);
    // The first evidence captured stands, whichever store or sighting holds it.
    kept.proof = match (old.proof.clone(), new.proof.clone()) {
        (Some(a), Some(b)) => Some(if b.captured_at < a.captured_at { b } else { a }),
        (a, b) => a.or(b),
    };
    kept.recheck = match (old.recheck.clone(), new.recheck.clone()) {
        (Some(a), Some(b)) => Some(merge_rechecks(a, b)),
        (a, b) => a.or(b),
    };
    let mut variants = old.variants;
    for u in [&old.url, &new.url].into_iter().chain(new.variants.iter()) {
        if *u != kept.url && !variants.contains(u) {
            variants.push(u.clone());
        }
    }
    kept.variants = variants;
    kept
}

/// Two re-check histories of one placement as one: the status of the later decision, with what
/// it rests on, and the schedule (and failure) of the later attempt. An undecided attempt in one
/// store does not displace a decision made in the other.
fn merge_rechecks(a: crate::recheck::Recheck, b: crate::recheck::Recheck) -> crate::recheck::Recheck {
    let (mut decided, other) = if b.checked_at > a.checked_at { (b, a) } else { (a, b) };
    if other.last_attempt > decided.last_attempt {
        decided.last_attempt = other.last_attempt;
        decided.last_error = other.last_error;
    }
    decided
}

impl HitRecord {
    /// How fully this placement shows the article, for [`merge`].
    pub fn strength(&self) -> crate::detect::Strength {
        crate::detect::Strength {
            coverage: self.coverage,
            kind: self.kind,
            score: self.score,
        }
    }
}

/// `<path>.v1-backup`, or `<path>.v1-backup.2`, `.3` … when an earlier copy is there.
fn backup_path(path: &Path) -> PathBuf {
    let named = |suffix: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    let first = named(".v1-backup");
    if !first.exists() {
        return first;
    }
    (2u32..)
        .map(|n| named(&format!(".v1-backup.{n}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Copies the (closed) store directory beside itself before it is migrated.
fn backup(path: &Path) -> Result<PathBuf, StoreError> {
    fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                copy_dir(&entry.path(), &target)?;
            } else {
                std::fs::copy(entry.path(), &target)?;
            }
        }
        Ok(())
    }
    let to = backup_path(path);
    copy_dir(path, &to).map_err(|source| StoreError::Backup {
        path: path.to_path_buf(),
        to: to.clone(),
        source,
    })?;
    Ok(to)
}

/// Schema 1 → 2: placements were keyed by article × outlet; they are re-keyed by article ×
/// canonical page key ([`hit_key`]). A schema-1 record's variants stay its variants (whether
/// they were other pages cannot be told now). Fields new in schema 2 read as their defaults.
/// Every record is read before anything is written, so a damaged one stops the migration with
/// the store untouched; the new keys and the version are written in one transaction.
fn migrate_v1(path: &Path, db: &sled::Db) -> Result<(), StoreError> {
    use sled::Transactional;
    let sled_err = |source| StoreError::Sled {
        path: path.to_path_buf(),
        source,
    };
    let hits = db.open_tree("hits").map_err(sled_err)?;
    let mut old_keys = Vec::new();
    let mut records: std::collections::BTreeMap<Vec<u8>, HitRecord> = std::collections::BTreeMap::new();
    for kv in hits.iter() {
        let (k, v) = kv.map_err(sled_err)?;
        let record: HitRecord = serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt {
            path: path.to_path_buf(),
            key: String::from_utf8_lossy(&k).into_owned(),
            reason: e.to_string(),
        })?;
        let key = hit_key(&record.article, &record.canonical_url);
        // Two outlets configured on one site could have held one page twice: merged, the
        // weaker one's URL kept as a variant.
        let merged = match records.remove(&key) {
            Some(earlier) => merge(earlier, &record),
            None => record,
        };
        records.insert(key, merged);
        old_keys.push(k);
    }
    let meta: &sled::Tree = db;
    (meta, &hits)
        .transaction(|(meta, hits)| {
            for k in &old_keys {
                hits.remove(k)?;
            }
            for (k, r) in &records {
                hits.insert(k.as_slice(), encode(r))?;
            }
            meta.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
            Ok::<(), sled::transaction::ConflictableTransactionError<std::convert::Infallible>>(())
        })
        .map_err(|e| match e {
            sled::transaction::TransactionError::Storage(e) => sled_err(e),
            sled::transaction::TransactionError::Abort(never) => match never {},
        })?;
    db.flush().map_err(sled_err)?;
    tracing::info!(
        "store {}: migrated {} placements from schema 1 to {SCHEMA_VERSION}",
        path.display(),
        records.len()
    );
    Ok(())
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
            missing_paragraphs: vec![],
            url: url.into(),
            canonical_url: url.into(),
            outlet: "o".into(),
            outlet_name: "O".into(),
            country: "US".into(),
            language: "en".into(),
            audience: None,
            title: None,
            published: None,
            date_note: None,
            first_seen: first_seen.parse().unwrap(),
            evidence: String::new(),
            syndicated_from: None,
            group: None,
            found_via: Some(FoundVia::Feed),
            variants: vec![],
            team_judgement: false,
            proof: None,
            recheck: None,
        }
    }

    #[test]
    fn one_record_per_page_keeping_the_fullest_version_and_every_url() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s")).unwrap();
        let first = hit(Kind::Excerpt, 0.4, "https://x.example/a", "2021-11-12T00:00:00Z");
        assert!(store.record_hit(&first).unwrap());
        // The same page seen again in full, under its AMP URL and a tracking URL.
        let full = HitRecord {
            url: "http://www.x.example/a/amp".into(),
            canonical_url: "http://www.x.example/a/amp".into(),
            ..hit(Kind::Verbatim, 1.0, "", "2021-11-13T00:00:00Z")
        };
        assert!(!store.record_hit(&full).unwrap());
        let tracked = hit(
            Kind::Excerpt,
            0.5,
            "https://x.example/a?utm_source=rss",
            "2021-11-14T00:00:00Z",
        );
        assert!(!store.record_hit(&tracked).unwrap());
        // Another page of the same article on the same outlet is another placement.
        let rerun = hit(Kind::Verbatim, 1.0, "https://x.example/world/a", "2021-11-15T00:00:00Z");
        assert!(store.record_hit(&rerun).unwrap());
        // So is the same page for another article (a digest carrying two).
        let other = HitRecord {
            article: "b".into(),
            ..first.clone()
        };
        assert!(store.record_hit(&other).unwrap());

        let hits = store.hits().unwrap();
        assert_eq!(hits.len(), 3);
        let a = hits
            .iter()
            .find(|h| h.article == "a" && h.url.contains("/a/amp"))
            .unwrap();
        assert_eq!(a.kind, Kind::Verbatim, "the fuller verdict is kept");
        assert_eq!(
            a.first_seen.to_rfc3339(),
            "2021-11-12T00:00:00+00:00",
            "first seen is the earliest"
        );
        assert_eq!(
            a.variants,
            ["https://x.example/a", "https://x.example/a?utm_source=rss"]
        );
        assert!(
            hits.iter()
                .any(|h| h.url == "https://x.example/world/a" && h.variants.is_empty())
        );
    }

    #[test]
    fn a_later_sighting_or_re_check_never_replaces_the_first_proof() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s")).unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let first_proof =
            crate::proof::Proof::new("the passage", "00000000000000aa".into(), at("2026-01-01T00:00:00Z"));
        let first = HitRecord {
            proof: Some(first_proof.clone()),
            ..hit(Kind::Excerpt, 0.5, "https://x.example/a", "2026-01-01T00:00:00Z")
        };
        assert!(store.record_hit(&first).unwrap());
        let key = hit_key("a", "https://x.example/a");
        let gone = crate::recheck::Recheck::decided(
            at("2026-01-02T00:00:00Z"),
            crate::recheck::LiveStatus::Gone,
            Some("http 404".into()),
        );
        let other_proof = crate::proof::Proof::new("other", "00000000000000bb".into(), at("2026-01-02T00:00:00Z"));
        assert!(store.note_recheck(&key, &gone, Some(&other_proof)).unwrap());
        // A fuller sighting of the same page: its verdict wins, the first proof and the
        // re-check history stay.
        let fuller = HitRecord {
            proof: Some(other_proof),
            ..hit(Kind::Verbatim, 1.0, "https://x.example/a", "2026-01-03T00:00:00Z")
        };
        assert!(!store.record_hit(&fuller).unwrap());
        let kept = &store.hits().unwrap()[0];
        assert_eq!(kept.kind, Kind::Verbatim);
        assert_eq!(kept.proof.as_ref(), Some(&first_proof));
        assert_eq!(kept.recheck.as_ref(), Some(&gone));
        assert!(
            !store.note_recheck(b"no\0such", &gone, None).unwrap(),
            "nothing stored there"
        );
        assert_eq!(store.hit_count(), 1);
    }

    #[test]
    fn merging_two_stores_keeps_the_earliest_proof_and_the_latest_decision() {
        use crate::recheck::{LiveStatus, Recheck};
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let early = crate::proof::Proof::new("early", "00000000000000aa".into(), at("2026-01-01T00:00:00Z"));
        let late = crate::proof::Proof::new("late", "00000000000000bb".into(), at("2026-01-05T00:00:00Z"));
        let gone = Recheck::decided(at("2026-01-10T00:00:00Z"), LiveStatus::Gone, Some("http 404".into()));
        let waited = Recheck::undecided(None, at("2026-01-20T00:00:00Z"), "timeout".into());
        let base = hit(Kind::Verbatim, 1.0, "https://x.example/a", "2026-01-01T00:00:00Z");
        let a = HitRecord {
            proof: Some(late),
            recheck: Some(waited),
            ..base.clone()
        };
        let b = HitRecord {
            proof: Some(early.clone()),
            recheck: Some(gone),
            ..base
        };
        for (x, y) in [(&a, &b), (&b, &a)] {
            let kept = merge(x.clone(), y);
            assert_eq!(kept.proof.as_ref(), Some(&early));
            let r = kept.recheck.unwrap();
            assert_eq!(
                (r.status, r.checked_at),
                (Some(LiveStatus::Gone), Some(at("2026-01-10T00:00:00Z")))
            );
            assert_eq!(
                (r.last_attempt, r.last_error.as_deref()),
                (at("2026-01-20T00:00:00Z"), Some("timeout"))
            );
            assert_eq!(r.note.as_deref(), Some("http 404"));
        }
    }

    #[test]
    fn concurrent_sightings_of_one_placement_lose_no_url() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s")).unwrap();
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    let h = HitRecord {
                        canonical_url: "https://x.example/a".into(),
                        ..hit(
                            Kind::Edited,
                            0.5 + i as f64 / 100.0,
                            &format!("https://x.example/a?utm_id={i}"),
                            "2021-11-12T00:00:00Z",
                        )
                    };
                    store.record_hit(&h).unwrap()
                })
            })
            .collect();
        let new: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(new.iter().filter(|n| **n).count(), 1, "exactly one sighting is new");
        let hits = store.hits().unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].url, "https://x.example/a?utm_id=7", "the highest score stands");
        assert_eq!(
            hits[0].variants.len(),
            7,
            "every other URL kept: {:?}",
            hits[0].variants
        );
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
    fn source_states_written_before_the_enums_read_back() {
        let old = r#"{"outlet":"o","kind":"sitemap","etag":"\"x\"","last_modified":null,"body_hash":7,
            "last_polled":null,"last_success":null,"last_status":"malformed feed","last_error":"e",
            "consecutive_failures":2,"avg_latency_ms":null,"items_last_poll":3}"#;
        let state: SourceState = serde_json::from_str(old).unwrap();
        assert_eq!(state.kind, SourceKind::Sitemap);
        assert_eq!(state.validators.etag.as_deref(), Some("\"x\""));
        assert_eq!(state.last_status, SourceStatus::Failed(Failure::MalformedFeed));
        assert_eq!((state.partial.as_deref(), state.listed_lastmod), (None, None));
        let again: serde_json::Value = serde_json::to_value(&state).unwrap();
        assert_eq!(again["etag"], "\"x\"", "validators stay flat in the stored form");
        assert_eq!(again["last_status"], "malformed feed");
    }

    #[test]
    fn a_second_open_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        let _first = Store::open(&path).unwrap();
        assert!(matches!(Store::open(&path), Err(StoreError::Locked(_))));
    }
}
