//! Detection benchmark: precision and recall per kind on the labelled world, false positives by
//! near-miss type, and pages judged per second with 1, 10 and 100 tracked articles.
//!
//! Run with `cargo bench --bench detection`. Not a timed test: the figures go into the README.

#[path = "../fixtures/labelled/world.rs"]
mod world;

use pickup::config::Article;
use pickup::detect::Detector;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// How long each throughput measurement runs.
const MEASURE: Duration = Duration::from_secs(2);

fn main() {
    let world = world::load();
    let detector = Detector::new(&world.articles);
    let score = world::evaluate(&detector, &world);
    println!(
        "labelled world: {} pages, {} tracked articles\n",
        world.pages.len(),
        world.articles.len()
    );
    println!("{}", world::report(&score));

    println!(
        "throughput (one thread, all {} labelled pages in turn):",
        world.pages.len()
    );
    let html: Vec<String> = world
        .pages
        .iter()
        .map(|p| std::fs::read_to_string(world::dir().join(&p.label.file)).expect("page"))
        .collect();
    let extract_rate = rate(|i| {
        black_box(pickup::extract::extract(&html[i % html.len()], None));
    });
    println!("  {:<40} {:>9.0} pages/s", "extraction (for comparison)", extract_rate);
    for n in [1, 10, 100] {
        let articles = tracked(&world.articles, n);
        let started = Instant::now();
        let detector = Detector::new(&articles);
        let built = started.elapsed();
        let judge_rate = rate(|i| {
            black_box(detector.judge(&world.pages[i % world.pages.len()].doc));
        });
        println!(
            "  {:<40} {:>9.0} pages/s   (fingerprints built in {:.1} ms)",
            format!("detection, {n} tracked article(s)"),
            judge_rate,
            built.as_secs_f64() * 1e3
        );
    }
}

/// Calls `f` with 0, 1, 2, ... for `MEASURE` and returns calls per second.
fn rate(mut f: impl FnMut(usize)) -> f64 {
    let started = Instant::now();
    let mut i = 0;
    while started.elapsed() < MEASURE {
        f(i);
        i += 1;
    }
    i as f64 / started.elapsed().as_secs_f64()
}

/// The labelled articles, padded to `n` with synthetic op-eds.
fn tracked(real: &[Article], n: usize) -> Vec<Article> {
    let mut articles: Vec<Article> = real.iter().take(n).cloned().collect();
    let pool: Vec<&str> = real.iter().flat_map(|a| a.text.split_whitespace()).collect();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    while articles.len() < n {
        let id = articles.len();
        articles.push(synthetic(id, &pool, &mut seed, &real[0]));
    }
    articles
}

/// An op-ed-sized text drawn from the real articles' vocabulary, with its own figures and names,
/// so it shares words, and sometimes shingles, with the pages as real tracked articles would.
fn synthetic(id: usize, pool: &[&str], seed: &mut u64, like: &Article) -> Article {
    let mut next = || {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    };
    let paragraphs: Vec<String> = (0..10)
        .map(|_| {
            (0..60)
                .map(|w| match next() % 20 {
                    0 => format!("{}", next() % 100_000),
                    1 if w > 0 => format!("Name{}", next() % 500),
                    _ => pool[(next() % pool.len() as u64) as usize].to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    Article {
        id: format!("synthetic-{id}"),
        title: format!("Synthetic op-ed number {id}"),
        text: paragraphs.join("\n\n"),
        translations: vec![],
        ..like.clone()
    }
}
