//! Main-text extraction measured on the article-extraction-benchmark corpus: precision, recall,
//! F1 (the benchmark's metric) and pages per second on one core.
//!
//! `cargo bench --bench extraction`; add `-- --worst N` to list the N worst pages by F1, or
//! `-- --dump DIR` to write each page's extracted text to `DIR/<key>.txt`, or `-- --show KEY`
//! to print everything extracted from the page whose key starts with KEY.

#[path = "../tests/extract_support/mod.rs"]
mod extract_support;

use std::time::Instant;

fn main() {
    let pages = match extract_support::load_corpus() {
        Ok(pages) => pages,
        Err(why) => {
            println!("extraction bench skipped: corpus not available ({why})");
            return;
        }
    };
    let worst: usize = std::env::args()
        .skip_while(|a| a != "--worst")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);

    let dump = std::env::args().skip_while(|a| a != "--dump").nth(1);
    if let Some(key) = std::env::args().skip_while(|a| a != "--show").nth(1) {
        for page in pages.iter().filter(|p| p.key.starts_with(&key)) {
            println!("{:#?}", pickup::extract::extract(&page.html, page.url.as_ref()));
        }
        return;
    }

    // Warm up once so lazy statics and allocator growth are not counted.
    let _ = pickup::extract::extract(&pages[0].html, pages[0].url.as_ref());
    let start = Instant::now();
    let cpu_start = thread_cpu_seconds();
    let texts: Vec<String> = pages
        .iter()
        .map(|page| pickup::extract::extract(&page.html, page.url.as_ref()).text())
        .collect();
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);

    let (p, r, f1) =
        extract_support::corpus_scores(pages.iter().zip(&texts).map(|(pg, t)| (pg.gold.as_str(), t.as_str())));
    println!("pages:      {}", pages.len());
    println!("precision:  {p:.3}");
    println!("recall:     {r:.3}");
    println!("F1:         {f1:.3}");
    println!("pages/s:    {:.0} (one core, wall clock)", pages.len() as f64 / elapsed);
    if let Some(cpu) = cpu {
        // On a shared machine the wall clock counts other processes' turns; CPU time does not.
        println!(
            "pages/s:    {:.0} (per CPU-second of this thread)",
            pages.len() as f64 / cpu
        );
    }

    if let Some(dir) = dump {
        for (page, text) in pages.iter().zip(&texts) {
            let path = std::path::Path::new(&dir).join(format!("{}.txt", page.key));
            if let Err(e) = std::fs::write(&path, text) {
                println!("cannot write {}: {e}", path.display());
            }
        }
    }

    if worst > 0 {
        let mut scored: Vec<(f64, f64, f64, &str)> = pages
            .iter()
            .zip(&texts)
            .map(|(page, text)| {
                let (pr, rc) = extract_support::page_scores(&page.gold, text);
                let (pr, rc) = (pr.unwrap_or(0.0), rc.unwrap_or(0.0));
                let f = if pr + rc > 0.0 { 2.0 * pr * rc / (pr + rc) } else { 0.0 };
                (f, pr, rc, page.key.as_str())
            })
            .collect();
        scored.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (f, pr, rc, key) in scored.iter().take(worst) {
            println!("{f:.3}  P {pr:.3}  R {rc:.3}  {key}");
        }
    }
}

/// CPU time of the current thread, from Linux's `/proc/thread-self/schedstat` (nanoseconds on
/// CPU); `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}
