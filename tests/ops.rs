//! pickup left alone under cron: config numbers checked against their ranges, outages that
//! never exit 0, damaged stores that stop every command instead of hanging it, the store lock
//! taken before `check --record` fetches, and clean shutdown on SIGTERM and Ctrl-C.

use std::path::Path;
use std::time::Duration;

mod cli_support;

use cli_support::{ARTICLE_TOML, HANG_BOUND, Served, config_dir, hanging_world, pickup, stderr_of};

fn outlet(feed: &str) -> String {
    format!("[[outlets]]\nid = \"o\"\nname = \"O\"\ncountry = \"US\"\nlanguage = \"en\"\nfeeds = [\"{feed}\"]\n")
}

/// A port nothing listens on: bound, noted, freed.
fn dead_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// --- config ranges ---------------------------------------------------------------------------

fn load(body: &str) -> Result<pickup::config::Config, String> {
    let (_dir, path) = config_dir(&format!("{ARTICLE_TOML}{body}"));
    pickup::config::Config::load(&path).map_err(|e| e.to_string())
}

#[test]
fn every_config_number_is_accepted_at_its_edges_and_refused_past_them() {
    // (key, lowest allowed, highest allowed, below, above), for [crawl], [polling], [recheck] and
    // [discovery]
    let crawl = [
        ("per_host_rps", "0.001", "1000.0", "0.0009", "1000.5"),
        ("per_host_burst", "1", "1000", "0", "1001"),
        ("max_concurrency", "1", "1024", "0", "1025"),
        ("timeout_secs", "0.01", "3600", "0.009", "3601"),
        ("connect_timeout_secs", "0.01", "3600", "0", "3600.5"),
        ("max_page_bytes", "1024", "1073741824", "1023", "1073741825"),
        ("lookback_days", "0", "36500", "-1", "36501"),
        ("retries", "0", "10", "-1", "11"),
        ("retry_base_ms", "0", "60000", "-1", "60001"),
        ("max_retry_after_secs", "0", "86400", "-1", "86401"),
        ("max_redirects", "0", "50", "-1", "51"),
        ("host_budget_secs", "0.01", "86400", "0", "86401"),
        ("robots_max_age_hours", "0", "8760", "-1", "8761"),
    ];
    let polling = [
        ("interval_minutes", "0", "10080", "-1", "10081"),
        ("min_interval_minutes", "0", "1440", "-1", "1441"),
        ("boost_days", "0", "90", "-1", "91"),
        ("quiet_days", "1", "3650", "0", "3651"),
        ("max_interval_hours", "1", "720", "0", "721"),
    ];
    let recheck = [
        ("then_every_days", "0", "365", "-1", "366"),
        ("for_days", "0", "3650", "-1", "3651"),
        ("after_days", "[0]", "[3650]", "[-1]", "[3650, 3651]"),
    ];
    let discovery = [
        ("search_days", "0", "36500", "-1", "36501"),
        ("queries_per_article", "1", "20", "0", "21"),
    ];
    for (section, rows) in [
        ("crawl", &crawl[..]),
        ("polling", &polling[..]),
        ("recheck", &recheck[..]),
        ("discovery", &discovery[..]),
    ] {
        for &(key, low, high, below, above) in rows {
            for ok in [low, high] {
                load(&format!("[{section}]\n{key} = {ok}\n")).unwrap_or_else(|e| panic!("{key} = {ok}: {e}"));
            }
            for bad in [below, above] {
                let err = load(&format!("[{section}]\n{key} = {bad}\n")).expect_err(&format!("{key} = {bad}"));
                let line = ARTICLE_TOML.lines().count() + 2;
                // A list names its entry: `recheck.after_days[1]: `.
                let named = err.contains(&format!(":{line}: {section}.{key}: "))
                    || err.contains(&format!(":{line}: {section}.{key}["));
                assert!(named, "{key} = {bad}: {err}");
            }
        }
    }
    let err = load("[recheck]\nafter_days = [1, 7, 99999]\n").unwrap_err();
    assert!(err.contains("recheck.after_days[2]: 99999 is out of range"), "{err}");
    // Re-checks turned off, either way.
    for off in ["enabled = false", "after_days = []\nthen_every_days = 0"] {
        let config = load(&format!("[recheck]\n{off}\n")).unwrap();
        assert!(!config.recheck.enabled, "{off}");
    }
    assert!(pickup::config::RecheckConfig::default().enabled);
    // An article pitched to an outlet that is not configured names the entry.
    let err = load(&format!("pitched = [\"nowhere\"]\n{}", outlet("http://127.0.0.1:1/f"))).unwrap_err();
    assert!(err.contains("articles[0].pitched[0]"), "{err}");
    load(&format!("pitched = [\"o\"]\n{}", outlet("http://127.0.0.1:1/f"))).unwrap();
    let audience = |n: &str| load(&format!("{}audience = {n}\n", outlet("http://127.0.0.1:1/f")));
    audience("0").unwrap();
    audience("10000000000").unwrap();
    let err = audience("10000000001").unwrap_err();
    assert!(
        err.contains("outlets[0].audience: 10000000001 is out of range"),
        "{err}"
    );
    let err = audience("-5").unwrap_err();
    assert!(err.contains("outlets[0].audience"), "{err}");
}

