//! A run against a web that breaks the rules the way real sites do: a feed and an article page
//! served as `application/octet-stream`, a PDF where a page should be, a page that is gone and
//! one that keeps answering 503. The mislabelled feed and page are read (the bytes decide); the
//! failing pages are rested like sources, tried again later and then given up, never judged
//! silently and never fetched every run.

use pickup::config::Config;
use pickup::crawl::Failure;
use pickup::localweb::{LocalWeb, World};
use pickup::store::Store;
use std::collections::BTreeMap;
use std::path::Path;

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn world() -> World {
    let items: String = ["/op-ed", "/gone", "/flaky", "/report"]
        .iter()
        .map(|p| {
            format!("<item><title>t</title><link>{p}</link><pubDate>Sat, 13 Nov 2021 10:00:00 GMT</pubDate></item>")
        })
        .collect();
    let feed = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title>{items}</channel></rss>");
    let op_ed = file("fixtures/world/hosts/capital-tribune/opinion/2021/11/12/taiwan-can-help-fight-cybercrime.html");
    let mut files = BTreeMap::new();
    // No file extension: the local web serves these as application/octet-stream.
    files.insert("feed".to_string(), feed.into_bytes());
    files.insert("op-ed".to_string(), op_ed);
    files.insert("report".to_string(), b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec());
    files.insert(
        "flaky.html".to_string(),
        b"<html><body><p>Back again.</p></body></html>".to_vec(),
    );
    // Two tries per run (retries = 1): 503 for two runs, then the page.
    files.insert("_script".to_string(), b"/flaky 503 503 503 503\n".to_vec());
    let mut world = World::default();
    world.hosts.insert("static".into(), files);
    world.config = "[store]\npath = \"store\"\n[crawl]\nuser_agent = \"pickup-test\"\nper_host_rps = 50.0\ntimeout_secs = 2\nretries = 1\nretry_base_ms = 10\n[[articles]]\nid = \"cybercrime-2021\"\ntitle = \"Taiwan Can Help\"\npublished = \"2021-11-10\"\nlanguage = \"en\"\ntext = \"articles/cybercrime-2021.en.txt\"\n[[outlets]]\nid = \"static\"\nname = \"Static\"\ncountry = \"US\"\nlanguage = \"en\"\nfeeds = [\"{{host:static}}/feed\"]\n".into();
    world
}

fn requested(web: &LocalWeb, path: &str) -> usize {
    web.log().iter().filter(|r| r.target == path).count()
}

/// Moves every failed page's rest into the past, as if its time had come.
fn let_time_pass(store: &Store) {
    for (key, mut f) in store.page_failures().unwrap() {
        f.next_try = chrono::Utc::now() - chrono::TimeDelta::days(30);
        store.save_page_failure(&key, &f).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mislabelled_bodies_are_read_and_failing_pages_are_rested_then_given_up() {
    let world = world();
    let web = LocalWeb::start(&world).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&pickup::demo::write_config(&web, &world, dir.path()).unwrap()).unwrap();
    let store = Store::open(&config.store.path).unwrap();

    // Run 1: the octet-stream feed and page are read; the placement is found.
    let first = pickup::run::run(&config, &store).await.unwrap();
    assert!(first.failures.is_empty(), "{:?}", first.failures);
    let hits = store.hits().unwrap();
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert!(hits[0].url.ends_with("/op-ed"));
    assert_eq!(first.record.pages_failed, 3);
    let classes: BTreeMap<String, (Failure, u32, bool)> = store
        .page_failures()
        .unwrap()
        .into_iter()
        .map(|(_, f)| {
            (
                f.url.rsplit('/').next().unwrap().to_string(),
                (f.class, f.failures, f.given_up),
            )
        })
        .collect();
    assert_eq!(
        classes,
        BTreeMap::from([
            ("flaky".to_string(), (Failure::Http(503), 1, false)),
            ("gone".to_string(), (Failure::Http(404), 1, false)),
            ("report".to_string(), (Failure::NotText, 1, false)),
        ])
    );
    // A page refused as not text is not marked judged for ever.
    assert!(
        !store
            .is_seen(&pickup::canon::page_key(
                &url::Url::parse(&format!("{}/report", web.base("static"))).unwrap()
            ))
            .unwrap()
    );

    // Run 2, right after: the transient failure is tried again; the permanent ones rest.
    web.clear_log();
    pickup::run::run(&config, &store).await.unwrap();
    assert_eq!(requested(&web, "/flaky"), 2, "one try and one retry");
    assert_eq!(requested(&web, "/gone"), 0, "a 404 is not fetched every run");
    assert_eq!(requested(&web, "/report"), 0, "nor is a PDF");

    // Run 3, once the rests are over: /flaky answers at last and is judged; the permanent
    // failures are looked at once more and given up.
    let_time_pass(&store);
    web.clear_log();
    let third = pickup::run::run(&config, &store).await.unwrap();
    assert_eq!(
        (
            requested(&web, "/gone"),
            requested(&web, "/report"),
            requested(&web, "/flaky")
        ),
        (1, 1, 1)
    );
    assert_eq!(third.record.pages_given_up, 2);
    let left: Vec<(String, bool)> = store
        .page_failures()
        .unwrap()
        .into_iter()
        .map(|(_, f)| (f.url.rsplit('/').next().unwrap().to_string(), f.given_up))
        .collect();
    assert_eq!(
        left,
        [("gone".to_string(), true), ("report".to_string(), true)],
        "flaky was judged and forgotten"
    );
    let status = pickup::status::render(&config, &store).unwrap();
    assert!(status.contains("article pages given up (2)"), "{status}");
    assert!(status.contains("http 404") && status.contains("not text"), "{status}");

    // Run 4: given up means not fetched again.
    let_time_pass(&store);
    web.clear_log();
    pickup::run::run(&config, &store).await.unwrap();
    assert_eq!((requested(&web, "/gone"), requested(&web, "/report")), (0, 0));
}
