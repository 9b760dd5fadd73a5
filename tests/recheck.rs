//! Liveness re-checks against a local outlet whose pages change between runs: removed, put
//! behind a paywall, redirected to the home page, cut down, failing with 503, or left alone.
//! Runs are given their `now`, so the schedule is exercised without waiting; the server counts
//! what was fetched.

mod cli_support;
#[allow(dead_code)]
mod fetch_support;

use chrono::{DateTime, TimeDelta, Utc};
use cli_support::{ARTICLE, ARTICLE_TOML, config_dir};
use fetch_support::{Reply, Server, html, redirect, status};
use pickup::config::Config;
use pickup::recheck::LiveStatus;
use pickup::run::{RunOptions, RunSummary, Silent};
use pickup::store::{HitRecord, Store};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// What a page of the outlet serves now.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Page {
    Full,
    Removed,
    Paywalled,
    ToHome,
    CutDown,
    Unavailable,
}

/// The article pages the outlet's feed lists.
const PAGES: usize = 6;

fn article_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(ARTICLE)).unwrap()
}

fn paragraphs() -> Vec<String> {
    article_text()
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

fn article_page(n: usize, paras: &[String], extra: &str) -> String {
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><title>Taiwan Can Help Fight Cybercrime in the Post-Pandemic Era</title>\
         <meta property=\"article:published_time\" content=\"2021-11-2{n}T08:00:00Z\"></head><body>\
         <article><h1>Taiwan Can Help Fight Cybercrime in the Post-Pandemic Era</h1>{body}</article>{extra}</body></html>"
    )
}

fn serve(modes: &Mutex<HashMap<usize, Page>>, host: &str, path: &str) -> Reply {
    let paras = paragraphs();
    if path == "/feed.xml" {
        let items: String = (1..=PAGES)
            .map(|n| {
                format!(
                    "<item><title>Taiwan can help {n}</title><link>http://{host}/a/{n}</link>\
                     <pubDate>Sat, 2{n} Nov 2021 08:00:00 GMT</pubDate></item>"
                )
            })
            .collect();
        let feed = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Outlet</title><link>http://{host}/</link>{items}</channel></rss>"
        );
        return fetch_support::now(fetch_support::respond(200, "application/rss+xml", feed));
    }
    if path == "/" {
        return html(
            "<html><head><title>Outlet</title></head><body><h1>Today's news</h1><p>Weather and sport.</p></body></html>",
        );
    }
    let Some(n) = path.strip_prefix("/a/").and_then(|n| n.parse::<usize>().ok()) else {
        return status(404);
    };
    let mode = modes.lock().unwrap().get(&n).copied().unwrap_or(Page::Full);
    match mode {
        Page::Full => html(&article_page(n, &paras, "")),
        Page::Removed => status(404),
        Page::Unavailable => status(503),
        Page::ToHome => redirect(301, "/"),
        Page::Paywalled => html(&article_page(
            n,
            &paras[..1],
            "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"isAccessibleForFree\":false}</script>\
             <div class=\"paywall-prompt\"><p>Subscribe to keep reading.</p></div>",
        )),
        Page::CutDown => html(&article_page(
            n,
            &paras[..1],
            "<p>Editor's note: most of this article was removed at the author's request.</p>",
        )),
    }
}

struct Outlet {
    server: Server,
    modes: Arc<Mutex<HashMap<usize, Page>>>,
    config: Config,
    _dir: tempfile::TempDir,
}

impl Outlet {
    /// The outlet served, and a config for it with `extra` appended.
    async fn start(extra: &str) -> Outlet {
        let modes = Arc::new(Mutex::new(HashMap::new()));
        let host = Arc::new(Mutex::new(String::new()));
        let server = Server::start({
            let (modes, host) = (modes.clone(), host.clone());
            // The feed names its own host, known once the server is bound.
            move |path, _| serve(&modes, &host.lock().unwrap(), path)
        })
        .await;
        *host.lock().unwrap() = server.addr.to_string();
        let base = format!("http://{}", server.addr);
        let (dir, path) = config_dir(&format!(
            r#"{ARTICLE_TOML}
[crawl]
per_host_rps = 200.0
per_host_burst = 10
retries = 0
timeout_secs = 10

[[outlets]]
id = "daily"
name = "The Daily"
country = "US"
language = "en"
homepage = "{base}/"
feeds = ["{base}/feed.xml"]
{extra}"#
        ));
        let config = Config::load(&path).unwrap();
        Outlet {
            server,
            modes,
            config,
            _dir: dir,
        }
    }

