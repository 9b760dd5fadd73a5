//! The per-host gate every request passes: one request at a time per host, a global concurrency
//! slot, the governor limiter, the Crawl-delay gap, a pause the host asked for (`Retry-After`),
//! and the host's time budget for the run.

use super::{FetchError, lock};
use crate::config::CrawlConfig;
use chrono::{DateTime, Utc};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

/// The key politeness is counted by: host and port.
pub fn host_key(url: &Url) -> String {
    match url.port_or_known_default() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    }
}

/// Politeness state of one host (host:port), for the whole run.
#[derive(Default)]
struct HostState {
    /// Requests to this host pass the gate one at a time, so only one of them holds a global
    /// slot while waiting for its turn, and the spacing is measured at the moment of sending.
    turn: tokio::sync::Mutex<()>,
    /// When the last request was sent (or answered, see [`Admitted::answered`]), for Crawl-delay.
    last_sent: Mutex<Option<Instant>>,
    /// When the first request was sent: the host budget is counted from here.
    first_sent: OnceLock<Instant>,
    /// No request is sent before this: the host answered 429, or 503 with `Retry-After`.
    paused_until: Mutex<Option<Instant>>,
    /// The host asked for longer than `max_retry_after`: nothing more goes to it this run.
    deferred_until: Mutex<Option<DateTime<Utc>>>,
}

/// A host that asked to be left alone past this run's patience (`Retry-After` longer than
/// `max_retry_after_secs`), kept in the store so later runs leave it alone too.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HostPause {
    /// The host key (`host:port`), as [`host_key`] gives it.
    pub host: String,
    /// No request goes to the host before this.
    pub until: DateTime<Utc>,
}

/// Per-host politeness for the whole run, shared by all clones of a fetcher.
pub(super) struct HostGate {
    limiter: DefaultKeyedRateLimiter<String>,
    slots: Arc<Semaphore>,
    /// Filled lazily, one entry per host key.
    hosts: Mutex<HashMap<String, Arc<HostState>>>,
    /// How long a host may take in a run, from its first request.
    budget: Duration,
    /// The least time between two requests to a host apart from Crawl-delay: the limiter's period
    /// when no bursts are allowed, else zero. Governor counts from the moment it lets a request
    /// go; a first request that spends 30 ms opening a connection would otherwise arrive only
    /// 20 ms before the next one at 20 rps.
    spacing: Duration,
    /// The longest `Retry-After` waited for within a run.
    max_retry_after: Duration,
}

/// A request that passed the gate: it may be sent now, and holds its global slot until dropped.
pub(super) struct Admitted {
    pub(super) permit: OwnedSemaphorePermit,
    host: Arc<HostState>,
    /// When the host's budget runs out (it has started by now).
    pub(super) deadline: Instant,
    /// What is left of the budget: no request runs past it.
    pub(super) time_left: Duration,
}

impl Admitted {
    /// Crawl-delay is a gap between request starts, but a slow answer should not count as the
    /// host's rest: when the answer is in before the next request is admitted, the gap counts
    /// from the answer.
    pub(super) fn answered(&self) {
        *lock(&self.host.last_sent) = Some(Instant::now());
    }
}

impl HostGate {
    pub(super) fn new(cfg: &CrawlConfig) -> Result<HostGate, String> {
        if !(cfg.per_host_rps.is_finite() && cfg.per_host_rps > 0.0) {
            return Err(format!("per_host_rps must be above 0, not {}", cfg.per_host_rps));
        }
        let period = Duration::from_secs_f64(1.0 / cfg.per_host_rps);
        let quota = Quota::with_period(period)
            .ok_or("per_host_rps too high")?
            .allow_burst(cfg.per_host_burst);
        Ok(HostGate {
            limiter: RateLimiter::keyed(quota),
            slots: Arc::new(Semaphore::new(cfg.max_concurrency.max(1))),
            hosts: Mutex::new(HashMap::new()),
            budget: cfg.host_budget,
            spacing: if cfg.per_host_burst.get() == 1 {
                period
            } else {
                Duration::ZERO
            },
            max_retry_after: cfg.max_retry_after,
        })
    }

    /// The host asked for `wait` before anything more (a 429, or a 503 with `Retry-After`):
    /// every request to it, for any source or page, waits until then. A wait longer than
    /// `max_retry_after` defers the host for the rest of the run instead, and is the error
    /// returned.
    pub(super) fn pause(&self, url: &Url, wait: Duration) -> Result<(), FetchError> {
        let host = self.host(url);
        if wait > self.max_retry_after {
            let until = Utc::now() + chrono::TimeDelta::from_std(wait).unwrap_or(chrono::TimeDelta::MAX);
            self.defer(&host, until);
            return Err(self.deferred(url, until));
        }
        let until = Instant::now() + wait;
        let mut paused = lock(&host.paused_until);
        *paused = Some(paused.map_or(until, |p| p.max(until)));
        Ok(())
    }

    fn defer(&self, host: &HostState, until: DateTime<Utc>) {
        let mut deferred = lock(&host.deferred_until);
        *deferred = Some(deferred.map_or(until, |d| d.max(until)));
    }

