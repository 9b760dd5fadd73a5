//! The one fetcher every request goes through, so politeness and safety live in one place:
//! User-Agent, robots.txt, per-host spacing (governor, plus Crawl-delay), a global concurrency
//! cap, retries with backoff, redirects followed hop by hop, address checks, timeouts, a per-host
//! time budget and a body cap enforced while streaming.
//!
//! Every request that reaches a host — robots.txt, a retry, a redirect hop — passes the same
//! gate (`Fetcher::admit`), which is why reqwest's own redirect following and retries are off.

// FetchError carries its URL in every variant (so a failure always names what failed); that makes
// it ~180 bytes, which only matters on the cold failure path.
#![allow(clippy::result_large_err)]

use crate::config::CrawlConfig;
use crate::crawl::address::{self, AddressPolicy, DnsFailure, GuardedResolver, Refusal, RefusedAddress};
use crate::crawl::retry;
use crate::crawl::robots::{self, MemoryRobotsCache, RobotsCache, Verdict};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use reqwest::header::{self, HeaderMap};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};
use url::Url;

/// What the caller expects at a URL; decides the Accept header and which content types are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// An RSS/Atom/JSON feed or an XML sitemap.
    Feed,
    /// An HTML page.
    Page,
}

/// Validators from an earlier fetch, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
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
    /// True when the body was cut at `max_page_bytes`.
    pub truncated: bool,
    /// From the call to the last byte, waits for politeness and retries included.
    pub elapsed: Duration,
}

/// Why a fetch failed. Each variant names the URL it concerns (the redirect hop, if one failed).
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: timed out")]
    Timeout { url: Url },
    #[error("{url}: DNS: {reason}")]
    Dns { url: Url, reason: String },
    #[error("{url}: TLS: {reason}")]
    Tls { url: Url, reason: String },
    #[error("{url}: cannot connect: {reason}")]
    Connect { url: Url, reason: String },
    #[error("{url}: HTTP {status}")]
    Status { url: Url, status: u16 },
    #[error("{url}: not {wanted} (Content-Type: {content_type})")]
    ContentType {
        url: Url,
        wanted: &'static str,
        content_type: String,
    },
    /// robots.txt disallows the URL: it was not requested.
    #[error("{url}: disallowed by robots.txt")]
    Robots { url: Url },
    /// The host's robots.txt could not be read (5xx, timeout...): nothing is fetched there this run.
    #[error("{url}: robots.txt unavailable, host skipped this run: {reason}")]
    RobotsUnavailable { url: Url, reason: String },
    #[error("{url}: redirect loop back to {target}")]
    RedirectLoop { url: Url, target: Url },
    #[error("{url}: more than {max} redirects")]
    TooManyRedirects { url: Url, max: usize },
    /// The host is, or resolves to, an address pickup may not connect to.
    #[error("{url}: refused: {reason}")]
    Refused { url: Url, reason: String },
    #[error("{url}: only http and https are fetched")]
    Scheme { url: Url },
    /// The host's time budget for this run is spent.
    #[error("{url}: host time budget of {budget:?} spent for this run")]
    HostBudget { url: Url, budget: Duration },
    #[error("{url}: server asks to retry after {wait:?}, longer than allowed ({max:?})")]
    RetryAfterTooLong { url: Url, wait: Duration, max: Duration },
    #[error("{url}: {reason}")]
    Other { url: Url, reason: String },
}

impl FetchError {
    /// A short machine-friendly class, for outlet health ("timeout", "http 503", ...).
    pub fn class(&self) -> String {
        match self {
            FetchError::Timeout { .. } => "timeout".into(),
            FetchError::Dns { .. } => "dns".into(),
            FetchError::Tls { .. } => "tls".into(),
            FetchError::Connect { .. } => "connect".into(),
            FetchError::Status { status, .. } => format!("http {status}"),
            FetchError::ContentType { .. } => "content type".into(),
            FetchError::Robots { .. } => "robots".into(),
            FetchError::RobotsUnavailable { .. } => "robots unavailable".into(),
            FetchError::RedirectLoop { .. } => "redirect loop".into(),
            FetchError::TooManyRedirects { .. } => "too many redirects".into(),
            FetchError::Refused { .. } => "refused".into(),
            FetchError::Scheme { .. } => "scheme".into(),
            FetchError::HostBudget { .. } => "host budget".into(),
            FetchError::RetryAfterTooLong { .. } => "retry-after too long".into(),
            FetchError::Other { .. } => "other".into(),
        }
    }

