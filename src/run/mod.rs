//! One polling pass: poll every source of every outlet, fetch the new candidate pages, extract,
//! detect, record. Returns the run's summary.
//!
//! Outlets are crawled concurrently (the fetcher keeps each host polite); within an outlet,
//! sources are polled one after the other ([`sources`]) and each source's new pages are fetched,
//! judged and recorded ([`pages`]) before the source's state (validators, body hash) is saved,
//! so a run killed half-way redoes the unfinished sources next time. Parsing, extraction and
//! detection run on blocking threads. After the sources and search, the placements whose
//! liveness re-check is due are fetched again ([`recheck`]).

mod discovered;
mod outage;
mod pages;
mod recheck;
pub(crate) mod schedule;
mod search;
mod shard;
mod sources;
mod stop;
mod summary;

pub use shard::Shard;
pub use stop::{GRACE, Stop};
pub use summary::{RunSummary, SourceFailure};

use crate::config::{Article, Config, Outlet};
use crate::crawl::{self, Fetcher};
use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::placement::OutletIndex;
use crate::store::{HitRecord, RunRecord, Store};
use chrono::{DateTime, TimeDelta, Utc};
use futures_util::{StreamExt, stream};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

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

/// How one run is asked to go.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Poll only the outlets of this shard (`--shard i/n`); pages are still attributed to
    /// whichever configured outlet owns their site.
    pub shard: Option<Shard>,
    /// Poll every source, due or not (`run --all`); a failing source's rest is skipped too.
    pub all: bool,
    /// The time the schedule takes as now (the run's start when `None`); for tests of the
    /// adaptive polling rules with a controlled clock.
    pub now: Option<DateTime<Utc>>,
}

/// No progress reports: for cron, pipes, tests and the demo.
pub struct Silent;

impl Progress for Silent {}

/// Everything an outlet task needs, shared.
pub(crate) struct Ctx {
    store: Store,
    fetcher: Fetcher,
    detector: Arc<Detector>,
    articles: Vec<Article>,
    outlets: Vec<Outlet>,
    /// Attributes a page to the outlet that owns its site (a feed may link elsewhere).
    outlet_index: OutletIndex,
    /// Candidates older than this are out of every article's window.
    earliest: DateTime<Utc>,
    /// Page keys claimed by some task this run, so two outlets never fetch one page twice.
    claimed: Mutex<HashSet<String>>,
    tally: Mutex<Tally>,
    progress: Arc<dyn Progress>,
    /// Asks news search services for pages from outlets nobody listed; `None`: search is off.
    searcher: Option<crate::discover::search::Searcher>,
    /// `[discovery] search_days`: how long after its publication an article is searched for.
    search_days: u32,
    /// `crawl.lookback_days`: an article's search window starts this long before it.
    lookback: TimeDelta,
    /// Record placements on unlisted sites under auto outlets.
    auto_outlets: bool,
    /// The run's User-Agent, whose product token robots.txt groups are matched against.
    user_agent: String,
    /// Asked on SIGTERM or Ctrl-C: no new source or page is started once it is.
    stop: Arc<Stop>,
    /// The run's "now" for the schedule, and the time a poll is recorded at: its start.
    now: DateTime<Utc>,
    polling: crate::config::PollingConfig,
    /// The end of the boost window open at `now` ([`schedule::boost_until`]).
    boost_until: Option<DateTime<Utc>>,
    /// `run --all`: every source is polled, due or not.
    force: bool,
    /// Re-checks fetched at once (`crawl.max_concurrency`); the fetcher keeps each host polite.
    pages_in_flight: usize,
}

impl Ctx {
    /// The run's counters. A task that panicked while holding them left plain numbers behind,
    /// still worth reporting, so a poisoned lock is recovered rather than spread.
    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.tally.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs CPU-bound work (parsing, extraction, detection) on a blocking thread, off the async
    /// executor; `None` if it panicked. Pages in flight are already bounded (outlets at once ×
    /// pages per outlet); a further per-core semaphore here was measured slower and heavier on
    /// the crawl benchmark (2,500 pages/s and 280 MiB against 3,300 and 197), so there is none.
    async fn on_cpu<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        tokio::task::spawn_blocking(work).await.ok()
    }
}

/// One polling pass over every outlet.
pub async fn run(config: &Config, store: &Store) -> Result<RunSummary> {
    run_with(config, store, Arc::new(Silent), &RunOptions::default()).await
}

/// [`run`] as `options` ask, reporting progress as it goes.
pub async fn run_with(
    config: &Config,
    store: &Store,
    progress: Arc<dyn Progress>,
    options: &RunOptions,
) -> Result<RunSummary> {
    run_until(config, store, progress, options, Arc::new(Stop::default())).await
}

