//! Placements beyond the outlet list, against local webs on 127.0.0.1: sources discovered from a
//! homepage (link tags, robots.txt `Sitemap:` lines, the homepage as a last resort), outlets from
//! a CSV with a bad row, news search through a fake GDELT API (an unlisted outlet, a
//! non-placement, a private address), `pickup add` (hit, miss, --force) and the pitch lists.

use pickup::config::Config;
use pickup::localweb::{LocalWeb, World};
use pickup::store::{HitRecord, Store};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ARTICLE: &str = include_str!("../config/articles/cybercrime-2021.en.txt");
const TITLE: &str = "Taiwan Can Help Fight Cybercrime in the Post-Pandemic Era";

/// An article page carrying `paragraphs`.
fn page(title: &str, date: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta property=\"article:published_time\" content=\"{date}\"></head><body><main><article>\
         <h1>{title}</h1>\n{body}</article></main></body></html>"
    )
}

fn op_ed(date: &str) -> String {
    let paragraphs: Vec<&str> = ARTICLE.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
    page(TITLE, date, &paragraphs)
}

/// A news report quoting one sentence of the op-ed: not a placement.
fn news_report() -> String {
    page(
        "Police chiefs meet as online fraud soars",
        "2021-11-16T09:00:00+08:00",
        &[
            "Police chiefs from across the region met on Monday to discuss a sharp rise in online fraud, which cost consumers an estimated 380 million dollars last year.",
            "In an opinion piece published this week, a senior Taiwanese police official wrote that \"no police force can answer a borderless crime on its own.\"",
            "The national police said it would expand its cybercrime unit and hire 120 more analysts by 2023, and consumer groups asked banks to do more for victims.",
        ],
    )
}

fn rss(items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, link)| {
            format!(
                "<item><title>{title}</title><link>{link}</link><pubDate>Fri, 12 Nov 2021 13:00:00 GMT</pubDate></item>"
            )
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>{items}</channel></rss>")
}

fn files(list: &[(&str, String)]) -> BTreeMap<String, Vec<u8>> {
    list.iter()
        .map(|(p, b)| (p.to_string(), b.clone().into_bytes()))
        .collect()
}

const HEAD: &str = r#"
[store]
path = "data/pickup.sled"

[crawl]
user_agent = "pickup-test/0.1 (+mailto:press@example.org)"
per_host_rps = 50.0
per_host_burst = 2
timeout_secs = 5
retries = 0
proxy = "{{proxy}}"

[[articles]]
id = "cybercrime-2021"
title = "Taiwan Can Help Fight Cybercrime in the Post-Pandemic Era"
published = "2021-11-10"
language = "en"
text = "articles/cybercrime-2021.en.txt"
"#;

struct Fixture {
    web: LocalWeb,
    config: Config,
    path: PathBuf,
    dir: tempfile::TempDir,
}

async fn serve(world: World) -> Fixture {
    let web = LocalWeb::start(&world).await.expect("local web");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = pickup::demo::write_config(&web, &world, dir.path()).expect("config written");
    let config = Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
    Fixture { web, config, path, dir }
}

