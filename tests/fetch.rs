//! The polite fetcher against local servers: spacing, concurrency, robots.txt, retries,
//! redirects, limits and address safety, measured by what the servers saw.

mod common;
mod fetch_support;

use fetch_support::*;
use pickup::config::CrawlConfig;
use pickup::crawl::Failure;
use pickup::crawl::fetch::{FetchError, Fetcher, FetcherOptions, Validators, Want};
use pickup::crawl::robots::{self, CachedRobots, MemoryRobotsCache, RobotsCache};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Spacing assertions allow this much clock and scheduling slack.
const SLACK: Duration = Duration::from_millis(8);

fn config() -> CrawlConfig {
    CrawlConfig {
        user_agent: "pickup/0.1 (+mailto:test@example.org)".into(),
        per_host_rps: 20.0, // 50 ms between requests to one host
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(1),
        retries: 2,
        retry_base: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(2),
        max_redirects: 5,
        max_page_bytes: 1_000_000,
        host_budget: Duration::from_secs(60),
        ..CrawlConfig::default()
    }
}

/// The servers are all on 127.0.0.1, which only an allow-list lets through.
fn fetcher(cfg: &CrawlConfig) -> Fetcher {
    local_fetcher(cfg, Arc::new(MemoryRobotsCache::new()))
}

fn local_fetcher(cfg: &CrawlConfig, cache: Arc<dyn RobotsCache>) -> Fetcher {
    let options = FetcherOptions {
        robots_cache: cache,
        allowed_private_hosts: vec!["127.0.0.1".into()],
    };
    Fetcher::with_options(cfg, options).expect("fetcher")
}

fn period(cfg: &CrawlConfig) -> Duration {
    Duration::from_secs_f64(1.0 / cfg.per_host_rps)
}

fn assert_spaced(hits: &[Hit], at_least: Duration) {
    for (i, gap) in gaps(hits).into_iter().enumerate() {
        assert!(
            gap + SLACK >= at_least,
            "requests {i} and {} ({} then {}) only {gap:?} apart, want {at_least:?}",
            i + 1,
            hits[i].path,
            hits[i + 1].path
        );
    }
}

/// A site with no robots.txt and a page at every other path.
async fn plain_site() -> Server {
    Server::start(|path, _| match path {
        "/robots.txt" => status(404),
        _ => html("<html><body>hello</body></html>"),
    })
    .await
}

#[tokio::test]
async fn one_host_is_spaced_and_hosts_run_in_parallel() {
    let cfg = config();
    let f = fetcher(&cfg);
    let (a, b) = (plain_site().await, plain_site().await);
    let mut jobs = Vec::new();
    for i in 0..5 {
        for server in [&a, &b] {
            let (f, url) = (f.clone(), server.url(&format!("/p{i}")));
            jobs.push(tokio::spawn(async move { f.get(&url, Want::Page, None).await }));
        }
    }
    for job in jobs {
        job.await.expect("task").expect("fetch");
    }
    let (ha, hb) = (a.hits(), b.hits());
    assert_eq!(ha.len(), 6, "robots.txt + 5 pages");
    assert_spaced(&ha, period(&cfg));
    assert_spaced(&hb, period(&cfg));
    // Each host's spacing did not hold up the other: their requests interleave.
    assert!(
        hb[0].at < ha[5].at && ha[0].at < hb[5].at,
        "hosts were served one after the other"
    );
}

#[tokio::test]
async fn global_concurrency_cap_holds() {
    let cfg = CrawlConfig {
        max_concurrency: 2,
        respect_robots: false,
        ..config()
    };
    let f = fetcher(&cfg);
    let gauge = Arc::new(fetch_support::Gauge::default());
    let mut servers = Vec::new();
    for _ in 0..6 {
        let s = Server::start_with_gauge(gauge.clone(), |_, _| {
            (Duration::from_millis(150), respond(200, "text/html", "slow"))
        })
        .await;
        servers.push(s);
    }
    let jobs: Vec<_> = servers
        .iter()
        .map(|s| {
            let (f, url) = (f.clone(), s.url("/slow"));
            tokio::spawn(async move { f.get(&url, Want::Page, None).await })
        })
        .collect();
    for job in jobs {
        job.await.expect("task").expect("fetch");
    }
    assert_eq!(gauge.max(), 2, "in flight at once, all hosts together");
}

