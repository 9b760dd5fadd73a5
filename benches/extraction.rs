//! Main-text extraction measured on the article-extraction-benchmark corpus: precision, recall,
//! F1 (the benchmark's metric) and pages per second on one core.
//!
//! `cargo bench --bench extraction`; add `-- --rounds N` to time N rounds over the corpus (5 by
//! default; the median is shown), `-- --worst N` to list the N worst pages by F1, or
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
    let rounds_wanted: usize = std::env::args()
        .skip_while(|a| a != "--rounds")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5)
        .max(1);
    if let Some(key) = std::env::args().skip_while(|a| a != "--show").nth(1) {
        for page in pages.iter().filter(|p| p.key.starts_with(&key)) {
            println!("{:#?}", pickup::extract::extract(&page.html, page.url.as_ref()));
        }
        return;
    }

    // Warm up once so lazy statics and allocator growth are not counted.
    let _ = pickup::extract::extract(&pages[0].html, pages[0].url.as_ref());
    // Each round extracts every page once; the median round is reported, so that another
    // process's burst on a shared machine moves the figure less.
    let mut rounds: Vec<(f64, Option<f64>)> = Vec::with_capacity(rounds_wanted);
    let mut texts: Vec<String> = Vec::new();
    for _ in 0..rounds_wanted {
        let start = Instant::now();
        let cpu_start = thread_cpu_seconds();
        texts = pages
            .iter()
            .map(|page| pickup::extract::extract(&page.html, page.url.as_ref()).text())
            .collect();
        let elapsed = start.elapsed().as_secs_f64();
        let cpu = thread_cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);
        rounds.push((elapsed, cpu));
    }
    let median = |mut xs: Vec<f64>| {
        xs.sort_by(f64::total_cmp);
        xs[xs.len() / 2]
    };
    let elapsed = median(rounds.iter().map(|r| r.0).collect());
    let cpu: Option<Vec<f64>> = rounds.iter().map(|r| r.1).collect();

    let (p, r, f1) =
        extract_support::corpus_scores(pages.iter().zip(&texts).map(|(pg, t)| (pg.gold.as_str(), t.as_str())));
    println!("pages:      {} ({} rounds, median shown)", pages.len(), rounds.len());
    println!("precision:  {p:.3}");
    println!("recall:     {r:.3}");
    println!("F1:         {f1:.3}");
    println!("pages/s:    {:.0} (one core, wall clock)", pages.len() as f64 / elapsed);
    if let Some(cpu) = cpu {
        // On a shared machine the wall clock counts other processes' turns; CPU time does not.
        let rates: Vec<f64> = cpu.iter().map(|c| pages.len() as f64 / c).collect();
        let (low, high) = rates.iter().fold((f64::MAX, 0f64), |(l, h), r| (l.min(*r), h.max(*r)));
        println!(
            "pages/s:    {:.0} (per CPU-second of this thread; rounds {low:.0}–{high:.0})",
            median(rates.clone())
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
