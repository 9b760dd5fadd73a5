//! `pickup report` end to end: on the demo world and on a generated world of 64 placements of two
//! articles (CJK text, hostile scraped titles), in HTML, Markdown, XLSX (read back and compared
//! cell by cell with the JSON export) and PDF (printed by headless Chromium, checked page by page).
//!
//! The PDF test needs Chromium and poppler-utils (pdfinfo, pdftoppm, pdftotext). Without them it
//! says so and skips, except in CI (`CI=true`), where `.ci/run` installs them and their absence
//! is a failure.

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx};
use pickup::localweb::{LocalWeb, World};
use pickup::store::{HitRecord, Store};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn pickup(config: &Path) -> Command {
    let mut cmd = Command::cargo_bin("pickup").unwrap();
    cmd.arg("--config").arg(config).env_remove("PICKUP_CONFIG");
    cmd
}

fn run_ok(config: &Path, args: &[&str]) -> Vec<u8> {
    let out = pickup(config).args(args).assert().success();
    out.get_output().stdout.clone()
}

/// `pickup report` of one article's placements between two days (inclusive).
fn report_of(config: &Path, article: &str, since: &str, until: &str) -> Vec<u8> {
    run_ok(
        config,
        &["report", "--article", article, "--since", since, "--until", until],
    )
}

