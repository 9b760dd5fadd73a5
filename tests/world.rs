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
    serve(&world, edit).await
}

async fn world_fixture(world: &World) -> Fixture {
    serve(world, |c| c).await
}

async fn serve(world: &World, edit: impl Fn(String) -> String) -> Fixture {
    let web = LocalWeb::start(world).await.expect("local web");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = pickup::demo::write_config(&web, world, dir.path()).expect("config written");
    let text = edit(std::fs::read_to_string(&path).expect("config"));
    std::fs::write(&path, text).expect("config rewritten");
    let config = Config::load(&path).expect("valid config");
    Fixture { web, config, _dir: dir }
}

/// The placements keyed by outlet and the path of their URL.
fn by_page(hits: Vec<HitRecord>) -> BTreeMap<(String, String), HitRecord> {
    hits.into_iter()
        .map(|h| {
            let path = url::Url::parse(&h.url).unwrap().path().to_string();
            ((h.outlet.clone(), path), h)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finds_exactly_the_placements_and_records_each_once() {
    let f = world(|c| c).await;
    let store = Store::open(&f.config.store.path).unwrap();
    let summary = pickup::run::run(&f.config, &store).await.unwrap();

    let hits = by_page(store.hits().unwrap());
    let kinds: Vec<(&str, &str, Kind)> = hits
        .iter()
        .map(|((o, p), h)| (o.as_str(), p.as_str(), h.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "capital-tribune",
                "/opinion/2021/11/12/taiwan-can-help-fight-cybercrime",
                Kind::Verbatim
            ),
            (
                "capital-tribune",
                "/world/2021/11/19/taiwan-offers-help-on-cybercrime",
                Kind::Verbatim
            ),
            ("diario-del-sur", "/opinion/taiwan-puede-ayudar", Kind::Translation),
            ("gulf-chronicle", "/opinion/taiwan-cybercrime-offer", Kind::Verbatim),
            ("harbour-herald", "/comment/2021/nov/15/cybercrime-taiwan", Kind::Edited),
            (
                "harbour-herald",
                "/news/2021/nov/17/taiwan-police-chief-interpol-appeal",
                Kind::Excerpt
            ),
            ("island-times", "/news/2021/11/13/taiwan-cybercrime", Kind::Verbatim),
            ("islandpost-com", "/opinion/2021/11/15/taiwan-can-help", Kind::Verbatim),
            ("le-courrier", "/opinion/taiwan-cybercriminalite", Kind::Translation),
            (
                "metro-daily",
                "/opinion/2021/11/14/taiwan-and-cybercrime",
                Kind::Verbatim
            ),
            (
                "pacific-review",
                "/2021/11/14/column-scams-know-no-borders",
                Kind::Excerpt
            ),
            ("relay-wire", "/stories/taiwan-cybercrime-interpol", Kind::Verbatim),
        ],
        "the near-miss (northern-ledger), the news report news search names and the unrelated pages are not hits; a second page of \
         the article on one outlet is a second placement"
    );
    assert_eq!(summary.record.new_hits, 12);
    assert_eq!(summary.new_hits.len(), 12);
    let hit = |outlet: &str, path: &str| &hits[&(outlet.to_string(), path.to_string())];

    // Fields as the export carries them.
    let ct = hit(
        "capital-tribune",
        "/opinion/2021/11/12/taiwan-can-help-fight-cybercrime",
    );
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
        // The page's own offset (New York), not UTC.
        Some("2021-11-12T08:00:00-05:00".to_string())
    );
    assert!(ct.score > 0.9 && ct.score <= 1.0, "score {}", ct.score);
    assert!(!ct.evidence.is_empty(), "a hit carries its evidence");

    // Its feed links through a feed proxy on another host that redirects to the article: the
    // placement is the article's, under the outlet that owns it.
    let es = hit("diario-del-sur", "/opinion/taiwan-puede-ayudar");
    assert_eq!((es.country.as_str(), es.language.as_str()), ("AR", "es"));
    assert_eq!(
        es.url,
        format!("{}/opinion/taiwan-puede-ayudar", f.web.base("diario-del-sur"))
    );
    let relay = format!("{}/~r/diario-del-sur/1", f.web.base("feedproxy"));
    assert_eq!(es.variants, [relay], "the feed-proxy link is kept as a variant");
    // The outlet's own French translation (the config has no French text), found on a listing page.
    let fr = hit("le-courrier", "/opinion/taiwan-cybercriminalite");
    assert_eq!((fr.country.as_str(), fr.language.as_str()), ("FR", "fr"));
    // A column quoting three paragraphs, found through a sitemap index's news sitemap.
    assert_eq!(
        hit("pacific-review", "/2021/11/14/column-scams-know-no-borders")
            .title
            .as_deref(),
        Some("Scams know no borders")
    );

    // The redirected feed link is recorded under the URL that answered.
    let rw = hit("relay-wire", "/stories/taiwan-cybercrime-interpol");
    assert_eq!(
        rw.url,
        format!("{}/stories/taiwan-cybercrime-interpol", f.web.base("relay-wire"))
    );

    // The AMP copy listed beside the article is the same placement, not a second record.
    let hh = hit("harbour-herald", "/comment/2021/nov/15/cybercrime-taiwan");
    assert_eq!(
        hh.canonical_url,
        format!("{}/comment/2021/nov/15/cybercrime-taiwan", f.web.base("harbour-herald"))
    );
    // News search names a page on an outlet nobody listed: recorded under an auto outlet, with
    // the search service's country.
    let island = hit("islandpost-com", "/opinion/2021/11/15/taiwan-can-help");
    assert_eq!(
        (island.country.as_str(), island.outlet_name.as_str()),
        ("MY", "islandpost.com")
    );
    assert_eq!(island.found_via, Some(pickup::store::FoundVia::Search));
    assert_eq!(hits.len(), 12);

    // The failing outlet is reported, not fatal.
    assert_eq!(summary.record.sources_failed, 1);
    assert_eq!(summary.failures[0].outlet, "dead-outlet");
    assert_eq!(summary.failures[0].class, pickup::crawl::Failure::Http(404));

    // Duplicates (utm, AMP) and the out-of-window item were never fetched.
    let log = f.web.log();
    let fetched = |needle: &str| log.iter().filter(|r| r.target.contains(needle)).count();
    assert_eq!(
        fetched("taiwan-can-help-fight-cybercrime?utm_source"),
        0,
        "the utm duplicate is the same page"
    );
    let exactly = |target: &str| log.iter().filter(|r| r.target == target).count();
    assert_eq!(
        exactly("/comment/2021/nov/15/cybercrime-taiwan/amp"),
        0,
        "the AMP duplicate is the same page"
    );
    assert_eq!(
        exactly("/comment/2021/nov/15/cybercrime-taiwan/amp?service=amp&utm_source=feed"),
        1,
        "an AMP view under a key of its own is fetched, and folds into its page by its canonical"
    );
    assert_eq!(hh.variants.len(), 1, "{:?}", hh.variants);
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

    // Polled again at once (`run --all`: by the schedule no source is due yet).
    let all = pickup::run::RunOptions {
        all: true,
        ..Default::default()
    };
    let second = pickup::run::run_with(&f.config, &store, std::sync::Arc::new(pickup::run::Silent), &all)
        .await
        .unwrap();
    assert_eq!(second.record.new_hits, 0);
    assert_eq!(second.record.pages_fetched, 0);
    assert_eq!(store.hits().unwrap(), before, "records are untouched");
    let log = f.web.log();
    // Every feed, sitemap and listing page once each, and the news search's queries again (its
    // answers are cached for one run only). The sitemap index's children are not asked
    // for: the index (304) lists them with the lastmod they were read with, and its 2019 child
    // is older than every article's window.
    let documents = f.config.outlets.iter().map(|o| o.sources().count()).sum::<usize>();
    assert!(!log.iter().any(|r| r.target.contains("sitemap-2019")));
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
    pickup::run::run(&f.config, &store).await.unwrap();

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
    // In parallel: while the busiest host waits between its spaced requests, others are asked.
    let (host, times) = per_host.iter().max_by_key(|(_, t)| t.len()).unwrap();
    let (first, last) = (times[0], *times.last().unwrap());
    let meanwhile = per_host
        .iter()
        .filter(|(h, _)| *h != host)
        .flat_map(|(_, t)| t)
        .filter(|at| **at > first && **at < last)
        .count();
    assert!(
        meanwhile > 0,
        "no other host was asked while {host} was crawled ({serial:?} of spaced requests in all)"
    );
}

/// The export with each host's address written `{{host:NAME}}` and `first_seen` (the time of
/// the run) checked and then written `FIRST_SEEN`, so it can be compared with a file.
fn portable_export(
    web: &LocalWeb,
    world: &World,
    hits: &[HitRecord],
    run_started: chrono::DateTime<chrono::Utc>,
) -> String {
    let mut records = pickup::report::records(hits, &pickup::report::Filter::default());
    for r in &mut records {
        let seen: chrono::DateTime<chrono::Utc> = r.first_seen.parse().unwrap();
        assert!(
            seen >= run_started - chrono::TimeDelta::seconds(1),
            "first seen during the run"
        );
        r.first_seen = "FIRST_SEEN".into();
    }
    let mut text = serde_json::to_string_pretty(&records).unwrap() + "\n";
    for host in world.hosts.keys() {
        text = text.replace(&web.base(host), &format!("{{{{host:{host}}}}}"));
    }
    text
}

/// Every placement of the fixture world, every field: two pages of the article on one outlet
/// (a re-run in another section a week later), the outlet's own news report quoting it at
/// length, a partner whose canonical names the original, a partner crediting it in a line of
/// text, a page whose template lies (a 2016 published_time, a canonical and og:url to the home
/// page, the site's name as og:title), and AMP, utm and redirect URLs folded into their page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_is_exactly_the_expected_placements() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/world");
    let world = World::from_dir(&dir).unwrap();
    let f = world_fixture(&world).await;
    let store = Store::open(&f.config.store.path).unwrap();
    let started = chrono::Utc::now();
    let summary = pickup::run::run(&f.config, &store).await.unwrap();
    let hits = store.hits().unwrap();
    let got = portable_export(&f.web, &world, &hits, started);
    let expected = std::fs::read_to_string(dir.join("expected-export.json")).unwrap();
    assert_eq!(got, expected, "export of the fixture world");

    assert_eq!(
        summary.to_string().lines().nth(1),
        Some("new: 12 placements on 10 outlets (cybercrime-2021 12)")
    );
    let status = pickup::status::render(&f.config, &store).unwrap();
    assert!(
        status.contains("12 new placements. 12 placements on 10 outlets recorded in all"),
        "{status}"
    );
    // The AMP view fetched under a URL of its own is a variant of its page, not a placement.
    let hh = hits
        .iter()
        .find(|h| h.url.ends_with("/comment/2021/nov/15/cybercrime-taiwan"))
        .unwrap();
    assert_eq!(
        hh.variants,
        [format!(
            "{}/comment/2021/nov/15/cybercrime-taiwan/amp?service=amp&utm_source=feed",
            f.web.base("harbour-herald")
        )]
    );
    // Briefing figures: placements apart from outlets; reach once per outlet and article.
    let records = pickup::report::records(&hits, &pickup::report::Filter::default());
    let briefing = pickup::report::briefing::Briefing::build(
        &f.config,
        &pickup::report::Filter::default(),
        &records,
        &hits,
        &Default::default(),
        chrono::Utc::now(),
    );
    let figures = &briefing.figures;
    assert_eq!(
        (
            figures.placements,
            figures.outlets,
            figures.countries,
            figures.languages
        ),
        (12, 10, 10, 3)
    );
    assert_eq!(
        (figures.reach, figures.audience_unknown),
        (2_840_000, 7),
        "Capital Tribune's two placements count its readers once"
    );
    let html = pickup::report::html::render(&briefing);
    assert!(html.contains("<b>12</b><span>placements") && html.contains("<b>10</b><span>outlets"));
    assert!(
        html.contains("<b>2.8 million</b>") && html.contains("audience unknown for 7 of 10 outlets"),
        "{html}"
    );
}

