//! The `pickup` binary as cron and users meet it: exit codes, messages, exports, `check`.

use std::path::Path;

mod cli_support;

use cli_support::{ARTICLE_TOML, Served, config_dir, fixture_world, hanging_world, pickup, served, stderr_of};

#[test]
fn config_errors_exit_2_and_name_file_line_and_field() {
    let cases = [
        (
            "[crawl]\nper_host_rps = 0\n",
            ":2: crawl.per_host_rps: 0 is out of range",
        ),
        ("[crawl]\nper_host_rsp = 1\n", "unknown field `per_host_rsp`"),
        (
            "[[outlets]]\nid = \"x\"\nname = \"X\"\ncountry = \"XX\"\nlanguage = \"en\"\n",
            "outlets[0].country: \"XX\" is not an ISO 3166-1 alpha-2",
        ),
        (
            "[[outlets]]\nid = \"x\"\nname = \"X\"\ncountry = \"US\"\nlanguage = \"en\"\nfeeds = [\"not a url\"]\n",
            "outlets[0].feeds[0]: \"not a url\" is not a valid URL",
        ),
        (
            "[[outlets]]\nid = \"x\"\nname = \"X\"\ncountry = \"US\"\nlanguage = \"en\"\n[[outlets]]\nid = \"x\"\nname = \"Y\"\ncountry = \"US\"\nlanguage = \"en\"\n",
            ":7: outlets[1].id: duplicate outlet id \"x\"",
        ),
        (
            "[[articles]]\nid = \"a\"\ntitle = \"A\"\npublished = \"2021-11-10\"\nlanguage = \"en\"\ntext = \"missing.txt\"\n",
            ":6: articles[0].text: cannot read",
        ),
    ];
    for (body, expected) in cases {
        let (_dir, path) = config_dir(&format!("{body}{ARTICLE_TOML}"));
        let err = stderr_of(pickup().arg("run").arg("--config").arg(&path), 2);
        let shown = path.display().to_string();
        assert!(err.contains(&shown), "error names the file: {err}");
        assert!(err.contains(expected), "expected {expected:?} in: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
}

#[test]
fn an_empty_article_file_is_a_config_error() {
    let (dir, path) = config_dir(ARTICLE_TOML);
    std::fs::write(dir.path().join("articles/op-ed.txt"), "\n \n").unwrap();
    let err = stderr_of(pickup().args(["export", "--format", "json", "--config"]).arg(&path), 2);
    assert!(err.contains("articles[0].text") && err.contains("is empty"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    pickup().args(["export", "--format", "xml"]).assert().code(2);
    let (_dir, path) = config_dir(ARTICLE_TOML);
    let err = stderr_of(
        pickup()
            .args(["export", "--format", "json", "--since", "last week", "--config"])
            .arg(&path),
        2,
    );
    assert!(err.contains("--since"), "{err}");
    let err = stderr_of(
        pickup()
            .args(["export", "--format", "json", "--article", "nope", "--config"])
            .arg(&path),
        2,
    );
    assert!(err.contains("no such article"), "{err}");
}

#[test]
fn a_second_run_while_the_store_is_locked_exits_4_and_touches_nothing() {
    let outlet = "[[outlets]]\nid = \"o\"\nname = \"O\"\ncountry = \"US\"\nlanguage = \"en\"\nfeeds = [\"http://127.0.0.1:1/rss\"]\n";
    let (dir, path) = config_dir(&format!("{ARTICLE_TOML}{outlet}"));
    let store = pickup::store::Store::open(&dir.path().join("store")).unwrap();
    let err = stderr_of(pickup().arg("run").arg("--config").arg(&path), 4);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("in use by another pickup run"), "{err}");
    assert!(store.hits().unwrap().is_empty());
}

#[test]
fn every_source_failing_exits_3() {
    // A port nothing listens on: bind one, note it, free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let outlet = format!(
        "[crawl]\ntimeout_secs = 2\nretries = 0\n[[outlets]]\nid = \"gone\"\nname = \"Gone\"\ncountry = \"US\"\nlanguage = \"en\"\nfeeds = [\"http://127.0.0.1:{port}/rss\"]\n"
    );
    let (_dir, path) = config_dir(&format!("{ARTICLE_TOML}{outlet}"));
    let err = stderr_of(pickup().arg("run").arg("--config").arg(&path), 3);
    assert!(err.contains("nothing could be fetched"), "{err}");
}

#[test]
fn export_has_exactly_the_design_fields_in_json_and_csv() {
    let (dir, path) = config_dir(ARTICLE_TOML);
    {
        let store = pickup::store::Store::open(&dir.path().join("store")).unwrap();
        let hit = pickup::store::HitRecord {
            article: "op-ed".into(),
            kind: pickup::detect::Kind::Edited,
            score: 0.8734,
            coverage: 0.8,
            missing_paragraphs: vec![2, 5],
            url: "https://example.org/a?id=1".into(),
            canonical_url: "https://example.org/a?id=1".into(),
            outlet: "ex".into(),
            outlet_name: "Example, \"The\" Daily".into(),
            country: "US".into(),
            language: "en".into(),
            audience: Some(120_000),
            title: Some("Taiwán puede ayudar".into()),
            published: Some("2021-11-12T21:00:00+08:00".parse().unwrap()),
            date_note: None,
            first_seen: "2021-11-13T00:00:00Z".parse().unwrap(),
            evidence: "No police force can answer a borderless crime on its own.".into(),
            syndicated_from: Some("https://original.example/a".into()),
            group: Some("00000000000000ff".into()),
            found_via: Some(pickup::store::FoundVia::Sitemap),
            variants: vec![],
            team_judgement: false,
            proof: None,
            recheck: None,
        };
        store.record_hit(&hit).unwrap();
    }
    let out = pickup()
        .args(["export", "--format", "json", "--config"])
        .arg(&path)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let record = json.as_array().unwrap()[0].as_object().unwrap();
    let keys: Vec<&str> = record.keys().map(String::as_str).collect();
    let mut expected = vec![
        "article",
        "kind",
        "score",
        "url",
        "canonical_url",
        "outlet",
        "outlet_name",
        "country",
        "language",
        "title",
        "published",
        "first_seen",
        "evidence",
        "coverage",
        "missing_paragraphs",
        "syndicated_from",
        "group",
        "found_via",
        "audience",
        "date_note",
        "judgement",
        "status_now",
        "checked_at",
    ];
    let header = expected.join(",");
    expected.sort();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    assert_eq!(record["kind"], "edited");
    assert_eq!(record["score"], 0.873);
    assert_eq!(
        record["published"], "2021-11-12T21:00:00+08:00",
        "the page's own offset is kept"
    );
    assert_eq!(record["first_seen"], "2021-11-13T00:00:00Z");
    assert_eq!(record["coverage"], 0.8);
    assert_eq!(record["missing_paragraphs"], serde_json::json!([2, 5]));
    assert_eq!(record["syndicated_from"], "https://original.example/a");
    assert_eq!(record["group"], "00000000000000ff");
    assert_eq!(record["found_via"], "sitemap");
    assert_eq!(record["audience"], 120_000);
    assert_eq!(record["date_note"], serde_json::Value::Null);
    assert_eq!(
        (&record["status_now"], &record["checked_at"]),
        (&serde_json::Value::Null, &serde_json::Value::Null),
        "never re-checked"
    );

    let out = pickup()
        .args(["export", "--format", "csv", "--config"])
        .arg(&path)
        .assert()
        .success();
    let csv = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("CSV starts with a BOM for spreadsheets");
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), header);
    let row = lines.next().unwrap();
    assert!(row.contains("\"Example, \"\"The\"\" Daily\""), "quoted when needed");
    assert!(
        row.ends_with(",0.800,\"2,5\",https://original.example/a,00000000000000ff,sitemap,120000,,pickup,,"),
        "new columns, null as empty: {row}"
    );

    let out = pickup()
        .args(["export", "--format", "html", "--config"])
        .arg(&path)
        .assert()
        .success();
    let html = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        html.contains("<b>1</b><span>placement</span>")
            && html.contains("<b>1</b><span>outlet</span>")
            && html.contains("<b>1</b><span>country</span>"),
        "{html}"
    );
    assert!(html.contains("Example, &quot;The&quot; Daily"), "escaped: {html}");

    let file = dir.path().join("out.json");
    pickup()
        .args(["export", "--format", "json", "-o"])
        .arg(&file)
        .arg("--config")
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    assert!(std::fs::read_to_string(&file).unwrap().contains("\"op-ed\""));

    let out = pickup()
        .args(["export", "--format", "json", "--since", "2021-11-13", "--config"])
        .arg(&path)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 0, "published before --since");
}

