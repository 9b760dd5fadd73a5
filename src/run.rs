//! One polling pass: poll every source of every outlet, fetch the new candidate pages, extract,
//! detect, record. Returns the run's summary.
//!
//! Outlets are crawled concurrently (the fetcher keeps each host polite); within an outlet,
//! sources are polled one after the other and each source's pages are fetched before the
//! source's state (validators, body hash) is saved, so a run killed half-way redoes the
//! unfinished sources next time. Parsing, extraction and detection run on blocking threads.

use crate::canon;
use crate::config::{Article, Config, Outlet, SourceKind};
use crate::crawl::{self, Candidate, FetchError, Fetched, Fetcher, Validators, Want};
use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::extract;
use crate::placement::{JudgedPage, OutletIndex};
use crate::store::{HitRecord, RunRecord, SourceState, Store};
use chrono::{DateTime, TimeDelta, Utc};
use futures_util::{StreamExt, stream};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex};

/// How many sitemap-index children are followed per sitemap (the parser puts the newest first).
const MAX_SITEMAP_CHILDREN: usize = 3;
/// Pages fetched at once for one outlet (the per-host limiter spaces them anyway).
const PAGES_IN_FLIGHT_PER_OUTLET: usize = 4;

/// A source that failed this run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceFailure {
    pub outlet: String,
    pub url: String,
    pub class: String,
    pub error: String,
}

/// What a run did: printed at the end and kept in the store.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunSummary {
    pub record: RunRecord,
    pub failures: Vec<SourceFailure>,
    pub new_hits: Vec<HitRecord>,
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.record;
        let secs = (r.finished - r.started).num_milliseconds() as f64 / 1000.0;
        writeln!(
            f,
            "pickup run: {} sources polled ({} unchanged, {} failed), {} candidates, {} pages fetched ({} failed, {} skipped by robots.txt), {} requests, {:.1} s",
            r.sources_polled,
            r.sources_unchanged,
            r.sources_failed,
            r.candidates,
            r.pages_fetched,
            r.pages_failed,
            r.skipped_robots,
            r.requests,
            secs
        )?;
        let mut by_article: BTreeMap<&str, usize> = BTreeMap::new();
        for h in &self.new_hits {
            *by_article.entry(&h.article).or_default() += 1;
        }
        if by_article.is_empty() {
            writeln!(f, "new hits: none")?;
        } else {
            let parts: Vec<String> = by_article.iter().map(|(a, n)| format!("{a} {n}")).collect();
            writeln!(f, "new hits: {} ({})", r.new_hits, parts.join(", "))?;
            for h in &self.new_hits {
                writeln!(
                    f,
                    "  {} {:<11} {:.2} {} [{}] {}",
                    h.article,
                    h.kind.as_str(),
                    h.score,
                    h.outlet,
                    h.country,
                    h.url
                )?;
            }
        }
        if !self.failures.is_empty() {
            writeln!(f, "failed sources:")?;
            for s in &self.failures {
                writeln!(f, "  {} ({}): {}", s.outlet, s.class, s.error)?;
            }
        }
        Ok(())
    }
}

/// Counters shared by every outlet task.
#[derive(Default)]
struct Tally {
    record: RunRecord,
    failures: Vec<SourceFailure>,
    new_hits: Vec<HitRecord>,
}

/// What a run reports as it goes; the CLI draws a progress bar from it on a terminal.
pub trait Progress: Send + Sync {
    /// The run will poll this many sources.
    fn start(&self, _sources: usize) {}
    /// One source is dealt with (polled, skipped or failed), and its pages too.
    fn source_done(&self) {}
    /// One article page was fetched and judged.
    fn page_done(&self) {}
}

/// No progress reports: for cron, pipes, tests and the demo.
pub struct Silent;

impl Progress for Silent {}

