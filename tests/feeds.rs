//! Feeds and sitemaps: every file of the shared real-world corpus (`../shared/corpus/feeds`), and
//! our own fixtures (`fixtures/feeds`) for each case pickup must handle.

mod common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use pickup::crawl::feeds::{self, FeedError};
use pickup::crawl::sitemaps;
use url::Url;

/// How a corpus file that is not a readable feed must fail.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fails {
    NotAFeed,
    Malformed,
    /// Read after its XML was repaired: every item is there, and the reason is given.
    Partial,
}

/// Corpus files that must fail (or be read only in part), and why. Everything else must parse.
const EXPECTED_FAILURES: &[(&str, Fails, &str)] = &[
    (
        "feed-rs/fixture/rss2/rss_2.0_invalid_1.xml",
        Fails::Malformed,
        "deliberately truncated RSS",
    ),
    (
        "feed-rs/fixture/xml/xml_iso8859.xml",
        Fails::NotAFeed,
        "XML-reader test file with root <rdf>, not RDF",
    ),
    (
        "feed-rs/fixture/xml/xml_sample_1.xml",
        Fails::NotAFeed,
        "XML-reader test file (<catalog>)",
    ),
    (
        "feed-rs/fixture/xml/xml_sample_2.xml",
        Fails::NotAFeed,
        "XML-reader test file (<catalog>)",
    ),
    (
        "feedparser/encoding/bozo_encoding_mismatch_crash.xml",
        Fails::Malformed,
        "<item> directly under <rss>, no <channel>",
    ),
    (
        "feedparser/encoding/encoding_attribute_crash.xml",
        Fails::Malformed,
        "<item> directly under <rss>, no <channel>",
    ),
    (
        "feedparser/encoding/encoding_attribute_crash_2.xml",
        Fails::Malformed,
        "<item> directly under <rss>, no <channel>",
    ),
    (
        "node-feedparser/feeds/notafeed.html",
        Fails::NotAFeed,
        "an HTML page posing as a feed",
    ),
    (
        "node-feedparser/feeds/saxerror.xml",
        Fails::Partial,
        "a raw '&' in a link: repaired, all 3 items read",
    ),
    (
        "rss-parser/input/unrecognized.rss",
        Fails::NotAFeed,
        "root <head>: not a feed format",
    ),
];

/// Corpus feeds whose entries parse but carry no http(s) article link, so they give no
/// candidates (entries without a link are skipped by design).
const NO_ARTICLE_LINKS: &[(&str, &str)] = &[
    (
        "feed-rs/fixture/atom/atom_entry_1.xml",
        "a lone Atom entry without a link",
    ),
    (
        "feed-rs/fixture/atom/atom_example_7.xml",
        "entry has no link; only the feed's rel=self",
    ),
    (
        "feed-rs/fixture/atom/atom_pub_spec_1.xml",
        "AtomPub example: edit links only",
    ),
    ("feed-rs/fixture/rss0/rss_0.91_missing_id.xml", "item without <link>"),
    (
        "feed-rs/fixture/rss0/rss_0.92_spec_1.xml",
        "RSS 0.92 spec example: items have no <link>",
    ),
    ("feed-rs/fixture/rss2/rss_2.0_ghost_1.xml", "item without <link>"),
    (
        "node-feedparser/feeds/atom-with-tag-uri-links.xml",
        "links are tag: URIs",
    ),
    ("node-feedparser/feeds/complexNamespaceFeed.xml", "entry without a link"),
    ("rss-parser/input/incomplete-fields.atom", "entry without a link"),
    ("rss-parser/input/missing-fields.atom", "entry without a link"),
];

/// feedparser's cases test charsets: their items have titles or descriptions, rarely links.
fn no_article_links(rel: &str) -> bool {
    rel.starts_with("feedparser/") || NO_ARTICLE_LINKS.iter().any(|(f, _)| *f == rel)
}