    fn set(&self, n: usize, page: Page) {
        self.modes.lock().unwrap().insert(n, page);
    }

    /// Requests for the article pages so far.
    fn page_requests(&self) -> usize {
        (1..=PAGES).map(|n| self.server.count(&format!("/a/{n}"))).sum()
    }

    async fn run_at(&self, store: &Store, now: DateTime<Utc>) -> RunSummary {
        self.run_with(store, now, None).await
    }

    async fn run_with(&self, store: &Store, now: DateTime<Utc>, shard: Option<pickup::run::Shard>) -> RunSummary {
        let options = RunOptions {
            now: Some(now),
            shard,
            ..Default::default()
        };
        pickup::run::run_with(&self.config, store, Arc::new(Silent), &options)
            .await
            .unwrap()
    }
}

/// A store named `name` in a fresh temporary folder, which lives as long as the folder returned.
fn new_store(name: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(name)).unwrap();
    (dir, store)
}

fn by_page(store: &Store) -> HashMap<usize, HitRecord> {
    store
        .hits()
        .unwrap()
        .into_iter()
        .map(|h| {
            let n = h.url.rsplit('/').next().unwrap().parse().unwrap();
            (n, h)
        })
        .collect()
}

fn status_of(h: &HitRecord) -> Option<LiveStatus> {
    h.recheck.as_ref().and_then(|r| r.status)
}