fn hits_by_outlet(store: &Store) -> BTreeMap<String, HitRecord> {
    store
        .hits()
        .unwrap()
        .into_iter()
        .map(|h| (h.outlet.clone(), h))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_are_discovered_from_a_homepage_kept_and_not_discovered_again_within_a_week() {
    let mut world = World::default();
    // Link tags on the homepage and on the opinion page it links to.
    world.hosts.insert(
        "linked".into(),
        files(&[
            (
                "index.html",
                r#"<html><head><link rel="alternate" type="application/rss+xml" href="/news/rss.xml"></head>
                <body><a href="/opinion/">Opinion</a> <a href="/sport/">Sport</a></body></html>"#
                    .into(),
            ),
            (
                "opinion/index.html",
                r#"<html><head><link rel="alternate" type="application/rss+xml" title="Opinion" href="/opinion/feed.xml"></head><body></body></html>"#.into(),
            ),
            ("opinion/feed.xml", rss(&[(TITLE, "/opinion/2021/11/12/taiwan-can-help")])),
            ("news/rss.xml", rss(&[])),
            ("opinion/2021/11/12/taiwan-can-help.html", op_ed("2021-11-12T13:00:00+00:00")),
        ]),
    );
    // No feed anywhere: robots.txt names a news sitemap.
    world.hosts.insert(
        "mapped".into(),
        files(&[
            ("index.html", "<html><body><p>Welcome</p></body></html>".into()),
            (
                "robots.txt",
                "User-agent: *\nAllow: /\n\nSitemap: {{host:mapped}}/maps/news.xml\n".into(),
            ),
            (
                "maps/news.xml",
                r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
                <url><loc>{{host:mapped}}/2021/11/13/taiwan-cybercrime-op-ed</loc><news:news><news:publication_date>2021-11-13T08:00:00Z</news:publication_date><news:title>Taiwan can help</news:title></news:news></url>
                </urlset>"#
                    .into(),
            ),
            ("2021/11/13/taiwan-cybercrime-op-ed.html", op_ed("2021-11-13T08:00:00+00:00")),
        ]),
    );
    // Nothing declared or found: the homepage itself is read as a listing page.
    world.hosts.insert(
        "plain".into(),
        files(&[
            (
                "index.html",
                r#"<html><body><a href="/columns/taiwan-can-help-fight-cybercrime">Taiwan can help</a></body></html>"#
                    .into(),
            ),
            (
                "columns/taiwan-can-help-fight-cybercrime.html",
                op_ed("2021-11-14T08:00:00+00:00"),
            ),
        ]),
    );
    world.config = format!(
        "{HEAD}{}",
        ["linked", "mapped", "plain"]
            .iter()
            .map(|h| format!(
                "\n[[outlets]]\nid = \"{h}\"\nname = \"{h}\"\ncountry = \"TW\"\nlanguage = \"en\"\nhomepage = \"{{{{host:{h}}}}}/\"\n"
            ))
            .collect::<String>()
    );
    let f = serve(world).await;
    let store = Store::open(&f.config.store.path).unwrap();
    let summary = pickup::run::run(&f.config, &store).await.unwrap();
    assert_eq!(summary.record.sources_failed, 0, "{summary}");

    let base = |h: &str| f.web.base(h);
    let linked = store
        .discovered("linked")
        .unwrap()
        .expect("discovery kept in the store");
    assert_eq!(
        linked.feeds,
        [
            format!("{}/opinion/feed.xml", base("linked")),
            format!("{}/news/rss.xml", base("linked"))
        ],
        "the opinion page's feed first, then the homepage's"
    );
    assert!(linked.listings.is_empty());
    let mapped = store.discovered("mapped").unwrap().unwrap();
    assert_eq!(mapped.sitemaps, [format!("{}/maps/news.xml", base("mapped"))]);
    assert!(mapped.feeds.is_empty(), "no common feed path answers with a feed");
    let plain = store.discovered("plain").unwrap().unwrap();
    assert_eq!(plain.listings, [format!("{}/", base("plain"))]);

    let hits = hits_by_outlet(&store);
    assert_eq!(
        hits.keys().map(String::as_str).collect::<Vec<_>>(),
        ["linked", "mapped", "plain"],
        "a placement on each, through its discovered feed, sitemap and listing page"
    );

    let status = pickup::status::render(&f.config, &store).unwrap();
    assert!(
        status.contains(&format!("{}/opinion/feed.xml  (discovered)", base("linked"))),
        "{status}"
    );
    assert!(
        status.contains("linked                   discovery: checked"),
        "{status}"
    );

    // Within the week, the next run polls what was found without reading the homepages again.
    f.web.clear_log();
    pickup::run::run(&f.config, &store).await.unwrap();
    let log = f.web.log();
    let discovery_requests = |r: &&pickup::localweb::Logged| {
        (r.host == "linked" && (r.target == "/" || r.target == "/opinion/"))
            || r.target.starts_with("/sitemap")
            || r.target.starts_with("/feed")
            || r.target.ends_with("robots.txt")
    };
    assert_eq!(
        log.iter().filter(discovery_requests).count(),
        0,
        "no discovery request: {log:#?}"
    );
    assert!(log.iter().any(|r| r.target == "/opinion/feed.xml"));
}

#[test]
fn an_outlets_csv_loads_its_good_rows_and_names_file_row_and_column_of_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("articles")).unwrap();
    std::fs::write(dir.path().join("articles/op-ed.txt"), ARTICLE).unwrap();
    let csv = "\u{feff}Outlet,Website,Country,UVM,Feeds,Pitched,Notes\n\
        Tagesblick,https://www.tagesblick.de/,,1.2M,,cybercrime-2021,called Monday\n\
        Le Monde,lemonde.fr,France,350k,https://www.lemonde.fr/rss/une.xml,,\n\
        Narnia Times,https://narnia.example.com/,Narnia,10,,,\n\
        The Example,https://example.com/,,,,,\n";
    std::fs::write(dir.path().join("outlets.csv"), csv).unwrap();
    let toml = "outlet_files = [\"outlets.csv\"]\n[store]\npath = \"store\"\n\
        [[articles]]\nid = \"cybercrime-2021\"\ntitle = \"T\"\npublished = \"2021-11-10\"\nlanguage = \"en\"\ntext = \"articles/op-ed.txt\"\n";
    let path = dir.path().join("pickup.toml");
    std::fs::write(&path, toml).unwrap();

    let config = Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<(&str, &str, Option<u64>)> = config
        .outlets
        .iter()
        .map(|o| (o.id.as_str(), o.country.as_str(), o.audience))
        .collect();
    assert_eq!(
        ids,
        [
            ("tagesblick-de", "DE", Some(1_200_000)),
            ("lemonde-fr", "FR", Some(350_000)),
            ("example-com", "unknown", None),
        ],
        "ids from the domain; country given, else from the domain, else unknown"
    );
    assert_eq!(
        config.outlets[1].feeds[0].as_str(),
        "https://www.lemonde.fr/rss/une.xml"
    );
    assert_eq!(config.pitched("cybercrime-2021"), ["tagesblick-de"]);
    assert_eq!(config.problems.len(), 1);
    let problem = config.problems[0].to_string();
    assert!(
        problem.contains("outlets.csv:4: row 4, column Country: \"Narnia\""),
        "{problem}"
    );

    // The command goes on, and says so.
    let out = assert_cmd::Command::cargo_bin("pickup")
        .unwrap()
        .args(["export", "--format", "json", "--config"])
        .arg(&path)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("row 4, column Country"), "{stderr}");
}