#[test]
fn check_a_file_prints_fields_text_and_verdicts_as_json() {
    let (_dir, path) = config_dir(ARTICLE_TOML);
    let page = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/world/hosts/capital-tribune/opinion/2021/11/12/taiwan-can-help-fight-cybercrime.html");
    let out = pickup()
        .arg("check")
        .arg(&page)
        .arg("--json")
        .arg("--config")
        .arg(&path)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        json["title"],
        "Taiwan Can Help Fight Cybercrime in the Post-Pandemic Era"
    );
    assert!(
        json["text"]
            .as_str()
            .unwrap()
            .starts_with("Criminals adapted to the pandemic")
    );
    assert!(
        json["text"].as_str().unwrap().contains("\n\n"),
        "paragraphs separated by blank lines"
    );
    assert_eq!(json["verdicts"][0]["article"], "op-ed");
    assert_eq!(json["verdicts"][0]["verdict"], "hit");
    assert_eq!(json["verdicts"][0]["kind"], "verbatim");

    let out = pickup()
        .arg("check")
        .arg(&page)
        .arg("--config")
        .arg(&path)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("op-ed: HIT verbatim"), "{text}");
}

#[test]
fn the_shipped_config_is_valid() {
    let config =
        pickup::config::Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/pickup.toml")).unwrap();
    let countries: std::collections::HashSet<_> = config.outlets.iter().map(|o| &o.country).collect();
    let languages: std::collections::HashSet<_> = config.outlets.iter().map(|o| &o.language).collect();
    assert!(config.outlets.len() >= 15 && countries.len() >= 8 && languages.len() >= 4);
    assert!(
        config.problems.is_empty(),
        "every row of config/outlets.csv loads: {:?}",
        config.problems
    );
    let from_csv = config
        .outlets
        .iter()
        .find(|o| o.id == "lanacion-com-ar")
        .expect("outlets.csv loads");
    assert_eq!(from_csv.country, "AR", "a country from the domain");
    assert!(
        config
            .pitched("cybercrime-2021")
            .contains(&"focustaiwan-tw".to_string())
    );
    assert!(
        config.store.path.ends_with("config/../data/pickup.sled"),
        "the store stays inside the project"
    );
}