/// Where to keep rendered files for a person to look at (`PICKUP_REPORT_ARTIFACTS=dir`).
fn keep(name: &str, from: &Path) {
    if let Some(dir) = std::env::var_os("PICKUP_REPORT_ARTIFACTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(from, dir.join(name)).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// The generated world.

/// Countries with a language of theirs and an outlet name in it.
const PLACES: &[(&str, &str, &str)] = &[
    ("TW", "zh", "台北時報"),
    ("JP", "ja", "日本経済新報"),
    ("KR", "ko", "서울 데일리"),
    ("GB", "en", "The Harbour Herald"),
    ("US", "en", "Capital Tribune"),
    ("ES", "es", "Diario de Levante"),
    ("AR", "es", "Diario del Sur"),
    ("MX", "es", "El Correo de México"),
    ("FR", "fr", "Le Courrier"),
    ("DE", "de", "Rheinische Rundschau"),
    ("BR", "pt", "Folha do Planalto"),
    ("ID", "id", "Harian Nusantara"),
    ("PH", "en", "Manila Morning Post"),
    ("IN", "en", "Deccan Daily"),
    ("AU", "en", "Pacific Review"),
    ("VN", "vi", "Báo Sài Gòn"),
    ("RU", "ru", "Невский вестник"),
    ("TR", "tr", "İstanbul Postası"),
];

/// Scraped titles meant to break a page, a spreadsheet or a table.
const HOSTILE: &[&str] = &[
    "=HYPERLINK(\"http://evil.example/steal\",\"Click for the full text\")",
    "<script>alert(\"pwned\")</script> & <b>bold</b>",
    "\"><img src=x onerror=alert(1)>",
    "+cmd|' /C calc'!A0",
    "-2+3 @SUM(A1:A9) | [link](javascript:alert(1))",
    "@import url(evil.css)",
];

const FOUND_VIA: [&str; 4] = ["feed", "sitemap", "listing", "manual"];

const ARTICLE_EN: &str = "Taiwan Can Help Fight Cybercrime in the Post-Pandemic Era";
const ARTICLE_JA: &str = "台湾は国際社会と共に気候変動に立ち向かう";

/// Writes the config and a store of 64 placements: 40 of the English article, 24 of the Japanese
/// one, on 46 outlets in 18 countries; six titles are hostile. Returns the config path.
fn big_world(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("articles")).unwrap();
    std::fs::write(
        dir.join("articles/en.txt"),
        "Taiwan can help.\n\nIt has much to offer.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("articles/ja.txt"),
        "台湾は国際社会と共に歩む。\n\n気候変動に立ち向かう。\n",
    )
    .unwrap();
    let mut config = String::from(
        "[store]\npath = \"data/pickup.sled\"\n\n\
         [report]\ntitle = \"Ministry of Foreign Affairs — op-ed placements\"\n\n\
         [[articles]]\nid = \"cyber\"\ntitle = \"Taiwan Can Help Fight Cybercrime in the Post-Pandemic Era\"\n\
         author = \"Huang Chia-lu\"\npublished = \"2021-11-10\"\nlanguage = \"en\"\ntext = \"articles/en.txt\"\n\n\
         [[articles]]\nid = \"climate\"\ntitle = \"台湾は国際社会と共に気候変動に立ち向かう\"\nauthor = \"李 明哲\"\n\
         published = \"2021-11-20\"\nlanguage = \"ja\"\ntext = \"articles/ja.txt\"\n\n",
    );
    let outlets = 46;
    for i in 0..outlets {
        let (country, language, name) = PLACES[i % PLACES.len()];
        let name = if i < PLACES.len() {
            name.to_string()
        } else {
            format!("{name} {}", i / PLACES.len() + 1)
        };
        let name = if i == 7 { format!("{name} <b>Weekly</b>") } else { name };
        // Every fifth outlet has no audience in the config.
        let audience = if i % 5 == 4 {
            String::new()
        } else {
            format!("audience = {}\n", 40_000 + (i as u64 * 7_919 % 97) * 31_000)
        };
        config.push_str(&format!(
            "[[outlets]]\nid = \"o{i:02}\"\nname = {}\ncountry = \"{country}\"\nlanguage = \"{language}\"\n{audience}\n",
            toml_string(&name)
        ));
    }
    let path = dir.join("pickup.toml");
    std::fs::write(&path, &config).unwrap();
    let store = Store::open(&dir.join("data/pickup.sled")).unwrap();
    let mut n = 0;
    for (article, count, first_day) in [("cyber", 40usize, 10u32), ("climate", 24, 20)] {
        for j in 0..count {
            // The Japanese article runs on outlets 22.. (some outlets ran both).
            let i = if article == "cyber" { j } else { 22 + j };
            let (country, outlet_language, _) = PLACES[i % PLACES.len()];
            let kind = ["verbatim", "edited", "excerpt", "translation"][(j + usize::from(article == "climate")) % 4];
            let language = if kind == "translation" {
                outlet_language
            } else if article == "cyber" {
                "en"
            } else {
                "ja"
            };
            let day =
                chrono::NaiveDate::from_ymd_opt(2021, 11, first_day).unwrap() + chrono::Days::new(j as u64 * 7 % 16);
            let title = if n % 11 == 3 {
                HOSTILE[(n / 11) % HOSTILE.len()].to_string()
            } else if article == "climate" {
                format!("{ARTICLE_JA}（{}）", j + 1)
            } else {
                format!("{ARTICLE_EN} — part {}", j + 1)
            };
            let hour = 6 + (j % 12);
            let hit = json!({
                "article": article,
                "kind": kind,
                "score": 0.6 + (j % 5) as f64 * 0.08,
                "coverage": 0.5 + (j % 6) as f64 * 0.1,
                "url": format!("https://o{i:02}.example/{article}/{j}?utm_source=x&ref=<home>"),
                "canonical_url": format!("https://o{i:02}.example/{article}/{j}"),
                "outlet": format!("o{i:02}"),
                "outlet_name": config_name(&config, i),
                "country": country,
                "language": language,
                "title": title,
                "published": if j % 9 == 8 { Value::Null } else if country == "TW" || country == "JP" {
                    // The page's own offset, as placements keep it.
                    json!(format!("{day}T{hour:02}:30:00+0{}:00", if country == "TW" { 8 } else { 9 }))
                } else {
                    json!(format!("{day}T{hour:02}:30:00Z"))
                },
                "missing_paragraphs": if kind == "excerpt" { json!([2, 3, 5]) } else { json!([]) },
                // Every seventh placement credits the wire it came from.
                "syndicated_from": if n % 7 == 6 { json!(format!("https://wire.example/{article}")) } else { Value::Null },
                "group": format!("{:016x}", j % 5),
                "found_via": FOUND_VIA[n % 4],
                "date_note": if j % 9 == 8 { json!("no date on the page: first seen") } else { Value::Null },
                "first_seen": format!("{}T23:00:00Z", day + chrono::Days::new(1)),
                "evidence": format!("“Taiwan can help” — {} <iframe src=x> paragraph {} of the text as it ran, quoted at length so the evidence is long enough to be shortened in the report's table.", if article == "climate" { "台湾は国際社会と共に歩む。" } else { "" }, j + 1),
                "variants": [],
            });
            let hit: HitRecord = serde_json::from_value(hit).unwrap();
            assert!(store.record_hit(&hit).unwrap(), "one placement per article and outlet");
            n += 1;
        }
    }
    assert_eq!(n, 64);
    path
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The outlet name the config gives outlet `i` (its `name = ...` line).
fn config_name(config: &str, i: usize) -> String {
    let block = config.split("[[outlets]]").nth(i + 1).unwrap();
    let line = block.lines().find(|l| l.starts_with("name = ")).unwrap();
    serde_json::from_str(line.trim_start_matches("name = ")).unwrap()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn html_names_the_article_period_and_figures_and_escapes_every_scraped_string() {
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    let html = String::from_utf8(run_ok(&config, &["report"])).unwrap();
    // Title block.
    assert!(html.contains("Ministry of Foreign Affairs — op-ed placements"));
    assert!(html.contains(ARTICLE_EN) && html.contains(ARTICLE_JA));
    assert!(html.contains("Huang Chia-lu") && html.contains("published 10 November 2021"));
    assert!(html.contains("Period covered") && html.contains("Generated"));
    assert!(html.contains("none: every recorded placement"));
    // Headline: 64 placements on 46 outlets in 18 countries.
    for figure in [
        "<b>64</b><span>placements",
        "<b>46</b><span>outlets",
        "<b>18</b><span>countries",
    ] {
        assert!(html.contains(figure), "{figure}");
    }
    assert!(html.contains("once per article"), "the reach rule is stated");
    assert!(html.contains("direct (run by the outlet itself)</td><td class=\"n\">55<"));
    assert!(html.contains("syndicated (credits another site)</td><td class=\"n\">9<"));
    assert_eq!(
        html.matches(">syndicated</span>").count(),
        9,
        "syndicated rows are marked"
    );
    assert!(html.contains("audience unknown for 9 of 46 outlets"), "{html}");
    // Names people use.
    for name in [
        "Taiwan",
        "South Korea",
        "United Kingdom",
        "United States",
        "Russia",
        "Japanese",
        "Spanish",
    ] {
        assert!(html.contains(name), "{name}");
    }
    assert!(!html.contains("Province of China") && !html.contains("Republic of"));
    // Charts and tables.
    assert!(html.contains("Placements per day") && html.contains("By country") && html.contains("By language"));
    assert!(html.contains("Top outlets by audience") && html.contains("How to read this"));
    assert_eq!(
        html.matches("<tr><td class=\"d\">").count(),
        64,
        "every placement has a row"
    );
    // Hostile text is text.
    assert!(!html.contains("<script>") && !html.contains("<img src=x") && !html.contains("<iframe"));
    assert!(!html.contains("<b>Weekly</b>"));
    assert!(html.contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("ref=&lt;home&gt;"), "URLs are escaped in href too");
    // The same page from export.
    let export = String::from_utf8(run_ok(&config, &["export", "--format", "html"])).unwrap();
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("Generated") && !l.contains("Made by"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip(&export),
        strip(&html),
        "export --format html is the report's HTML"
    );
}

#[test]
fn filters_narrow_the_report_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    let html = String::from_utf8(report_of(&config, "climate", "2021-11-25", "2021-11-30")).unwrap();
    assert!(html.contains(&format!("<h1>{ARTICLE_JA}</h1>")));
    assert!(html.contains("article climate; published 25 November 2021 to 30 November 2021"));
    assert!(html.contains("25 November 2021 – 30 November 2021"));
    assert!(!html.contains(ARTICLE_EN));
    let rows = html.matches("<tr><td class=\"d\">").count();
    assert!(rows > 0 && rows < 24, "{rows}");

    let md = String::from_utf8(run_ok(&config, &["report", "--format", "md", "--until", "2021-11-01"])).unwrap();
    assert!(
        md.contains("No placements found between 10 November 2021 and 1 November 2021")
            || md.contains("No placements found"),
        "{md}"
    );
}

#[test]
fn since_after_until_and_an_unknown_article_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    pickup(&config)
        .args(["report", "--since", "2021-12-01", "--until", "2021-11-01"])
        .assert()
        .code(2);
    pickup(&config).args(["report", "--article", "nope"]).assert().code(2);
}

#[test]
fn markdown_has_the_title_block_headline_and_a_table_safe_from_scraped_text() {
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    let md = String::from_utf8(run_ok(&config, &["report", "--format", "md"])).unwrap();
    assert!(
        md.starts_with("# Ministry of Foreign Affairs — op-ed placements\n"),
        "{md}"
    );
    assert!(md.contains("**64 placements** on **46 outlets** in **18 countries**"));
    assert!(md.contains("## Every placement") && md.contains(&format!("### {ARTICLE_JA}")));
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Date"))
        .collect();
    assert_eq!(rows.len(), 64);
    for row in rows {
        // Seven cells: escaped pipes do not split a row.
        let cells = row.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 8, "{row}");
    }
    assert!(!md.contains("<script>") && md.contains("\\<script\\>"));
    assert!(!md.contains("](javascript:"));
}

