//! The one fetcher every request goes through, so politeness and safety live in one place:
//! User-Agent, robots.txt, per-host spacing (governor, plus Crawl-delay), a global concurrency
//! cap, retries with backoff, redirects followed hop by hop, address checks, timeouts, a per-host
//! time budget and a body cap enforced while streaming.
//!
//! Every request that reaches a host — robots.txt, a retry, a redirect hop — passes the same
//! gate (`HostGate::admit`), which is why reqwest's own redirect following and retries are off.
//!
//! A fetch, and where each step lives: [`Fetcher::get`] (here) checks each hop's address, the
//! host's budget and robots.txt (`robots_gate`), sends it through the per-host gate (`host`) with
//! retries (`send`), follows redirects (`redirect`) and reads the last answer (`body`). Failures
//! are [`FetchError`]s (`error`); `setup` builds the fetcher.

// FetchError carries its URL in every variant (so a failure always names what failed); that makes
// it ~180 bytes, which only matters on the cold failure path.
#![allow(clippy::result_large_err)]

mod body;
mod error;
mod host;
mod redirect;
mod robots_gate;
mod send;
mod setup;
mod sniff;

pub use error::FetchError;
pub use host::{HostPause, host_key};
pub use setup::{FetcherOptions, for_config};

use crate::config::CrawlConfig;
use crate::crawl::address::{self, AddressPolicy, Refusal};
use crate::crawl::{charset, gzip, robots};
use host::HostGate;
use redirect::{Hops, redirect_target};
use robots_gate::RobotsVerdicts;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// What the caller expects at a URL; decides the Accept header and which content types are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// An RSS/Atom/JSON feed or an XML sitemap.
    Feed,
    /// An HTML page.
    Page,
}

/// Validators from an earlier fetch, for a conditional GET (RFC 9110 §13.1): sent back as
/// `If-None-Match` and `If-Modified-Since`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// The `ETag` header, as sent.
    pub etag: Option<String>,
    /// The `Last-Modified` header, as sent (an HTTP date).
    pub last_modified: Option<String>,
}

/// Why a body is shorter than the document it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truncated {
    /// Cut at `max_page_bytes` (`cap`, in bytes) while it streamed.
    AtCap { cap: u64 },
    /// The connection dropped (or the server stopped sending) part-way; `reason` is the error.
    Dropped { reason: String },
}

impl std::fmt::Display for Truncated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Truncated::AtCap { cap } => write!(f, "cut at max_page_bytes ({cap} bytes)"),
            Truncated::Dropped { reason } => write!(f, "cut off by a dropped connection ({reason})"),
        }
    }
}

/// A successful response (2xx, or 304 when validators were sent).
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL asked for.
    pub requested: Url,
    /// The URL that answered, after redirects.
    pub url: Url,
    /// Every hop after the first, in order (the last one is `url`).
    pub redirects: Vec<Url>,
    pub status: u16,
    /// True on 304 Not Modified: `body` is empty.
    pub not_modified: bool,
    pub content_type: Option<String>,
    pub validators: Validators,
    /// At most `max_page_bytes`.
    pub body: Vec<u8>,
    /// Set when the body is not the whole document: cut at `max_page_bytes`, or by a dropped
    /// connection. Readers use what came and report the cut.
    pub truncated: Option<Truncated>,
    /// From the call to the last byte, waits for politeness and retries included.
    pub elapsed: Duration,
}

/// What a request is for: decides Accept, the body cap and whether robots.txt applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Want(Want),
    Robots,
}

impl Purpose {
    fn accept(self) -> &'static str {
        match self {
            Purpose::Want(Want::Feed) => {
                "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
            }
            Purpose::Want(Want::Page) => "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
            Purpose::Robots => "text/plain, */*;q=0.5",
        }
    }

    /// Redirect hops followed before giving up.
    fn max_redirects(self, cfg: &CrawlConfig) -> usize {
        match self {
            Purpose::Robots => robots::ROBOTS_MAX_REDIRECTS,
            Purpose::Want(_) => cfg.max_redirects,
        }
    }

    /// Bytes of body read at most.
    fn body_cap(self, cfg: &CrawlConfig) -> u64 {
        match self {
            Purpose::Robots => robots::ROBOTS_MAX_BYTES,
            Purpose::Want(_) => cfg.max_page_bytes,
        }
    }

    fn wanted(self) -> &'static str {
        match self {
            Purpose::Want(Want::Feed) => "a feed",
            Purpose::Want(Want::Page) => "a page",
            Purpose::Robots => "robots.txt",
        }
    }
}