#[test]
fn config_mistakes_exit_2_naming_file_line_and_field() {
    let ro = "/proc/pickup-store";
    let cases: Vec<(String, &str)> = vec![
        (
            "[crawl]\nper_host_rps = 1e-11\n".into(),
            ":2: crawl.per_host_rps: 0.00000000001 is out of range",
        ),
        (
            "[crawl]\nper_host_rps = 1e10\n".into(),
            ":2: crawl.per_host_rps: 10000000000 is out of range",
        ),
        (
            "[crawl]\nlookback_days = 100000000\n".into(),
            ":2: crawl.lookback_days: 100000000 is out of range",
        ),
        (
            "[crawl]\nper_host_rps = \"fast\"\n".into(),
            ":2: crawl.per_host_rps: invalid type",
        ),
        ("[crawl]\nretries = 1.5\n".into(), ":2: crawl.retries: invalid type"),
        (
            "[crawl]\nuser_agent = \"pickup\\nX-Evil: 1\"\n".into(),
            ":2: crawl.user_agent: must be one line",
        ),
        (
            format!("{}audience = \"many\"\n", outlet("http://127.0.0.1:1/f")),
            ":7: outlets[0].audience: invalid type",
        ),
    ];
    for (body, expected) in cases {
        let (_dir, path) = config_dir(&format!("{body}{ARTICLE_TOML}"));
        let err = stderr_of(pickup().arg("run").arg("--config").arg(&path), 2);
        assert!(err.contains(&path.display().to_string()), "names the file: {err}");
        assert!(err.contains(expected), "expected {expected:?} in: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
    // Store paths: empty, a file, in a folder nothing can be written to.
    for (store, expected) in [
        ("", "store.path: must not be empty"),
        ("articles/op-ed.txt", "store.path: "),
        (ro, "store.path: cannot write in /proc"),
    ] {
        let body = ARTICLE_TOML.replace("path = \"store\"", &format!("path = \"{store}\""));
        let (_dir, path) = config_dir(&format!("{body}{}", outlet("http://127.0.0.1:1/f")));
        let err = stderr_of(pickup().arg("status").arg("--config").arg(&path), 2);
        assert!(err.contains(&format!("pickup.toml:3: {expected}")), "{store:?}: {err}");
    }
    // Without [store], the default (`../data/pickup.sled` from the config's folder) is checked
    // the same way: here `data` beside the config's folder is a file.
    let (dir, _) = config_dir("");
    let config = dir.path().join("config");
    std::fs::create_dir(&config).unwrap();
    std::fs::rename(dir.path().join("articles"), config.join("articles")).unwrap();
    std::fs::write(dir.path().join("data"), "not a folder").unwrap();
    let path = config.join("pickup.toml");
    let body = ARTICLE_TOML.replace("[store]\npath = \"store\"\n", "");
    std::fs::write(&path, format!("{body}{}", outlet("http://127.0.0.1:1/f"))).unwrap();
    let err = stderr_of(pickup().arg("status").arg("--config").arg(&path), 2);
    assert!(
        err.contains("pickup.toml: store.path: ")
            && err.contains("data is a file, so ")
            && err.contains("the config has no [store]"),
        "{err}"
    );
}

#[test]
fn an_empty_config_or_one_with_no_outlets_exits_2_with_a_hint() {
    let (_dir, path) = config_dir("# nothing yet\n\n");
    let err = stderr_of(pickup().arg("run").arg("--config").arg(&path), 2);
    assert!(
        err.contains("the config is empty") && err.contains("[[outlets]]"),
        "{err}"
    );
    let (_dir, path) = config_dir(ARTICLE_TOML);
    let err = stderr_of(pickup().arg("run").arg("--config").arg(&path), 2);
    assert!(err.contains("outlets: no [[outlets]]"), "{err}");
    let (_dir, path) = config_dir(&outlet("http://127.0.0.1:1/f"));
    let err = stderr_of(pickup().arg("run").arg("--config").arg(&path), 2);
    assert!(err.contains("articles: no [[articles]]"), "{err}");
}

// --- outages ---------------------------------------------------------------------------------

#[test]
fn a_run_whose_sources_all_rest_after_failures_still_exits_3_and_says_since_when() {
    let feed = format!("http://127.0.0.1:{}/rss", dead_port());
    let (dir, path) = config_dir(&format!(
        "{ARTICLE_TOML}[crawl]\ntimeout_secs = 2\nretries = 0\n{}",
        outlet(&feed)
    ));
    // Three failing runs make the source rest; the fourth polls nothing.
    for _ in 0..3 {
        let err = stderr_of(pickup().arg("run").arg("--config").arg(&path), 3);
        assert!(err.contains("nothing could be fetched"), "{err}");
    }
    let err = stderr_of(pickup().arg("run").arg("--config").arg(&path), 3);
    assert!(err.contains("resting after failures"), "{err}");
    assert!(err.contains("no source has ever answered"), "{err}");

    // A source that last answered at a known time: the outage is dated from it.
    let answered = chrono::Utc::now() - chrono::TimeDelta::hours(30);
    {
        let store = pickup::store::Store::open(&dir.path().join("store")).unwrap();
        let mut state = store.source(&feed).unwrap().unwrap();
        state.last_success = Some(answered);
        store.save_source(&feed, &state).unwrap();
        store.flush().unwrap();
    }
    let err = stderr_of(pickup().arg("run").arg("--config").arg(&path), 3);
    let since = format!("no source has answered since {}", answered.format("%Y-%m-%d %H:%M UTC"));
    assert!(err.contains(&since) && err.contains("(1 d 6 h ago)"), "{err}");
}

// --- damaged stores --------------------------------------------------------------------------

fn hit(i: usize) -> pickup::store::HitRecord {
    serde_json::from_value(serde_json::json!({
        "article": format!("a{i}"), "kind": "verbatim", "score": 1.0, "coverage": 1.0,
        "url": format!("https://news.example/{i}"), "canonical_url": format!("https://news.example/{i}"),
        "outlet": "o", "outlet_name": "O", "country": "US", "language": "en",
        "title": "t".repeat(200), "published": null, "first_seen": "2026-01-01T00:00:00Z",
        "evidence": "e".repeat(500), "variants": []
    }))
    .unwrap()
}

/// A store of `n` placements whose `db` file then has 4 KiB at `offset` overwritten.
fn damaged_store(store: &Path, n: usize, offset: u64) {
    {
        let s = pickup::store::Store::open(store).unwrap();
        for i in 0..n {
            s.record_hit(&hit(i)).unwrap();
            s.mark_seen(&format!("page{i}"), chrono::Utc::now()).unwrap();
        }
        s.flush().unwrap();
        pickup::store_guard::write_witness(&s).unwrap();
    }
    use std::io::{Seek, Write};
    let mut db = std::fs::OpenOptions::new().write(true).open(store.join("db")).unwrap();
    let len = db.metadata().unwrap().len();
    assert!(len > offset + 4096, "the store is larger than the damage: {len}");
    db.seek(std::io::SeekFrom::Start(offset)).unwrap();
    db.write_all(&[0x5a; 4096]).unwrap();
}

#[test]
fn every_command_reading_a_damaged_store_stops_with_exit_1_naming_it_and_db_check() {
    // Damage at the start (the engine drops everything after it) and in the middle of a larger
    // store (the engine panics while opening it).
    for (n, offset) in [(60, 0), (1500, 1 << 20)] {
        let (dir, path) = config_dir(&format!("{ARTICLE_TOML}{}", outlet("http://127.0.0.1:1/f")));
        let store = dir.path().join("store");
        damaged_store(&store, n, offset);
        let commands: [&[&str]; 4] = [
            &["status"],
            &["export", "--format", "json"],
            &["run"],
            &["check", "http://127.0.0.1:1/f", "--record"],
        ];
        for args in commands {
            let err = stderr_of(pickup().args(args).arg("--config").arg(&path), 1);
            assert!(
                err.contains(&store.display().to_string()) && err.contains("pickup db check"),
                "{args:?} on damage at {offset}: {err}"
            );
            assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        }
    }
}

// --- check --record and the lock ------------------------------------------------------------

#[test]
fn check_record_takes_the_store_lock_before_fetching() {
    let site = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    site.set_nonblocking(true).unwrap();
    let base = format!("http://{}", site.local_addr().unwrap());
    let (dir, path) = config_dir(&format!("{ARTICLE_TOML}{}", outlet(&format!("{base}/rss"))));
    let _held = pickup::store::Store::open(&dir.path().join("store")).unwrap();
    let err = stderr_of(
        pickup()
            .args(["check", &format!("{base}/opinion/1"), "--record", "--config"])
            .arg(&path),
        4,
    );
    assert!(err.contains("in use by another pickup run"), "{err}");
    assert!(
        matches!(site.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "nothing was fetched"
    );
}

// --- clean shutdown --------------------------------------------------------------------------

impl Served {
    /// Starts `pickup run` and waits until it has recorded the other outlets' placements and
    /// is held by the hanging feed.
    fn run_until_stuck(&self) -> std::process::Child {
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("pickup"))
            .args(["run", "--config"])
            .arg(&self.config)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let served = |needle: &str| self.web.log().iter().any(|r| r.target.contains(needle));
        let deadline = std::time::Instant::now() + HANG_BOUND;
        while !(served("/feed/")
            && served("taiwan-can-help-fight-cybercrime")
            && served("taiwan-puede-ayudar")
            && served("nov/15/cybercrime-taiwan")
            && served("taiwan-cybercriminalite")
            && served("column-scams-know-no-borders"))
        {
            assert!(std::time::Instant::now() < deadline, "the run never got going");
            std::thread::sleep(Duration::from_millis(100));
        }
        child
    }

    fn store(&self) -> pickup::store::Store {
        pickup::store::Store::open(&self.dir.path().join("data/pickup.sled")).unwrap()
    }
}

fn signal(child: &std::process::Child, name: &str) {
    let status = std::process::Command::new("kill")
        .args(["-s", name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for the child (bounded against hangs) and returns its exit code and standard error.
fn finish(mut child: std::process::Child) -> (i32, String) {
    let deadline = std::time::Instant::now() + HANG_BOUND;
    while child.try_wait().unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "the run did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stderr).unwrap())
}

fn outlets(store: &pickup::store::Store) -> Vec<String> {
    let mut o: Vec<String> = store.hits().unwrap().into_iter().map(|h| h.outlet).collect();
    o.sort();
    o
}

#[test]
fn sigterm_stops_a_run_cleanly_with_exit_143_and_the_next_run_completes_it() {
    let w = hanging_world();
    let child = w.run_until_stuck();
    // The placement pages were served: the stop lets their judging finish and be recorded.
    signal(&child, "TERM");
    let (code, err) = finish(child);
    assert_eq!(code, 143, "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("stopped by SIGTERM") && err.contains("new placements recorded"),
        "{err}"
    );
    {
        let store = w.store();
        let kept = outlets(&store);
        // The placements whose pages were served before the signal are all recorded.
        for o in [
            "capital-tribune",
            "diario-del-sur",
            "harbour-herald",
            "le-courrier",
            "pacific-review",
        ] {
            assert!(kept.iter().any(|k| k == o), "{o} in {kept:?}");
        }
        assert!(!kept.iter().any(|k| k == "relay-wire"), "{kept:?}");
        assert!(
            store.last_run().unwrap().unwrap().interrupted,
            "the run's record says so"
        );
        // relay-wire's source was not finished: its state was not saved as done.
        let relay = store
            .sources()
            .unwrap()
            .into_iter()
            .find(|(url, _)| url.ends_with("/feed/"))
            .map(|(_, s)| s);
        assert!(relay.as_ref().is_none_or(|s| s.body_hash.is_none()), "{relay:?}");
    }
    // The hang was the feed's first request only: the next run completes the work.
    let kept = outlets(&w.store());
    pickup()
        .args(["run", "--quiet", "--config"])
        .arg(&w.config)
        .assert()
        .success();
    let all = outlets(&w.store());
    assert!(all.contains(&"relay-wire".to_string()), "{all:?}");
    assert!(
        kept.iter().all(|o| all.contains(o)),
        "nothing lost: {kept:?} in {all:?}"
    );
}

#[test]
fn ctrl_c_exits_130_and_a_second_signal_exits_at_once_keeping_every_placement() {
    let w = hanging_world();
    let child = w.run_until_stuck();
    signal(&child, "INT");
    signal(&child, "INT");
    let (code, err) = finish(child);
    assert_eq!(code, 130, "{err}");
    assert!(err.contains("SIGINT"), "{err}");
    // The store is whole (it opens as every command opens it) and the next run completes it.
    let kept = outlets(&pickup::store_guard::open_checked(&w.dir.path().join("data/pickup.sled")).unwrap());
    pickup()
        .args(["run", "--quiet", "--config"])
        .arg(&w.config)
        .assert()
        .success();
    let all = outlets(&w.store());
    assert!(kept.iter().all(|o| all.contains(o)), "{kept:?} kept in {all:?}");
    assert!(all.contains(&"relay-wire".to_string()), "{all:?}");
}

#[test]
fn log_format_json_writes_one_json_object_per_event_the_error_included() {
    let feed = format!("http://127.0.0.1:{}/rss", dead_port());
    let (_dir, path) = config_dir(&format!(
        "{ARTICLE_TOML}[crawl]\ntimeout_secs = 2\nretries = 0\n{}",
        outlet(&feed)
    ));
    let err = stderr_of(
        pickup()
            .args(["run", "--verbose", "--log-format", "json", "--config"])
            .arg(&path),
        3,
    );
    let events: Vec<serde_json::Value> = err
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(events.len() >= 2, "{err}");
    assert!(
        events
            .iter()
            .all(|e| e["timestamp"].is_string() && e["level"].is_string())
    );
    let last = events.last().unwrap();
    assert_eq!(last["fields"]["exit_code"], 3);
    assert!(
        last["fields"]["message"]
            .as_str()
            .unwrap()
            .contains("nothing could be fetched")
    );
}