    /// The URL the error concerns.
    pub fn url(&self) -> &Url {
        match self {
            FetchError::Timeout { url }
            | FetchError::Dns { url, .. }
            | FetchError::Tls { url, .. }
            | FetchError::Connect { url, .. }
            | FetchError::Status { url, .. }
            | FetchError::ContentType { url, .. }
            | FetchError::Robots { url }
            | FetchError::RobotsUnavailable { url, .. }
            | FetchError::RedirectLoop { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::Refused { url, .. }
            | FetchError::Scheme { url }
            | FetchError::HostBudget { url, .. }
            | FetchError::RetryAfterTooLong { url, .. }
            | FetchError::Other { url, .. } => url,
        }
    }
}

/// What a run gives the fetcher besides the config.
#[derive(Clone)]
pub struct FetcherOptions {
    /// robots.txt copies kept between runs (the store, in a run).
    pub robots_cache: Arc<dyn RobotsCache>,
    /// Hosts that may be at private, loopback or link-local addresses: those of outlets that are
    /// configured there. Host names or IP literals, without port.
    pub allowed_private_hosts: Vec<String>,
}

impl Default for FetcherOptions {
    fn default() -> Self {
        FetcherOptions {
            robots_cache: Arc::new(MemoryRobotsCache::new()),
            allowed_private_hosts: Vec::new(),
        }
    }
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

    fn wanted(self) -> &'static str {
        match self {
            Purpose::Want(Want::Feed) => "a feed",
            Purpose::Want(Want::Page) => "a page",
            Purpose::Robots => "robots.txt",
        }
    }
}

/// Politeness state of one host (host:port), for the whole run.
#[derive(Default)]
struct HostState {
    /// Requests to this host pass the gate one at a time, so only one of them holds a global
    /// slot while waiting for its turn, and the spacing is measured at the moment of sending.
    turn: tokio::sync::Mutex<()>,
    /// When the last request was sent, for Crawl-delay.
    last_sent: Mutex<Option<Instant>>,
    /// When the first request was sent: the host budget is counted from here.
    first_sent: OnceLock<Instant>,
}

type RobotsSlot = Arc<OnceCell<Arc<Verdict>>>;

struct Inner {
    client: reqwest::Client,
    cfg: CrawlConfig,
    /// robots.txt product token derived from the User-Agent.
    agent: String,
    limiter: DefaultKeyedRateLimiter<String>,
    slots: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<HostState>>>,
    /// One verdict per origin per run; concurrent callers wait on the one fetch.
    robots: Mutex<HashMap<String, RobotsSlot>>,
    robots_cache: Arc<dyn RobotsCache>,
    policy: Arc<AddressPolicy>,
    /// Requests sent (robots.txt, every hop and retry included), for the run summary.
    requests: std::sync::atomic::AtomicUsize,
}

/// Cheap to clone; all clones share the limiter, the concurrency cap and robots verdicts.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

/// The key politeness is counted by: host and port.
pub fn host_key(url: &Url) -> String {
    match url.port_or_known_default() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    }
}

