//! robots.txt as the fetcher applies it: one verdict per origin per run, from the cache or one
//! fetch that concurrent callers share, and what that verdict means for a URL.

use super::{FetchError, Fetcher, Purpose, lock};
use crate::crawl::robots::{self, CachedRobots, RobotsCache, Verdict};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::OnceCell;
use url::Url;

/// The robots.txt verdicts of one run.
pub(super) struct RobotsVerdicts {
    /// robots.txt product token derived from the User-Agent.
    agent: String,
    /// Copies kept between runs.
    cache: Arc<dyn RobotsCache>,
    /// One verdict per origin per run; concurrent callers wait on the one fetch.
    by_origin: Mutex<HashMap<String, Arc<OnceCell<Arc<Verdict>>>>>,
}

impl RobotsVerdicts {
    pub(super) fn new(user_agent: &str, cache: Arc<dyn RobotsCache>) -> RobotsVerdicts {
        RobotsVerdicts {
            agent: robots::agent_token(user_agent).to_string(),
            cache,
            by_origin: Mutex::new(HashMap::new()),
        }
    }
}

impl Fetcher {
    /// Whether robots.txt lets pickup fetch `url`, fetching the origin's verdict if need be. When
    /// robots.txt could not be read, the error says why (its own request's error, when it failed
    /// below HTTP, so outlet health says "dns" for a dead domain rather than "robots unavailable").
    pub(super) async fn robots_allow(&self, url: &Url) -> Result<(), FetchError> {
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

    /// The Crawl-delay of `url`'s origin, if its verdict is in already (never fetches).
    pub(super) fn known_crawl_delay(&self, url: &Url) -> Option<Duration> {
        let slot = lock(&self.inner.robots.by_origin).get(&robots::origin_of(url)).cloned();
        slot.and_then(|s| s.get().and_then(|v| v.crawl_delay()))
    }

    /// The robots.txt verdict for `url`'s origin: from this run, the cache, or one fetch that
    /// concurrent callers share.
    async fn robots_verdict(&self, url: &Url) -> Arc<Verdict> {
        let origin = robots::origin_of(url);
        let slot = lock(&self.inner.robots.by_origin)
            .entry(origin.clone())
            .or_default()
            .clone();
        slot.get_or_init(|| self.load_robots(url, &origin)).await.clone()
    }

    async fn load_robots(&self, url: &Url, origin: &str) -> Arc<Verdict> {
        let RobotsVerdicts { agent, cache, .. } = &self.inner.robots;
        if let Some(cached) = cache.load(origin) {
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
                return Arc::new(Verdict::Unavailable {
                    reason: e.to_string(),
                    cause: e.is_below_http().then_some(e),
                });
            }
        };
        let verdict = Verdict::from_answer(agent, status, body.as_bytes());
        if !matches!(verdict, Verdict::Unavailable { .. }) {
            let fetched_at = chrono::Utc::now();
            cache.save(
                origin,
                &CachedRobots {
                    fetched_at,
                    status,
                    body,
                },
            );
        }
        Arc::new(verdict)
    }
}
