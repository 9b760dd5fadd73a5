//! A run against a web that misbehaves in every common way: a tar pit, a burst of 503s, an HTML
//! page posing as a feed, truncated XML, a redirect loop, a name that does not resolve and a
//! 40 MB page. Each failure is reported for its source; the good outlet is crawled as usual.

use pickup::config::Config;
use pickup::crawl::{Failure, SourceStatus};
use pickup::localweb::{LocalWeb, World};
use pickup::store::Store;
use std::collections::BTreeMap;
use std::path::Path;

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn rss(items: &[&str]) -> Vec<u8> {
    let items: String = items
        .iter()
        .map(|p| {
            format!("<item><title>t</title><link>{p}</link><pubDate>Sat, 13 Nov 2021 10:00:00 GMT</pubDate></item>")
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title>{items}</channel></rss>").into_bytes()
}

fn hostile_world() -> World {
    let host = |files: &[(&str, Vec<u8>)]| {
        files
            .iter()
            .map(|(p, b)| (p.to_string(), b.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    let op_ed = file("fixtures/world/hosts/capital-tribune/opinion/2021/11/12/taiwan-can-help-fight-cybercrime.html");
    let mut huge = b"<html><body><article>".to_vec();
    while huge.len() < 40_000_000 {
        huge.extend_from_slice(b"<p>Filler paragraph that goes on and on, as a runaway page would.</p>\n");
    }
    let mut truncated = rss(&["/a", "/b"]);
    truncated.truncate(truncated.len() - 40);
    let mut world = World::default();
    world.hosts.insert(
        "good".into(),
        host(&[
            ("rss.xml", rss(&["/op-ed", "/huge"])),
            ("op-ed.html", op_ed),
            ("huge.html", huge),
        ]),
    );
    world.hosts.insert(
        "tarpit".into(),
        host(&[
            ("rss.xml", rss(&["/x"])),
            ("_script", b"/rss.xml hang hang hang\n".to_vec()),
        ]),
    );
    world.hosts.insert(
        "flaky".into(),
        host(&[("rss.xml", rss(&[])), ("_script", b"/rss.xml 503 503\n".to_vec())]),
    );
    world.hosts.insert(
        "htmlfeed".into(),
        host(&[(
            "rss.xml",
            b"<!DOCTYPE html><html><body><p>Subscribe!</p></body></html>".to_vec(),
        )]),
    );
    world.hosts.insert("truncated".into(), host(&[("rss.xml", truncated)]));
    world.hosts.insert(
        "loop".into(),
        host(&[("_redirects", b"/rss.xml /a 301\n/a /rss.xml 301\n".to_vec())]),
    );
    let mut config = String::from(
        "[store]\npath = \"store\"\n[crawl]\nuser_agent = \"pickup-test\"\nper_host_rps = 20.0\ntimeout_secs = 3\nretries = 2\nretry_base_ms = 10\nmax_page_bytes = 1_000_000\nhost_budget_secs = 12\n[[articles]]\nid = \"cybercrime-2021\"\ntitle = \"Taiwan Can Help\"\npublished = \"2021-11-10\"\nlanguage = \"en\"\ntext = \"articles/cybercrime-2021.en.txt\"\n",
    );
    for name in world.hosts.keys() {
        config.push_str(&format!("[[outlets]]\nid = \"{name}\"\nname = \"{name}\"\ncountry = \"US\"\nlanguage = \"en\"\nfeeds = [\"{{{{host:{name}}}}}/rss.xml\"]\n"));
    }
    config.push_str("[[outlets]]\nid = \"nodns\"\nname = \"No DNS\"\ncountry = \"US\"\nlanguage = \"en\"\nfeeds = [\"http://pickup-test.invalid/rss.xml\"]\n");
    world.config = config;
    world
}

fn requests_by_host(web: &LocalWeb) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for r in web.log() {
        *counts.entry(r.host).or_insert(0) += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_is_reported_for_its_source_and_the_rest_is_crawled() {
    let world = hostile_world();
    let web = LocalWeb::start(&world).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&pickup::demo::write_config(&web, &world, dir.path()).unwrap()).unwrap();
    let store = Store::open(&config.store.path).unwrap();

    let first = pickup::run::run(&config, &store).await.unwrap();
    let classes: BTreeMap<&str, Failure> = first.failures.iter().map(|f| (f.outlet.as_str(), f.class)).collect();
    assert_eq!(
        classes,
        BTreeMap::from([
            ("htmlfeed", Failure::NotAFeed),
            ("loop", Failure::RedirectLoop),
            ("nodns", Failure::Dns),
            ("tarpit", Failure::Timeout),
        ])
    );
    // The truncated feed's complete item is used; the source is partly read, with the reason.
    let (_, truncated) = store
        .sources()
        .unwrap()
        .into_iter()
        .find(|(_, s)| s.outlet == "truncated")
        .unwrap();
    assert_eq!(truncated.last_status, SourceStatus::Partial);
    assert!(
        truncated
            .partial
            .as_deref()
            .unwrap_or("")
            .contains("1 complete items kept"),
        "{truncated:?}"
    );
    let hits = store.hits().unwrap();
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!((hits[0].outlet.as_str(), hits[0].kind.as_str()), ("good", "verbatim"));
    assert_eq!(
        first.record.pages_fetched, 2,
        "the 40 MB page is read up to the cap and judged"
    );
    // The truncated feed's one complete item links to a page that is not there (404).
    assert_eq!(first.record.pages_failed, 1);
    assert_eq!(first.record.sources_partial, 1);
    let first_counts = requests_by_host(&web);
    // robots.txt (404) + the feed answered 503, 503, 200.
    assert_eq!(first_counts["flaky"], 4);
    // robots.txt (404) + three tries at the feed, each timing out.
    assert_eq!(
        first_counts["tarpit"], 4,
        "a hanging feed is tried 1 + retries times, then given up"
    );

    web.clear_log();
    let second = pickup::run::run(&config, &store).await.unwrap();
    assert_eq!(second.record.new_hits, 0);
    assert_eq!(second.record.pages_fetched, 0);
    let second_counts = requests_by_host(&web);
    assert_eq!(
        second_counts["good"], 1,
        "one conditional request for the feed, robots.txt cached"
    );
    assert_eq!(second_counts["flaky"], 1);
    println!("requests by host, first run: {first_counts:?}; unchanged second run: {second_counts:?}");
    println!(
        "first run: {} requests; second run: {} requests",
        first.record.requests, second.record.requests
    );

    let status = pickup::status::render(&config, &store).unwrap();
    assert!(
        status.contains("redirect loop") && status.contains("not a feed") && status.contains("partial"),
        "{status}"
    );
}
