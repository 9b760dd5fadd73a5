//! robots.txt: what one origin's file means for pickup (parsed by texting_robots), and the cache
//! that keeps fetched copies across runs so a run costs one robots.txt request per origin at most.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use url::Url;

/// Largest robots.txt read; RFC 9309 asks crawlers to parse at least 500 KiB.
pub const ROBOTS_MAX_BYTES: u64 = 512 * 1024;

/// Redirect hops followed for robots.txt (RFC 9309: at least five).
pub const ROBOTS_MAX_REDIRECTS: usize = 5;

/// A robots.txt as fetched, kept between runs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CachedRobots {
    pub fetched_at: DateTime<Utc>,
    /// 2xx: `body` holds the rules; 4xx: there is no file, everything is allowed.
    pub status: u16,
    pub body: String,
}

/// Where fetched robots.txt files are kept between runs, keyed by origin
/// (`https://example.com`, `http://127.0.0.1:8080`: scheme, host and non-default port).
/// Only answers that decide something are saved (2xx and 4xx); a 5xx or a timeout is not.
pub trait RobotsCache: Send + Sync {
    fn load(&self, origin: &str) -> Option<CachedRobots>;
    fn save(&self, origin: &str, robots: &CachedRobots);
}

/// A cache that lives as long as the process: for tests and one-off commands.
#[derive(Debug, Default)]
pub struct MemoryRobotsCache {
    entries: Mutex<HashMap<String, CachedRobots>>,
}

