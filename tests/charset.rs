//! Charset detection on our legacy-encoded pages (`fixtures/charset`, made by
//! `fixtures/generate.py`) and on the corpus's undeclared feeds.

mod common;

use std::path::{Path, PathBuf};

use pickup::crawl::charset::{self, Kind, Source};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/charset")
            .join(name),
    )
    .unwrap()
}

#[test]
fn declared_in_the_page() {
    let cases = [
        ("windows-1252.html", "windows-1252", "L’été à Paris – café crème €5"),
        ("shift_jis.html", "Shift_JIS", "日本語の社説：気候変動"),
        ("euc-jp.html", "EUC-JP", "日本語の社説：気候変動"),
        ("euc-kr.html", "EUC-KR", "한국어 사설: 기후 변화"),
        ("gb18030.html", "gb18030", "中文社论：气候变化"),
        ("big5.html", "Big5", "中文社論：氣候變遷"),
        ("iso-8859-2.html", "ISO-8859-2", "Zażółć gęślą jaźń"),
        ("koi8-r.html", "KOI8-R", "Колонка: изменение климата"),
        ("windows-1251.html", "windows-1251", "Колонка: изменение климата"),
    ];
    for (file, encoding, text) in cases {
        let bytes = fixture(file);
        // No HTTP charset, and a server default "utf-8" that the bytes contradict: both must
        // end at the page's own declaration.
        for ct in [None, Some("text/html"), Some("text/html; charset=utf-8")] {
            let d = charset::decode(&bytes, ct, Kind::Html, None);
            assert_eq!((d.encoding, d.source), (encoding, Source::Declaration), "{file} {ct:?}");
            assert!(d.text.contains(text), "{file}: {}", d.text);
            assert!(!d.had_errors, "{file}");
        }
        assert!(charset::decode_html(&bytes, None, None).contains(text));
    }
}

#[test]
fn when_header_and_page_disagree_the_bytes_decide() {
    // A legacy charset in the header over a page that declares another: the bytes (through the
    // detector) pick the one that reads them.
    let d = charset::decode(
        &fixture("koi8-r.html"),
        Some("text/html; charset=windows-1251"),
        Kind::Html,
        None,
    );
    assert_eq!((d.encoding, d.source), ("KOI8-R", Source::Declaration));
    assert!(d.text.contains("Колонка: изменение климата"));
    let d = charset::decode(
        &fixture("windows-1251.html"),
        Some("text/html; charset=koi8-r"),
        Kind::Html,
        None,
    );
    assert_eq!(d.encoding, "windows-1251");
    // With no declaration in the page, an explicit header is followed (HTML's rule).
    let d = charset::decode(
        "<p>\u{41a}\u{43e}\u{43b}</p>".as_bytes(),
        Some("text/html; charset=utf-8"),
        Kind::Html,
        None,
    );
    assert_eq!((d.encoding, d.source), ("UTF-8", Source::HttpHeader));
    // A BOM beats both.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("<meta charset=\"koi8-r\"><p>Колонка</p>".as_bytes());
    let d = charset::decode(&bom, Some("text/html; charset=windows-1251"), Kind::Html, None);
    assert_eq!((d.encoding, d.source), ("UTF-8", Source::Bom));
    assert!(d.text.starts_with("<meta") && d.text.contains("Колонка"));
}

#[test]
fn undeclared_pages_are_sniffed() {
    let d = charset::decode(&fixture("sniff_windows-1251.html"), None, Kind::Html, Some("ru"));
    assert_eq!((d.encoding, d.source), ("windows-1251", Source::Sniffed));
    assert!(d.text.contains("Министр заявил"));
    let d = charset::decode(&fixture("sniff_shift_jis.html"), Some("text/html"), Kind::Html, None);
    assert_eq!((d.encoding, d.source), ("Shift_JIS", Source::Sniffed));
    assert!(d.text.contains("政府は来週"));
}

fn corpus() -> Option<PathBuf> {
    common::shared_corpus("feeds")
}