/// Feed roots with no entries at all: feedparser's encoding cases are `<rss></rss>` documents
/// that test charset detection (parsing proves the root was decoded right), and one Atom feed
/// that has only a title.
fn may_be_empty(rel: &str) -> bool {
    rel.starts_with("feedparser/encoding/") || rel == "feedparser/illformed/chardet/big5.xml"
}

/// Not inputs: expected outputs of other parsers and licences. They are still parsed, and must
/// be refused as not feeds (and not panic).
fn is_expected_output(rel: &str) -> bool {
    rel.ends_with(".serde.json") || rel.starts_with("rss-parser/output/") || rel.contains("LICENSE")
}

fn corpus() -> Option<PathBuf> {
    common::shared_corpus("feeds")
}

fn corpus_files(dir: &Path) -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out)
            } else {
                out.push(path)
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| (p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"), p))
        .collect()
}

/// feedparser's test files state the HTTP Content-Type each case assumes in a `Header:` comment.
fn header_content_type(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]);
    let line = head.lines().find_map(|l| l.trim().strip_prefix("Header:"))?;
    let (name, value) = line.trim().split_once(':')?;
    name.trim()
        .eq_ignore_ascii_case("content-type")
        .then(|| value.trim().to_string())
}

fn base() -> Url {
    Url::parse("https://example.com/feed/").unwrap()
}

