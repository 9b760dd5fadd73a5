//! Outlet health in types: why a fetch or a parse failed ([`Failure`]) and what the last poll of a
//! source came to ([`SourceStatus`]). Both are kept in the store and shown by `pickup status`
//! under the short names their `Display` gives ("timeout", "http 503", "malformed sitemap",
//! "partial"); those names are also their serde form, so stores written before these types
//! existed (when the names were plain strings) read back unchanged.

use std::fmt;
use std::str::FromStr;

/// Why a request, or the parsing of what it brought, failed: one class per cause a press office
/// or an operator would act on differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Failure {
    Timeout,
    Dns,
    Tls,
    Connect,
    /// An HTTP status that is not a success (after retries, for the retried ones).
    Http(u16),
    /// The body is clearly not text (an image, video, PDF, archive...): sniffed from its bytes.
    NotText,
    /// robots.txt disallows the URL; it was not requested.
    Robots,
    /// The host's robots.txt could not be read: nothing is fetched there this run.
    RobotsUnavailable,
    RedirectLoop,
    TooManyRedirects,
    /// A private or otherwise forbidden address.
    Refused,
    /// Not http or https.
    Scheme,
    /// The host's time budget for the run is spent.
    HostBudget,
    /// The host asked (429, or 503 with `Retry-After`) to be left alone longer than
    /// `max_retry_after_secs`: its remaining work waits for a later run.
    Deferred,
    /// The connection dropped before the body was complete, and nothing usable came.
    Cut,
    NotAFeed,
    MalformedFeed,
    NotASitemap,
    MalformedSitemap,
    /// Anything else (and, read from an old store, a class this version does not know).
    Other,
}

impl Failure {
    /// Classes of a source's own document, said of a sitemap rather than a feed.
    pub fn for_sitemap(self) -> Failure {
        match self {
            Failure::NotAFeed => Failure::NotASitemap,
            Failure::MalformedFeed => Failure::MalformedSitemap,
            other => other,
        }
    }

    /// "Not now" rather than "broken": the host asked for time, its budget ran out, or its
    /// robots.txt could not be read. Such a failure says nothing about the page or source itself.
    pub fn is_not_now(self) -> bool {
        matches!(
            self,
            Failure::Deferred | Failure::HostBudget | Failure::RobotsUnavailable
        )
    }

    /// Will fail the same way next time: gone (404, 410 and other 4xx but 408 and 429), a
    /// redirect loop, not text, a forbidden address or scheme.
    pub fn is_permanent(self) -> bool {
        match self {
            Failure::Http(s) => (400..500).contains(&s) && s != 408 && s != 429,
            Failure::NotText
            | Failure::RedirectLoop
            | Failure::TooManyRedirects
            | Failure::Refused
            | Failure::Scheme
            | Failure::NotAFeed
            | Failure::NotASitemap => true,
            _ => false,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Failure::Http(status) => return f.pad(&format!("http {status}")),
            Failure::Timeout => "timeout",
            Failure::Dns => "dns",
            Failure::Tls => "tls",
            Failure::Connect => "connect",
            Failure::NotText => "not text",
            Failure::Robots => "robots",
            Failure::RobotsUnavailable => "robots unavailable",
            Failure::RedirectLoop => "redirect loop",
            Failure::TooManyRedirects => "too many redirects",
            Failure::Refused => "refused",
            Failure::Scheme => "scheme",
            Failure::HostBudget => "host budget",
            Failure::Deferred => "deferred",
            Failure::Cut => "cut off",
            Failure::NotAFeed => "not a feed",
            Failure::MalformedFeed => "malformed feed",
            Failure::NotASitemap => "not a sitemap",
            Failure::MalformedSitemap => "malformed sitemap",
            Failure::Other => "other",
        };
        f.pad(name)
    }
}

impl FromStr for Failure {
    type Err = std::convert::Infallible;