/// [`run_with`], stopping cleanly when `stop` is asked ([`stop`]): the summary then says
/// `interrupted`, and sources not finished are left for the next run.
pub async fn run_until(
    config: &Config,
    store: &Store,
    progress: Arc<dyn Progress>,
    options: &RunOptions,
    stop: Arc<Stop>,
) -> Result<RunSummary> {
    let started = Utc::now();
    let articles = config.articles.clone();
    let detector = tokio::task::spawn_blocking(move || Detector::new(&articles))
        .await
        .map_err(|e| Error::Other(format!("building fingerprints failed: {e}")))?;
    let fetcher = crawl::fetch::for_config(config, Arc::new(store.clone()))?;
    // Hosts that asked in an earlier run to be left alone until later are left alone.
    for pause in store.host_pauses()? {
        fetcher.defer_host(&pause);
    }
    let searcher =
        crate::discover::search::Searcher::for_config(config, Arc::new(store.clone())).map_err(Error::Other)?;
    let lookback = TimeDelta::days(i64::from(config.crawl.lookback_days));
    let earliest = config
        .articles
        .iter()
        .map(|a| a.window_start(lookback))
        .min()
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let now = options.now.unwrap_or(started);
    // The run's one reading of every placement: the boost window open now, and which
    // placements are due for a re-check at its end (only those are kept).
    let placements = store.hit_entries()?;
    let boost_until = schedule::boost_until(config, placements.iter().map(|(_, h)| h), now);
    let due = recheck::due(placements, &config.recheck, &config.outlets, options.shard, now);
    let ctx = Arc::new(Ctx {
        store: store.clone(),
        fetcher: fetcher.clone(),
        detector: Arc::new(detector),
        articles: config.articles.clone(),
        outlets: config.outlets.clone(),
        outlet_index: OutletIndex::new(&config.outlets),
        earliest,
        claimed: Mutex::new(HashSet::new()),
        tally: Mutex::new(Tally::default()),
        progress,
        searcher,
        search_days: config.discovery.search_days,
        lookback,
        auto_outlets: config.discovery.auto_outlets,
        user_agent: config.crawl.user_agent.clone(),
        stop: stop.clone(),
        now,
        polling: config.polling.clone(),
        boost_until,
        force: options.all,
        pages_in_flight: config.crawl.max_concurrency.max(1),
    });
    let polled: Vec<usize> = (0..config.outlets.len())
        .filter(|&i| options.shard.is_none_or(|s| s.contains(&config.outlets[i].id)))
        .collect();
    ctx.progress
        .start(polled.iter().map(|&i| config.outlets[i].sources().count()).sum());

    let outlets_in_flight = config.crawl.max_concurrency.max(1) * 2;
    let outlets = stream::iter(polled)
        .map(|i| poll_outlet(ctx.clone(), i))
        .buffer_unordered(outlets_in_flight)
        .collect::<Vec<()>>();
    // Search waits seconds between queries (the services' rate rules): it runs beside polling.
    // With --shard, only the first shard's job searches; after a stop it starts nothing new.
    let search = async {
        if options.shard.is_none_or(|s| s.is_first()) && !ctx.stop.asked() {
            search::search_pass(&ctx).await;
        }
    };
    // After a stop, work in flight gets its grace period; what is still running then is
    // dropped (its sources keep their old state, so the next run redoes them).
    // Re-checks come after the run's own sources and pages, so new placements come first.
    let work = async {
        tokio::join!(outlets, search);
        recheck::pass(&ctx, due).await;
    };
    let cut_short = tokio::select! {
        _ = work => false,
        _ = stop.grace_over() => true,
    };

    let tally = std::mem::take(&mut *ctx.tally());
    let mut record = tally.record;
    record.started = started;
    record.finished = Utc::now();
    record.requests = fetcher.requests() + ctx.searcher.as_ref().map_or(0, |s| s.requests());
    record.search_queries = ctx.searcher.as_ref().map_or(0, |s| s.queries());
    record.new_hits = tally.new_hits.len();
    record.interrupted = stop.asked();
    if cut_short {
        tracing::info!("requests still in flight after {:?} were dropped", stop.grace());
    }
    let deferred = fetcher.deferred_hosts();
    record.hosts_deferred = deferred.len();
    store.save_host_pauses(&deferred)?;
    store.save_run(&record)?;
    store.flush()?;
    if !record.interrupted
        && let Some(e) = outage::total_failure(config, store, &record, &tally.failures, Utc::now())?
    {
        return Err(e);
    }
    Ok(RunSummary {
        record,
        failures: tally.failures,
        new_hits: tally.new_hits,
    })
}

async fn poll_outlet(ctx: Arc<Ctx>, index: usize) {
    let outlet = &ctx.outlets[index];
    // Configured sources as given; an outlet with a homepage only gets discovered ones.
    let sources: Vec<(crate::config::SourceKind, url::Url)> = if outlet.needs_discovery() {
        discovered::sources(&ctx, index).await
    } else {
        outlet.sources().map(|(k, u)| (k, u.clone())).collect()
    };
    for (kind, url) in &sources {
        if ctx.stop.asked() {
            break;
        }
        if let Err(e) = sources::poll_source(&ctx, index, *kind, url).await {
            tracing::error!("{}: {e}", outlet.id);
        }
        ctx.progress.source_done();
    }
    if let Err(e) = pages::retry_rested(&ctx, index).await {
        tracing::error!("{}: {e}", outlet.id);
    }
}