#[test]
fn every_corpus_feed_yields_its_items() {
    let Some(dir) = corpus() else { return };
    let files = corpus_files(&dir);
    assert!(files.len() > 300, "corpus looks incomplete: {} files", files.len());
    let (mut parsed, mut with_candidates, mut failed_as_expected, mut outputs) = (0, 0, 0, 0);
    let mut problems = Vec::new();
    for (rel, path) in &files {
        let body = std::fs::read(path).unwrap();
        let ct = header_content_type(&body);
        let result = std::panic::catch_unwind(|| feeds::parse_detailed(&body, ct.as_deref(), &base()));
        let Ok(result) = result else {
            problems.push(format!("{rel}: PANIC"));
            continue;
        };
        if is_expected_output(rel) {
            outputs += 1;
            if !matches!(result, Err(FeedError::NotAFeed(_))) {
                problems.push(format!(
                    "{rel}: expected output file accepted or misreported: {result:?}"
                ));
            }
            continue;
        }
        if let Some((_, want, why)) = EXPECTED_FAILURES.iter().find(|(f, ..)| f == rel) {
            match (&result, want) {
                (Err(FeedError::NotAFeed(_)), Fails::NotAFeed) | (Err(FeedError::Malformed(_)), Fails::Malformed) => {
                    failed_as_expected += 1
                }
                (Ok(p), Fails::Partial) if p.partial.is_some() && !p.candidates.is_empty() => failed_as_expected += 1,
                _ => problems.push(format!("{rel}: expected {want:?} ({why}), got {result:?}")),
            }
            continue;
        }
        match result {
            Err(e) => problems.push(format!("{rel}: {e}")),
            Ok(p) => {
                parsed += 1;
                if p.entries == 0 && !may_be_empty(rel) {
                    problems.push(format!("{rel}: 0 entries"));
                }
                if p.entries > 0 && !no_article_links(rel) && p.candidates.is_empty() {
                    problems.push(format!("{rel}: {} entries but no candidates", p.entries));
                }
                if NO_ARTICLE_LINKS.iter().any(|(f, _)| f == rel) && !p.candidates.is_empty() {
                    problems.push(format!(
                        "{rel}: listed as having no links, but gave {}",
                        p.candidates.len()
                    ));
                }
                with_candidates += usize::from(!p.candidates.is_empty());
                for c in &p.candidates {
                    assert!(matches!(c.url.scheme(), "http" | "https"), "{rel}: {}", c.url);
                }
            }
        }
    }
    eprintln!(
        "corpus: {} files; {parsed} feeds parsed ({with_candidates} with candidates), \
         {failed_as_expected} failed as expected, {outputs} expected-output files refused",
        files.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(
        failed_as_expected,
        EXPECTED_FAILURES.len(),
        "an expected failure is missing from the corpus"
    );
}

fn corpus_feed(rel: &str, content_type: Option<&str>) -> Option<feeds::Parsed> {
    let dir = corpus()?;
    let body = std::fs::read(dir.join(rel)).unwrap();
    Some(feeds::parse_detailed(&body, content_type, &base()).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

fn titles(p: &feeds::Parsed) -> Vec<&str> {
    p.candidates.iter().filter_map(|c| c.title.as_deref()).collect()
}

#[test]
fn corpus_legacy_encodings_decode_right() {
    let Some(p) = corpus_feed("node-feedparser/feeds/iconv.xml", None) else {
        return;
    };
    // windows-1251, and an old default namespace that hid every item from feed-rs.
    assert_eq!(p.encoding, "windows-1251");
    assert_eq!(p.title.as_deref(), Some("Новости Оренбурга и области / Раздел Новости"));
    assert_eq!(p.candidates.len(), 10);
    assert!(titles(&p).contains(&"В Бузулуке главные стройплощадки – детсад и Ледовый дворец"));

    // The same feed gzipped, as a file.
    let gz = corpus_feed("node-feedparser/feeds/compressed.xml", None).unwrap();
    assert_eq!(gz.candidates, p.candidates);

    let gb = corpus_feed("rss-parser/input-history/encoding-gb2312.xml", None).unwrap();
    assert_eq!(gb.title.as_deref(), Some("新闻国内"));
    assert!(titles(&gb).contains(&"习近平为何如此强调崇尚英雄？"));

    let latin2 = corpus_feed("rss-parser/input-history/latin2.rss", None).unwrap();
    assert_eq!(latin2.encoding, "ISO-8859-2");
    assert_eq!(titles(&latin2), ["ZAŻÓŁĆ GĘSLĄ JAŹŃ"]);

    let pt = corpus_feed("rss-parser/input/encoding.rss", None).unwrap();
    assert_eq!(pt.title.as_deref(), Some("Jornal de Notícias - Últimas Notícias"));

    let de = corpus_feed("feed-rs/fixture/rss1/rss_1.0_iso8859.xml", None).unwrap();
    assert!(titles(&de)[0].contains("Glasfaserförderung"), "{:?}", titles(&de));

    // UOL's Latin-1 capture has no usable declaration: feed-rs alone rejects it.
    let uol = corpus_feed("rss-parser/input/uolNoticias.rss", None).unwrap();
    assert_eq!(uol.candidates.len(), 15);
    assert!(
        titles(&uol)
            .iter()
            .any(|t| t.contains('ã') || t.contains('ç') || t.contains('é')),
        "{:?}",
        titles(&uol)
    );
}

#[test]
fn corpus_utf16_and_utf32_do_not_panic_and_decode() {
    let Some(dir) = corpus() else { return };
    for name in [
        "utf-16be.xml",
        "utf-16le.xml",
        "utf-16be-bom.xml",
        "utf-16le-bom.xml",
        "utf-16be-autodetect.xml",
        "utf-16le-autodetect.xml",
        "utf-32be.xml",
        "utf-32le.xml",
        "utf-32be-bom.xml",
        "utf-32le-bom.xml",
        "utf16.xml",
        "utf_16.xml",
        "utf_32.xml",
        "u16.xml",
    ] {
        let body = std::fs::read(dir.join("feedparser/encoding").join(name)).unwrap();
        let p = feeds::parse_detailed(&body, None, &base()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            p.encoding.starts_with("UTF-16") || p.encoding.starts_with("UTF-32"),
            "{name}: {}",
            p.encoding
        );
    }
}

// ---- our fixtures ----

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/feeds").join(name)).unwrap()
}

/// A candidate as plain values, for comparing with literals: URL, title, published.
type Row = (String, Option<String>, Option<DateTime<Utc>>);

fn parse_fixture(name: &str, base: &str) -> Result<Vec<Row>, FeedError> {
    let base = Url::parse(base).unwrap();
    feeds::parse(&fixture(name), None, &base).map(|cs| {
        cs.into_iter()
            .map(|c| (c.url.to_string(), c.title, c.published))
            .collect()
    })
}

fn date(s: &str) -> Option<DateTime<Utc>> {
    Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
}

#[test]
fn rss2_relative_links_resolve_against_the_feed_url_and_dedupe() {
    let got = parse_fixture("rss2_relative.xml", "https://news.example.org/feeds/opinion.xml").unwrap();
    assert_eq!(
        got,
        vec![
            (
                "https://news.example.org/opinion/2025/06/02/first-op-ed".into(),
                Some("First op-ed".into()),
                date("2025-06-02T08:00:00Z")
            ),
            (
                "https://news.example.org/feeds/second-op-ed.html".into(),
                Some("Second & last".into()),
                None
            ),
            (
                "https://news.example.org/opinion/guid-only".into(),
                Some("Only a permalink guid".into()),
                None
            ),
        ]
    );
}

#[test]
fn rss_without_or_with_odd_version_is_read_as_2_0() {
    let got = parse_fixture("rss_no_version.xml", "https://gazette.example.com/rss").unwrap();
    assert_eq!(got[0].0, "https://gazette.example.com/a/unversioned-item");
    let got = parse_fixture("rss_2.01.xml", "https://times.example.com/rss").unwrap();
    assert_eq!(got[0].1.as_deref(), Some("Odd version item"));
}

#[test]
fn rss1_rdf() {
    let got = parse_fixture("rss1_rdf.xml", "https://rdf.example.net/index.rdf").unwrap();
    assert_eq!(
        got,
        vec![(
            "https://rdf.example.net/opinion/one".into(),
            Some("RDF item one".into()),
            date("2025-06-02T08:30:00Z")
        )]
    );
}

#[test]
fn atom_xml_base_and_alternate_link_preferred() {
    let got = parse_fixture("atom_xml_base.xml", "https://atom.example.com/feed.atom").unwrap();
    assert_eq!(
        got,
        vec![
            (
                "https://atom.example.com/blog/2025/based-entry".into(),
                Some("Based entry".into()),
                date("2025-06-02T12:00:00Z")
            ),
            // published wins over updated.
            (
                "https://atom.example.com/other/entry-two".into(),
                Some("Entry-level base".into()),
                date("2025-06-01T07:00:00Z")
            ),
        ]
    );
}

#[test]
fn json_feed_1_1() {
    let got = parse_fixture("jsonfeed_1.1.json", "https://json.example.com/feed.json").unwrap();
    let urls: Vec<&str> = got.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(urls[0], "https://json.example.com/opinion/json-one");
    assert_eq!(got[0].2, date("2025-06-02T10:00:00Z"));
    assert_eq!(got.len(), 2, "{urls:?}");
    assert_eq!(
        got[1].2,
        date("2025-06-03T10:00:00Z"),
        "updated when published is missing"
    );
}

#[test]
fn loose_dates_are_read() {
    let got = parse_fixture("loose_dates.xml", "https://ledger.example.com/rss").unwrap();
    let dates: Vec<_> = got.iter().map(|c| c.2).collect();
    assert_eq!(
        dates,
        vec![date("2025-06-02T00:00:00Z"), date("2025-06-02T10:00:00Z"), None]
    );
}

#[test]
fn truncated_feed_gives_its_complete_items_and_says_so() {
    let base = Url::parse("https://tribune.example.com/rss").unwrap();
    let p = feeds::parse_detailed(&fixture("truncated.xml"), None, &base).unwrap();
    let urls: Vec<&str> = p.candidates.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(urls, ["https://tribune.example.com/complete"]);
    assert!(p.partial.as_deref().unwrap().contains("cut off"), "{:?}", p.partial);
}

#[test]
fn html_page_is_not_a_feed() {
    let err = parse_fixture("html_posing.xml", "https://example.com/rss").unwrap_err();
    assert_eq!(err, FeedError::NotAFeed("an HTML page".into()));
    assert_eq!(err.to_string(), "not a feed: an HTML page");
}

#[test]
fn latin1_feed_without_declaration() {
    let got = parse_fixture("latin1_undeclared.xml", "https://cafe.example.fr/rss").unwrap();
    assert_eq!(got[0].1.as_deref(), Some("Réforme des retraites : l'été sera chaud"));
    // The HTTP charset, when given, decides.
    let p = feeds::parse_detailed(
        &fixture("latin1_undeclared.xml"),
        Some("text/xml; charset=ISO-8859-1"),
        &base(),
    )
    .unwrap();
    assert_eq!(p.title.as_deref(), Some("Le Café du Monde"));
}

#[test]
fn garbage_never_panics() {
    let inputs: Vec<Vec<u8>> = vec![
        vec![],
        b"   ".to_vec(),
        b"<".to_vec(),
        b"<rss".to_vec(),
        b"<rss version=".to_vec(),
        b"{".to_vec(),
        b"{\"version\":\"https://jsonfeed.org/version/1\"".to_vec(),
        vec![0x1f, 0x8b, 0, 0],
        vec![0xff, 0xfe, 0x3c, 0x00],
        vec![0xfe, 0xff, 0x00],
        b"<?xml version='1.0' encoding='utf-32'?><rss/>".to_vec(),
        b"<!DOCTYPE rss [".to_vec(),
        (0..=255u8).collect(),
    ];
    for body in inputs {
        let _ = feeds::parse(&body, Some("application/rss+xml; charset=bogus"), &base());
        let _ = sitemaps::parse(&body, None, &base());
    }
}

/// Every prefix of every fixture (a body cut anywhere, inside a multi-byte character too) and
/// every substring of a few dates: parsing must return, never panic.
#[test]
fn cut_anywhere_never_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for sub in ["feeds", "charset"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let body = std::fs::read(entry.unwrap().path()).unwrap();
            for cut in 0..body.len() {
                let _ = feeds::parse(&body[..cut], None, &base());
                let _ = sitemaps::parse(&body[..cut], None, &base());
                let _ = pickup::crawl::listing::links(&String::from_utf8_lossy(&body[..cut]), &base());
            }
        }
    }
    for d in [
        "Monday, June 2, 2025 10:00:00.123456789é +02:00",
        "2025-06-02T10:00:00.5Z",
        "2nd Jun. 2025 3:15 p.m. EST",
        "Tue Jun 03 2025 07:00:00 GMT+0000 (Coordinated Universal Time)",
        "3 июня 2025, 19h30 · 03.06.2025",
    ] {
        for (a, _) in d.char_indices() {
            for (b, _) in d[a..].char_indices() {
                let _ = pickup::date::parse(&d[a..a + b]);
                let _ = pickup::date::find_in_text(&d[a..a + b], pickup::date::DayMonth::MonthFirst);
            }
        }
    }
}

