//! One request to one URL, through the host gate, retried on timeouts, connection errors, 429
//! and 5xx with backoff or the server's Retry-After.

use super::{FetchError, Fetcher, Purpose, Validators, error::classify, lock};
use crate::crawl::retry;
use reqwest::header::{self, HeaderMap};
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
        let mut tries_left = cfg.retries;
        let mut retry_no = 0;
        loop {
            let permit = self.admit(url).await?;
            // A request never runs past the host's budget.
            let timeout = match self.budget_left(&self.host(url), url)? {
                Some(left) => cfg.timeout.min(left),
                None => cfg.timeout,
            };
            let mut req = self
                .inner
                .client
                .get(url.clone())
                .timeout(timeout)
                .header(header::ACCEPT, purpose.accept());
            if let Some(v) = validators.filter(|_| purpose != Purpose::Robots) {
                if let Some(e) = &v.etag {
                    req = req.header(header::IF_NONE_MATCH, e);
                }
                if let Some(m) = &v.last_modified {
                    req = req.header(header::IF_MODIFIED_SINCE, m);
                }
            }
            self.inner.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let sent = req.send().await;
            // Crawl-delay is a gap between request starts, but a slow answer should not count as
            // the host's rest: when the answer is in before the next request is admitted, the
            // gap counts from the answer.
            *lock(&self.host(url).last_sent) = Some(Instant::now());
            let wait = match sent {
                Ok(resp) if retry::retryable_status(resp.status().as_u16()) => {
                    let status = resp.status().as_u16();
                    if tries_left == 0 {
                        return Err(FetchError::Status {
                            url: url.clone(),
                            status,
                        });
                    }
                    match retry_after(resp.headers()) {
                        Some(wait) if wait > cfg.max_retry_after => {
                            return Err(FetchError::RetryAfterTooLong {
                                url: url.clone(),
                                wait,
                                max: cfg.max_retry_after,
                            });
                        }
                        Some(wait) => wait,
                        None => retry::backoff(cfg.retry_base, retry_no),
                    }
                }
                Ok(resp) => return Ok((resp, permit)),
                Err(e) => {
                    let err = classify(e, url);
                    let transient = matches!(err, FetchError::Timeout { .. } | FetchError::Connect { .. });
                    if !transient || tries_left == 0 {
                        return Err(err);
                    }
                    retry::backoff(cfg.retry_base, retry_no)
                }
            };
            // Nobody's slot is held while we sleep.
            drop(permit);
            if self
                .deadline(&self.host(url))
                .is_some_and(|d| Instant::now() + wait >= d)
            {
                return Err(self.over_budget(url));
            }
            tracing::debug!("{url}: retrying in {wait:?}");
            tokio::time::sleep(wait).await;
            tries_left -= 1;
            retry_no += 1;
        }
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    retry::parse_retry_after(value, chrono::Utc::now())
}