#[tokio::test]
async fn body_cap_is_enforced_while_streaming() {
    const FORTY_MB: u64 = 40 * 1024 * 1024;
    let probe = Arc::new(StreamProbe::default());
    let p = probe.clone();
    let s = Server::start(move |path, _| match path {
        "/robots.txt" => status(404),
        _ => now(respond(200, "text/html", streamed_body(FORTY_MB, p.clone()))),
    })
    .await;
    let cfg = config();
    let f = fetcher(&cfg);
    let got = f.get(&s.url("/huge"), Want::Page, None).await.expect("fetch");
    assert_eq!(got.truncated, Some(pickup::crawl::Truncated::AtCap { cap: 1_000_000 }));
    assert_eq!(got.body.len() as u64, cfg.max_page_bytes);
    // The client hung up: the server stops producing soon after (socket buffers hold a few MB).
    let waited = Instant::now();
    while !probe.dropped.load(Ordering::SeqCst) && waited.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let produced = probe.produced.load(Ordering::SeqCst);
    assert!(
        probe.dropped.load(Ordering::SeqCst),
        "server never saw the connection drop"
    );
    assert!(!probe.finished.load(Ordering::SeqCst), "the whole 40 MB was sent");
    assert!(
        produced < FORTY_MB / 4,
        "server produced {produced} bytes for a {} cap",
        cfg.max_page_bytes
    );
}

#[tokio::test]
async fn robots_disallow_means_no_request() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => robots("User-agent: *\nDisallow: /private\n\nUser-agent: otherbot\nDisallow: /\n"),
        _ => html("page"),
    })
    .await;
    let f = fetcher(&config());
    let err = f
        .get(&s.url("/private/a"), Want::Page, None)
        .await
        .expect_err("disallowed");
    assert!(matches!(err, FetchError::Robots { .. }), "{err}");
    assert_eq!(err.class(), Failure::Robots);
    f.get(&s.url("/public"), Want::Feed, None).await.expect("allowed");
    assert_eq!(s.count("/private/a"), 0);
    assert_eq!(s.count("/robots.txt"), 1);
}

#[tokio::test]
async fn robots_for_our_agent_wins_over_star() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => robots("User-agent: *\nAllow: /\n\nUser-agent: pickup\nDisallow: /news\n"),
        _ => html("page"),
    })
    .await;
    let f = fetcher(&config());
    let err = f
        .get(&s.url("/news/1"), Want::Page, None)
        .await
        .expect_err("disallowed");
    assert_eq!(err.class(), Failure::Robots);
    assert_eq!(s.count("/news/1"), 0);
}

#[tokio::test]
async fn robots_404_allows_everything() {
    let s = plain_site().await;
    let f = fetcher(&config());
    f.get(&s.url("/anything"), Want::Page, None).await.expect("allowed");
    assert_eq!(s.count("/robots.txt"), 1);
    assert_eq!(s.count("/anything"), 1);
}

#[tokio::test]
async fn robots_503_means_host_not_fetched_this_run() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => status(503),
        _ => html("page"),
    })
    .await;
    let cache = Arc::new(MemoryRobotsCache::new());
    let f = local_fetcher(&config(), cache.clone());
    let err = f.get(&s.url("/a"), Want::Page, None).await.expect_err("not now");
    assert!(matches!(err, FetchError::RobotsUnavailable { .. }), "{err}");
    assert_eq!(err.class(), Failure::RobotsUnavailable);
    let robots_requests = s.count("/robots.txt");
    assert_eq!(robots_requests, 3, "first try and 2 retries");
    let err = f.get(&s.url("/b"), Want::Feed, None).await.expect_err("still not now");
    assert_eq!(err.class(), Failure::RobotsUnavailable);
    assert_eq!(
        s.count("/robots.txt"),
        robots_requests,
        "robots.txt is asked once per run"
    );
    assert_eq!(s.count("/a") + s.count("/b"), 0);
    assert!(
        cache.load(&robots::origin_of(&s.url("/"))).is_none(),
        "a 503 is not cached"
    );
}

#[tokio::test]
async fn robots_timeout_means_host_not_fetched_this_run() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => (Duration::from_secs(5), respond(200, "text/plain", "")),
        _ => html("page"),
    })
    .await;
    let cfg = CrawlConfig {
        timeout: Duration::from_millis(300),
        retries: 0,
        ..config()
    };
    let f = fetcher(&cfg);
    let err = f.get(&s.url("/a"), Want::Page, None).await.expect_err("not now");
    // The host's health says what happened; the error names robots.txt as the request that failed.
    assert_eq!(err.class(), Failure::Timeout);
    assert_eq!(err.url().path(), "/robots.txt");
    let err = f.get(&s.url("/b"), Want::Page, None).await.expect_err("still not now");
    assert_eq!(err.class(), Failure::Timeout);
    assert_eq!(s.count("/a") + s.count("/b"), 0);
    assert_eq!(s.count("/robots.txt"), 1);
}