// ---- sitemaps ----

#[test]
fn sitemap_index_children_come_newest_first() {
    let base = Url::parse("https://www.example.com/sitemap.xml").unwrap();
    let xml = br#"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>/posts-2019.xml</loc><lastmod>2019-12-31</lastmod></sitemap>
      <sitemap><loc>/pages.xml</loc></sitemap>
      <sitemap><loc>/posts-2021.xml</loc><lastmod>2021-11-30T10:00:00Z</lastmod></sitemap>
      <sitemap><loc>/posts-2020.xml</loc><lastmod>2020-12-31</lastmod></sitemap>
    </sitemapindex>"#;
    let s = sitemaps::parse(xml, Some("application/xml"), &base).unwrap();
    let children: Vec<&str> = s.children.iter().map(|c| c.url.path()).collect();
    assert_eq!(
        children,
        ["/posts-2021.xml", "/posts-2020.xml", "/posts-2019.xml", "/pages.xml"]
    );
}

#[test]
fn sitemap_index_lists_children_deduplicated() {
    let base = Url::parse("https://www.example.com/sitemap.xml").unwrap();
    let s = sitemaps::parse(&fixture("sitemap_index.xml"), Some("application/xml"), &base).unwrap();
    let children: Vec<&str> = s.children.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        children,
        [
            "https://www.example.com/sitemap-news.xml",
            "https://www.example.com/sitemap-2025-06.xml.gz"
        ]
    );
    assert!(s.pages.is_empty());
}