struct Inner {
    client: reqwest::Client,
    cfg: CrawlConfig,
    /// Per-host turns, spacing and budgets, and the global concurrency cap.
    gate: HostGate,
    robots: RobotsVerdicts,
    /// Also inside the client's DNS resolver; here for literal addresses.
    policy: Arc<AddressPolicy>,
    /// Requests sent (robots.txt, every hop and retry included), for the run summary.
    requests: AtomicUsize,
}

/// Cheap to clone; all clones share the limiter, the concurrency cap and robots verdicts.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

/// A lock whose holder panicked still guards consistent data here (plain values): recover it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Fetched {
    /// The body as HTML text: a gzip file (a page saved compressed and served as a file)
    /// inflated within its bound, then decoded by [`charset::decode_html`] with the
    /// Content-Type's charset and the page's country domain.
    pub fn html(&self) -> String {
        let body = gzip::inflate_if_gzip(&self.body).unwrap_or(std::borrow::Cow::Borrowed(&self.body));
        charset::decode_html(&body, self.content_type.as_deref(), Some(&self.url))
    }
}

impl Fetcher {
    /// Hosts that asked to be left alone longer than `max_retry_after_secs` and are deferred
    /// now, with the time they asked for: the run keeps them so later runs honour them too.
    pub fn deferred_hosts(&self) -> Vec<HostPause> {
        self.inner.gate.deferred_hosts()
    }

    /// Leaves a host alone until the time it asked for in an earlier run: every request to it
    /// fails at once with [`FetchError::Deferred`] until then.
    pub fn defer_host(&self, pause: &HostPause) {
        self.inner.gate.defer_key(&pause.host, pause.until);
    }

    /// Requests sent so far: robots.txt, every redirect hop and every retry count.
    pub fn requests(&self) -> usize {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// One polite GET, redirects followed. Validators make it conditional (a 304 is a success
    /// with `not_modified`).
    pub async fn get(&self, url: &Url, want: Want, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        self.fetch(url, Purpose::Want(want), validators).await
    }

    /// Follows redirects by hand: every hop is checked (address, budget, robots) and waits its
    /// turn at its host like any other request.
    async fn fetch(&self, url: &Url, purpose: Purpose, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        let started = Instant::now();
        let cfg = &self.inner.cfg;
        let mut hops = Hops::new(url, purpose.max_redirects(cfg));
        let mut current = url.clone();
        loop {
            self.check(&current, purpose).await?;
            let (resp, permit) = self.send(&current, purpose, validators).await?;
            let Some(next) = redirect_target(&resp, &current) else {
                let answer = body::read(resp, &current, purpose, purpose.body_cap(cfg)).await?;
                drop(permit);
                return Ok(Fetched {
                    requested: url.clone(),
                    url: current,
                    redirects: hops.into_vec(),
                    status: answer.status,
                    not_modified: answer.status == 304,
                    content_type: answer.content_type,
                    validators: answer.validators,
                    body: answer.body,
                    truncated: answer.truncated,
                    elapsed: started.elapsed(),
                });
            };
            // The connection goes back to the pool and the slot to others before the next hop.
            drop(resp);
            drop(permit);
            hops.push(&current, &next)?;
            current = next;
        }
    }

    /// Everything decided before a request: scheme and literal address, host budget, robots.txt.
    async fn check(&self, url: &Url, purpose: Purpose) -> Result<(), FetchError> {
        match address::check_target(url, &self.inner.policy).await {
            Ok(()) => {}
            Err(Refusal::Scheme) => return Err(FetchError::Scheme { url: url.clone() }),
            Err(Refusal::Address(reason)) => {
                return Err(FetchError::Refused {
                    url: url.clone(),
                    reason,
                });
            }
        }
        self.inner.gate.check_budget(url)?;
        if purpose == Purpose::Robots || !self.inner.cfg.respect_robots {
            return Ok(());
        }
        self.robots_allow(url).await
    }
}