/// Installs the TLS crypto provider once per process (reqwest is built without one).
fn install_crypto() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A lock whose holder panicked still guards consistent data here (plain values): recover it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Fetcher {
    /// A fetcher with an in-memory robots cache and no private hosts allowed.
    pub fn new(cfg: &CrawlConfig) -> Result<Fetcher, String> {
        Fetcher::with_options(cfg, FetcherOptions::default())
    }

    pub fn with_options(cfg: &CrawlConfig, options: FetcherOptions) -> Result<Fetcher, String> {
        install_crypto();
        let policy = Arc::new(AddressPolicy::new(&options.allowed_private_hosts));
        let resolver = GuardedResolver {
            policy: policy.clone(),
            proxy_hosts: address::proxy_hosts(cfg.proxy.as_ref()),
        };
        let mut builder = reqwest::Client::builder()
            .user_agent(&cfg.user_agent)
            .timeout(cfg.timeout)
            .connect_timeout(cfg.connect_timeout)
            // Hops and retries are ours, so each one passes the per-host gate.
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .dns_resolver(resolver);
        if let Some(p) = &cfg.proxy {
            builder = builder.proxy(reqwest::Proxy::all(p.as_str()).map_err(|e| format!("proxy {p}: {e}"))?);
        }
        let client = builder.build().map_err(|e| format!("cannot build HTTP client: {e}"))?;
        if !(cfg.per_host_rps.is_finite() && cfg.per_host_rps > 0.0) {
            return Err(format!("per_host_rps must be above 0, not {}", cfg.per_host_rps));
        }
        let period = Duration::from_secs_f64(1.0 / cfg.per_host_rps);
        let quota = Quota::with_period(period)
            .ok_or("per_host_rps too high")?
            .allow_burst(cfg.per_host_burst);
        Ok(Fetcher {
            inner: Arc::new(Inner {
                client,
                agent: robots::agent_token(&cfg.user_agent).to_string(),
                cfg: cfg.clone(),
                limiter: RateLimiter::keyed(quota),
                slots: Arc::new(Semaphore::new(cfg.max_concurrency.max(1))),
                hosts: Mutex::new(HashMap::new()),
                robots: Mutex::new(HashMap::new()),
                robots_cache: options.robots_cache,
                policy,
                requests: Default::default(),
            }),
        })
    }

    /// Requests sent so far: robots.txt, every redirect hop and every retry count.
    pub fn requests(&self) -> usize {
        self.inner.requests.load(std::sync::atomic::Ordering::Relaxed)
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
        let max_hops = match purpose {
            Purpose::Robots => robots::ROBOTS_MAX_REDIRECTS,
            Purpose::Want(_) => self.inner.cfg.max_redirects,
        };
        let mut current = url.clone();
        let mut redirects: Vec<Url> = Vec::new();
        loop {
            self.check(&current, purpose).await?;
            let (resp, permit) = self.send(&current, purpose, validators).await?;
            let Some(next) = redirect_target(&resp, &current) else {
                return self
                    .finish(url, current, redirects, resp, permit, purpose, started)
                    .await;
            };
            // The connection goes back to the pool and the slot to others before the next hop.
            drop(resp);
            drop(permit);
            if same_resource(&next, url) || redirects.iter().any(|u| same_resource(u, &next)) {
                return Err(FetchError::RedirectLoop {
                    url: current,
                    target: next,
                });
            }
            if redirects.len() >= max_hops {
                return Err(FetchError::TooManyRedirects {
                    url: current,
                    max: max_hops,
                });
            }
            redirects.push(next.clone());
            current = next;
        }
    }

    /// Everything decided before a request: scheme and literal address, host budget, robots.txt.
    async fn check(&self, url: &Url, purpose: Purpose) -> Result<(), FetchError> {
        match address::check_url(url, &self.inner.policy) {
            Ok(()) => {}
            Err(Refusal::Scheme) => return Err(FetchError::Scheme { url: url.clone() }),
            Err(Refusal::Address(reason)) => {
                return Err(FetchError::Refused {
                    url: url.clone(),
                    reason,
                });
            }
        }
        self.budget_left(&self.host(url), url)?;
        if purpose == Purpose::Robots || !self.inner.cfg.respect_robots {
            return Ok(());
        }
        match &*self.robots_verdict(url).await {
            Verdict::Rules { robot, .. } if !robot.allowed(url.as_str()) => {
                Err(FetchError::Robots { url: url.clone() })
            }
            Verdict::Unavailable { cause: Some(cause), .. } => Err(cause.clone()),
            Verdict::Unavailable { reason, cause: None } => Err(FetchError::RobotsUnavailable {
                url: url.clone(),
                reason: reason.clone(),
            }),
            _ => Ok(()),
        }
    }

    fn host(&self, url: &Url) -> Arc<HostState> {
        lock(&self.inner.hosts).entry(host_key(url)).or_default().clone()
    }

    /// When the host's budget runs out, if it has started.
    fn deadline(&self, host: &HostState) -> Option<Instant> {
        host.first_sent.get().map(|t| *t + self.inner.cfg.host_budget)
    }

    fn budget_left(&self, host: &HostState, url: &Url) -> Result<Option<Duration>, FetchError> {
        match self.deadline(host) {
            None => Ok(None),
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Ok(Some(left)),
                _ => Err(self.over_budget(url)),
            },
        }
    }

    fn over_budget(&self, url: &Url) -> FetchError {
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
    async fn admit(&self, url: &Url) -> Result<OwnedSemaphorePermit, FetchError> {
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

    /// Sends one request, retrying timeouts, connection errors and 429/5xx with backoff (or the
    /// server's Retry-After). Each try passes the gate again.
    async fn send(
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

    /// Turns the last hop's response into a [`Fetched`], reading at most the cap.
    #[allow(clippy::too_many_arguments)]
    async fn finish(
        &self,
        requested: &Url,
        url: Url,
        redirects: Vec<Url>,
        mut resp: reqwest::Response,
        permit: OwnedSemaphorePermit,
        purpose: Purpose,
        started: Instant,
    ) -> Result<Fetched, FetchError> {
        let status = resp.status().as_u16();
        let text = |name: header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: text(header::ETAG),
            last_modified: text(header::LAST_MODIFIED),
        };
        let content_type = text(header::CONTENT_TYPE);
        let mut fetched = Fetched {
            requested: requested.clone(),
            url,
            redirects,
            status,
            not_modified: status == 304,
            content_type,
            validators,
            body: Vec::new(),
            truncated: false,
            elapsed: Duration::ZERO,
        };
        if status == 304 {
            fetched.elapsed = started.elapsed();
            return Ok(fetched);
        }
        if !resp.status().is_success() {
            return Err(FetchError::Status {
                url: fetched.url,
                status,
            });
        }
        let unwanted = fetched.content_type.as_deref().filter(|ct| clearly_not_text(ct));
        if let (Some(ct), true) = (unwanted, purpose != Purpose::Robots) {
            // Dropping the response unread closes the connection: the body is never downloaded.
            return Err(FetchError::ContentType {
                content_type: ct.to_string(),
                url: fetched.url,
                wanted: purpose.wanted(),
            });
        }
        let cap = match purpose {
            Purpose::Robots => robots::ROBOTS_MAX_BYTES,
            Purpose::Want(_) => self.inner.cfg.max_page_bytes,
        };
        // Bodies are read chunk by chunk (already decompressed, so the cap also stops compression
        // bombs) and the connection is dropped at the cap.
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = usize::try_from(cap.saturating_sub(body.len() as u64)).unwrap_or(usize::MAX);
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        fetched.truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(classify(e, &fetched.url)),
            }
        }
        drop(resp);
        drop(permit);
        fetched.body = body;
        fetched.elapsed = started.elapsed();
        Ok(fetched)
    }

    /// The robots.txt verdict for `url`'s origin: from this run, the cache, or one fetch that
    /// concurrent callers share.
    async fn robots_verdict(&self, url: &Url) -> Arc<Verdict> {
        let origin = robots::origin_of(url);
        let slot = lock(&self.inner.robots).entry(origin.clone()).or_default().clone();
        slot.get_or_init(|| self.load_robots(url, &origin)).await.clone()
    }

    async fn load_robots(&self, url: &Url, origin: &str) -> Arc<Verdict> {
        let agent = &self.inner.agent;
        if let Some(cached) = self.inner.robots_cache.load(origin) {
            let age = (chrono::Utc::now() - cached.fetched_at)
                .to_std()
                .unwrap_or(Duration::MAX);
            if age < self.inner.cfg.robots_max_age {
                return Arc::new(Verdict::from_answer(agent, cached.status, cached.body.as_bytes()));
            }
        }
        let robots_url = robots::robots_url(url);
        // Boxed: fetching robots.txt goes through `fetch`, which asks for robots verdicts.
        let answer = Box::pin(self.fetch(&robots_url, Purpose::Robots, None)).await;
        let (status, body) = match answer {
            Ok(f) => (f.status, String::from_utf8_lossy(&f.body).into_owned()),
            Err(FetchError::Status { status, .. }) => (status, String::new()),
            // RFC 9309: a redirect chain that leads nowhere counts as "no robots.txt".
            Err(FetchError::RedirectLoop { .. } | FetchError::TooManyRedirects { .. }) => (404, String::new()),
            Err(e) => {
                tracing::info!("{origin}: robots.txt unavailable: {e}");
                let transport = matches!(
                    e,
                    FetchError::Timeout { .. }
                        | FetchError::Dns { .. }
                        | FetchError::Tls { .. }
                        | FetchError::Connect { .. }
                        | FetchError::Refused { .. }
                        | FetchError::HostBudget { .. }
                );
                return Arc::new(Verdict::Unavailable {
                    reason: e.to_string(),
                    cause: transport.then_some(e),
                });
            }
        };
        let verdict = Verdict::from_answer(agent, status, body.as_bytes());
        if !matches!(verdict, Verdict::Unavailable { .. }) {
            let cached = robots::CachedRobots {
                fetched_at: chrono::Utc::now(),
                status,
                body,
            };
            self.inner.robots_cache.save(origin, &cached);
        }
        Arc::new(verdict)
    }
}