#[test]
fn sitemap_urlset_with_lastmod_plain_and_gzipped() {
    let base = Url::parse("https://www.example.com/sitemap.xml").unwrap();
    let s = sitemaps::parse(&fixture("sitemap_urlset.xml"), None, &base).unwrap();
    let got: Vec<_> = s.pages.iter().map(|c| (c.url.as_str(), c.published)).collect();
    assert_eq!(
        got,
        vec![
            (
                "https://www.example.com/opinion/2025/06/02/op-ed?a=1&b=2",
                date("2025-06-02T00:00:00Z")
            ),
            ("https://www.example.com/opinion/second", date("2025-06-03T06:00:00Z")),
        ]
    );
    let gz = sitemaps::parse(&fixture("sitemap_urlset.xml.gz"), Some("application/gzip"), &base).unwrap();
    assert_eq!(gz, s);
}

#[test]
fn google_news_sitemap() {
    let base = Url::parse("https://www.example.com/sitemap-news.xml").unwrap();
    let s = sitemaps::parse(&fixture("sitemap_news.xml"), None, &base).unwrap();
    assert_eq!(s.pages.len(), 1);
    assert_eq!(s.pages[0].url.as_str(), "https://www.example.com/opinion/news-op-ed");
    assert_eq!(s.pages[0].title.as_deref(), Some("Climate & the city"));
    // The news publication date wins over lastmod.
    assert_eq!(s.pages[0].published, date("2025-06-02T08:15:00Z"));
}

