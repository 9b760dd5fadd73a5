//! Feed parsing on real-world feeds (../shared/corpus/feeds) and on our own fixtures.

use std::path::{Path, PathBuf};

use pickup::crawl::feeds::{self, FeedError};
use url::Url;

/// `../shared/corpus/feeds` beside the project; from a git worktree nested deeper, the nearest
/// ancestor that has `shared/corpus/feeds`.
fn corpus() -> Option<PathBuf> {
    let found = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|a| a.join("shared/corpus/feeds"))
        .find(|d| d.is_dir());
    if found.is_none() {
        eprintln!("SKIPPED: ../shared/corpus/feeds not found; the corpus tests did not run");
    }
    found
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// feedparser's test files state the HTTP Content-Type they assume in a `Header:` comment.
fn header_content_type(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]);
    let line = head.lines().find_map(|l| l.trim().strip_prefix("Header:"))?;
    let value = line.trim();
    let (name, value) = value.split_once(':')?;
    name.trim().eq_ignore_ascii_case("content-type").then(|| value.trim().to_string())
}

#[test]
fn survey() {
    let Some(dir) = corpus() else { return };
    let mut files = Vec::new();
    walk(&dir, &mut files);
    let base = Url::parse("https://example.com/feed/").unwrap();
    for f in files {
        let body = std::fs::read(&f).unwrap();
        let ct = header_content_type(&body);
        let rel = f.strip_prefix(&dir).unwrap().display().to_string();
        match feeds::parse_detailed(&body, ct.as_deref(), &base) {
            Ok(p) => println!("OK {:3} {:3} {rel} ct={ct:?} {} {:?} first={:?}", p.entries, p.candidates.len(), p.encoding, p.title, p.candidates.first().map(|c| (c.url.as_str(), &c.title, c.published))),
            Err(e) => println!("ERR {rel} ct={ct:?} {e}"),
        }
    }
}
