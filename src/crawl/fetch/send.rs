//! One request to one URL, through the host gate, retried on timeouts, connection errors, 429
//! and 5xx with backoff or the server's Retry-After; a 429, or a 503 with Retry-After, pauses
//! the whole host (see [`retry::pauses_host`]).

use super::{FetchError, Fetcher, Purpose, Validators, error::classify};
use crate::crawl::retry;
use reqwest::header::{self, HeaderMap};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::OwnedSemaphorePermit;
use url::Url;

impl Fetcher {
    /// Sends one request, retrying timeouts, connection errors and 429/5xx with backoff (or the
    /// server's Retry-After). Each try passes the gate again.
    pub(super) async fn send(
        &self,
        url: &Url,
        purpose: Purpose,
        validators: Option<&Validators>,
    ) -> Result<(reqwest::Response, OwnedSemaphorePermit), FetchError> {
        let cfg = &self.inner.cfg;
        let mut retry_no = 0;
        loop {
            let last_try = retry_no == cfg.retries;
            let admitted = self.inner.gate.admit(url, || self.known_crawl_delay(url)).await?;
            let mut req = self
                .inner
                .client
                .get(url.clone())
                // A request never runs past the host's budget.
                .timeout(cfg.timeout.min(admitted.time_left))
                .header(header::ACCEPT, purpose.accept());
            if let Some(v) = validators {
                if let Some(e) = &v.etag {
                    req = req.header(header::IF_NONE_MATCH, e);
                }
                if let Some(m) = &v.last_modified {
                    req = req.header(header::IF_MODIFIED_SINCE, m);
                }
            }
            self.inner.requests.fetch_add(1, Ordering::Relaxed);
            let sent = req.send().await;
            admitted.answered();
            let wait = match sent {
                Ok(resp) if retry::retryable_status(resp.status().as_u16()) => {
                    let status = resp.status().as_u16();
                    let asked = retry_after(resp.headers());
                    let wait = match (retry::pauses_host(status, asked.is_some()), asked) {
                        // The host said "slow down": nothing goes to it, for any source or page,
                        // until the time has passed (or, past max_retry_after, this run).
                        (true, _) => {
                            let wait = asked.unwrap_or_else(|| retry::backoff(cfg.retry_base, retry_no));
                            self.inner.gate.pause(url, wait)?;
                            wait
                        }
                        (false, Some(wait)) if wait > cfg.max_retry_after => {
                            return Err(FetchError::Status {
                                url: url.clone(),
                                status,
                            });
                        }
                        (false, Some(wait)) => wait,
                        (false, None) => retry::backoff(cfg.retry_base, retry_no),
                    };
                    if last_try {
                        return Err(FetchError::Status {
                            url: url.clone(),
                            status,
                        });
                    }
                    wait
                }
                Ok(resp) => return Ok((resp, admitted.permit)),
                Err(e) => {
                    let err = classify(e, url);
                    if !err.is_transient() || last_try {
                        return Err(err);
                    }
                    retry::backoff(cfg.retry_base, retry_no)
                }
            };
            // Nobody's slot is held while we sleep.
            drop(admitted.permit);
            if Instant::now() + wait >= admitted.deadline {
                return Err(self.inner.gate.over_budget(url));
            }
            tracing::debug!("{url}: retrying in {wait:?}");
            tokio::time::sleep(wait).await;
            retry_no += 1;
        }
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    retry::parse_retry_after(value, chrono::Utc::now())
}