/// A world with a fake GDELT API, an unlisted outlet (reached by name through the local proxy)
/// and a configured one.
fn search_world() -> World {
    let mut world = World::default();
    let artlist = r#"{"articles": [
        {"url": "http://www.islandpost.com/opinion/taiwan-can-help", "title": "Taiwan can help",
         "seendate": "20211115T060000Z", "domain": "islandpost.com", "language": "English", "sourcecountry": "Malaysia"},
        {"url": "http://www.islandpost.com/news/police-chiefs-meet", "title": "Police chiefs meet",
         "seendate": "20211116T060000Z", "domain": "islandpost.com", "language": "English", "sourcecountry": "Malaysia"},
        {"url": "http://169.254.169.254/latest/meta-data/", "title": "x",
         "seendate": "20211116T060000Z", "domain": "169.254.169.254", "language": "English", "sourcecountry": "United States"},
        {"url": "{{host:tribune}}/opinion/taiwan-can-help", "title": "Taiwan can help",
         "seendate": "20211112T060000Z", "domain": "tribune", "language": "English", "sourcecountry": "United States"}
    ]}"#;
    world
        .hosts
        .insert("gdelt".into(), files(&[("api/v2/doc/doc", artlist.into())]));
    world.hosts.insert(
        "www.islandpost.com".into(),
        files(&[
            ("opinion/taiwan-can-help.html", op_ed("2021-11-15T09:00:00+08:00")),
            ("news/police-chiefs-meet.html", news_report()),
        ]),
    );
    world.hosts.insert(
        "tribune".into(),
        files(&[
            ("rss.xml", rss(&[])),
            ("opinion/taiwan-can-help.html", op_ed("2021-11-12T13:00:00+00:00")),
        ]),
    );
    world.hosts.insert("herald".into(), files(&[("rss.xml", rss(&[]))]));
    world.config = format!(
        r#"{HEAD}pitched = ["tribune", "herald"]

[discovery]
search = ["gdelt"]
gdelt_endpoint = "{{{{host:gdelt}}}}/api/v2/doc/doc"
gdelt_interval_secs = 0.2
queries_per_article = 3
search_days = 36500

[[outlets]]
id = "tribune"
name = "The Tribune"
country = "US"
language = "en"
homepage = "{{{{host:tribune}}}}/"
feeds = ["{{{{host:tribune}}}}/rss.xml"]

[[outlets]]
id = "herald"
name = "The Herald"
country = "GB"
language = "en"
feeds = ["{{{{host:herald}}}}/rss.xml"]
"#
    );
    world
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_search_records_a_placement_on_an_unlisted_outlet_with_the_services_country() {
    let f = serve(search_world()).await;
    let store = Store::open(&f.config.store.path).unwrap();
    let summary = pickup::run::run(&f.config, &store).await.unwrap();

    let hits = hits_by_outlet(&store);
    assert_eq!(
        hits.keys().map(String::as_str).collect::<Vec<_>>(),
        ["islandpost-com", "tribune"],
        "the unlisted placement, and the configured outlet's page the feed missed; the news report is no placement"
    );
    let island = &hits["islandpost-com"];
    assert_eq!(
        (island.country.as_str(), island.outlet_name.as_str()),
        ("MY", "islandpost.com"),
        "country from the service's source country"
    );
    assert_eq!(island.url, "http://www.islandpost.com/opinion/taiwan-can-help");
    assert_eq!(
        hits["tribune"].country, "US",
        "a configured outlet keeps its own country"
    );
    let autos = store.auto_outlets().unwrap();
    assert_eq!(autos.len(), 1, "no auto outlet for a page that is no placement");
    assert_eq!(
        (autos[0].id.as_str(), autos[0].language.as_str()),
        ("islandpost-com", "en")
    );
    assert!(autos[0].toml().contains("country = \"MY\""));

    // The queries: exact phrases, the article's window, GDELT's format, spaced as configured.
    let log = f.web.log();
    let queries: Vec<_> = log
        .iter()
        .filter(|r| r.host == "gdelt" && r.target.contains("/doc/doc?"))
        .collect();
    assert_eq!(queries.len(), 3, "queries_per_article = 3: {queries:#?}");
    for q in &queries {
        let u = url::Url::parse(&format!("http://x{}", q.target)).unwrap();
        let get = |k: &str| u.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.into_owned());
        assert_eq!(get("mode").as_deref(), Some("artlist"));
        assert_eq!(get("format").as_deref(), Some("json"));
        assert_eq!(get("startdatetime").as_deref(), Some("20211011000000"));
        assert!(get("enddatetime").is_some());
        let query = get("query").unwrap();
        assert!(query.starts_with('"') && query.ends_with('"'), "{query}");
    }
    assert!(queries[0].target.contains("Post-Pandemic"), "the title is asked first");
    for pair in queries.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(
            gap >= std::time::Duration::from_millis(190),
            "{gap:?}: the service's rate is obeyed"
        );
    }
    // The private address is refused without a request, and not retried next run.
    assert!(!log.iter().any(|r| r.target.contains("meta-data")));
    assert!(summary.record.pages_failed >= 1);
    assert_eq!(summary.record.search_queries, 3);

    // The pitch lists: pitched and ran, pitched and not yet, ran without a pitch.
    let lists = pickup::pitch::pitch_lists(&f.config, "cybercrime-2021", &store.hits().unwrap()).unwrap();
    let ids = |l: &[pickup::pitch::PitchEntry]| l.iter().map(|e| e.outlet.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&lists.pitched_and_ran), ["tribune"]);
    assert_eq!(
        lists.pitched_and_ran[0].first_ran.map(|d| d.to_string()).as_deref(),
        Some("2021-11-12")
    );
    assert_eq!(ids(&lists.pitched_not_yet), ["herald"]);
    assert_eq!(ids(&lists.ran_unpitched), ["islandpost-com"]);
    assert!(lists.ran_unpitched[0].auto);
    let shown = pickup::status::render_article(&f.config, &store, "cybercrime-2021").unwrap();
    assert!(shown.contains("pitched and ran (1):\n  2021-11-12 tribune"), "{shown}");
    assert!(shown.contains("pitched, not yet (1):\n             herald"), "{shown}");
    assert!(shown.contains("islandpost-com") && shown.contains("(auto)"), "{shown}");
    let status = pickup::status::render(&f.config, &store).unwrap();
    assert!(status.contains("islandpost-com           MY"), "{status}");

    // Answers are cached per query for the run: a second search asks nothing.
    let searcher = pickup::discover::search::Searcher::for_config(
        &f.config,
        std::sync::Arc::new(pickup::crawl::robots::MemoryRobotsCache::new()),
    )
    .unwrap()
    .unwrap();
    let a = &f.config.articles[0];
    let (start, end) = (
        "2021-10-11T00:00:00Z".parse().unwrap(),
        "2021-12-01T00:00:00Z".parse().unwrap(),
    );
    let (first, errors) = searcher.search(a, start, end).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(first.len(), 4, "each page once");
    let asked = searcher.queries();
    let (second, _) = searcher.search(a, start, end).await;
    assert_eq!((second, searcher.queries()), (first, asked));
}

