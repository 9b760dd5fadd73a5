//! The article-extraction-benchmark corpus and its metric, shared by `tests/corpus.rs`
//! and `benches/extraction.rs` (included there with `#[path]`).
//!
//! The metric is the benchmark's own (see `../shared/corpus/README.md`): `\w+` tokens, a multiset
//! of 4-token shingles per text, per-page precision and recall averaged over pages, F1 of the means.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One corpus page: its key, its HTML and the gold article text.
pub struct Page {
    pub key: String,
    pub url: Option<url::Url>,
    pub html: String,
    pub gold: String,
}

/// The corpus folder: `$PICKUP_CORPUS_DIR` if set, else `../shared/corpus/` from the project root
/// as the corpus README prescribes, else two levels up (a git worktree under `wt/`).
pub fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PICKUP_CORPUS_DIR") {
        return PathBuf::from(dir).join("article-extraction-benchmark");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates =
        ["../shared/corpus", "../../shared/corpus"].map(|rel| root.join(rel).join("article-extraction-benchmark"));
    let found = candidates.iter().find(|dir| dir.is_dir());
    found.unwrap_or(&candidates[0]).clone()
}

/// Loads every page, or explains why it cannot (the corpus is optional: callers skip).
///
/// # Panics
/// When the corpus cannot be read and `PICKUP_REQUIRE_SHARED=1` is set (as `.ci/run` sets it).
pub fn load_corpus() -> Result<Vec<Page>, String> {
    let loaded = read_corpus();
    if let Err(why) = &loaded {
        assert!(
            std::env::var_os("PICKUP_REQUIRE_SHARED").is_none_or(|v| v != "1"),
            "the extraction corpus is required (PICKUP_REQUIRE_SHARED=1) but cannot be read: {why}"
        );
    }
    loaded
}

fn read_corpus() -> Result<Vec<Page>, String> {
    let dir = corpus_dir();
    let truth_path = dir.join("ground-truth.json");
    let truth = std::fs::read_to_string(&truth_path).map_err(|e| format!("{}: {e}", truth_path.display()))?;
    let truth: HashMap<String, serde_json::Value> =
        serde_json::from_str(&truth).map_err(|e| format!("{}: {e}", truth_path.display()))?;
    let mut pages = Vec::with_capacity(truth.len());
    for (key, entry) in truth {
        let path = dir.join("html").join(format!("{key}.html.gz"));
        let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        pages.push(Page {
            url: entry["url"].as_str().and_then(|u| url::Url::parse(u).ok()),
            gold: entry["articleBody"].as_str().unwrap_or_default().to_string(),
            // The benchmark's pages are UTF-8; a stray bad byte must not lose the page.
            html: String::from_utf8_lossy(&bytes).into_owned(),
            key,
        });
    }
    pages.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(pages)
}

/// Runs of `\w` characters (letters, digits, marks, underscore), as Python's `re` finds them.
fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The multiset of 4-token shingles of a text.
fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let toks = tokens(text);
    let mut counts = HashMap::new();
    for window in toks.windows(4) {
        *counts.entry(window.to_vec()).or_insert(0) += 1;
    }
    counts
}

/// Per-page (tp, fp, fn), each divided by their sum as the benchmark does.
pub fn page_counts(gold: &str, predicted: &str) -> (f64, f64, f64) {
    let gold = shingles(gold);
    let pred = shingles(predicted);
    let mut tp = 0usize;
    let mut fp = 0usize;
    for (shingle, &n) in &pred {
        let g = gold.get(shingle).copied().unwrap_or(0);
        tp += n.min(g);
        fp += n.saturating_sub(g);
    }
    let fn_: usize = gold
        .iter()
        .map(|(shingle, &g)| g.saturating_sub(pred.get(shingle).copied().unwrap_or(0)))
        .sum();
    let total = (tp + fp + fn_) as f64;
    if total == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    (tp as f64 / total, fp as f64 / total, fn_ as f64 / total)
}

/// Precision and recall of one page, when defined.
pub fn page_scores(gold: &str, predicted: &str) -> (Option<f64>, Option<f64>) {
    let (tp, fp, fn_) = page_counts(gold, predicted);
    let precision = (tp + fp > 0.0).then(|| tp / (tp + fp));
    let recall = (tp + fn_ > 0.0).then(|| tp / (tp + fn_));
    (precision, recall)
}

/// Precision, recall and F1 over the corpus, from `(gold, predicted)` pairs.
pub fn corpus_scores<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (f64, f64, f64) {
    let (mut precisions, mut recalls) = (Vec::new(), Vec::new());
    for (gold, predicted) in pairs {
        let (p, r) = page_scores(gold, predicted);
        precisions.extend(p);
        recalls.extend(r);
    }
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (p, r) = (mean(&precisions), mean(&recalls));
    let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f1)
}