    /// Never fails: an unknown name (from a newer or older store) is [`Failure::Other`].
    fn from_str(s: &str) -> Result<Failure, Self::Err> {
        Ok(match s {
            "timeout" => Failure::Timeout,
            "dns" => Failure::Dns,
            "tls" => Failure::Tls,
            "connect" => Failure::Connect,
            // "content type" is what a refused Content-Type was called before bodies were sniffed.
            "not text" | "content type" => Failure::NotText,
            "robots" => Failure::Robots,
            "robots unavailable" => Failure::RobotsUnavailable,
            "redirect loop" => Failure::RedirectLoop,
            "too many redirects" => Failure::TooManyRedirects,
            "refused" => Failure::Refused,
            "scheme" => Failure::Scheme,
            "host budget" => Failure::HostBudget,
            "deferred" | "retry-after too long" => Failure::Deferred,
            "cut off" => Failure::Cut,
            "not a feed" => Failure::NotAFeed,
            "malformed feed" | "malformed" => Failure::MalformedFeed,
            "not a sitemap" => Failure::NotASitemap,
            "malformed sitemap" => Failure::MalformedSitemap,
            other => match other.strip_prefix("http ").and_then(|n| n.parse().ok()) {
                Some(status) => Failure::Http(status),
                None => Failure::Other,
            },
        })
    }
}

impl From<Failure> for String {
    fn from(f: Failure) -> String {
        f.to_string()
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Failure {
        let Ok(f) = s.parse();
        f
    }
}

/// What the last poll of a source came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", from = "String")]
pub enum SourceStatus {
    /// Not polled yet.
    #[default]
    Never,
    /// Read whole; its new items were followed.
    Ok,
    /// 304, or the same body as last time.
    Unchanged,
    /// Read in part: the items that could be read were followed, and the reason is kept
    /// (a feed cut at `max_page_bytes` or by a dropped connection, XML repaired, a sitemap
    /// index child that failed or was left for the next run).
    Partial,
    Failed(Failure),
}

impl SourceStatus {
    /// Whether the source gave its items this poll (in whole or in part, or unchanged).
    pub fn is_success(self) -> bool {
        matches!(self, SourceStatus::Ok | SourceStatus::Unchanged | SourceStatus::Partial)
    }
}

impl fmt::Display for SourceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceStatus::Never => f.pad("never"),
            SourceStatus::Ok => f.pad("ok"),
            SourceStatus::Unchanged => f.pad("unchanged"),
            SourceStatus::Partial => f.pad("partial"),
            SourceStatus::Failed(class) => fmt::Display::fmt(class, f),
        }
    }
}

impl From<SourceStatus> for String {
    fn from(s: SourceStatus) -> String {
        s.to_string()
    }
}

impl From<String> for SourceStatus {
    fn from(s: String) -> SourceStatus {
        match s.as_str() {
            "" | "never" => SourceStatus::Never,
            "ok" => SourceStatus::Ok,
            "unchanged" => SourceStatus::Unchanged,
            "partial" => SourceStatus::Partial,
            _ => SourceStatus::Failed(Failure::from(s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_old_names_still_read() {
        for f in [
            Failure::Timeout,
            Failure::Http(503),
            Failure::NotText,
            Failure::MalformedSitemap,
            Failure::Deferred,
            Failure::RobotsUnavailable,
        ] {
            assert_eq!(Failure::from(f.to_string()), f);
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(serde_json::from_str::<Failure>(&json).unwrap(), f);
        }
        // Names written by earlier versions, when classes were strings.
        assert_eq!(Failure::from("content type".to_string()), Failure::NotText);
        assert_eq!(Failure::from("retry-after too long".to_string()), Failure::Deferred);
        assert_eq!(Failure::from("malformed".to_string()), Failure::MalformedFeed);
        assert_eq!(Failure::from("something new".to_string()), Failure::Other);
        for (old, new) in [
            ("\"ok\"", SourceStatus::Ok),
            ("\"unchanged\"", SourceStatus::Unchanged),
            ("\"http 404\"", SourceStatus::Failed(Failure::Http(404))),
            ("\"not a sitemap\"", SourceStatus::Failed(Failure::NotASitemap)),
            ("\"\"", SourceStatus::Never),
        ] {
            assert_eq!(serde_json::from_str::<SourceStatus>(old).unwrap(), new, "{old}");
        }
        assert_eq!(format!("{:<9}|", SourceStatus::Partial), "partial  |");
    }

    #[test]
    fn permanence() {
        assert!(Failure::Http(404).is_permanent() && Failure::Http(410).is_permanent());
        assert!(!Failure::Http(429).is_permanent() && !Failure::Http(503).is_permanent());
        assert!(Failure::RedirectLoop.is_permanent() && Failure::NotText.is_permanent());
        assert!(!Failure::Timeout.is_permanent() && Failure::Deferred.is_not_now());
    }
}