#[test]
fn csv_cells_that_would_be_formulas_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    let csv = String::from_utf8(run_ok(&config, &["export", "--format", "csv"])).unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let title = headers.iter().position(|h| h == "title").unwrap();
    let titles: Vec<String> = reader.records().map(|r| r.unwrap()[title].to_string()).collect();
    assert!(titles.contains(&"'=HYPERLINK(\"http://evil.example/steal\",\"Click for the full text\")".to_string()));
    assert!(titles.contains(&"'+cmd|' /C calc'!A0".to_string()));
    assert!(titles.contains(&"'@import url(evil.css)".to_string()));
    for t in &titles {
        assert!(!t.starts_with(['=', '+', '-', '@', '\t', '\r']), "{t}");
    }
}

/// A Placements cell as the JSON value it stands for.
fn cell_json(cell: &Data, field: &str) -> Value {
    match cell {
        // An empty list is an empty cell.
        Data::Empty if field == "missing_paragraphs" => json!([]),
        Data::Empty => Value::Null,
        Data::String(s) if field == "missing_paragraphs" => {
            json!(
                s.split(", ")
                    .filter(|x| !x.is_empty())
                    .map(|x| x.parse::<u64>().unwrap())
                    .collect::<Vec<_>>()
            )
        }
        Data::String(s) => json!(s),
        Data::Float(f) => json!(f),
        Data::Int(i) => json!(i),
        Data::DateTime(d) => json!(d.as_datetime().unwrap().format("%Y-%m-%dT%H:%M:%S").to_string()),
        other => panic!("unexpected cell {other:?} in {field}"),
    }
}

