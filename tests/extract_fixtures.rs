//! The extractor on small hand-written pages (`fixtures/extract/`): metadata, boilerplate
//! removal, the JSON-LD `articleBody` fallback, dates, language, and pathological input.

use pickup::extract::{Document, extract};
use std::time::{Duration, Instant};
use url::Url;

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/extract/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn extract_fixture(name: &str, url: &str) -> Document {
    let url = Url::parse(url).expect("test URL");
    extract(&fixture(name), Some(&url))
}

fn iso(doc: &Document) -> Option<String> {
    doc.published.map(|d| d.to_rfc3339())
}

#[test]
fn reads_metadata_preferring_json_ld_and_canonical_link() {
    let doc = extract_fixture(
        "metadata.html",
        "https://herald.example/news/harbour-bridge?utm_source=feed",
    );
    assert_eq!(
        doc.url.as_ref().map(Url::as_str),
        Some("https://herald.example/news/harbour-bridge?utm_source=feed")
    );
    // rel=canonical wins over og:url, and is resolved against the page URL.
    assert_eq!(
        doc.canonical_url.as_ref().map(Url::as_str),
        Some("https://herald.example/news/harbour-bridge")
    );
    assert_eq!(
        doc.amp_url.as_ref().map(Url::as_str),
        Some("https://herald.example/amp/news/harbour-bridge")
    );
    // og:title with the site's name stripped, since og:site_name says it is the site.
    assert_eq!(doc.title.as_deref(), Some("Harbour bridge to close to cars"));
    // JSON-LD authors (inside @graph) win over meta name=author.
    assert_eq!(doc.byline.as_deref(), Some("Jane Doe, John Roe"));
    assert_eq!(iso(&doc).as_deref(), Some("2024-03-05T08:30:00+00:00"));
    assert_eq!(doc.language.as_deref(), Some("en"));
    assert_eq!(doc.paragraphs.len(), 4, "{:#?}", doc.paragraphs);
    assert!(doc.text().starts_with("The city council voted"));
    assert!(!doc.text().contains("All rights reserved"));
}

#[test]
fn removes_navigation_related_stories_comments_and_footer() {
    let doc = extract_fixture("boilerplate.html", "https://herald.example/news/harbour-bridge");
    let text = doc.text();
    assert_eq!(doc.paragraphs.len(), 4, "{:#?}", doc.paragraphs);
    assert!(text.starts_with("The city council voted"), "{text}");
    assert!(text.ends_with("takes effect next year."), "{text}");
    for furniture in [
        "Home",
        "Share on",
        "Photo:",
        "newsletter",
        "Ferry fares",
        "Most read",
        "Celebrity chef",
        "Bridgefan99",
        "Privacy",
    ] {
        assert!(!text.contains(furniture), "{furniture:?} left in: {text}");
    }
}

#[test]
fn uses_json_ld_article_body_when_the_visible_text_is_clearly_shorter() {
    let doc = extract_fixture("jsonld_body.html", "https://paper.example/story");
    assert_eq!(doc.paragraphs.len(), 3, "{:#?}", doc.paragraphs);
    assert!(doc.paragraphs[2].starts_with("The third paragraph"));
    assert_eq!(doc.byline.as_deref(), Some("Ann Writer"));
    // A date without a time is midnight UTC.
    assert_eq!(iso(&doc).as_deref(), Some("2023-11-19T00:00:00+00:00"));
}

#[test]
fn detects_language_when_html_lang_is_missing_and_reads_meta_date() {
    let doc = extract_fixture("no_lang.html", "https://journal.example/pont");
    assert_eq!(doc.language.as_deref(), Some("fr"));
    assert_eq!(doc.title.as_deref(), Some("Le pont du port fermé aux voitures"));
    // meta name=date without a zone is read as UTC.
    assert_eq!(iso(&doc).as_deref(), Some("2022-06-01T14:00:00+00:00"));
}

#[test]
fn reads_time_element_rel_author_and_regional_lang() {
    let doc = extract_fixture("time_element.html", "https://zeitung.example/bruecke");
    assert_eq!(doc.language.as_deref(), Some("de"));
    assert_eq!(doc.byline.as_deref(), Some("Max Muster"));
    assert_eq!(iso(&doc).as_deref(), Some("2021-02-03T09:15:00+00:00"));
    // No og:site_name, no separator: the <h1> is the title as is.
    assert_eq!(doc.title.as_deref(), Some("Brücke gesperrt"));
}

#[test]
fn deep_nesting_does_not_hang() {
    // Also, just past the limit, with text both before and after.
    let past = format!("<p>Before.</p>{}<p>After.</p>", "<div>".repeat(600));
    assert_eq!(
        extract(&past, None).paragraphs,
        vec!["Before.".to_string(), "After.".to_string()]
    );

    // 100,000 nested <div>s took 13 s in scraper (CRATES.md); the depth pre-check reads it flat.
    let depth = 100_000;
    let html = format!(
        "<html lang=\"en\"><head><title>Deep</title></head><body>{}<p>Still here &amp; readable.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let start = Instant::now();
    let doc = extract(&html, None);
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    assert_eq!(doc.title.as_deref(), Some("Deep"));
    assert_eq!(doc.language.as_deref(), Some("en"));
    assert_eq!(doc.paragraphs, vec!["Still here & readable.".to_string()]);
}

#[test]
fn nesting_just_under_the_limit_goes_through_the_tree_without_overflowing() {
    // Test threads have 2 MiB stacks, less than a main thread: the tree path must fit.
    let depth = 500;
    let para = "<p>The council voted to close the bridge to cars from next spring, ending a long debate.</p>";
    let html = format!(
        "<html><body>{}{}{}</body></html>",
        "<div>".repeat(depth),
        para.repeat(5),
        "</div>".repeat(depth)
    );
    let doc = extract(&html, None);
    assert!(doc.text().contains("close the bridge"), "{:#?}", doc.paragraphs);
}

#[test]
fn never_panics_on_junk() {
    let long_tail = format!("<p>{}", "x".repeat(10_000));
    let inputs = [
        "",
        "not html at all",
        "<",
        "<html><head><script type=\"application/ld+json\">{broken</script></head></html>",
        "<meta property=\"article:published_time\" content=\"99999-99-99\"><link rel=canonical href=\"javascript:alert(1)\">",
        "<html lang=\"\"><body><time datetime=\"yesterday\">x</time>&#xFFFFFFFF; &#55296; &amp</body></html>",
        long_tail.as_str(),
        "<script>if (a<b) {}</script><!-- <div> --><div/>",
    ];
    for html in inputs {
        let doc = extract(html, None);
        assert!(doc.canonical_url.is_none(), "{html}");
    }
}