/// Runs the binary off the async threads, so the local web keeps serving it.
async fn pickup_cli(path: &Path, args: &[&str]) -> std::process::Output {
    let path = path.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("pickup"))
            .args(&args)
            .arg("--config")
            .arg(&path)
            .env_remove("PICKUP_CONFIG")
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_records_a_hit_refuses_a_miss_and_force_records_it_as_the_teams_judgement() {
    let f = serve(search_world()).await;
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).to_string();

    let hit = pickup_cli(
        &f.path,
        &[
            "add",
            "http://www.islandpost.com/opinion/taiwan-can-help?utm_source=mail",
            "--country",
            "SG",
            "--outlet-name",
            "Island Post",
        ],
    )
    .await;
    assert_eq!(hit.status.code(), Some(0), "{}", String::from_utf8_lossy(&hit.stderr));
    assert!(
        text(&hit).contains("recorded: cybercrime-2021 verbatim on islandpost-com [SG]"),
        "{}",
        text(&hit)
    );

    let miss = pickup_cli(&f.path, &["add", "http://www.islandpost.com/news/police-chiefs-meet"]).await;
    assert_eq!(miss.status.code(), Some(0));
    assert!(text(&miss).contains("not recorded"), "{}", text(&miss));
    assert!(
        text(&miss).contains("cybercrime-2021: no (score"),
        "check's reason: {}",
        text(&miss)
    );
    {
        let store = Store::open(&f.config.store.path).unwrap();
        assert_eq!(store.hits().unwrap().len(), 1, "the miss is not recorded");
    }

    let forced = pickup_cli(
        &f.path,
        &["add", "http://www.islandpost.com/news/police-chiefs-meet", "--force"],
    )
    .await;
    assert_eq!(forced.status.code(), Some(0));
    assert!(text(&forced).contains("(the team's judgement)"), "{}", text(&forced));

    let bad = pickup_cli(&f.path, &["add", "not a url"]).await;
    assert_eq!(bad.status.code(), Some(2));
    let gone = pickup_cli(&f.path, &["add", &format!("{}/no-such-page", f.web.base("tribune"))]).await;
    assert_eq!(
        gone.status.code(),
        Some(1),
        "a page that cannot be fetched is an error, as for check"
    );

    let adopt = pickup_cli(&f.path, &["outlets", "adopt", "islandpost-com"]).await;
    assert_eq!(adopt.status.code(), Some(0));
    let toml = text(&adopt);
    assert!(
        toml.contains("id = \"islandpost-com\"") && toml.contains("name = \"Island Post\""),
        "{toml}"
    );
    assert!(toml.contains("country = \"SG\""), "{toml}");
    let unknown = pickup_cli(&f.path, &["outlets", "adopt", "nope"]).await;
    assert_eq!(unknown.status.code(), Some(2));

    let store = Store::open(&f.config.store.path).unwrap();
    let hits = store.hits().unwrap();
    assert_eq!(hits.len(), 2);
    let team: Vec<&HitRecord> = hits.iter().filter(|h| h.team_judgement).collect();
    assert_eq!(team.len(), 1);
    assert_eq!(team[0].url, "http://www.islandpost.com/news/police-chiefs-meet");
    assert_eq!(team[0].country, "SG", "the auto outlet's country, as the team gave it");
    assert_eq!(team[0].found_via, Some(pickup::store::FoundVia::Manual));
    drop(store);
    let export = pickup_cli(&f.path, &["export", "--format", "json"]).await;
    let json: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    let judgements: Vec<(&str, &str)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["canonical_url"].as_str().unwrap(), r["judgement"].as_str().unwrap()))
        .collect();
    assert!(
        judgements.contains(&("http://www.islandpost.com/news/police-chiefs-meet", "team")),
        "{judgements:?}"
    );
    assert!(
        judgements.contains(&("http://www.islandpost.com/opinion/taiwan-can-help", "pickup")),
        "{judgements:?}"
    );
    drop(f.dir);
}
