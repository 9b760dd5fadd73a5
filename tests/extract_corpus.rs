//! Main-text quality on the article-extraction-benchmark corpus (181 real news pages), with the
//! benchmark's own metric. Skips, saying so, when `../shared/corpus/` is absent.

mod extract_support;

/// The issue asks for trafilatura's level (0.960 on this corpus) or near it; we measured 0.971.
const MIN_F1: f64 = 0.95;

#[test]
fn corpus_f1_is_at_least_095() {
    let pages = match extract_support::load_corpus() {
        Ok(pages) => pages,
        Err(why) => {
            println!("SKIPPED: extraction corpus not available ({why})");
            return;
        }
    };
    let texts: Vec<String> = pages
        .iter()
        .map(|page| pickup::extract::extract(&page.html, page.url.as_ref()).text())
        .collect();
    let (p, r, f1) =
        extract_support::corpus_scores(pages.iter().zip(&texts).map(|(pg, t)| (pg.gold.as_str(), t.as_str())));
    println!("{} pages: precision {p:.3}, recall {r:.3}, F1 {f1:.3}", pages.len());
    assert!(
        f1 >= MIN_F1,
        "F1 {f1:.3} below {MIN_F1} (precision {p:.3}, recall {r:.3})"
    );
}