#[tokio::test]
async fn crawl_delay_slows_the_host() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => robots("User-agent: *\nCrawl-delay: 0.3\nDisallow: /nothing\n"),
        _ => html("page"),
    })
    .await;
    let other = plain_site().await;
    let f = fetcher(&config());
    let mut jobs = Vec::new();
    for i in 0..3 {
        for server in [&s, &other] {
            let (f, url) = (f.clone(), server.url(&format!("/p{i}")));
            jobs.push(tokio::spawn(async move { f.get(&url, Want::Page, None).await }));
        }
    }
    for job in jobs {
        job.await.expect("task").expect("fetch");
    }
    let hits = s.hits();
    assert_eq!(hits.len(), 4);
    assert_spaced(&hits, Duration::from_millis(300));
    // The other host keeps its own, faster pace.
    let fast = other.hits();
    assert!(
        fast[3].at < hits[3].at,
        "the host without Crawl-delay was not slowed: {:?}",
        gaps(&fast)
    );
}

#[tokio::test]
async fn robots_fetched_once_for_many_concurrent_requests() {
    let s = Server::start(|path, _| match path {
        // A slow robots.txt, so the page requests really are waiting for it together.
        "/robots.txt" => (
            Duration::from_millis(100),
            respond(200, "text/plain", "User-agent: *\nDisallow:\n"),
        ),
        _ => html("page"),
    })
    .await;
    let f = fetcher(&config());
    let jobs: Vec<_> = (0..10)
        .map(|i| {
            let (f, url) = (f.clone(), s.url(&format!("/p{i}")));
            tokio::spawn(async move { f.get(&url, Want::Page, None).await })
        })
        .collect();
    for job in jobs {
        job.await.expect("task").expect("fetch");
    }
    assert_eq!(s.count("/robots.txt"), 1);
    assert_eq!(s.hits().len(), 11);
}

#[tokio::test]
async fn robots_cache_spares_the_request_and_expires() {
    let s = plain_site().await;
    let origin = robots::origin_of(&s.url("/"));
    let cache = Arc::new(MemoryRobotsCache::new());
    let cfg = config(); // robots_max_age: a day
    cache.save(
        &origin,
        &CachedRobots {
            fetched_at: chrono::Utc::now() - chrono::Duration::hours(1),
            status: 200,
            body: "User-agent: *\nDisallow: /old\n".into(),
        },
    );
    let f = local_fetcher(&cfg, cache.clone());
    let err = f
        .get(&s.url("/old/x"), Want::Page, None)
        .await
        .expect_err("cached rule");
    assert_eq!(err.class(), Failure::Robots);
    assert_eq!(s.count("/robots.txt"), 0, "a fresh cached copy is used");

    // Two days old: fetched again (404 now), and the cache updated.
    cache.save(
        &origin,
        &CachedRobots {
            fetched_at: chrono::Utc::now() - chrono::Duration::days(2),
            status: 200,
            body: "User-agent: *\nDisallow: /old\n".into(),
        },
    );
    let f = local_fetcher(&cfg, cache.clone());
    f.get(&s.url("/old/x"), Want::Page, None).await.expect("now allowed");
    assert_eq!(s.count("/robots.txt"), 1);
    let saved = cache.load(&origin).expect("saved");
    assert_eq!(saved.status, 404);
    assert!(chrono::Utc::now() - saved.fetched_at < chrono::Duration::minutes(1));
}

#[tokio::test]
async fn robots_ignored_when_not_respected() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => robots("User-agent: *\nDisallow: /\n"),
        _ => html("page"),
    })
    .await;
    let cfg = CrawlConfig {
        respect_robots: false,
        ..config()
    };
    fetcher(&cfg).get(&s.url("/a"), Want::Page, None).await.expect("fetch");
    assert_eq!(s.count("/robots.txt"), 0);
}

#[tokio::test]
async fn retries_on_503_then_succeeds() {
    let s = Server::start(|path, n| match (path, n) {
        ("/robots.txt", _) => status(404),
        ("/flaky", 0 | 1) => status(503),
        _ => html("finally"),
    })
    .await;
    let cfg = config();
    let got = fetcher(&cfg)
        .get(&s.url("/flaky"), Want::Page, None)
        .await
        .expect("third try");
    assert_eq!(got.body, b"finally");
    let hits = s.hits_for("/flaky");
    assert_eq!(hits.len(), 3);
    // Every retry waited on the host's limiter again (and on the backoff).
    assert_spaced(&hits, period(&cfg));
}