/// The fixture world served in the background, with its config written to a temp folder.
fn live_world(edit: impl Fn(&mut pickup::localweb::World)) -> Served {
    let mut world = fixture_world();
    edit(&mut world);
    served(&world, "")
}

#[test]
fn check_record_adds_a_placement_an_embassy_emailed_in() {
    let w = live_world(|_| {});
    let url = format!(
        "{}/opinion/2021/11/12/taiwan-can-help-fight-cybercrime?utm_source=embassy",
        w.web.base("capital-tribune")
    );
    let out = pickup()
        .args(["check", &url, "--record", "--config"])
        .arg(&w.config)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("recorded: cybercrime-2021 verbatim on capital-tribune"),
        "{text}"
    );

    let out = pickup()
        .args(["export", "--format", "json", "--config"])
        .arg(&w.config)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let records = json.as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["outlet"], "capital-tribune");
    assert_eq!(
        records[0]["canonical_url"],
        format!(
            "{}/opinion/2021/11/12/taiwan-can-help-fight-cybercrime",
            w.web.base("capital-tribune")
        )
    );

    // A page on a site no outlet covers cannot be recorded: the record would have no outlet.
    let stranger = format!(
        "{}/opinion/2021/11/12/taiwan-can-help-fight-cybercrime",
        "http://127.0.0.2:9"
    );
    let err = stderr_of(
        pickup()
            .args(["check", &stranger, "--record", "--config"])
            .arg(&w.config),
        2,
    );
    assert!(err.contains("no outlet"), "{err}");
}

