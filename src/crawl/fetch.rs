//! The one fetcher every request goes through: User-Agent, per-host rate limit, global
//! concurrency cap, timeouts and a body cap enforced while streaming.
//!
//! Placeholder for politeness details (robots.txt, retries, manual redirects, address
//! checks); the public shape is what the rest of pickup uses.

use crate::config::CrawlConfig;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
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
    /// Every hop after the first, in order.
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
    pub elapsed: Duration,
}

/// Why a fetch failed. Each variant names the URL.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: timed out")]
    Timeout { url: Url },
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
    #[error("{url}: {reason}")]
    Other { url: Url, reason: String },
}

impl FetchError {
    /// A short machine-friendly class, for outlet health ("timeout", "http 503", ...).
    pub fn class(&self) -> String {
        match self {
            FetchError::Timeout { .. } => "timeout".into(),
            FetchError::Connect { .. } => "connect".into(),
            FetchError::Status { status, .. } => format!("http {status}"),
            FetchError::ContentType { .. } => "content type".into(),
            FetchError::Other { .. } => "other".into(),
        }
    }
}

struct Inner {
    client: reqwest::Client,
    limiter: DefaultKeyedRateLimiter<String>,
    slots: Semaphore,
    max_bytes: u64,
    requests: std::sync::atomic::AtomicUsize,
}

/// Cheap to clone; all clones share the limiter and the concurrency cap.
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

impl Fetcher {
    pub fn new(cfg: &CrawlConfig) -> Result<Fetcher, String> {
        install_crypto();
        let mut builder = reqwest::Client::builder()
            .user_agent(&cfg.user_agent)
            .timeout(cfg.timeout)
            .connect_timeout(cfg.connect_timeout)
            .redirect(reqwest::redirect::Policy::limited(cfg.max_redirects));
        if let Some(p) = &cfg.proxy {
            builder = builder.proxy(reqwest::Proxy::all(p.as_str()).map_err(|e| format!("proxy {p}: {e}"))?);
        }
        let client = builder.build().map_err(|e| format!("cannot build HTTP client: {e}"))?;
        let period = Duration::from_secs_f64(1.0 / cfg.per_host_rps);
        let quota = Quota::with_period(period)
            .ok_or("per_host_rps too high")?
            .allow_burst(cfg.per_host_burst);
        Ok(Fetcher {
            inner: Arc::new(Inner {
                client,
                limiter: RateLimiter::keyed(quota),
                slots: Semaphore::new(cfg.max_concurrency),
                max_bytes: cfg.max_page_bytes,
                requests: Default::default(),
            }),
        })
    }

    /// Requests sent so far (every hop and retry counts).
    pub fn requests(&self) -> usize {
        self.inner.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// One polite GET.
    pub async fn get(&self, url: &Url, want: Want, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        let inner = &self.inner;
        inner.limiter.until_key_ready(&host_key(url)).await;
        let _slot = inner.slots.acquire().await.expect("semaphore never closed");
        let started = Instant::now();
        inner.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut req = inner.client.get(url.clone()).header(
            reqwest::header::ACCEPT,
            match want {
                Want::Feed => "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
                Want::Page => "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
            },
        );
        if let Some(v) = validators {
            if let Some(e) = &v.etag {
                req = req.header(reqwest::header::IF_NONE_MATCH, e);
            }
            if let Some(m) = &v.last_modified {
                req = req.header(reqwest::header::IF_MODIFIED_SINCE, m);
            }
        }
        let map = |e: reqwest::Error| {
            if e.is_timeout() {
                FetchError::Timeout { url: url.clone() }
            } else if e.is_connect() {
                FetchError::Connect {
                    url: url.clone(),
                    reason: e.to_string(),
                }
            } else {
                FetchError::Other {
                    url: url.clone(),
                    reason: e.to_string(),
                }
            }
        };
        let mut resp = req.send().await.map_err(map)?;
        let status = resp.status().as_u16();
        let header = |name: reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: header(reqwest::header::ETAG),
            last_modified: header(reqwest::header::LAST_MODIFIED),
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let final_url = resp.url().clone();
        if status == 304 {
            return Ok(Fetched {
                requested: url.clone(),
                redirects: redirects(url, &final_url),
                url: final_url,
                status,
                not_modified: true,
                content_type,
                validators,
                body: Vec::new(),
                truncated: false,
                elapsed: started.elapsed(),
            });
        }
        if !resp.status().is_success() {
            return Err(FetchError::Status {
                url: url.clone(),
                status,
            });
        }
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = resp.chunk().await.map_err(map)? {
            let room = inner.max_bytes.saturating_sub(body.len() as u64) as usize;
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            requested: url.clone(),
            redirects: redirects(url, &final_url),
            url: final_url,
            status,
            not_modified: false,
            content_type,
            validators,
            body,
            truncated,
            elapsed: started.elapsed(),
        })
    }
}

fn redirects(from: &Url, to: &Url) -> Vec<Url> {
    if from == to { Vec::new() } else { vec![to.clone()] }
}