#[tokio::test]
async fn retries_give_up_with_the_last_status() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => status(404),
        _ => status(502),
    })
    .await;
    let err = fetcher(&config())
        .get(&s.url("/down"), Want::Page, None)
        .await
        .expect_err("down");
    assert_eq!(err.class(), Failure::Http(502));
    assert_eq!(s.count("/down"), 3);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let s = Server::start(|path, n| match (path, n) {
        ("/robots.txt", _) => status(404),
        ("/busy", 0) => with_header(status(429), "retry-after", "1"),
        _ => html("ok"),
    })
    .await;
    fetcher(&config())
        .get(&s.url("/busy"), Want::Page, None)
        .await
        .expect("after waiting");
    let hits = s.hits_for("/busy");
    assert_eq!(hits.len(), 2);
    assert_spaced(&hits, Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_beyond_the_cap_gives_up() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => status(404),
        _ => with_header(status(503), "retry-after", "3600"),
    })
    .await;
    let err = fetcher(&config())
        .get(&s.url("/later"), Want::Page, None)
        .await
        .expect_err("too long");
    assert!(matches!(err, FetchError::Deferred { .. }), "{err}");
    assert_eq!(err.class(), Failure::Deferred);
    assert_eq!(s.count("/later"), 1);
}

#[tokio::test]
async fn not_found_is_not_retried() {
    let s = plain_site().await;
    let s404 = Server::start(|_, _| status(404)).await;
    let err = fetcher(&config())
        .get(&s404.url("/gone"), Want::Page, None)
        .await
        .expect_err("404");
    assert_eq!(err.class(), Failure::Http(404));
    assert_eq!(s404.count("/gone"), 1);
    drop(s);
}

#[tokio::test]
async fn conditional_get_gives_not_modified() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => status(404),
        _ => now(respond(304, "", "")),
    })
    .await;
    let v = Validators {
        etag: Some("\"abc\"".into()),
        last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
    };
    let got = fetcher(&config())
        .get(&s.url("/feed"), Want::Feed, Some(&v))
        .await
        .expect("304");
    assert!(got.not_modified && got.body.is_empty());
    let hit = &s.hits_for("/feed")[0];
    assert_eq!(
        hit.headers.get("if-none-match").map(|h| h.as_bytes()),
        Some(&b"\"abc\""[..])
    );
    assert!(hit.headers.get("if-modified-since").is_some());
}

#[tokio::test]
async fn redirect_chain_is_recorded_and_each_hop_rate_limited() {
    let b = Server::start(|path, _| match path {
        "/robots.txt" => status(404),
        "/hop" => redirect(301, "/final?x=1"), // relative Location
        _ => html("arrived"),
    })
    .await;
    let target = b.url("/hop").to_string();
    let a = Server::start(move |path, _| match path {
        "/robots.txt" => status(404),
        _ => redirect(302, &target),
    })
    .await;
    let cfg = config();
    let got = fetcher(&cfg)
        .get(&a.url("/start"), Want::Page, None)
        .await
        .expect("fetch");
    assert_eq!(got.requested, a.url("/start"));
    assert_eq!(got.url, b.url("/final?x=1"));
    assert_eq!(got.redirects, vec![b.url("/hop"), b.url("/final?x=1")]);
    assert_eq!(got.body, b"arrived");
    // B saw its robots.txt, then each hop, spaced by its limiter.
    let paths: Vec<_> = b.hits().iter().map(|h| h.path.clone()).collect();
    assert_eq!(paths, ["/robots.txt", "/hop", "/final"]);
    assert_spaced(&b.hits(), period(&cfg));
}

#[tokio::test]
async fn redirect_to_a_disallowed_page_is_not_followed() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => robots("User-agent: *\nDisallow: /secret\n"),
        "/open" => redirect(302, "/secret/page"),
        _ => html("secret"),
    })
    .await;
    let err = fetcher(&config())
        .get(&s.url("/open"), Want::Page, None)
        .await
        .expect_err("robots");
    assert_eq!(err.class(), Failure::Robots);
    assert_eq!(s.count("/secret/page"), 0);
}