#[test]
fn the_workbook_reads_back_equal_to_the_json_export() {
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    let json: Vec<Value> = serde_json::from_slice(&run_ok(&config, &["export", "--format", "json"])).unwrap();
    let path = dir.path().join("briefing.xlsx");
    run_ok(&config, &["report", "--format", "xlsx", "-o", path.to_str().unwrap()]);
    let also = dir.path().join("export.xlsx");
    run_ok(&config, &["export", "--format", "xlsx", "-o", also.to_str().unwrap()]);
    keep("big-world.xlsx", &path);

    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "Placements"]);
    let sheet = book.worksheet_range("Placements").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let fields: Vec<String> = json[0].as_object().unwrap().keys().cloned().collect();
    let mut sorted_header = header.clone();
    sorted_header.sort();
    let mut sorted_fields = fields.clone();
    sorted_fields.sort();
    assert_eq!(sorted_header, sorted_fields, "a column per export field");
    assert_eq!(rows.len() - 1, json.len());
    let mut matched = 0;
    for row in &rows[1..] {
        let get = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
        let record = json
            .iter()
            .find(|r| {
                Data::String(r["url"].as_str().unwrap().to_string()) == *get("url")
                    && Data::String(r["article"].as_str().unwrap().to_string()) == *get("article")
            })
            .expect("every row is a JSON record");
        for (i, field) in header.iter().enumerate() {
            let want = &record[field];
            let got = cell_json(&row[i], field);
            let same = match (field.as_str(), want) {
                // Dates: the page's own local time, as the JSON's RFC 3339 text states it.
                ("published" | "first_seen", Value::String(s)) => {
                    got.as_str()
                        == Some(
                            &chrono::DateTime::parse_from_rfc3339(s)
                                .unwrap()
                                .naive_local()
                                .format("%Y-%m-%dT%H:%M:%S")
                                .to_string(),
                        )
                }
                (_, Value::Number(n)) => got.as_f64().is_some_and(|g| (g - n.as_f64().unwrap()).abs() < 1e-9),
                _ => got == *want,
            };
            assert!(same, "{field}: cell {got} vs JSON {want}");
        }
        matched += 1;
    }
    assert_eq!(matched, 64);
    // Hostile titles are string cells, never formulas.
    let formulas = book.worksheet_formula("Placements").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );
    assert!(
        rows.iter()
            .any(|r| r.iter().any(|c| c == &Data::String(HOSTILE[0].to_string())))
    );

    // The Summary sheet carries the headline figures.
    let summary = book.worksheet_range("Summary").unwrap();
    let figure = |label: &str| {
        summary
            .rows()
            .find(|r| r[0] == Data::String(label.to_string()))
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("{label}"))
    };
    assert_eq!(figure("Placements"), Data::Float(64.0));
    assert_eq!(figure("Outlets"), Data::Float(46.0));
    assert_eq!(figure("Countries"), Data::Float(18.0));
    assert_eq!(figure("Outlets with unknown audience"), Data::Float(9.0));
    assert!(summary.rows().any(|r| r[0] == Data::String("Taiwan".into())));
    assert!(summary.rows().any(|r| r[0] == Data::String("Japanese".into())));

    // Hyperlinks, frozen header and autofilter, read from the sheet's XML.
    let xml = sheet_xml(&path, "xl/worksheets/sheet2.xml");
    assert!(xml.contains("<pane ySplit=\"1\""), "header row frozen");
    assert!(xml.contains("<autoFilter ref=\"A1:"), "autofilter on");
    assert!(
        xml.matches("<hyperlink ").count() >= 128,
        "url and canonical_url are links"
    );
    // export --format xlsx writes the same workbook.
    let mut exported: Xlsx<_> = calamine::open_workbook(&also).unwrap();
    assert_eq!(exported.worksheet_range("Placements").unwrap(), sheet);
}