impl MemoryRobotsCache {
    pub fn new() -> MemoryRobotsCache {
        MemoryRobotsCache::default()
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedRobots>> {
        // A panic elsewhere while holding the lock leaves a usable map: recover it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl RobotsCache for MemoryRobotsCache {
    fn load(&self, origin: &str) -> Option<CachedRobots> {
        self.entries().get(origin).cloned()
    }

    fn save(&self, origin: &str, robots: &CachedRobots) {
        self.entries().insert(origin.to_string(), robots.clone());
    }
}

/// The cache key and robots.txt scope of a URL: its origin.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Where the robots.txt that governs `url` lives.
pub fn robots_url(url: &Url) -> Url {
    let mut robots = url.clone();
    robots.set_path("/robots.txt");
    robots.set_query(None);
    robots.set_fragment(None);
    // Credentials in a page URL are not meant for robots.txt.
    let _ = robots.set_username("");
    let _ = robots.set_password(None);
    robots
}

/// The product token robots.txt groups are matched against: "pickup" for
/// "pickup/0.1 (+mailto:press@example.org)".
pub fn agent_token(user_agent: &str) -> &str {
    let token = user_agent.split(['/', ' ']).next().unwrap_or("").trim();
    if token.is_empty() { "*" } else { token }
}

/// What an origin's robots.txt means for this run.
pub(crate) enum Verdict {
    /// A file with rules (possibly none that concern us).
    Rules {
        robot: texting_robots::Robot,
        crawl_delay: Option<Duration>,
    },
    /// No file (4xx), or one that could not be read as rules: everything is allowed.
    AllowAll,
    /// The server failed to answer (5xx, 429, timeout...): nothing may be fetched this run.
    /// `cause` is the robots.txt request's own error when it failed below HTTP (timeout, DNS,
    /// TLS, connection, refused address): requests to the host fail with it, so outlet health
    /// says "dns" for a dead domain rather than "robots unavailable".
    Unavailable {
        reason: String,
        cause: Option<crate::crawl::fetch::FetchError>,
    },
}

impl Verdict {
    /// The verdict for a fetched (or cached) answer with this status and body.
    pub(crate) fn from_answer(agent: &str, status: u16, body: &[u8]) -> Verdict {
        match status {
            200..=299 => match texting_robots::Robot::new(agent, &first_word_agents(body)) {
                Ok(robot) => {
                    let crawl_delay = robot
                        .delay
                        .and_then(|secs| Duration::try_from_secs_f32(secs).ok())
                        .filter(|d| !d.is_zero());
                    Verdict::Rules { robot, crawl_delay }
                }
                Err(e) => {
                    // RFC 9309: rules that cannot be parsed do not restrict.
                    tracing::warn!("unreadable robots.txt, treated as allowing all: {e}");
                    Verdict::AllowAll
                }
            },
            400..=499 if status != 429 => Verdict::AllowAll,
            _ => Verdict::Unavailable {
                reason: format!("robots.txt answered HTTP {status}"),
                cause: None,
            },
        }
    }

    pub(crate) fn crawl_delay(&self) -> Option<Duration> {
        match self {
            Verdict::Rules { crawl_delay, .. } => *crawl_delay,
            _ => None,
        }
    }
}

/// Keeps only the first word of each `User-agent` value, as Google's parser does: a group for
/// "pickup bot" is meant for us, where texting_robots compares the whole value and would skip it.
fn first_word_agents(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    for line in body.split_inclusive(|&b| b == b'\n') {
        let trimmed = line.trim_ascii_start();
        let is_agent = trimmed.len() > 10 && trimmed[..10].eq_ignore_ascii_case(b"user-agent");
        let colon = trimmed.iter().position(|&b| b == b':');
        match colon.filter(|&c| is_agent && trimmed[10..c].trim_ascii().is_empty()) {
            Some(c) => {
                let value = trimmed[c + 1..].trim_ascii();
                let word = value.split(|b| b.is_ascii_whitespace()).next().unwrap_or(&[]);
                out.extend_from_slice(b"User-agent: ");
                out.extend_from_slice(word);
                out.push(b'\n');
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

/// Whether `agent` may fetch `url` under `robots_txt`, as pickup decides it: the same parsing
/// and fallbacks as a run. For tests and `pickup check`.
pub fn allowed_by(robots_txt: &[u8], agent: &str, url: &str) -> bool {
    match Verdict::from_answer(agent, 200, robots_txt) {
        Verdict::Rules { robot, .. } => robot.allowed(url),
        Verdict::AllowAll => true,
        Verdict::Unavailable { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_token_is_the_product_name() {
        assert_eq!(agent_token("pickup/0.1 (+mailto:press@example.org)"), "pickup");
        assert_eq!(agent_token("pickup"), "pickup");
        assert_eq!(agent_token(""), "*");
    }

    #[test]
    fn robots_url_drops_path_query_and_credentials() {
        let u = Url::parse("https://u:p@example.com:8443/a/b?c=d#e").expect("url");
        assert_eq!(robots_url(&u).as_str(), "https://example.com:8443/robots.txt");
        assert_eq!(origin_of(&u), "https://example.com:8443");
    }

    #[test]
    fn statuses_decide() {
        assert!(matches!(Verdict::from_answer("pickup", 404, b""), Verdict::AllowAll));
        assert!(matches!(Verdict::from_answer("pickup", 410, b""), Verdict::AllowAll));
        assert!(matches!(
            Verdict::from_answer("pickup", 503, b""),
            Verdict::Unavailable { .. }
        ));
        assert!(matches!(
            Verdict::from_answer("pickup", 429, b""),
            Verdict::Unavailable { .. }
        ));
        let v = Verdict::from_answer("pickup", 200, b"User-agent: *\nCrawl-delay: 2.5\nDisallow: /x\n");
        assert_eq!(v.crawl_delay(), Some(Duration::from_millis(2500)));
        assert!(!allowed_by(
            b"User-agent: pickup\nDisallow: /\n",
            "pickup",
            "https://e.com/a"
        ));
        assert!(allowed_by(
            b"User-agent: other\nDisallow: /\n",
            "pickup",
            "https://e.com/a"
        ));
        assert!(!allowed_by(
            b"User-agent: Pickup Bot\nDisallow: /\n",
            "pickup",
            "https://e.com/a"
        ));
        assert_eq!(
            first_word_agents(b"x\r\n  user-agent : a b # c\nDisallow: /\n"),
            b"x\r\nUser-agent: a\nDisallow: /\n"
        );
    }
}