#[tokio::test]
async fn redirect_loops_and_long_chains_are_reported() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => status(404),
        "/loop1" => redirect(302, "/loop2"),
        "/loop2" => redirect(302, "/loop1"),
        p => {
            let n: u32 = p.trim_start_matches("/chain/").parse().unwrap_or(0);
            redirect(301, &format!("/chain/{}", n + 1))
        }
    })
    .await;
    let f = fetcher(&config());
    let err = f.get(&s.url("/loop1"), Want::Page, None).await.expect_err("loop");
    assert!(matches!(err, FetchError::RedirectLoop { .. }), "{err}");
    assert_eq!(err.class(), Failure::RedirectLoop);
    assert_eq!(s.count("/loop1"), 1);

    let err = f.get(&s.url("/chain/0"), Want::Page, None).await.expect_err("too long");
    assert_eq!(err.class(), Failure::TooManyRedirects);
    assert_eq!(
        s.hits().iter().filter(|h| h.path.starts_with("/chain/")).count(),
        6,
        "first + 5 hops"
    );
}

#[tokio::test]
async fn binary_content_is_skipped_without_the_body() {
    const TEN_MB: u64 = 10 * 1024 * 1024;
    let probe = Arc::new(StreamProbe::default());
    let p = probe.clone();
    let s = Server::start(move |path, _| match path {
        "/robots.txt" => status(404),
        "/photo" => now(respond(200, "image/jpeg", streamed_body(TEN_MB, p.clone()))),
        "/bare" => now(respond(200, "", "<html>no content type</html>")),
        _ => now(respond(200, "application/pdf", "%PDF")),
    })
    .await;
    let f = fetcher(&config());
    let err = f.get(&s.url("/photo"), Want::Page, None).await.expect_err("image");
    assert!(matches!(err, FetchError::NotText { .. }), "{err}");
    assert_eq!(err.class(), Failure::NotText);
    assert_eq!(
        f.get(&s.url("/doc"), Want::Feed, None).await.expect_err("pdf").class(),
        Failure::NotText
    );
    let bare = f
        .get(&s.url("/bare"), Want::Page, None)
        .await
        .expect("no Content-Type is fine");
    assert!(bare.content_type.is_none());
    let waited = Instant::now();
    while !probe.dropped.load(Ordering::SeqCst) && waited.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(probe.dropped.load(Ordering::SeqCst));
    assert!(probe.produced.load(Ordering::SeqCst) < TEN_MB / 2);
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let s = plain_site().await;
    let port = s.addr.port();
    let strict = Fetcher::new(&config()).expect("fetcher");
    // A literal loopback address: refused before anything is sent.
    let err = strict.get(&s.url("/a"), Want::Page, None).await.expect_err("loopback");
    assert!(matches!(err, FetchError::Refused { .. }), "{err}");
    assert_eq!(err.class(), Failure::Refused);
    // A name that resolves to loopback: refused by the resolver, before connecting.
    let by_name = url::Url::parse(&format!("http://localhost:{port}/b")).expect("url");
    let err = strict.get(&by_name, Want::Page, None).await.expect_err("localhost");
    assert_eq!(err.class(), Failure::Refused, "{err}");
    let err = strict
        .get(&url::Url::parse("ftp://example.com/x").expect("url"), Want::Page, None)
        .await
        .expect_err("ftp");
    assert_eq!(err.class(), Failure::Scheme);
    assert!(s.hits().is_empty(), "nothing reached the server: {:?}", s.hits());

    // Allowed: 127.0.0.1 is fine, but a redirect from there to another private name is not.
    let to = by_name.to_string();
    let r = Server::start(move |path, _| match path {
        "/robots.txt" => status(404),
        _ => redirect(302, &to),
    })
    .await;
    let f = fetcher(&config());
    f.get(&s.url("/a"), Want::Page, None).await.expect("allowed host");
    let err = f
        .get(&r.url("/jump"), Want::Page, None)
        .await
        .expect_err("redirect to localhost");
    assert_eq!(err.class(), Failure::Refused, "{err}");
    assert_eq!(s.count("/b"), 0);
}

#[tokio::test]
async fn host_budget_stops_a_slow_host() {
    let s = plain_site().await;
    let cfg = CrawlConfig {
        per_host_rps: 5.0, // 200 ms apart: robots.txt at 0, /p0 at 0.2, /p1 would be at 0.4
        host_budget: Duration::from_millis(300),
        ..config()
    };
    let f = fetcher(&cfg);
    f.get(&s.url("/p0"), Want::Page, None).await.expect("within budget");
    let err = f.get(&s.url("/p1"), Want::Page, None).await.expect_err("over budget");
    assert!(matches!(err, FetchError::HostBudget { .. }), "{err}");
    assert_eq!(err.class(), Failure::HostBudget);
    let started = Instant::now();
    let err = f.get(&s.url("/p2"), Want::Page, None).await.expect_err("over budget");
    assert_eq!(err.class(), Failure::HostBudget);
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "budget errors fail fast"
    );
    assert_eq!(s.count("/p1") + s.count("/p2"), 0);
    // Another host is not affected.
    let other = plain_site().await;
    f.get(&other.url("/p0"), Want::Page, None).await.expect("other host");
}