/// Everything an outlet task needs, shared.
struct Ctx {
    store: Store,
    fetcher: Fetcher,
    detector: Arc<Detector>,
    articles: Vec<Article>,
    outlets: Vec<Outlet>,
    /// Attributes a page to the outlet that owns its site (a feed may link elsewhere).
    outlet_index: OutletIndex,
    /// Candidates older than this are out of every article's window.
    earliest: DateTime<Utc>,
    lookback: TimeDelta,
    /// Page keys claimed by some task this run, so two outlets never fetch one page twice.
    claimed: Mutex<HashSet<String>>,
    tally: Mutex<Tally>,
    progress: Arc<dyn Progress>,
}

/// One polling pass over every outlet.
pub async fn run(config: &Config, store: &Store) -> Result<RunSummary> {
    run_with(config, store, Arc::new(Silent)).await
}

/// [`run`], reporting progress as it goes.
pub async fn run_with(config: &Config, store: &Store, progress: Arc<dyn Progress>) -> Result<RunSummary> {
    let started = Utc::now();
    let articles = config.articles.clone();
    let detector = tokio::task::spawn_blocking(move || Detector::new(&articles))
        .await
        .map_err(|e| Error::Other(format!("building fingerprints failed: {e}")))?;
    let fetcher = crawl::fetch::for_config(config, Arc::new(store.clone()))?;
    let lookback = TimeDelta::days(i64::from(config.crawl.lookback_days));
    let earliest = config
        .articles
        .iter()
        .map(|a| a.published.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc() - lookback)
        .min()
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let ctx = Arc::new(Ctx {
        store: store.clone(),
        fetcher: fetcher.clone(),
        detector: Arc::new(detector),
        articles: config.articles.clone(),
        outlets: config.outlets.clone(),
        outlet_index: OutletIndex::new(&config.outlets),
        earliest,
        lookback,
        claimed: Mutex::new(HashSet::new()),
        tally: Mutex::new(Tally::default()),
        progress,
    });
    ctx.progress
        .start(config.outlets.iter().map(|o| o.sources().count()).sum());

    let outlets_in_flight = config.crawl.max_concurrency.max(1) * 2;
    stream::iter(0..config.outlets.len())
        .map(|i| poll_outlet(ctx.clone(), i))
        .buffer_unordered(outlets_in_flight)
        .collect::<Vec<()>>()
        .await;

    let tally = std::mem::take(&mut *ctx.tally.lock().expect("tally lock"));
    let mut record = tally.record;
    record.started = started;
    record.finished = Utc::now();
    record.requests = fetcher.requests();
    record.new_hits = tally.new_hits.len();
    store.save_run(&record)?;
    store.flush()?;
    if record.sources_polled > 0 && record.sources_failed == record.sources_polled {
        let example = tally.failures.first().map(|f| f.error.clone()).unwrap_or_default();
        return Err(Error::NothingFetched {
            sources: record.sources_polled,
            example,
        });
    }
    Ok(RunSummary {
        record,
        failures: tally.failures,
        new_hits: tally.new_hits,
    })
}

async fn poll_outlet(ctx: Arc<Ctx>, index: usize) {
    let outlet = &ctx.outlets[index];
    for (kind, url) in outlet.sources() {
        if let Err(e) = poll_source(&ctx, index, kind, url).await {
            tracing::error!("{}: {e}", outlet.id);
        }
        ctx.progress.source_done();
    }
}

