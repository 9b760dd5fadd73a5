//! When a failed request is worth another try, and how long to wait before it: exponential
//! backoff with jitter, or the server's own `Retry-After`.

use chrono::{DateTime, Utc};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Statuses that say "try again later" rather than "no": rate limiting and server trouble.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Whether an answer pauses every request to its host, not only the one that got it: a 429
/// (the host is rate limiting us, RFC 6585 §4), or a 503 that says for how long (RFC 9110
/// §10.2.3). A 503 without `Retry-After`, or a 500/502/504, may be one broken page: only that
/// request waits.
pub(crate) fn pauses_host(status: u16, has_retry_after: bool) -> bool {
    status == 429 || (status == 503 && has_retry_after)
}

/// No single backoff wait is longer than this, whatever `retry_base` and the try number say.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The wait before retry number `retry` (0 for the first retry): `base * 2^retry`, with "equal
/// jitter" (a random point in its upper half) so that many requests failing together do not
/// come back together.
pub(crate) fn backoff(base: Duration, retry: u32) -> Duration {
    let full = base
        .checked_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF);
    full / 2 + full.mul_f64(random_fraction() / 2.0)
}

/// A number in [0, 1). Jitter needs no quality randomness; std's per-process random hash keys
/// give enough, without a dependency.
fn random_fraction() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Parses a `Retry-After` value (RFC 9110 §10.2.3): delay-seconds, or an HTTP date in any of
/// the three forms a recipient must accept (§5.6.7): IMF-fixdate, and the obsolete RFC 850 and
/// asctime forms. A date in the past means "now".
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(value)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| obsolete_http_date(value))?;
    Some((when - now).to_std().unwrap_or(Duration::ZERO))
}

/// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`) dates.
fn obsolete_http_date(value: &str) -> Option<DateTime<Utc>> {
    use chrono::NaiveDateTime;
    let squeezed = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((_, rest)) = squeezed.split_once(", ") {
        let naive = NaiveDateTime::parse_from_str(rest.trim_end_matches(" GMT"), "%d-%b-%y %H:%M:%S").ok()?;
        return Some(naive.and_utc());
    }
    NaiveDateTime::parse_from_str(&squeezed, "%a %b %e %H:%M:%S %Y")
        .ok()
        .map(|n| n.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter() {
        let base = Duration::from_millis(100);
        for retry in 0..5 {
            let full = base * 2u32.pow(retry);
            let wait = backoff(base, retry);
            assert!(wait >= full / 2 && wait <= full, "retry {retry}: {wait:?}");
        }
        assert!(backoff(base, 40) <= MAX_BACKOFF);
    }

    #[test]
    fn which_answers_pause_the_host() {
        assert!(pauses_host(429, false) && pauses_host(429, true) && pauses_host(503, true));
        assert!(!pauses_host(503, false) && !pauses_host(500, true) && !pauses_host(502, false));
    }

    #[test]
    fn parses_retry_after() {
        let now = DateTime::parse_from_rfc2822("Wed, 21 Oct 2015 07:28:00 GMT")
            .expect("date")
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:29:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:30:00 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed Oct 21 07:28:45 2015", now),
            Some(Duration::from_secs(45))
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }
}