#[tokio::test]
async fn hanging_host_times_out_without_delaying_others() {
    let (tarpit, accepted) = hanging_server().await;
    let s = plain_site().await;
    // The tar pit holds each try for the whole timeout, far longer than three local pages take.
    let cfg = CrawlConfig {
        timeout: Duration::from_secs(3),
        retries: 1,
        respect_robots: false,
        ..config()
    };
    let f = fetcher(&cfg);
    let hang_url = url::Url::parse(&format!("http://{tarpit}/feed")).expect("url");
    let started = Instant::now();
    let hang = {
        let f = f.clone();
        tokio::spawn(async move {
            let r = f.get(&hang_url, Want::Feed, None).await;
            (r, started.elapsed())
        })
    };
    let mut done = Vec::new();
    for i in 0..3 {
        f.get(&s.url(&format!("/p{i}")), Want::Page, None)
            .await
            .expect("healthy host");
        done.push(started.elapsed());
    }
    let (result, hang_took) = hang.await.expect("task");
    let err = result.expect_err("tar pit");
    assert_eq!(err.class(), Failure::Timeout, "{err}");
    assert!(hang_took >= Duration::from_secs(6), "two tries of 3 s: {hang_took:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 2, "first try and one retry");
    assert!(
        done[2] < hang_took,
        "the healthy host finished at {:?}, after the tar pit gave up at {hang_took:?}",
        done[2]
    );
}

/// texting_robots against the cases of Google's reference parser (robots_test.cc).
#[test]
fn google_robotstxt_cases() {
    let Some(dir) = common::shared_corpus("robotstxt") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("google_cases.json")).expect("google_cases.json");
    let cases: serde_json::Value = serde_json::from_str(&text).expect("google_cases.json is JSON");
    let cases = cases["allowed_cases"].as_array().expect("allowed_cases");
    let mut disagree = Vec::new();
    for c in cases {
        let field = |k: &str| c[k].as_str().unwrap_or("").to_string();
        let (txt, agent, url) = (field("robotstxt"), field("user_agent"), field("url"));
        let expected = c["expected_allowed"].as_bool().expect("expected_allowed");
        if robots::allowed_by(txt.as_bytes(), &agent, &url) != expected {
            disagree.push(format!("{} line {}", field("test"), c["line"]));
        }
    }
    let agree = cases.len() - disagree.len();
    eprintln!(
        "texting_robots agrees with Google's parser on {agree}/{} cases; differs on: {}",
        cases.len(),
        disagree.join(", ")
    );
    assert!(agree >= MEASURED_AGREE, "agreement fell: {agree} < {MEASURED_AGREE}");
}

/// Measured: 137 of 140 (129 with texting_robots alone; pickup keeps only the first word of a
/// `User-agent` value, as Google does, which fixes the other 8). The 3 that differ, on purpose:
/// - ID_Encoding lines 419 and 430: Google's test passes a URL with a raw "ツ" and expects the
///   matcher *not* to encode it; texting_robots percent-encodes the URL first, so `/foo/bar/ツ`
///   matches `Allow: /foo/bar/ツ`. pickup always passes `Url` serialisations, already encoded.
/// - GoogleOnly_IndexHTMLisDirectory line 505: Google treats `Allow: /dir/index.html` as also
///   allowing `/dir/`; texting_robots does not (so pickup is stricter there).
const MEASURED_AGREE: usize = 137;

#[tokio::test]
async fn through_a_proxy_names_are_left_to_the_proxy_and_robots_goes_through_it() {
    // A forward proxy that answers for every site itself.
    let proxy = Server::start(|path, _| match path {
        "/robots.txt" => robots("User-agent: *\nDisallow: /private\n"),
        _ => html("via proxy"),
    })
    .await;
    let cfg = CrawlConfig {
        proxy: Some(proxy.url("/")),
        ..config()
    };
    // No allow-list: the proxy's own address is the client's business, not a crawled host.
    let f = Fetcher::new(&cfg).expect("fetcher");
    // A name that does not resolve here: only the proxy resolves it.
    let page = url::Url::parse("http://news.invalid/story").expect("url");
    let got = f.get(&page, Want::Page, None).await.expect("through the proxy");
    assert_eq!(got.body, b"via proxy");
    let err = f
        .get(
            &url::Url::parse("http://news.invalid/private/x").expect("url"),
            Want::Page,
            None,
        )
        .await
        .expect_err("robots");
    assert_eq!(err.class(), Failure::Robots);
    let hits = proxy.hits();
    let seen: Vec<_> = hits.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(seen, ["/robots.txt", "/story"]);
    assert!(
        hits.iter()
            .all(|h| h.headers.get("host").map(|v| v.as_bytes()) == Some(b"news.invalid"))
    );
    // Literal private addresses are still refused.
    let err = f
        .get(
            &url::Url::parse("http://10.0.0.1/admin").expect("url"),
            Want::Page,
            None,
        )
        .await
        .expect_err("private literal");
    assert_eq!(err.class(), Failure::Refused);
}