fn sheet_xml(xlsx: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
    text
}

#[test]
fn empty_and_one_placement_reports_read_well() {
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    let html = String::from_utf8(report_of(&config, "cyber", "2022-01-01", "2022-01-31")).unwrap();
    assert!(
        html.contains("No placements found between 1 January 2022 and 31 January 2022."),
        "{html}"
    );
    assert!(!html.contains("<table class=\"placements\""));

    // One placement: an article on a day with exactly one.
    let json: Vec<Value> = serde_json::from_slice(&run_ok(&config, &["export", "--format", "json"])).unwrap();
    let day = |r: &Value| r["published"].as_str().unwrap_or(r["first_seen"].as_str().unwrap())[..10].to_string();
    let lone = json
        .iter()
        .find(|r| {
            json.iter()
                .filter(|o| o["article"] == r["article"] && day(o) == day(r))
                .count()
                == 1
        })
        .expect("a day with one placement");
    let (article, d) = (lone["article"].as_str().unwrap(), day(lone));
    let one = String::from_utf8(run_ok(
        &config,
        &[
            "report",
            "--article",
            article,
            "--since",
            &d,
            "--until",
            &d,
            "--format",
            "md",
        ],
    ))
    .unwrap();
    assert!(
        one.contains("**1 placement** on **1 outlet** in **1 country** and **1 language**"),
        "{one}"
    );
}

