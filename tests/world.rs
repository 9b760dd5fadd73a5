//! The whole pipeline against the fixture world (fixtures/world) served on 127.0.0.1:
//! exact hits and fields, deduplication, a second run that adds nothing, per-host spacing.

use pickup::config::Config;
use pickup::detect::Kind;
use pickup::localweb::{LocalWeb, World};
use pickup::store::{HitRecord, Store};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

struct Fixture {
    web: LocalWeb,
    config: Config,
    _dir: tempfile::TempDir,
}

/// Serves the world and writes its config; `edit` may change the config text first.
async fn world(edit: impl Fn(String) -> String) -> Fixture {
    let world = World::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/world")).expect("fixture world");
    let web = LocalWeb::start(&world).await.expect("local web");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = pickup::demo::write_config(&web, &world, dir.path()).expect("config written");
    let text = edit(std::fs::read_to_string(&path).expect("config"));
    std::fs::write(&path, text).expect("config rewritten");
    let config = Config::load(&path).expect("valid config");
    Fixture { web, config, _dir: dir }
}

fn by_outlet(hits: Vec<HitRecord>) -> BTreeMap<String, HitRecord> {
    hits.into_iter().map(|h| (h.outlet.clone(), h)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finds_exactly_the_placements_and_records_each_once() {
    let f = world(|c| c).await;
    let store = Store::open(&f.config.store.path).unwrap();
    let summary = pickup::run::run(&f.config, &store).await.unwrap();

    let hits = by_outlet(store.hits().unwrap());
    let kinds: BTreeMap<&str, Kind> = hits.iter().map(|(o, h)| (o.as_str(), h.kind)).collect();
    assert_eq!(
        kinds,
        BTreeMap::from([
            ("capital-tribune", Kind::Verbatim),
            ("diario-del-sur", Kind::Translation),
            ("harbour-herald", Kind::Edited),
            ("islandpost-com", Kind::Verbatim),
            ("le-courrier", Kind::Translation),
            ("pacific-review", Kind::Excerpt),
            ("relay-wire", Kind::Verbatim),
        ]),
        "the near-miss (northern-ledger), the news report news search names and the unrelated pages are not hits"
    );
    assert_eq!(summary.record.new_hits, 7);
    assert_eq!(summary.new_hits.len(), 7);

    // Fields as the export carries them.
    let ct = &hits["capital-tribune"];
    let base = f.web.base("capital-tribune");
    assert_eq!(ct.article, "cybercrime-2021");
    assert_eq!(
        ct.url,
        format!("{base}/opinion/2021/11/12/taiwan-can-help-fight-cybercrime")
    );
    assert_eq!(ct.canonical_url, ct.url);
    assert_eq!(
        (ct.country.as_str(), ct.language.as_str(), ct.outlet_name.as_str()),
        ("US", "en", "Capital Tribune")
    );
    assert_eq!(
        ct.title.as_deref(),
        Some("Taiwan Can Help Fight Cybercrime in the Post-Pandemic Era")
    );
    assert_eq!(
        ct.published.map(|p| p.to_rfc3339()),
        Some("2021-11-12T13:00:00+00:00".to_string())
    );
    assert!(ct.score > 0.9 && ct.score <= 1.0, "score {}", ct.score);
    assert!(!ct.evidence.is_empty(), "a hit carries its evidence");

    // Its feed links through a feed proxy on another host that redirects to the article: the
    // placement is the article's, under the outlet that owns it.
    let es = &hits["diario-del-sur"];
    assert_eq!((es.country.as_str(), es.language.as_str()), ("AR", "es"));
    assert_eq!(
        es.url,
        format!("{}/opinion/taiwan-puede-ayudar", f.web.base("diario-del-sur"))
    );
    let relay = format!("{}/~r/diario-del-sur/1", f.web.base("feedproxy"));
    assert_eq!(es.variants, [relay], "the feed-proxy link is kept as a variant");
    // The outlet's own French translation (the config has no French text), found on a listing page.
    let fr = &hits["le-courrier"];
    assert_eq!((fr.country.as_str(), fr.language.as_str()), ("FR", "fr"));
    // A column quoting three paragraphs, found through a sitemap index's news sitemap.
    assert_eq!(hits["pacific-review"].title.as_deref(), Some("Scams know no borders"));

    // The redirected feed link is recorded under the URL that answered.
    let rw = &hits["relay-wire"];
    assert_eq!(
        rw.url,
        format!("{}/stories/taiwan-cybercrime-interpol", f.web.base("relay-wire"))
    );

    // The AMP copy listed beside the article is the same placement, not a second record.
    let hh = &hits["harbour-herald"];
    assert_eq!(
        hh.canonical_url,
        format!("{}/comment/2021/nov/15/cybercrime-taiwan", f.web.base("harbour-herald"))
    );
    // News search names a page on an outlet nobody listed: recorded under an auto outlet, with
    // the search service's country.
    let island = &hits["islandpost-com"];
    assert_eq!(
        (island.country.as_str(), island.outlet_name.as_str()),
        ("MY", "islandpost.com")
    );
    assert_eq!(hits.len(), 7);

    // The failing outlet is reported, not fatal.
    assert_eq!(summary.record.sources_failed, 1);
    assert_eq!(summary.failures[0].outlet, "dead-outlet");
    assert_eq!(summary.failures[0].class, "http 404");

    // Duplicates (utm, AMP) and the out-of-window item were never fetched.
    let log = f.web.log();
    let fetched = |needle: &str| log.iter().filter(|r| r.target.contains(needle)).count();
    assert_eq!(fetched("utm_source"), 0, "the utm duplicate is the same page");
    assert_eq!(
        fetched("cybercrime-taiwan/amp"),
        0,
        "the AMP duplicate is the same page"
    );
    assert_eq!(
        fetched("year-in-review"),
        0,
        "items older than the look-back window are skipped"
    );
    assert!(
        log.iter()
            .all(|r| r.user_agent.as_deref() == Some("pickup-demo/0.1 (+mailto:press@example.org)"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_an_unchanged_web_adds_nothing_and_fetches_no_page() {
    let f = world(|c| c).await;
    let store = Store::open(&f.config.store.path).unwrap();
    pickup::run::run(&f.config, &store).await.unwrap();
    let before = store.hits().unwrap();
    f.web.clear_log();

    let second = pickup::run::run(&f.config, &store).await.unwrap();
    assert_eq!(second.record.new_hits, 0);
    assert_eq!(second.record.pages_fetched, 0);
    assert_eq!(store.hits().unwrap(), before, "records are untouched");
    let log = f.web.log();
    // Every feed, sitemap and listing page, and the sitemap index's two children, once each;
    // and the news search's queries again (its answers are cached for one run only).
    let documents = f.config.outlets.iter().map(|o| o.sources().count()).sum::<usize>() + 2;
    let searches = second.record.search_queries;
    assert_eq!(searches, 2);
    assert_eq!(log.iter().filter(|r| r.host == "gdelt").count(), searches);
    let log: Vec<_> = log.into_iter().filter(|r| r.host != "gdelt").collect();
    assert!(
        log.iter().all(|r| !r.target.ends_with("robots.txt")),
        "robots.txt is cached in the store"
    );
    assert_eq!(log.len(), documents, "one request per source document: {log:#?}");
    let not_modified = log.iter().filter(|r| r.status == 304).count();
    assert_eq!(
        not_modified,
        documents - 1,
        "every live document answers 304 (the dead feed 404)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_host_is_never_asked_faster_than_its_limit_and_hosts_run_in_parallel() {
    let f = world(|c| {
        c.replace("per_host_rps = 20.0", "per_host_rps = 8.0")
            .replace("per_host_burst = 2", "per_host_burst = 1")
    })
    .await;
    let store = Store::open(&f.config.store.path).unwrap();
    let started = std::time::Instant::now();
    pickup::run::run(&f.config, &store).await.unwrap();
    let wall = started.elapsed();

    let min_gap = Duration::from_millis(125 - 15);
    let mut per_host: BTreeMap<String, Vec<std::time::Instant>> = BTreeMap::new();
    for r in f.web.log() {
        per_host.entry(r.host).or_default().push(r.at);
    }
    let mut serial = Duration::ZERO;
    for (host, times) in &per_host {
        for pair in times.windows(2) {
            let gap = pair[1] - pair[0];
            assert!(
                gap >= min_gap,
                "{host}: two requests {gap:?} apart, limit is 8 per second"
            );
        }
        serial += Duration::from_millis(125) * (times.len() as u32 - 1);
    }
    let busiest = per_host.values().map(Vec::len).max().unwrap() as u32;
    assert!(busiest >= 4, "the test needs a host with several requests");
    assert!(
        wall < serial,
        "hosts are crawled in parallel: {wall:?} for {serial:?} of spaced requests"
    );
}