#[test]
fn sitemap_errors() {
    let base = Url::parse("https://www.example.com/sitemap.xml").unwrap();
    assert!(matches!(
        sitemaps::parse(&fixture("html_posing.xml"), None, &base),
        Err(FeedError::NotAFeed(_))
    ));
    assert!(matches!(
        sitemaps::parse(&fixture("rss2_relative.xml"), None, &base),
        Err(FeedError::NotAFeed(_))
    ));
    assert!(matches!(
        sitemaps::parse(b"<urlset><url><loc>", None, &base),
        Err(FeedError::Malformed(_)) | Ok(_)
    ));
    // Cut by the body cap after the first URL: the URL before the cut is kept.
    let cut = b"<urlset><url><loc>https://www.example.com/a-story</loc></url><url><loc>https://www.exa";
    let s = sitemaps::parse(cut, None, &base).unwrap();
    assert_eq!(s.pages.len(), 1);
    assert!(s.partial.is_some(), "a cut sitemap says so");
    let text = sitemaps::parse(b"https://www.example.com/a\nhttps://www.example.com/b\n", None, &base).unwrap();
    assert_eq!(text.pages.len(), 2);
}

/// Throughput on the corpus (release build recommended):
/// `cargo test --release --test feeds -- --ignored --nocapture throughput`.
#[test]
#[ignore]
fn throughput() {
    let Some(dir) = corpus() else { return };
    let bodies: Vec<(Vec<u8>, Option<String>)> = corpus_files(&dir)
        .into_iter()
        .filter(|(rel, _)| !is_expected_output(rel))
        .map(|(_, p)| {
            let b = std::fs::read(p).unwrap();
            let ct = header_content_type(&b);
            (b, ct)
        })
        .collect();
    let bytes: usize = bodies.iter().map(|b| b.0.len()).sum();
    let rounds = 20;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for (b, ct) in &bodies {
            let _ = feeds::parse(b, ct.as_deref(), &base());
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = (bodies.len() * rounds) as f64;
    eprintln!(
        "{:.0} feeds/s, {:.1} MB/s ({} files, one thread)",
        n / secs,
        (bytes * rounds) as f64 / secs / 1e6,
        bodies.len()
    );
}

// ---- broken XML still has readable items ----

fn detailed(name: &str, base: &str) -> feeds::Parsed {
    feeds::parse_detailed(&fixture(name), None, &Url::parse(base).unwrap()).unwrap()
}

#[test]
fn raw_ampersands_in_titles_and_links_are_read() {
    let p = detailed("bare_ampersand.xml", "https://gazette.example.com/rss");
    let got: Vec<(&str, Option<&str>)> = p
        .candidates
        .iter()
        .map(|c| (c.url.as_str(), c.title.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "https://gazette.example.com/article.php?id=7781&section=opinion",
                Some("Floods & funds: why coastal towns need a common fund")
            ),
            (
                "https://gazette.example.com/article.php?id=7782&section=news",
                Some("Ports, piers & people")
            ),
            (
                "https://gazette.example.com/article.php?id=7783&section=science&lang=en",
                Some("R&D for sea walls")
            ),
        ]
    );
    assert_eq!(p.candidates[0].published, date("2025-06-03T07:00:00Z"));
    assert_eq!(p.partial.as_deref(), Some("invalid XML repaired: 6 bare '&' escaped"));
}