/// A store copied through `db dump` / `db restore` with the proof of page `n` taken out, as a
/// record written before pickup kept proof would be.
fn without_proof(store: &Store, n: usize, to: &Path) -> Store {
    let mut dump = Vec::new();
    pickup::backup::dump(store, &mut dump, Path::new("dump.jsonl")).unwrap();
    let lines: Vec<String> = String::from_utf8(dump)
        .unwrap()
        .lines()
        .map(|line| {
            let mut l: serde_json::Value = serde_json::from_str(line).unwrap();
            if l["tree"] == "hits" && l["value"].as_str().is_some_and(|v| v.contains(&format!("/a/{n}\""))) {
                let mut record: serde_json::Value = serde_json::from_str(l["value"].as_str().unwrap()).unwrap();
                record.as_object_mut().unwrap().remove("proof");
                l["value"] = serde_json::Value::String(record.to_string());
            }
            l.to_string()
        })
        .collect();
    let restored = Store::open(to).unwrap();
    let text = lines.join("\n") + "\n";
    pickup::backup::restore(&restored, &mut text.as_bytes(), Path::new("dump.jsonl")).unwrap();
    restored
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn re_checks_find_pages_gone_paywalled_moved_changed_or_live_and_keep_the_proof() {
    let outlet = Outlet::start("").await;
    let (dir, first) = new_store("first");
    let t0 = Utc::now();
    let found = outlet.run_at(&first, t0).await;
    assert_eq!(found.new_hits.len(), PAGES, "{found}");
    let recorded = by_page(&first);
    for h in recorded.values() {
        let proof = h.proof.as_ref().expect("proof kept at record time");
        assert!(proof.passage().unwrap().contains("Criminals adapted to the pandemic"));
        assert_eq!(proof.html_xxh3.len(), 16);
        assert!(h.recheck.is_none());
    }
    // Page 4 stands for a placement recorded before proof was kept.
    let store = without_proof(&first, 4, &dir.path().join("restored"));
    drop(first);
    assert!(by_page(&store)[&4].proof.is_none());
    assert_eq!(outlet.page_requests(), PAGES);

    // Half a day on, nothing is due: no page is fetched again.
    let early = outlet.run_at(&store, t0 + TimeDelta::hours(12)).await;
    assert_eq!(outlet.page_requests(), PAGES, "not due, not fetched");
    assert_eq!(early.record.rechecked(), 0);

    outlet.set(1, Page::Removed);
    outlet.set(2, Page::Paywalled);
    outlet.set(3, Page::ToHome);
    outlet.set(5, Page::CutDown);
    let day = t0 + TimeDelta::days(1) + TimeDelta::minutes(1);
    let checked = outlet.run_at(&store, day).await;
    assert_eq!(checked.record.rechecked(), PAGES);
    assert_eq!(outlet.page_requests(), 2 * PAGES, "each due page fetched once");
    assert!(checked.to_string().contains("re-checked: 6 placements"), "{checked}");
    let now = by_page(&store);
    let statuses: Vec<Option<LiveStatus>> = (1..=PAGES).map(|n| status_of(&now[&n])).collect();
    use LiveStatus::*;
    assert_eq!(
        statuses,
        [
            Some(Gone),
            Some(Paywalled),
            Some(Moved),
            Some(Live),
            Some(Changed),
            Some(Live)
        ]
    );
    for h in now.values() {
        assert_eq!(h.recheck.as_ref().unwrap().checked_at, Some(day));
    }
    // The note says where a moved page now leads.
    let moved = now[&3].recheck.as_ref().unwrap().note.clone().unwrap();
    assert!(
        moved.starts_with("redirected to the front page") && moved.ends_with(&format!("{}/", outlet.server.addr)),
        "{moved}"
    );
    // The placement recorded without proof gets it at its first successful re-check.
    let late_proof = now[&4].proof.as_ref().expect("proof captured on re-check");
    assert!(
        late_proof
            .passage()
            .unwrap()
            .contains("Criminals adapted to the pandemic")
    );
    assert_eq!(late_proof.captured_at, day);
    // First-seen evidence is never overwritten, and the proof of the removed page survives it.
    for n in [1, 2, 3, 5, 6] {
        let (before, after) = (&recorded[&n], &now[&n]);
        assert_eq!(
            (&after.evidence, after.first_seen, &after.proof),
            (&before.evidence, before.first_seen, &before.proof)
        );
    }
    let gone_proof = now[&1].proof.as_ref().unwrap();
    assert!(
        gone_proof
            .passage()
            .unwrap()
            .contains("The numbers tell the story. In 2020 the National Police Agency")
    );

    // An hour later nothing is due again.
    outlet.run_at(&store, day + TimeDelta::hours(1)).await;
    assert_eq!(outlet.page_requests(), 2 * PAGES);

    // A week on, page 6 answers 503: its status stands, and so does when it was decided.
    outlet.set(6, Page::Unavailable);
    let week = t0 + TimeDelta::days(7) + TimeDelta::minutes(1);
    let later = outlet.run_at(&store, week).await;
    assert_eq!(later.record.recheck_results.get("undecided"), Some(&1), "{later}");
    let now = by_page(&store);
    let six = now[&6].recheck.as_ref().unwrap();
    assert_eq!((six.status, six.checked_at), (Some(Live), Some(day)));
    assert_eq!((six.last_attempt, six.last_error.as_deref()), (week, Some("http 503")));
    assert_eq!(status_of(&now[&1]), Some(Gone));
    assert_eq!(now[&1].recheck.as_ref().unwrap().checked_at, Some(week));

    // The gone placement is exported once, with its status, and counted once.
    let hits = store.hits().unwrap();
    let records = pickup::report::records(&hits, &pickup::report::Filter::default());
    assert_eq!(records.len(), PAGES);
    let gone: Vec<_> = records.iter().filter(|r| r.url.ends_with("/a/1")).collect();
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].status_now, Some("gone"));
    assert_eq!(
        serde_json::to_value(gone[0]).unwrap()["checked_at"],
        week.to_rfc3339_opts(chrono::SecondsFormat::Secs, true).as_str()
    );
    let briefing = pickup::report::briefing::Briefing::build(
        &outlet.config,
        &pickup::report::Filter::default(),
        &records,
        &hits,
        &Default::default(),
        week,
    );
    assert_eq!((briefing.figures.placements, briefing.figures.outlets), (PAGES, 1));
    let html = pickup::report::html::render(&briefing);
    // The day of the re-check is printed beside its mark, so a printed briefing says when.
    let day = week.format("%-d %b %Y").to_string();
    assert_eq!(
        html.matches(&format!(
            ">now gone</span> <small>{}</small>",
            day.replace(' ', "&nbsp;")
        ))
        .count(),
        1,
        "{html}"
    );
    let markdown = pickup::report::markdown::render(&briefing);
    assert!(markdown.contains(&format!("(now paywalled {day})")), "{markdown}");

    // `pickup status` sums the results up and names the next re-check.
    let status = pickup::status::render_at(&outlet.config, &store, week).unwrap();
    assert!(
        status.contains("re-checks: 2 live, 1 gone, 1 moved, 1 paywalled, 1 changed; next due"),
        "{status}"
    );

    // The CSV export carries the two columns last, the gone placement once.
    drop(store);
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pickup"))
        .args(["export", "--format", "csv", "--config"])
        .arg(&outlet.config.path)
        .arg("--store")
        .arg(dir.path().join("restored"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",judgement,status_now,checked_at")
    );
    assert_eq!(csv.lines().count(), PAGES + 1);
    let checked = week.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(csv.matches(&format!(",gone,{checked}")).count(), 1, "{csv}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_schedule_is_kept_and_nothing_is_re_checked_when_off_or_in_another_shard() {
    let outlet = Outlet::start("[recheck]\nafter_days = [3]\nthen_every_days = 0\n").await;
    let (dir, store) = new_store("store");
    let t0 = Utc::now();
    outlet.run_at(&store, t0).await;
    assert_eq!(outlet.page_requests(), PAGES);
    // The default's first day is not this schedule's.
    outlet.run_at(&store, t0 + TimeDelta::days(2)).await;
    assert_eq!(outlet.page_requests(), PAGES, "nothing due before day 3");
    // The shard that does not hold the outlet leaves its placements alone.
    let shards: Vec<pickup::run::Shard> = ["1/2", "2/2"].iter().map(|s| s.parse().unwrap()).collect();
    let (mine, other) = if shards[0].contains("daily") {
        (shards[0], shards[1])
    } else {
        (shards[1], shards[0])
    };
    let day3 = t0 + TimeDelta::days(3) + TimeDelta::minutes(1);
    let skipped = outlet.run_with(&store, day3, Some(other)).await;
    assert_eq!((skipped.record.rechecked(), outlet.page_requests()), (0, PAGES));
    let done = outlet.run_with(&store, day3, Some(mine)).await;
    assert_eq!((done.record.rechecked(), outlet.page_requests()), (PAGES, 2 * PAGES));
    // No repeat: the schedule is over.
    outlet.run_at(&store, t0 + TimeDelta::days(300)).await;
    assert_eq!(outlet.page_requests(), 2 * PAGES);
    let status = pickup::status::render_at(&outlet.config, &store, t0 + TimeDelta::days(300)).unwrap();
    assert!(status.contains("re-checks: 6 live; none due any more"), "{status}");

    // Turned off: a placement long due is not fetched.
    let mut off = outlet.config.clone();
    off.recheck.enabled = false;
    let fresh = Store::open(&dir.path().join("fresh")).unwrap();
    let options = |now| RunOptions {
        now: Some(now),
        ..Default::default()
    };
    pickup::run::run_with(&off, &fresh, Arc::new(Silent), &options(t0))
        .await
        .unwrap();
    let before = outlet.page_requests();
    let later = pickup::run::run_with(&off, &fresh, Arc::new(Silent), &options(t0 + TimeDelta::days(40)))
        .await
        .unwrap();
    assert_eq!((later.record.rechecked(), outlet.page_requests()), (0, before));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_placement_is_not_re_checked_by_the_run_that_records_it() {
    let outlet = Outlet::start("[recheck]\nafter_days = [0]\nthen_every_days = 0\n").await;
    let (_dir, store) = new_store("store");
    let t0 = Utc::now();
    // Due at once after it is found, but its page was just fetched: the next run re-checks it.
    // (minutes after t0, new placements, placements re-checked, article page requests so far)
    for (minutes, new, rechecked, requests) in [(0, PAGES, 0, PAGES), (1, 0, PAGES, 2 * PAGES)] {
        let run = outlet.run_at(&store, t0 + TimeDelta::minutes(minutes)).await;
        let seen = (run.record.new_hits, run.record.rechecked(), outlet.page_requests());
        assert_eq!(seen, (new, rechecked, requests), "{run}");
    }
}