/// feedparser's chardet cases: feeds with no encoding information at all.
#[test]
fn corpus_undeclared_feeds_are_sniffed_right() {
    let Some(dir) = corpus() else { return };
    let cases = [
        ("koi8r.xml", "Как пережить новогоднюю ночь"),
        ("shiftjis.xml", "DrecomRSSに記事投稿が反映されない…"),
        ("eucjp.xml", "ゲーム三昧な正月"),
        ("euckr.xml", "EUC-KR 에서 TypeKey 한글닉네임 표시하기"),
        ("gb2312.xml", "不归移民漫画系列：专业工作"),
    ];
    for (file, title) in cases {
        let bytes = std::fs::read(dir.join("feedparser/illformed/chardet").join(file)).unwrap();
        let d = charset::decode(&bytes, None, Kind::Xml, None);
        assert_eq!(d.source, Source::Sniffed, "{file}");
        assert!(
            d.text.contains(title),
            "{file} as {}: {}",
            d.encoding,
            &d.text[..d.text.len().min(400)]
        );
    }
}

/// feedparser's HTTP cases: the header's charset overrides the XML declaration; a bogus one is
/// ignored.
#[test]
fn corpus_http_charset_cases() {
    let Some(dir) = corpus() else { return };
    let read = |f: &str| std::fs::read(dir.join("feedparser/encoding").join(f)).unwrap();
    let d = charset::decode(
        &read("http_application_atom_xml_gb2312_charset_overrides_encoding.xml"),
        Some("application/atom+xml; charset=gb2312"),
        Kind::Xml,
        None,
    );
    assert_eq!((d.encoding, d.source), ("GBK", Source::HttpHeader));
    let d = charset::decode(
        &read("http_text_xml_bogus_charset.xml"),
        Some("text/xml; charset=bogus"),
        Kind::Xml,
        None,
    );
    assert_ne!(d.source, Source::HttpHeader);
}

/// A page with no charset anywhere is guessed with its site's country domain as a hint.
#[test]
fn an_undeclared_page_is_guessed_with_its_country_domain() {
    let url = url::Url::parse("https://gazeta.example.ru/2021/11/article").unwrap();
    let text = charset::decode_html(&fixture("sniff_windows-1251.html"), None, Some(&url));
    assert!(text.contains("Министр заявил"), "{text}");
}

/// A UTF-8 page with a few windows-1252 bytes pasted in is UTF-8 with replacement characters,
/// not windows-1252 throughout, whether or not anything declares it.
#[test]
fn utf8_with_stray_bytes_stays_utf8() {
    for (file, ct, text, stray) in [
        (
            "utf8_stray_quotes.html",
            Some("text/html; charset=utf-8"),
            "Por qué los pueblos costeros necesitan un fondo común",
            2,
        ),
        (
            "utf8_stray_quotes.html",
            None,
            "Las inundaciones de la última década",
            2,
        ),
        (
            "utf8_stray_byte_undeclared.html",
            None,
            "communes côtières : déjà été",
            1,
        ),
        (
            "utf8_stray_byte_undeclared.html",
            Some("text/html"),
            "Les élus réclament",
            1,
        ),
    ] {
        let d = charset::decode(&fixture(file), ct, Kind::Html, Some("com"));
        assert_eq!(d.encoding, "UTF-8", "{file} {ct:?}");
        assert!(d.text.contains(text), "{file}: {}", d.text);
        assert_eq!(d.text.matches('\u{fffd}').count(), stray, "{file}");
        assert!(!d.text.contains("Ã"), "{file}: mojibake");
    }
    // A legacy page is not mistaken for UTF-8 with stray bytes.
    let d = charset::decode(&fixture("windows-1252.html"), None, Kind::Html, None);
    assert_eq!(d.encoding, "windows-1252");
}

/// A header saying ISO-8859-1 over UTF-8 bytes whose `<meta>` says UTF-8 is wrong: the bytes win.
#[test]
fn a_latin1_header_over_utf8_bytes_is_overruled() {
    for ct in [
        "text/html; charset=ISO-8859-1",
        "text/html; charset=windows-1252",
        "text/html; charset=iso-8859-15",
    ] {
        let d = charset::decode(&fixture("utf8_under_latin1_header.html"), Some(ct), Kind::Html, None);
        assert_eq!(d.encoding, "UTF-8", "{ct}");
        assert!(
            d.text.contains("„Wir können das nicht allein tragen“"),
            "{ct}: {}",
            d.text
        );
    }
    // The same for XML: a feed whose declaration and bytes say UTF-8.
    let feed = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>Küste</title></channel></rss>";
    let d = charset::decode(
        feed.as_bytes(),
        Some("application/rss+xml; charset=iso-8859-1"),
        Kind::Xml,
        None,
    );
    assert!(d.text.contains("Küste"));
}