/// Where a redirect response points, resolved against the URL that answered.
fn redirect_target(resp: &reqwest::Response, current: &Url) -> Option<Url> {
    if !matches!(resp.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = resp.headers().get(header::LOCATION)?.to_str().ok()?;
    let mut next = current.join(location.trim()).ok()?;
    // RFC 9110: a Location without a fragment inherits the original one; we never send
    // fragments, so drop them.
    next.set_fragment(None);
    Some(next)
}

/// Same URL apart from the fragment (which never reaches the server).
fn same_resource(a: &Url, b: &Url) -> bool {
    a[..url::Position::AfterQuery] == b[..url::Position::AfterQuery]
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    retry::parse_retry_after(value, chrono::Utc::now())
}

/// Types that are never a feed, a sitemap or a page: media, documents, archives, binaries.
/// Anything else (and no Content-Type at all) is read, since servers mislabel text freely.
fn clearly_not_text(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let Some((top, sub)) = mime.split_once('/') else {
        return false;
    };
    match top {
        "image" | "video" | "audio" | "font" | "model" => true,
        "application" => {
            matches!(
                sub,
                "pdf"
                    | "octet-stream"
                    | "zip"
                    | "gzip"
                    | "x-gzip"
                    | "x-tar"
                    | "x-bzip2"
                    | "x-xz"
                    | "x-7z-compressed"
                    | "x-rar-compressed"
                    | "vnd.rar"
                    | "msword"
                    | "java-archive"
                    | "wasm"
                    | "x-shockwave-flash"
                    | "x-msdownload"
                    | "x-iso9660-image"
                    | "postscript"
            ) || sub.starts_with("vnd.ms-")
                || sub.starts_with("vnd.openxmlformats")
                || sub.starts_with("vnd.oasis.opendocument")
                || sub.starts_with("vnd.android")
        }
        _ => false,
    }
}

/// The first error of type `T` in `e`'s source chain, looking inside `io::Error`s too (their
/// `source()` skips the error they wrap, which is where rustls puts its own).
fn find_in_chain<'a, T: std::error::Error + 'static>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a T> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(found) = err.downcast_ref::<T>() {
            return Some(found);
        }
        let wrapped = err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref());
        if let Some(found) = wrapped.and_then(|inner| find_in_chain::<T>(inner)) {
            return Some(found);
        }
        cur = err.source();
    }
    None
}