#[test]
fn a_killed_run_loses_no_hit_and_the_next_run_completes_the_work() {
    // relay-wire's feed hangs once (for longer than the test waits), so the run is still going
    // when it is killed, after the other outlets' placements were recorded.
    let w = hanging_world();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("pickup"))
        .args(["run", "--quiet", "--config"])
        .arg(&w.config)
        .spawn()
        .unwrap();
    let served = |needle: &str| w.web.log().iter().any(|r| r.target.contains(needle));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !(served("/feed/")
        && served("taiwan-can-help-fight-cybercrime")
        && served("taiwan-puede-ayudar")
        && served("nov/15/cybercrime-taiwan")
        && served("taiwan-offers-help-on-cybercrime")
        && served("taiwan-police-chief-interpol-appeal")
        && served("news/2021/11/13/taiwan-cybercrime")
        && served("taiwan-and-cybercrime")
        && served("taiwan-cybercrime-offer")
        && served("2021/11/15/taiwan-can-help"))
    {
        assert!(std::time::Instant::now() < deadline, "the run never got going");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run must still be waiting on the tar pit"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let store_path = w.dir.path().join("data/pickup.sled");
    // Every placement but the one behind the feed that hangs.
    let before_kill = [
        "capital-tribune",
        "capital-tribune",
        "diario-del-sur",
        "gulf-chronicle",
        "harbour-herald",
        "harbour-herald",
        "island-times",
        "islandpost-com",
        "le-courrier",
        "metro-daily",
        "pacific-review",
    ];
    let outlets = |store: &pickup::store::Store| {
        let mut o: Vec<String> = store.hits().unwrap().into_iter().map(|h| h.outlet).collect();
        o.sort();
        o
    };
    {
        let store = pickup::store::Store::open(&store_path).unwrap();
        assert_eq!(outlets(&store), before_kill);
    }
    pickup()
        .args(["run", "--quiet", "--config"])
        .arg(&w.config)
        .assert()
        .success()
        .stdout("");
    let store = pickup::store::Store::open(&store_path).unwrap();
    let mut after = before_kill.to_vec();
    after.push("relay-wire");
    assert_eq!(outlets(&store), after, "the next run completes the work");
}

#[test]
fn outlets_in_separate_files_load_and_their_errors_name_that_file() {
    let (dir, path) = config_dir(&format!("outlet_files = [\"outlets/asia.toml\"]\n{ARTICLE_TOML}"));
    std::fs::create_dir(dir.path().join("outlets")).unwrap();
    let asia = dir.path().join("outlets/asia.toml");
    let outlet = "[[outlets]]\nid = \"taipei-times\"\nname = \"Taipei Times\"\ncountry = \"TW\"\nlanguage = \"en\"\n";
    std::fs::write(&asia, outlet).unwrap();
    let config = pickup::config::Config::load(&path).unwrap();
    assert_eq!(config.outlets[0].id, "taipei-times");

    std::fs::write(&asia, outlet.replace("\"TW\"", "\"Taiwan\"")).unwrap();
    let err = stderr_of(pickup().args(["status", "--config"]).arg(&path), 2);
    assert!(
        err.contains(&format!("{}:4: outlets[0].country", asia.display())),
        "{err}"
    );
}

#[test]
fn the_demo_runs_offline_and_shows_its_placements() {
    let out = pickup().arg("demo").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Recorded: 12 placements on 10 outlets"), "{text}");
    assert!(
        text.contains("islandpost-com (auto): country MY from the search service"),
        "news search finds an outlet nobody listed: {text}"
    );
    for kind in ["verbatim", "edited", "excerpt", "translation"] {
        assert!(text.contains(kind), "the demo shows a {kind} placement: {text}");
    }
    assert!(
        text.contains("0 pages fetched, 0 new placements"),
        "the second run changes nothing: {text}"
    );
}