    /// Defers `key`'s host until `until` (a pause kept from an earlier run).
    pub(super) fn defer_key(&self, key: &str, until: DateTime<Utc>) {
        let host = lock(&self.hosts).entry(key.to_string()).or_default().clone();
        self.defer(&host, until);
    }

    /// Hosts deferred now, with the time each asked for.
    pub(super) fn deferred_hosts(&self) -> Vec<HostPause> {
        let now = Utc::now();
        let mut out: Vec<HostPause> = lock(&self.hosts)
            .iter()
            .filter_map(|(key, h)| {
                let until = (*lock(&h.deferred_until))?;
                (until > now).then(|| HostPause {
                    host: key.clone(),
                    until,
                })
            })
            .collect();
        out.sort_by(|a, b| a.host.cmp(&b.host));
        out
    }

    fn deferred(&self, url: &Url, until: DateTime<Utc>) -> FetchError {
        FetchError::Deferred {
            url: url.clone(),
            until,
            max: self.max_retry_after,
        }
    }

    /// An error if the host is deferred.
    fn check_deferred(&self, host: &HostState, url: &Url) -> Result<(), FetchError> {
        match *lock(&host.deferred_until) {
            Some(until) if until > Utc::now() => Err(self.deferred(url, until)),
            _ => Ok(()),
        }
    }

    /// Sleeps until the host's pause is over (it may be extended while we sleep).
    async fn wait_out_pause(&self, host: &HostState, url: &Url) -> Result<(), FetchError> {
        loop {
            let Some(until) = *lock(&host.paused_until) else {
                return Ok(());
            };
            if until <= Instant::now() {
                return Ok(());
            }
            if self.deadline(host).is_some_and(|d| until >= d) {
                return Err(self.over_budget(url));
            }
            tokio::time::sleep_until(until.into()).await;
        }
    }

    fn host(&self, url: &Url) -> Arc<HostState> {
        lock(&self.hosts).entry(host_key(url)).or_default().clone()
    }

    /// When the host's budget runs out, if it has started.
    fn deadline(&self, host: &HostState) -> Option<Instant> {
        host.first_sent.get().map(|t| *t + self.budget)
    }

    /// An error once `url`'s host has spent its budget.
    pub(super) fn check_budget(&self, url: &Url) -> Result<(), FetchError> {
        self.time_left(&self.host(url), url).map(|_| ())
    }

    /// What is left of the host's budget; `None` before its first request.
    fn time_left(&self, host: &HostState, url: &Url) -> Result<Option<Duration>, FetchError> {
        match self.deadline(host) {
            None => Ok(None),
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Ok(Some(left)),
                _ => Err(self.over_budget(url)),
            },
        }
    }

    pub(super) fn over_budget(&self, url: &Url) -> FetchError {
        FetchError::HostBudget {
            url: url.clone(),
            budget: self.budget,
        }
    }

    /// Waits until a request to `url`'s host may be sent. `crawl_delay` is asked once the limiter
    /// lets the request go.
    ///
    /// Order matters: the host's turn first (so requests queued for one busy host hold no global
    /// slot), then a slot, then the host's spacing (governor, then the gap). Waiting for the
    /// spacing last means the request leaves right when the limiter says so; had the slot come
    /// last, two requests cleared by the limiter could queue for slots and leave back to back.
    pub(super) async fn admit(
        &self,
        url: &Url,
        crawl_delay: impl FnOnce() -> Option<Duration>,
    ) -> Result<Admitted, FetchError> {
        let key = host_key(url);
        let host = self.host(url);
        self.check_deferred(&host, url)?;
        self.time_left(&host, url)?;
        let turn = host.turn.lock().await;
        // A pause the host asked for is waited out holding its turn but no global slot.
        self.wait_out_pause(&host, url).await?;
        self.check_deferred(&host, url)?;
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| FetchError::Other {
                url: url.clone(),
                reason: "fetcher shut down".into(),
            })?;
        self.limiter.until_key_ready(&key).await;
        // The pause kept after the host's last request (or its answer, if in).
        let gap = crawl_delay().unwrap_or(Duration::ZERO).max(self.spacing);
        if !gap.is_zero() {
            // A loop, because the request before this one may still be in flight: if its answer
            // comes while we sleep, it moves `last_sent` forward.
            loop {
                let Some(last) = *lock(&host.last_sent) else { break };
                let paused = lock(&host.paused_until).unwrap_or(last);
                let at = (last + gap).max(paused);
                if at <= Instant::now() {
                    break;
                }
                if self.deadline(&host).is_some_and(|d| at >= d) {
                    // No point waiting for a turn that comes after the budget is spent.
                    return Err(self.over_budget(url));
                }
                tokio::time::sleep_until(at.into()).await;
            }
        }
        // A pause asked for while this request waited for its slot and spacing.
        self.wait_out_pause(&host, url).await?;
        self.check_deferred(&host, url)?;
        self.time_left(&host, url)?;
        let now = Instant::now();
        let deadline = *host.first_sent.get_or_init(|| now) + self.budget;
        *lock(&host.last_sent) = Some(now);
        let time_left = deadline
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
            .ok_or_else(|| self.over_budget(url))?;
        // The next request to this host may start waiting for its spacing.
        drop(turn);
        Ok(Admitted {
            permit,
            host,
            deadline,
            time_left,
        })
    }
}
