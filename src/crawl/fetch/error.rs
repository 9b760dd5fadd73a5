//! Why a fetch failed: [`FetchError`], its [`Failure`] class for outlet health, and the sorting
//! of reqwest's errors into those variants.

use crate::crawl::address::{DnsFailure, RefusedAddress};
use crate::crawl::health::Failure;
use chrono::{DateTime, Utc};
use std::time::Duration;
use url::Url;

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
    /// The body's first bytes say it is not text (an image, a PDF, an archive...), whatever its
    /// Content-Type; or it is declared as such and its bytes are not markup either.
    #[error("{url}: not {wanted}: the body is {detected} (Content-Type: {})", content_type.as_deref().unwrap_or("none"))]
    NotText {
        url: Url,
        wanted: &'static str,
        content_type: Option<String>,
        detected: String,
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
    /// The host asked (429, or 503 with `Retry-After`) to be left alone until `until`, longer
    /// than `max_retry_after_secs`: nothing more goes to it this run.
    #[error(
        "{url}: the host asked to be left alone until {until} (Retry-After longer than {max:?}); its work waits for a later run"
    )]
    Deferred {
        url: Url,
        until: DateTime<Utc>,
        max: Duration,
    },
    #[error("{url}: {reason}")]
    Other { url: Url, reason: String },
}

impl FetchError {
    /// The failure's class, for outlet health and for deciding whether to try again.
    pub fn class(&self) -> Failure {
        match self {
            FetchError::Timeout { .. } => Failure::Timeout,
            FetchError::Dns { .. } => Failure::Dns,
            FetchError::Tls { .. } => Failure::Tls,
            FetchError::Connect { .. } => Failure::Connect,
            FetchError::Status { status, .. } => Failure::Http(*status),
            FetchError::NotText { .. } => Failure::NotText,
            FetchError::Robots { .. } => Failure::Robots,
            FetchError::RobotsUnavailable { .. } => Failure::RobotsUnavailable,
            FetchError::RedirectLoop { .. } => Failure::RedirectLoop,
            FetchError::TooManyRedirects { .. } => Failure::TooManyRedirects,
            FetchError::Refused { .. } => Failure::Refused,
            FetchError::Scheme { .. } => Failure::Scheme,
            FetchError::HostBudget { .. } => Failure::HostBudget,
            FetchError::Deferred { .. } => Failure::Deferred,
            FetchError::Other { .. } => Failure::Other,
        }
    }

    /// Worth another try: the server may answer next time.
    pub(super) fn is_transient(&self) -> bool {
        matches!(self, FetchError::Timeout { .. } | FetchError::Connect { .. })
    }

    /// The request failed below HTTP (no answer came): timeout, DNS, TLS, connection, refused
    /// address, or the host's budget spent.
    pub(super) fn is_below_http(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout { .. }
                | FetchError::Dns { .. }
                | FetchError::Tls { .. }
                | FetchError::Connect { .. }
                | FetchError::Refused { .. }
                | FetchError::HostBudget { .. }
        )
    }

    /// The URL the error concerns.
    pub fn url(&self) -> &Url {
        match self {
            FetchError::Timeout { url }
            | FetchError::Dns { url, .. }
            | FetchError::Tls { url, .. }
            | FetchError::Connect { url, .. }
            | FetchError::Status { url, .. }
            | FetchError::NotText { url, .. }
            | FetchError::Robots { url }
            | FetchError::RobotsUnavailable { url, .. }
            | FetchError::RedirectLoop { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::Refused { url, .. }
            | FetchError::Scheme { url }
            | FetchError::HostBudget { url, .. }
            | FetchError::Deferred { url, .. }
            | FetchError::Other { url, .. } => url,
        }
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

pub(super) fn classify(e: reqwest::Error, url: &Url) -> FetchError {
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