/// Polls one source and processes its new candidates. Store errors end the source early.
async fn poll_source(ctx: &Ctx, outlet: usize, kind: SourceKind, url: &url::Url) -> Result<()> {
    let o = &ctx.outlets[outlet];
    let key = url.as_str();
    let mut state = ctx.store.source(key)?.unwrap_or_else(|| SourceState {
        outlet: o.id.clone(),
        kind: kind.to_string(),
        ..SourceState::default()
    });
    let now = Utc::now();
    if let Some(due) = next_poll_due(&state)
        && now < due
    {
        tracing::info!(
            "{}: {url} failed {} times in a row; next poll after {due}",
            o.id,
            state.consecutive_failures
        );
        ctx.tally.lock().expect("tally lock").record.sources_backing_off += 1;
        return Ok(());
    }
    state.last_polled = Some(now);
    let polled = poll(ctx, kind, url, &state).await;
    ctx.tally.lock().expect("tally lock").record.sources_polled += 1;
    match polled {
        Err((class, error)) => {
            // The summary lists failed sources; the log line is for --verbose.
            tracing::info!("{}: {error}", o.id);
            state.consecutive_failures += 1;
            state.last_status = class.clone();
            state.last_error = Some(error.clone());
            ctx.store.save_source(key, &state)?;
            let mut t = ctx.tally.lock().expect("tally lock");
            t.record.sources_failed += 1;
            let failure = SourceFailure {
                outlet: o.id.clone(),
                url: url.to_string(),
                class,
                error,
            };
            t.failures.push(failure);
            Ok(())
        }
        Ok(Poll::Unchanged { fetched }) => {
            note_success(&mut state, &fetched, "unchanged", now);
            if !fetched.not_modified {
                // Same body, fresh validators: next time the server may answer 304.
                state.etag = fetched.validators.etag;
                state.last_modified = fetched.validators.last_modified;
            }
            ctx.store.save_source(key, &state)?;
            ctx.tally.lock().expect("tally lock").record.sources_unchanged += 1;
            Ok(())
        }
        Ok(Poll::Items(items)) => {
            note_success(&mut state, &items.fetched, "ok", now);
            process_items(ctx, outlet, key, state, items).await
        }
    }
}

/// Fetches and judges a changed source's new candidates, then saves the source's validators
/// and hash, and its sitemap children's, only if every candidate is dealt with: until then a
/// run killed half-way, or a page that failed for now, makes the next run poll it in full again.
async fn process_items(ctx: &Ctx, outlet: usize, key: &str, mut state: SourceState, items: Items) -> Result<()> {
    state.items_last_poll = items.candidates.len();
    state.children = items.children;
    let previous = Validators {
        etag: state.etag.take(),
        last_modified: state.last_modified.take(),
    };
    state.body_hash = None;
    ctx.store.save_source(key, &state)?;

    let fresh = select_candidates(ctx, items.candidates)?;
    let outcomes: Vec<bool> = stream::iter(fresh)
        .map(|c| process_page(ctx, outlet, c))
        .buffer_unordered(PAGES_IN_FLIGHT_PER_OUTLET)
        .collect()
        .await;
    if outcomes.iter().all(|done| *done) {
        // A 304 carries no validators of its own: the ones it answered to stay valid.
        let validators = if items.fetched.not_modified {
            previous
        } else {
            items.fetched.validators
        };
        state.etag = validators.etag;
        state.last_modified = validators.last_modified;
        state.body_hash = items.hash;
        ctx.store.save_source(key, &state)?;
        for (child, child_state) in &items.child_states {
            ctx.store.save_source(child, child_state)?;
        }
    }
    Ok(())
}

/// When a source that keeps failing may be polled again: the wait doubles with each failure
/// past [`SourceState::FAILING_AFTER`] (1 h, 2 h, 4 h …) up to a day. It is never dropped.
fn next_poll_due(state: &SourceState) -> Option<DateTime<Utc>> {
    let extra = state.consecutive_failures.checked_sub(SourceState::FAILING_AFTER)?;
    let hours = 1i64 << extra.min(5);
    Some(state.last_polled? + TimeDelta::hours(hours.min(24)))
}

fn note_success(state: &mut SourceState, fetched: &Fetched, status: &str, now: DateTime<Utc>) {
    state.consecutive_failures = 0;
    state.last_status = status.to_string();
    state.last_error = None;
    state.last_success = Some(now);
    let ms = fetched.elapsed.as_secs_f64() * 1000.0;
    state.avg_latency_ms = Some(match state.avg_latency_ms {
        Some(avg) => 0.7 * avg + 0.3 * ms,
        None => ms,
    });
}

enum Poll {
    Unchanged { fetched: Fetched },
    Items(Items),
}

/// What a changed source gave.
struct Items {
    fetched: Fetched,
    /// The hash to save once the candidates are dealt with.
    hash: Option<u64>,
    candidates: Vec<Candidate>,
    /// A sitemap index's children, remembered so an unchanged index still leads to them.
    children: Vec<String>,
    /// New state for the children that changed, saved with the parent's.
    child_states: Vec<(String, SourceState)>,
}

