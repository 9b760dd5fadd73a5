//! Detection: does a page republish a tracked article, and how?
//!
//! Placeholder implementation (word 8-gram containment); replaced by the full engine.

use crate::config::Article;
use crate::extract::Document;
use serde::Serialize;
use std::collections::HashSet;

/// How a page republishes an article (DESIGN.md, "Hit kinds").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Verbatim,
    Edited,
    Excerpt,
    Translation,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Verbatim => "verbatim",
            Kind::Edited => "edited",
            Kind::Excerpt => "excerpt",
            Kind::Translation => "translation",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A page found to republish an article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub kind: Kind,
    /// Confidence, 0–1.
    pub score: f64,
    /// Share of the article's text found on the page, 0–1.
    pub coverage: f64,
    /// Language of the version matched (the original's, or a translation's).
    pub language: String,
    /// Indexes (0-based) of the article's paragraphs not found on the page.
    pub missing_paragraphs: Vec<usize>,
    /// The longest matched passage, shortened.
    pub evidence: String,
}

/// The verdict on one page for one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    Hit(Hit),
    Rejected { score: f64, reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    pub article: String,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// Fingerprints of every tracked article, built once per run.
pub struct Detector {
    articles: Vec<(String, String, HashSet<String>)>,
}

fn shingles(text: &str) -> HashSet<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.windows(8).map(|w| w.join(" ")).collect()
}

impl Detector {
    pub fn new(articles: &[Article]) -> Detector {
        Detector {
            articles: articles
                .iter()
                .map(|a| (a.id.clone(), a.language.clone(), shingles(&a.text)))
                .collect(),
        }
    }

    /// Judges one page against every tracked article: one judgement per article.
    pub fn judge(&self, doc: &Document) -> Vec<Judgement> {
        let page = shingles(&doc.text());
        self.articles
            .iter()
            .map(|(id, lang, sh)| {
                let found = sh.iter().filter(|s| page.contains(*s)).count();
                let coverage = if sh.is_empty() {
                    0.0
                } else {
                    found as f64 / sh.len() as f64
                };
                let verdict = if coverage >= 0.9 {
                    Verdict::Hit(Hit {
                        kind: Kind::Verbatim,
                        score: coverage,
                        coverage,
                        language: lang.clone(),
                        missing_paragraphs: vec![],
                        evidence: String::new(),
                    })
                } else if coverage >= 0.5 {
                    Verdict::Hit(Hit {
                        kind: Kind::Edited,
                        score: coverage,
                        coverage,
                        language: lang.clone(),
                        missing_paragraphs: vec![],
                        evidence: String::new(),
                    })
                } else {
                    Verdict::Rejected {
                        score: coverage,
                        reason: format!("only {:.0}% of the article found", coverage * 100.0),
                    }
                };
                Judgement {
                    article: id.clone(),
                    verdict,
                }
            })
            .collect()
    }
}