#[tokio::test]
async fn a_body_that_trickles_times_out() {
    let s = Server::start(|_, _| now(respond(200, "text/html", trickle_body(Duration::from_millis(50))))).await;
    let cfg = CrawlConfig {
        timeout: Duration::from_millis(400),
        retries: 0,
        respect_robots: false,
        ..config()
    };
    let err = fetcher(&cfg)
        .get(&s.url("/slow"), Want::Page, None)
        .await
        .expect_err("tar pit");
    assert_eq!(err.class(), Failure::Timeout, "{err}");
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_a_dns_failure() {
    let cfg = CrawlConfig { retries: 0, ..config() };
    let url = url::Url::parse("http://no-such-host.invalid/feed").expect("url");
    let err = Fetcher::new(&cfg)
        .expect("fetcher")
        .get(&url, Want::Feed, None)
        .await
        .expect_err("dns");
    // The robots.txt request is the one that failed; the host's health says why.
    assert_eq!(err.class(), Failure::Dns, "{err}");
}

#[tokio::test]
async fn crawl_delay_counts_from_the_previous_answer() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => robots("User-agent: *\nCrawl-delay: 0.2\n"),
        _ => (Duration::from_millis(200), respond(200, "text/html", "slow page")),
    })
    .await;
    let f = fetcher(&config());
    for i in 0..3 {
        f.get(&s.url(&format!("/p{i}")), Want::Page, None).await.expect("fetch");
    }
    let pages: Vec<_> = s.hits().into_iter().filter(|h| h.path != "/robots.txt").collect();
    // 200 ms answering + 200 ms Crawl-delay between one page and the next.
    assert_spaced(&pages, Duration::from_millis(400));
}

/// A feed, as the bytes static hosts serve with whatever type they like.
const FEED: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title></channel></rss>";