/// One document fetched conditionally and parsed, unless it is unchanged.
struct Polled {
    fetched: Fetched,
    /// Hash of the body parsed; the previous one when unchanged.
    hash: Option<u64>,
    changed: bool,
    candidates: Vec<Candidate>,
    children: Vec<url::Url>,
}

/// Fetches a source with the validators of `state` and parses it, unless the server answers 304
/// or the body hashes as `state`'s did (some servers ignore conditional requests, or send the
/// same ETag for a changed feed). Errors come as (class, message).
async fn fetch_source(
    ctx: &Ctx,
    kind: SourceKind,
    url: &url::Url,
    state: &SourceState,
) -> Result<Polled, (String, String)> {
    let want = match kind {
        SourceKind::Feed | SourceKind::Sitemap => Want::Feed,
        SourceKind::Listing => Want::Page,
    };
    let validators = Validators {
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    };
    let fetched = ctx
        .fetcher
        .get(url, want, Some(&validators))
        .await
        .map_err(fetch_failure)?;
    let hash = (!fetched.not_modified).then(|| xxhash_rust::xxh3::xxh3_64(&fetched.body));
    if fetched.not_modified || hash == state.body_hash {
        let children = state.children.iter().filter_map(|c| url::Url::parse(c).ok()).collect();
        return Ok(Polled {
            fetched,
            hash: state.body_hash,
            changed: false,
            candidates: Vec::new(),
            children,
        });
    }
    let body = fetched.body.clone();
    let ct = fetched.content_type.clone();
    let base = fetched.url.clone();
    let parsed = tokio::task::spawn_blocking(move || parse_source(kind, &body, ct.as_deref(), &base))
        .await
        .map_err(|e| ("malformed".to_string(), format!("{url}: parser crashed: {e}")))?;
    let (candidates, children) = parsed.map_err(|e| (e.0, format!("{url}: {}", e.1)))?;
    Ok(Polled {
        fetched,
        hash,
        changed: true,
        candidates,
        children,
    })
}

/// Polls a source, and the newest children of a sitemap index (each conditionally, with its
/// own state), and gathers their candidates.
async fn poll(ctx: &Ctx, kind: SourceKind, url: &url::Url, state: &SourceState) -> Result<Poll, (String, String)> {
    let top = fetch_source(ctx, kind, url, state).await?;
    let mut candidates = top.candidates;
    let mut child_states = Vec::new();
    for child in top.children.iter().take(MAX_SITEMAP_CHILDREN) {
        let child_state = ctx.store.source(child.as_str()).ok().flatten().unwrap_or_default();
        match fetch_source(ctx, SourceKind::Sitemap, child, &child_state).await {
            Ok(polled) if polled.changed => {
                candidates.extend(polled.candidates);
                let new_state = SourceState {
                    outlet: state.outlet.clone(),
                    kind: SourceKind::Sitemap.to_string(),
                    etag: polled.fetched.validators.etag,
                    last_modified: polled.fetched.validators.last_modified,
                    body_hash: polled.hash,
                    last_status: "ok".into(),
                    ..SourceState::default()
                };
                child_states.push((child.to_string(), new_state));
            }
            Ok(_) => {}
            Err((_, error)) => tracing::warn!("sitemap {child}: {error}"),
        }
    }
    if !top.changed && child_states.is_empty() {
        return Ok(Poll::Unchanged { fetched: top.fetched });
    }
    Ok(Poll::Items(Items {
        fetched: top.fetched,
        hash: top.hash,
        candidates,
        children: top.children.iter().map(url::Url::to_string).collect(),
        child_states,
    }))
}

type Parsed = std::result::Result<(Vec<Candidate>, Vec<url::Url>), (String, String)>;