#[test]
fn pdf_without_a_browser_exits_2_and_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    let out = pickup(&config)
        .args(["report", "--format", "pdf"])
        .env("PATH", dir.path())
        .env("PICKUP_CHROME", dir.path().join("no-such-chrome"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("apt-get install chromium") && stderr.contains("print it to PDF"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// Rendering with headless Chromium.

/// The browser and poppler tools, or `None` (skip) outside CI; in CI their absence fails.
fn renderer() -> Option<PathBuf> {
    let browser = pickup::report::pdf::find_browser();
    let poppler = ["pdfinfo", "pdftoppm", "pdftotext"]
        .iter()
        .all(|t| std::process::Command::new(t).arg("-v").output().is_ok());
    match (browser, poppler) {
        (Some(b), true) => Some(b),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI must have chromium and poppler-utils (.ci/run installs them)")
        }
        _ => {
            eprintln!("SKIPPED: no chromium or poppler-utils; the PDF rendering test did not run");
            None
        }
    }
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(name).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The share of a page's pixels that are not white, from a PGM (`pdftoppm -gray`).
fn ink(pgm: &Path) -> f64 {
    let bytes = std::fs::read(pgm).unwrap();
    // Header: "P5\n<w> <h>\n255\n".
    let mut fields = 0;
    let mut at = 0;
    let mut in_field = false;
    while fields < 4 {
        let c = bytes[at];
        if c.is_ascii_whitespace() {
            if in_field {
                fields += 1;
            }
            in_field = false;
        } else {
            in_field = true;
        }
        at += 1;
    }
    let pixels = &bytes[at..];
    pixels.iter().filter(|p| **p < 200).count() as f64 / pixels.len() as f64
}

struct Printed {
    pages: usize,
    /// Link annotations in the PDF: each placement's headline stays clickable.
    links: usize,
    ink: Vec<f64>,
    first_page_text: String,
}

/// Prints the report with `pickup report --format pdf`, screenshots the HTML, and measures both.
fn print_and_check(config: &Path, name: &str, browser: &Path, paper: &str) -> Printed {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join(format!("{name}.pdf"));
    run_ok(config, &["report", "--format", "pdf", "-o", pdf.to_str().unwrap()]);
    keep(&format!("{name}.pdf"), &pdf);
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(info.contains(paper), "{paper} paper: {info}");
    let prefix = dir.path().join("page");
    tool(
        "pdftoppm",
        &["-r", "30", "-gray", pdf.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    let mut pgms: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pgms.sort();
    assert_eq!(pgms.len(), pages);
    let first_page_text = tool(
        "pdftotext",
        &["-f", "1", "-l", "1", "-layout", pdf.to_str().unwrap(), "-"],
    );

    // A screenshot of the HTML as a browser shows it, beside one of a blank page.
    let html = dir.path().join(format!("{name}.html"));
    std::fs::write(&html, run_ok(config, &["report"])).unwrap();
    let blank = dir.path().join("blank.html");
    std::fs::write(&blank, "<!DOCTYPE html><html><body></body></html>").unwrap();
    let shot = |page: &Path, png: &Path| {
        pickup::report::pdf::run_headless(
            browser,
            &[
                "--window-size=1100,1500".to_string(),
                format!("--screenshot={}", png.display()),
                pickup::report::pdf::file_url(page),
            ],
        )
        .unwrap();
        std::fs::read(png).unwrap()
    };
    let png = shot(&html, &dir.path().join(format!("{name}.png")));
    keep(&format!("{name}.png"), &dir.path().join(format!("{name}.png")));
    let empty = shot(&blank, &dir.path().join("blank.png"));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let size = |png: &[u8]| {
        (
            u32::from_be_bytes(png[16..20].try_into().unwrap()),
            u32::from_be_bytes(png[20..24].try_into().unwrap()),
        )
    };
    assert_eq!(size(&png), size(&empty));
    assert!(
        png.len() > 10 * empty.len(),
        "the screenshot shows the page ({} vs blank {})",
        png.len(),
        empty.len()
    );
    let bytes = std::fs::read(&pdf).unwrap();
    let links = bytes.windows(4).filter(|w| w == b"/URI").count();
    Printed {
        pages,
        links,
        ink: pgms.iter().map(|p| ink(p)).collect(),
        first_page_text,
    }
}

#[test]
fn the_report_prints_to_a_few_full_pages_with_the_headline_first() {
    let Some(browser) = renderer() else { return };
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    let text = std::fs::read_to_string(&config).unwrap();
    // Letter is 18 mm shorter than A4: a page more at most.
    for (paper, name, most) in [("(A4)", "big-world", 6), ("(letter)", "big-world-letter", 7)] {
        if paper == "(letter)" {
            let letter = text.replace("[report]\n", "[report]\npaper = \"letter\"\n");
            std::fs::write(&config, letter).unwrap();
        }
        let printed = print_and_check(&config, name, &browser, paper);
        assert!(
            (2..=most).contains(&printed.pages),
            "64 placements print on {} {paper} pages",
            printed.pages
        );
        for (i, ink) in printed.ink.iter().enumerate() {
            assert!(*ink > 0.005, "page {} is not blank ({ink})", i + 1);
        }
        assert!(printed.links >= 64, "{} links in the PDF", printed.links);
        let first = &printed.first_page_text;
        for wanted in [
            "Ministry of Foreign Affairs",
            "Period covered",
            "placements",
            "Placements per day",
            "By country",
            "By language",
        ] {
            assert!(first.contains(wanted), "page 1 has {wanted}:\n{first}");
        }
        assert!(
            !first.contains("Every placement"),
            "the table starts after the first page"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_world_reports_and_prints() {
    let world = World::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/world")).unwrap();
    let web = LocalWeb::start(&world).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = pickup::demo::write_config(&web, &world, dir.path()).unwrap();
    let config = pickup::config::Config::load(&path).unwrap();
    {
        let store = Store::open(&config.store.path).unwrap();
        pickup::run::run(&config, &store).await.unwrap();
    }
    let config_path = path.clone();
    let html = tokio::task::spawn_blocking(move || String::from_utf8(run_ok(&config_path, &["report"])).unwrap())
        .await
        .unwrap();
    assert!(html.contains("<h1>Taiwan Can Help Fight Cybercrime in the Post-Pandemic Era</h1>"));
    assert!(html.contains("By Huang Chia-lu · published 10 November 2021"));
    // The demo world: 11 placements on its 9 outlets, and one on the unlisted outlet news search finds.
    assert!(html.contains("<b>12</b><span>placements") && html.contains("<b>10</b><span>outlets"));
    assert!(html.contains("United Kingdom") && html.contains("Argentina"));
    if let Some(browser) = renderer() {
        let printed = tokio::task::spawn_blocking(move || print_and_check(&path, "demo-world", &browser, "(A4)"))
            .await
            .unwrap();
        assert!((1..=3).contains(&printed.pages), "{} pages", printed.pages);
        assert!(printed.ink.iter().all(|i| *i > 0.005), "{:?}", printed.ink);
        assert!(printed.first_page_text.contains("Taiwan Can Help Fight Cybercrime"));
    }
}

#[test]
fn report_config_errors_name_the_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    let text = std::fs::read_to_string(&config).unwrap();
    for (edit, wanted) in [
        ("[report]\ntitel = \"x\"", "unknown field `titel`"),
        (
            "[report]\ncountry_names = { XY = \"Nowhere\" }",
            "report.country_names.XY",
        ),
        (
            "[report]\nlanguage_names = { \"x-1\" = \"Nothing\" }",
            "report.language_names.x-1",
        ),
        ("[report]\nlogo = \"missing.png\"", "report.logo"),
        ("[report]\nlogo = \"articles/en.txt\"", "not a .png"),
        ("[report]\npaper = \"a5\"", "report.paper"),
    ] {
        let body = text.replace(
            "[report]\ntitle = \"Ministry of Foreign Affairs — op-ed placements\"",
            edit,
        );
        std::fs::write(&config, body).unwrap();
        let out = pickup(&config).arg("report").assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains("pickup.toml:") && stderr.contains(wanted),
            "{edit}: {stderr}"
        );
    }
}

#[test]
fn report_config_sets_names_and_embeds_the_logo() {
    let dir = tempfile::tempdir().unwrap();
    let config = big_world(dir.path());
    std::fs::write(
        dir.path().join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "[report]\n",
        "[report]\nlogo = \"logo.svg\"\ncountry_names = { TW = \"Taiwan (ROC)\" }\nlanguage_names = { zh = \"Mandarin\" }\n",
    );
    std::fs::write(&config, text).unwrap();
    let html = String::from_utf8(run_ok(&config, &["report"])).unwrap();
    assert!(html.contains("src=\"data:image/svg+xml;base64,PHN2Zy"), "logo embedded");
    assert!(html.contains("Taiwan (ROC)") && html.contains("Mandarin"));
}

/// A placement of `article` on `outlet` on `day`, as the store keeps it.
fn placement(article: &str, outlet: &str, name: &str, country: &str, url: &str, day: &str) -> HitRecord {
    serde_json::from_value(json!({
        "article": article, "kind": "verbatim", "score": 0.9, "coverage": 1.0,
        "url": url, "canonical_url": url, "outlet": outlet, "outlet_name": name,
        "country": country, "language": "en", "title": format!("Ran on {name}"),
        "published": format!("{day}T09:00:00Z"), "first_seen": format!("{day}T12:00:00Z"),
        "evidence": "Taiwan can help.", "variants": [],
    }))
    .unwrap()
}

/// The table row (`<tr>…</tr>` or Markdown line) of `html` naming `text`.
fn row_of<'a>(page: &'a str, text: &str, open: &str, close: &str) -> &'a str {
    let at = page.find(text).unwrap_or_else(|| panic!("{text} not in {page}"));
    let start = page[..at].rfind(open).unwrap();
    let end = at + page[at..].find(close).unwrap();
    &page[start..end]
}

#[test]
fn auto_outlets_unknown_countries_and_the_pitch_list_show_in_html_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("en.txt"), "Taiwan can help.\n").unwrap();
    let config = dir.path().join("pickup.toml");
    std::fs::write(
        &config,
        "[store]\npath = \"store\"\n\n\
         [[articles]]\nid = \"cyber\"\ntitle = \"Taiwan Can Help\"\npublished = \"2021-11-10\"\nlanguage = \"en\"\n\
         text = \"en.txt\"\npitched = [\"herald\", \"courier\"]\n\n\
         [[articles]]\nid = \"climate\"\ntitle = \"Climate\"\npublished = \"2021-11-10\"\nlanguage = \"en\"\ntext = \"en.txt\"\n\n\
         [[outlets]]\nid = \"herald\"\nname = \"Harbour Herald\"\ncountry = \"GB\"\nlanguage = \"en\"\naudience = 900000\n\n\
         [[outlets]]\nid = \"courier\"\nname = \"Le Courrier\"\ncountry = \"FR\"\nlanguage = \"fr\"\n\n\
         [[outlets]]\nid = \"tribune\"\nname = \"Capital Tribune\"\ncountry = \"US\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    let now = chrono::Utc::now();
    // An auto outlet made from a .com site with no country said: its country is unknown.
    let site = url::Url::parse("https://opinion-blog.example.com/2021/taiwan-can-help").unwrap();
    let auto = pickup::discover::AutoOutlet::for_page(&site, None, None, None, Some("en"), now);
    assert_eq!(auto.country, "unknown");
    {
        let store = Store::open(&dir.path().join("store")).unwrap();
        store.save_auto_outlet(&auto).unwrap();
        for hit in [
            placement(
                "cyber",
                "herald",
                "Harbour Herald",
                "GB",
                "https://herald.example/a",
                "2021-11-12",
            ),
            placement(
                "cyber",
                "tribune",
                "Capital Tribune",
                "US",
                "https://tribune.example/a",
                "2021-11-13",
            ),
            placement(
                "cyber",
                &auto.id,
                &auto.name,
                &auto.country,
                site.as_str(),
                "2021-11-14",
            ),
            // An outlet no longer configured but never made by discovery: not auto, country unknown.
            placement(
                "climate",
                "gone",
                "Gone Gazette",
                "unknown",
                "https://gone.example/c",
                "2021-11-15",
            ),
        ] {
            assert!(store.record_hit(&hit).unwrap());
        }
    }
    let tag = ">auto</span>";
    for args in [&["report"][..], &["export", "--format", "html"][..]] {
        let html = String::from_utf8(run_ok(&config, args)).unwrap();
        let top = &html[html.find("Top outlets").unwrap()..html.find("Every placement").unwrap()];
        let every = &html[html.find("Every placement").unwrap()..html.find("Country unknown").unwrap()];
        assert!(row_of(top, &auto.name, "<tr>", "</tr>").contains(tag), "{top}");
        assert!(row_of(every, &auto.name, "<tr>", "</tr>").contains(tag), "{every}");
        for other in ["Harbour Herald", "Capital Tribune", "Gone Gazette"] {
            assert!(!row_of(top, other, "<tr>", "</tr>").contains(tag), "{top}");
            assert!(!row_of(every, other, "<tr>", "</tr>").contains(tag), "{every}");
        }
        // The placements of unknown country, apart, under the table.
        let unknown = &html[html.find("<h2>Country unknown</h2>").unwrap()..];
        let unknown = &unknown[..unknown.find("</section>").unwrap()];
        assert!(unknown.contains("2 placements"), "{unknown}");
        assert!(
            unknown.contains(site.as_str()) && unknown.contains("https://gone.example/c"),
            "{unknown}"
        );
        assert!(
            !unknown.contains("herald.example") && !unknown.contains("tribune.example"),
            "{unknown}"
        );
        // The pitch list of the article that has one, before the table; none for the other.
        let pitch = &html[html.find("<h2>Pitch list</h2>").unwrap()..html.find("Every placement").unwrap()];
        assert_eq!(pitch.matches("<h3>").count(), 1, "{pitch}");
        assert!(
            row_of(pitch, "pitched and ran (1)", "<table>", "</table>").contains("Harbour Herald, 12 November 2021")
        );
        assert!(row_of(pitch, "pitched, not yet (1)", "<table>", "</table>").contains("Le Courrier</td>"));
        let unpitched = row_of(pitch, "ran without a pitch (2)", "<table>", "</table>");
        assert!(
            unpitched.contains("Capital Tribune, 13 November 2021</td>"),
            "{unpitched}"
        );
        assert!(
            unpitched.contains(&format!("{}, 14 November 2021 <span", auto.name)),
            "{unpitched}"
        );
    }

    let md = String::from_utf8(run_ok(&config, &["report", "--format", "md"])).unwrap();
    assert!(
        row_of(&md, &format!("| {} `auto` |", auto.name), "\n", "\n").contains("14 Nov 2021"),
        "{md}"
    );
    assert!(
        !row_of(&md, "| Capital Tribune |", "\n", "\n").contains("`auto`"),
        "{md}"
    );
    let unknown = &md[md.find("## Country unknown").unwrap()..];
    assert!(
        unknown.contains(&format!("{} `auto`: [", auto.name)) && unknown.contains("Gone Gazette: ["),
        "{unknown}"
    );
    assert!(!unknown.contains("Harbour Herald"), "{unknown}");
    let pitch = &md[md.find("## Pitch list").unwrap()..md.find("## Every placement").unwrap()];
    assert!(
        pitch.contains("**pitched and ran** (1): Harbour Herald \\(12 November 2021\\)"),
        "{pitch}"
    );
    assert!(pitch.contains("**pitched, not yet** (1): Le Courrier\n"), "{pitch}");
    assert!(
        pitch.contains(&format!(
            "**ran without a pitch** (2): Capital Tribune \\(13 November 2021\\), {} \\(14 November 2021\\) `auto`",
            pickup::report::markdown::md(&auto.name)
        )),
        "{pitch}"
    );
}