#[test]
fn html_entities_xml_does_not_define_are_read_as_html() {
    let p = detailed("html_entities.xml", "https://gaceta.example.es/rss");
    let titles: Vec<&str> = p.candidates.iter().filter_map(|c| c.title.as_deref()).collect();
    assert_eq!(
        titles,
        [
            "Por qué los pueblos costeros necesitan un fondo común",
            "The mayor’s plan — and its cost … &bogus;"
        ]
    );
    assert_eq!(p.title.as_deref(), Some("La Gaceta"));
    let why = p.partial.unwrap();
    assert!(
        why.contains("HTML entities") && why.contains("1 unknown entities"),
        "{why}"
    );
}

#[test]
fn a_feed_cut_mid_entry_gives_every_complete_entry() {
    let p = detailed("atom_cut_mid_entry.xml", "https://coast.example.com/atom");
    let urls: Vec<&str> = p.candidates.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://coast.example.com/first",
            "https://coast.example.com/second?a=1&b=2"
        ]
    );
    assert!(p.partial.unwrap().contains("2 complete items kept"));
    // Cut anywhere inside the third entry, the first two are read.
    let whole = fixture("atom_cut_mid_entry.xml");
    let third = whole.windows(7).rposition(|w| w == b"<entry>").unwrap();
    for cut in third..whole.len() {
        let p = feeds::parse_detailed(
            &whole[..cut],
            None,
            &Url::parse("https://coast.example.com/atom").unwrap(),
        )
        .unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
        assert_eq!(p.candidates.len(), 2, "cut at {cut}");
    }
}

#[test]
fn a_well_formed_feed_is_not_partial() {
    let p = detailed("rss2_relative.xml", "https://example.com/rss");
    assert_eq!(p.partial, None);
}

#[test]
fn a_sitemap_with_raw_ampersands_is_read_whole_and_says_so() {
    let base = Url::parse("https://www.example.com/sitemap.xml").unwrap();
    let s = sitemaps::parse(&fixture("sitemap_bare_ampersand.xml"), None, &base).unwrap();
    let urls: Vec<&str> = s.pages.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://www.example.com/article.php?id=1&section=opinion",
            "https://www.example.com/article.php?id=2&section=news",
            "https://www.example.com/plain"
        ]
    );
    assert!(s.partial.is_some());
}

#[test]
fn sitemap_index_children_without_lastmod_come_newest_by_their_names() {
    let base = Url::parse("https://www.example.com/sitemap.xml").unwrap();
    let s = sitemaps::parse(&fixture("sitemap_index_dated_names.xml"), None, &base).unwrap();
    let children: Vec<&str> = s.children.iter().map(|c| c.url.path()).collect();
    assert_eq!(
        children,
        [
            "/sitemaps/news_20250603.xml",
            "/sitemaps/sitemap-2025-06-02.xml",
            "/sitemaps/2025/06/01/sitemap.xml",
            "/sitemaps/sitemap-2025-05-31.xml",
            "/sitemaps/sitemap-2025-05-30.xml",
            "/sitemaps/pages.xml",
        ]
    );
}