fn parse_source(kind: SourceKind, body: &[u8], content_type: Option<&str>, base: &url::Url) -> Parsed {
    match kind {
        SourceKind::Feed => crawl::feeds::parse(body, content_type, base)
            .map(|c| (c, Vec::new()))
            .map_err(|e| (e.class().to_string(), e.to_string())),
        SourceKind::Sitemap => crawl::sitemaps::parse(body, content_type, base)
            .map(|s| (s.pages, s.children))
            .map_err(|e| (e.class().replace("feed", "sitemap"), e.to_string())),
        SourceKind::Listing => {
            let html = crawl::charset::decode_html(body, content_type);
            Ok((crawl::listing::links(&html, base), Vec::new()))
        }
    }
}

fn fetch_failure(e: FetchError) -> (String, String) {
    (e.class(), e.to_string())
}

/// Drops candidates already seen, already claimed this run, or older than every article's window;
/// the newest come first, so a host whose time budget runs out has spent it on what matters.
fn select_candidates(ctx: &Ctx, mut candidates: Vec<Candidate>) -> Result<Vec<(String, Candidate)>> {
    let mut fresh = Vec::new();
    let total = candidates.len();
    candidates.sort_by_key(|c| std::cmp::Reverse(c.published));
    for c in candidates {
        if c.published.is_some_and(|p| p < ctx.earliest) {
            continue;
        }
        let key = canon::page_key(&c.url);
        if ctx.store.is_seen(&key)? {
            continue;
        }
        if !ctx.claimed.lock().expect("claimed lock").insert(key.clone()) {
            continue;
        }
        fresh.push((key, c));
    }
    ctx.tally.lock().expect("tally lock").record.candidates += total;
    Ok(fresh)
}

/// Fetches, extracts, judges and records one candidate page. Returns false when it should be
/// tried again next run (a transient failure), true when it is dealt with for good.
async fn process_page(ctx: &Ctx, outlet: usize, (key, cand): (String, Candidate)) -> bool {
    let fetched = match ctx.fetcher.get(&cand.url, Want::Page, None).await {
        Ok(f) => f,
        Err(e) => {
            let permanent = matches!(&e, FetchError::Status { status, .. } if (400..500).contains(status) && *status != 429)
                || matches!(e, FetchError::ContentType { .. });
            let robots = matches!(e, FetchError::Robots { .. });
            tracing::info!("{e}");
            let mut t = ctx.tally.lock().expect("tally lock");
            if robots {
                t.record.skipped_robots += 1;
            } else {
                t.record.pages_failed += 1;
            }
            drop(t);
            if permanent || robots {
                let _ = ctx.store.mark_seen(&key, Utc::now());
            }
            return permanent || robots;
        }
    };
    ctx.tally.lock().expect("tally lock").record.pages_fetched += 1;
    ctx.progress.page_done();
    let owner = ctx.outlet_index.owner(&fetched.url).unwrap_or(outlet);
    let judged = tokio::task::spawn_blocking({
        let detector = ctx.detector.clone();
        move || {
            let html = crawl::charset::decode_html(&fetched.body, fetched.content_type.as_deref());
            let doc = extract::extract(&html, Some(&fetched.url));
            let verdicts = detector.judge(&doc);
            (fetched, doc, verdicts)
        }
    })
    .await;
    let Ok((fetched, doc, verdicts)) = judged else {
        tracing::error!("{}: extraction or detection crashed", cand.url);
        return true;
    };
    let now = Utc::now();
    let page = JudgedPage {
        url: &fetched.url,
        listed_as: Some(&cand.url),
        doc: &doc,
        listed_title: cand.title.as_deref(),
        listed_published: cand.published,
        verdicts: &verdicts,
    };
    for record in page.records(&ctx.outlets[owner], &ctx.articles, ctx.lookback, now) {
        match ctx.store.record_hit(&record) {
            Ok(true) => ctx.tally.lock().expect("tally lock").new_hits.push(record),
            Ok(false) => {}
            Err(e) => {
                tracing::error!("cannot record hit {}: {e}", record.url);
                return false;
            }
        }
    }
    for k in std::iter::once(key).chain(page.seen_keys()) {
        if let Err(e) = ctx.store.mark_seen(&k, now) {
            tracing::error!("cannot mark {k} seen: {e}");
            return false;
        }
    }
    true
}
