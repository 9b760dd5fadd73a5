//! robots.txt as the fetcher applies it: one verdict per origin per run, from the cache or one
//! shared fetch.

use super::{FetchError, Fetcher, Purpose, lock};
use crate::crawl::robots::{self, Verdict};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;
use url::Url;

pub(super) type RobotsSlot = Arc<OnceCell<Arc<Verdict>>>;

impl Fetcher {
    /// The robots.txt verdict for `url`'s origin: from this run, the cache, or one fetch that
    /// concurrent callers share.
    pub(super) async fn robots_verdict(&self, url: &Url) -> Arc<Verdict> {
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