/// `--shard 1/2` and `--shard 2/2`, each into its own store, merged as `export --store A
/// --store B` merges them, give exactly the placements one whole run gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shards_merged_give_exactly_the_records_of_one_run() {
    let f = world(|c| c).await;
    let whole = f.config.store.path.clone();
    let stores: Vec<_> = (1..=2).map(|i| whole.with_extension(format!("shard{i}"))).collect();
    {
        let store = Store::open(&whole).unwrap();
        pickup::run::run(&f.config, &store).await.unwrap();
    }
    for (i, path) in stores.iter().enumerate() {
        let mut config = f.config.clone();
        config.store.path = path.clone();
        let store = Store::open(path).unwrap();
        let options = pickup::run::RunOptions {
            shard: Some(format!("{}/2", i + 1).parse().unwrap()),
            ..Default::default()
        };
        let summary = pickup::run::run_with(&config, &store, std::sync::Arc::new(pickup::run::Silent), &options)
            .await
            .unwrap();
        assert!(summary.record.sources_polled > 0, "shard {} polls some outlets", i + 1);
    }
    let comparable = |hits: Vec<HitRecord>| -> Vec<String> {
        hits.into_iter()
            .map(|h| {
                format!(
                    "{} {} {} {:?} {} {:?}",
                    h.article, h.outlet, h.canonical_url, h.kind, h.url, h.published
                )
            })
            .collect()
    };
    let one = comparable(pickup::store::merged_hits(std::slice::from_ref(&whole)).unwrap());
    let merged = comparable(pickup::store::merged_hits(&stores).unwrap());
    assert!(!one.is_empty());
    assert_eq!(merged, one);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_not_yet_due_is_skipped_and_run_all_polls_it() {
    let f = world(|c| c).await;
    let store = Store::open(&f.config.store.path).unwrap();
    let first = pickup::run::run(&f.config, &store).await.unwrap();
    let sources = f.config.outlets.iter().map(|o| o.sources().count()).sum::<usize>();
    assert_eq!(first.record.sources_polled, sources, "a source never polled is due");
    let polled_at = store.last_run().unwrap().unwrap().started;
    f.web.clear_log();

    // Minutes later (well inside the hourly interval): no healthy source is due; only the dead
    // feed, which failed once, is retried.
    let run_at = |now: chrono::DateTime<chrono::Utc>, all: bool| {
        let options = pickup::run::RunOptions {
            all,
            now: Some(now),
            ..Default::default()
        };
        let (config, store) = (f.config.clone(), store.clone());
        async move {
            pickup::run::run_with(&config, &store, std::sync::Arc::new(pickup::run::Silent), &options)
                .await
                .unwrap()
        }
    };
    let early = run_at(polled_at + chrono::TimeDelta::minutes(20), false).await;
    assert_eq!(early.record.sources_polled, 1);
    assert_eq!(early.record.sources_failed, 1);
    assert_eq!(early.record.sources_not_due, sources - 1);
    // News search is not a source and keeps its own pace; of the sources, only the dead feed.
    let log: Vec<_> = f.web.log().into_iter().filter(|r| r.host != "gdelt").collect();
    assert!(log.len() == 1 && log[0].status == 404, "only the dead feed: {log:#?}");

    // `run --all` polls every source at the same moment.
    let forced = run_at(polled_at + chrono::TimeDelta::minutes(20), true).await;
    assert_eq!(forced.record.sources_polled, sources);
    assert_eq!(forced.record.sources_not_due, 0);
    assert!(!f.web.log().is_empty());
    let polled_again = polled_at + chrono::TimeDelta::minutes(20);
    f.web.clear_log();

    // `status` shows each source's next poll: an hour after the forced run, for the dead feed
    // too, which has now failed three times in a row and rests an hour.
    let status = pickup::status::render_at(&f.config, &store, polled_again).unwrap();
    let next = (polled_again + chrono::TimeDelta::hours(1))
        .format("%m-%d %H:%M")
        .to_string();
    assert_eq!(
        status.matches(&format!("{next} (regular)")).count(),
        sources - 1,
        "{status}"
    );
    assert_eq!(status.matches(&format!("{next} (failing)")).count(), 1, "{status}");
    let status = pickup::status::render_at(&f.config, &store, polled_again + chrono::TimeDelta::hours(1)).unwrap();
    assert!(
        !status.contains("(regular)") && !status.contains("(failing)"),
        "every source due an hour later: {status}"
    );

    // An hour after that, every source is due again (the fixture articles are years old, so no
    // boost window is open and the interval is the plain hour).
    let later = run_at(polled_again + chrono::TimeDelta::minutes(60), false).await;
    assert_eq!(later.record.sources_polled, sources);
    assert_eq!(later.record.sources_not_due, 0);
}
