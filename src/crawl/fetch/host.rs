//! The per-host gate every request passes: one request at a time per host, a global concurrency
//! slot, the governor limiter, the Crawl-delay gap, and the host's time budget for the run.

use super::{FetchError, Fetcher, lock};
use crate::crawl::robots;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::OwnedSemaphorePermit;
use url::Url;

/// Politeness state of one host (host:port), for the whole run.
#[derive(Default)]
pub(super) struct HostState {
    /// Requests to this host pass the gate one at a time, so only one of them holds a global
    /// slot while waiting for its turn, and the spacing is measured at the moment of sending.
    pub(super) turn: tokio::sync::Mutex<()>,
    /// When the last request was sent, for Crawl-delay.
    pub(super) last_sent: Mutex<Option<Instant>>,
    /// When the first request was sent: the host budget is counted from here.
    pub(super) first_sent: OnceLock<Instant>,
}

/// The key politeness is counted by: host and port.
pub fn host_key(url: &Url) -> String {
    match url.port_or_known_default() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    }
}

impl Fetcher {
    pub(super) fn host(&self, url: &Url) -> Arc<HostState> {
        lock(&self.inner.hosts).entry(host_key(url)).or_default().clone()
    }

    /// When the host's budget runs out, if it has started.
    pub(super) fn deadline(&self, host: &HostState) -> Option<Instant> {
        host.first_sent.get().map(|t| *t + self.inner.cfg.host_budget)
    }

    pub(super) fn budget_left(&self, host: &HostState, url: &Url) -> Result<Option<Duration>, FetchError> {
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
            budget: self.inner.cfg.host_budget,
        }
    }

    /// Waits until a request to `url`'s host may be sent, and returns the global slot it holds
    /// until its body is read.
    ///
    /// Order matters: the host's turn first (so requests queued for one busy host hold no global
    /// slot), then a slot, then the host's spacing (governor, then [`Self::min_gap`]). Waiting for the
    /// spacing last means the request leaves right when the limiter says so; had the slot come
    /// last, two requests cleared by the limiter could queue for slots and leave back to back.
    pub(super) async fn admit(&self, url: &Url) -> Result<OwnedSemaphorePermit, FetchError> {
        let key = host_key(url);
        let host = self.host(url);
        self.budget_left(&host, url)?;
        let _turn = host.turn.lock().await;
        let permit = self
            .inner
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| FetchError::Other {
                url: url.clone(),
                reason: "fetcher shut down".into(),
            })?;
        self.inner.limiter.until_key_ready(&key).await;
        let gap = self.min_gap(url);
        if !gap.is_zero() {
            // A loop, because the request before this one may still be in flight: if its answer
            // comes while we sleep, it moves `last_sent` forward.
            loop {
                let Some(last) = *lock(&host.last_sent) else { break };
                let at = last + gap;
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
        self.budget_left(&host, url)?;
        let now = Instant::now();
        host.first_sent.get_or_init(|| now);
        *lock(&host.last_sent) = Some(now);
        Ok(permit)
    }

    /// The pause kept after the host's last request (or its answer, if in): the robots.txt
    /// Crawl-delay, and with no bursts allowed, the limiter's period too. Governor counts from
    /// the moment it lets a request go; a first request that spends 30 ms opening a connection
    /// would otherwise arrive only 20 ms before the next one at 20 rps.
    fn min_gap(&self, url: &Url) -> Duration {
        let slot = lock(&self.inner.robots).get(&robots::origin_of(url)).cloned();
        let crawl_delay = slot.and_then(|s| s.get().and_then(|v| v.crawl_delay()));
        let period = if self.inner.cfg.per_host_burst.get() == 1 {
            Duration::from_secs_f64(1.0 / self.inner.cfg.per_host_rps)
        } else {
            Duration::ZERO
        };
        crawl_delay.unwrap_or(Duration::ZERO).max(period)
    }
}