#[tokio::test]
async fn bodies_are_sniffed_and_the_content_type_is_a_hint() {
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(FEED.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec();
    let s = Server::start(move |path, _| match path {
        "/robots.txt" => status(404),
        "/octet" => now(respond(200, "application/octet-stream", FEED)),
        "/binary" => now(respond(200, "binary/octet-stream", FEED)),
        "/plain" => now(respond(200, "text/plain", FEED)),
        "/none" => now(respond(200, "", FEED)),
        "/gz" => now(respond(200, "application/x-gzip", gz.clone())),
        "/page-as-image" => now(respond(200, "image/jpeg", "<!DOCTYPE html><html><p>hi</p></html>")),
        "/png-as-html" => now(respond(200, "text/html", png.clone())),
        "/pdf-as-octet" => now(respond(200, "application/octet-stream", "%PDF-1.4\n%\u{e2}\u{e3}")),
        _ => now(respond(200, "application/octet-stream", vec![0u8, 1, 2, 3, 4, 5, 6, 7])),
    })
    .await;
    let f = fetcher(&config());
    for path in ["/octet", "/binary", "/plain", "/none", "/gz"] {
        let got = f.get(&s.url(path), Want::Feed, None).await.expect(path);
        assert!(!got.body.is_empty(), "{path}");
    }
    f.get(&s.url("/page-as-image"), Want::Page, None)
        .await
        .expect("markup under an image type is read");
    for (path, detected) in [
        ("/png-as-html", "image/png"),
        ("/pdf-as-octet", "application/pdf"),
        ("/zeros", "binary data"),
    ] {
        match f.get(&s.url(path), Want::Page, None).await {
            Err(FetchError::NotText { detected: d, .. }) => assert_eq!(d, detected, "{path}"),
            other => panic!("{path}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_429_pauses_every_request_to_its_host() {
    for (code, retry_after) in [(429, Some("1")), (503, Some("1")), (429, None)] {
        let s = Server::start(move |path, n| match (path, n) {
            ("/robots.txt", _) => status(404),
            ("/first", 0) => match retry_after {
                Some(v) => with_header(status(code), "retry-after", v),
                None => status(code),
            },
            _ => html("ok"),
        })
        .await;
        let cfg = CrawlConfig {
            retry_base: Duration::from_millis(400),
            ..config()
        };
        let f = fetcher(&cfg);
        let first = {
            let (f, url) = (f.clone(), s.url("/first"));
            tokio::spawn(async move { f.get(&url, Want::Page, None).await })
        };
        // The others queue behind it at the host.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let others: Vec<_> = ["/a", "/b", "/c"]
            .iter()
            .map(|p| {
                let (f, url) = (f.clone(), s.url(p));
                tokio::spawn(async move { f.get(&url, Want::Page, None).await })
            })
            .collect();
        first.await.unwrap().expect("retried after the pause");
        for o in others {
            o.await.unwrap().expect("after the pause");
        }
        let hits = s.hits();
        let paused_at = hits.iter().find(|h| h.path == "/first").unwrap().at;
        // At least the backoff's lower half without a Retry-After.
        let pause = if retry_after.is_some() {
            Duration::from_secs(1)
        } else {
            Duration::from_millis(200)
        };
        for h in hits.iter().filter(|h| h.at > paused_at) {
            assert!(
                h.at.duration_since(paused_at) + SLACK >= pause,
                "{code} {retry_after:?}: {} came {:?} after the pause began",
                h.path,
                h.at.duration_since(paused_at)
            );
        }
        assert_eq!(s.count("/first"), 2, "the request that waited is retried");
    }
}

#[tokio::test]
async fn a_503_without_retry_after_holds_up_only_its_own_url() {
    let s = Server::start(|path, n| match (path, n) {
        ("/robots.txt", _) => status(404),
        ("/broken", 0) => status(503),
        _ => html("ok"),
    })
    .await;
    let cfg = CrawlConfig {
        retry_base: Duration::from_millis(600),
        ..config()
    };
    let f = fetcher(&cfg);
    let broken = {
        let (f, url) = (f.clone(), s.url("/broken"));
        tokio::spawn(async move { f.get(&url, Want::Page, None).await })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    f.get(&s.url("/other"), Want::Page, None).await.expect("other");
    broken.await.unwrap().expect("retried");
    let (b, o) = (s.hits_for("/broken"), s.hits_for("/other"));
    assert!(
        o[0].at < b[1].at,
        "the other page did not wait for the broken one's backoff"
    );
}

#[tokio::test]
async fn a_long_retry_after_defers_the_host_for_the_run() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => status(404),
        "/busy" => with_header(status(429), "retry-after", "Wed, 21 Oct 2099 07:28:00 GMT"),
        _ => html("ok"),
    })
    .await;
    let f = fetcher(&config());
    let err = f.get(&s.url("/busy"), Want::Page, None).await.expect_err("deferred");
    assert_eq!(err.class(), Failure::Deferred);
    let err = f
        .get(&s.url("/other"), Want::Feed, None)
        .await
        .expect_err("deferred too");
    assert!(matches!(err, FetchError::Deferred { .. }), "{err}");
    assert_eq!(s.count("/other"), 0, "nothing more was sent to the host");
    let pauses = f.deferred_hosts();
    assert_eq!(pauses.len(), 1);
    assert_eq!(pauses[0].until.format("%Y-%m-%d").to_string(), "2099-10-21");
    // A later run that loads the pause leaves the host alone from the start.
    let later = fetcher(&config());
    later.defer_host(&pauses[0]);
    assert!(later.get(&s.url("/other"), Want::Page, None).await.is_err());
    assert_eq!(s.count("/other"), 0);
}

#[tokio::test]
async fn a_dropped_connection_gives_the_part_that_came() {
    let s = Server::start(|path, _| match path {
        "/robots.txt" => status(404),
        _ => {
            // The first 40 bytes, then (once they are surely sent) the connection breaks.
            let stream = futures_util::stream::unfold(0, |step| async move {
                match step {
                    0 => Some((Ok(FEED.as_bytes()[..40].to_vec()), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Some((Err(std::io::Error::other("connection reset")), 2))
                    }
                    _ => None,
                }
            });
            now(respond(
                200,
                "application/rss+xml",
                axum::body::Body::from_stream(stream),
            ))
        }
    })
    .await;
    let got = fetcher(&config())
        .get(&s.url("/feed"), Want::Feed, None)
        .await
        .expect("part of the body");
    assert_eq!(got.body, FEED.as_bytes()[..40]);
    assert!(
        matches!(got.truncated, Some(pickup::crawl::Truncated::Dropped { .. })),
        "{:?}",
        got.truncated
    );
}