/// The error and its causes on one line: reqwest's own message alone is often "error sending request".
fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cur = e.source();
    while let Some(err) = cur {
        let s = err.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        cur = err.source();
    }
    text
}

fn classify(e: reqwest::Error, url: &Url) -> FetchError {
    let url = url.clone();
    if let Some(r) = find_in_chain::<RefusedAddress>(&e) {
        return FetchError::Refused {
            url,
            reason: r.to_string(),
        };
    }
    if let Some(d) = find_in_chain::<DnsFailure>(&e) {
        return FetchError::Dns {
            url,
            reason: d.to_string(),
        };
    }
    if e.is_timeout() {
        return FetchError::Timeout { url };
    }
    if let Some(t) = find_in_chain::<rustls::Error>(&e) {
        return FetchError::Tls {
            url,
            reason: t.to_string(),
        };
    }
    let reason = chain_text(&e);
    if e.is_connect() {
        FetchError::Connect { url, reason }
    } else {
        FetchError::Other { url, reason }
    }
}

/// The fetcher for a run over `config`: the hosts of configured outlets (homepages and sources)
/// may be at private or loopback addresses, since someone configured them there; links found
/// in their feeds that lead to other private addresses are still refused.
pub fn for_config(
    config: &crate::config::Config,
    robots_cache: Arc<dyn RobotsCache>,
) -> Result<Fetcher, crate::error::Error> {
    let mut hosts: Vec<String> = config
        .outlets
        .iter()
        .flat_map(|o| o.homepage.iter().chain(o.sources().map(|(_, u)| u)))
        .filter_map(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_string())
        })
        .collect();
    hosts.sort();
    hosts.dedup();
    let options = FetcherOptions {
        robots_cache,
        allowed_private_hosts: hosts,
    };
    Fetcher::with_options(&config.crawl, options).map_err(crate::error::Error::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_types_are_refused_text_is_not() {
        for ct in [
            "image/png",
            "video/mp4",
            "application/pdf",
            "application/octet-stream",
            "application/zip",
        ] {
            assert!(clearly_not_text(ct), "{ct}");
        }
        for ct in [
            "text/html; charset=utf-8",
            "application/rss+xml",
            "application/x-rss+xml",
            "application/json",
            "text/plain",
            "weird",
        ] {
            assert!(!clearly_not_text(ct), "{ct}");
        }
    }

    #[test]
    fn same_resource_ignores_fragments() {
        let a = Url::parse("http://e.com/a?b#c").expect("url");
        let b = Url::parse("http://e.com/a?b").expect("url");
        assert!(same_resource(&a, &b));
    }
}
