//! Page shingles against the index: how much of each tracked text a page holds, and in
//! what shape, turned into a kind (verbatim, edited, excerpt) or a reason for rejection.
//!
//! The shape matters as much as the amount. A teaser in a "related stories" box, a sentence
//! quoted in a news report or in a reader's comment is one short passage; last year's op-ed
//! reusing sentences is many short passages. A republication is whole paragraphs in a row.

use super::fingerprint::{self, Index, K, Version};
use super::normalise::{Token, width};
use std::collections::HashMap;

/// A paragraph counts as present when this share of its shingles is on the page.
const PARA_FOUND: f64 = 0.6;
/// Verbatim: practically every shingle (a changed word costs K shingles; a reworded sentence
/// costs a few percent and makes the copy `edited`).
const VERBATIM_COVERAGE: f64 = 0.97;
/// Edited: most of the article.
const EDITED_COVERAGE: f64 = 0.5;
/// A heavily edited copy (a third of the sentences reworded, paragraphs cut) keeps less than
/// half the shingles, yet its surviving sentences run through nearly every paragraph, where an
/// excerpt is a block and reused wording is a sprinkle. Edited too, then: at least this share of
/// the shingles, whole paragraphs in a row (as for an excerpt) ...
const HEAVY_EDIT_COVERAGE: f64 = 0.35;
/// ... and this share of the paragraphs touched, each keeping `TOUCHED` of its shingles.
const HEAVY_EDIT_TOUCHED: f64 = 0.7;
const TOUCHED: f64 = 0.2;
/// Excerpt: at least this many whole paragraphs in a row ...
const EXCERPT_PARAS: usize = 2;
/// ... forming one passage of at least this many words. A two-sentence quotation is shorter.
const EXCERPT_WORDS: f64 = 50.0;
/// A paywalled page may show only the first paragraph: accepted when the page also carries
/// the article's headline, and the paragraph is this long.
const TEASER_WORDS: f64 = 25.0;
/// Share of the article's headline words the page's title must contain.
const TITLE_CONTAINMENT: f64 = 0.8;
/// A paywalled page is the opening and a prompt: the page's other text is at most this share
/// of the matched passage. A comment thread or a letters page under the op-ed's headline that
/// quotes its first paragraph has text of its own.
const TEASER_OTHER_TEXT: f64 = 0.5;
/// A passage this long (in words) is as sure a sign as a whole copy, for the score.
const SURE_PASSAGE_WORDS: f64 = 150.0;
/// Tokens of a page's title looked at.
const MAX_TITLE_TOKENS: usize = 200;

/// The page, tokenised and shingled once for all tracked texts.
pub(super) struct Page<'a> {
    pub paragraphs: &'a [String],
    pub tokens: Vec<Token>,
    pub shingles: Vec<u64>,
    pub title: Vec<String>,
}

impl<'a> Page<'a> {
    pub(super) fn new(paragraphs: &'a [String], title: Option<&str>, max_tokens: usize) -> Page<'a> {
        let tokens = super::normalise::tokenise_paragraphs(paragraphs, max_tokens);
        let shingles = fingerprint::shingles(&tokens);
        let title = super::normalise::tokenise_paragraphs(&[title.unwrap_or("")], MAX_TITLE_TOKENS);
        Page {
            paragraphs,
            tokens,
            shingles,
            title: title.into_iter().map(|t| t.norm).collect(),
        }
    }

    /// The page's original text between two tokens (inclusive), across paragraphs.
    pub(super) fn text_between(&self, first: usize, last: usize) -> String {
        let (Some(a), Some(b)) = (self.tokens.get(first), self.tokens.get(last)) else {
            return String::new();
        };
        let mut parts = Vec::new();
        for p in a.para..=b.para {
            let text = self.paragraphs.get(p).map_or("", String::as_str);
            let from = if p == a.para { a.start } else { 0 };
            let to = if p == b.para { b.end } else { text.len() };
            parts.push(text.get(from..to).unwrap_or(""));
        }
        parts.join(" ")
    }

    /// Length of a token span in English words (see [`super::normalise::width`]).
    pub(super) fn words(&self, first: usize, last: usize) -> f64 {
        self.tokens.get(first..=last).unwrap_or(&[]).iter().map(width).sum()
    }
}

/// What the page holds of one tracked text.
#[derive(Debug, Default)]
pub(super) struct Matches {
    /// Which of the text's shingles were found, by position.
    found: Vec<bool>,
    /// Page shingle positions that matched, ascending, no repeats.
    page_positions: Vec<u32>,
}

/// Looks every page shingle up once; returns matches by version, for versions with any match.
pub(super) fn collect(index: &Index, page: &Page) -> HashMap<usize, Matches> {
    let mut by_version: HashMap<usize, Matches> = HashMap::new();
    for (p, &shingle) in page.shingles.iter().enumerate() {
        for posting in index.lookup(shingle) {
            let v = posting.version as usize;
            let m = by_version.entry(v).or_insert_with(|| Matches {
                found: vec![false; index.versions[v].total_shingles()],
                page_positions: Vec::new(),
            });
            if let Some(f) = m.found.get_mut(posting.position as usize) {
                *f = true;
            }
            if m.page_positions.last() != Some(&(p as u32)) {
                m.page_positions.push(p as u32);
            }
        }
    }
    by_version
}

/// The shape of a match: the figures every decision and every rejection reason uses.
#[derive(Debug, Clone)]
pub(super) struct Assessment {
    /// Share of the text's shingles found on the page.
    pub coverage: f64,
    /// Paragraphs (with shingles) not found.
    pub missing: Vec<usize>,
    pub found_paras: usize,
    /// Longest run of consecutive paragraphs found.
    pub consecutive_paras: usize,
    /// The first paragraph with any shingle is present.
    pub first_para_found: bool,
    /// Longest passage: page token span, and its length in words.
    pub passage: Option<(usize, usize)>,
    pub passage_words: f64,
    /// Number of separate passages: many short ones are reused sentences, not a copy.
    pub passages: usize,
    /// The page title carries the text's headline.
    pub title_match: bool,
    /// Share of the paragraphs (with shingles) keeping some of their wording, `TOUCHED`.
    pub touched: f64,
    /// Words on the page outside the longest passage.
    pub other_words: f64,
}

pub(super) fn assess(version: &Version, matches: &Matches, page: &Page) -> Assessment {
    let total = version.total_shingles();
    let found_total = matches.found.iter().filter(|&&f| f).count();
    let mut found_per_para = vec![0usize; version.para_shingles.len()];
    for (pos, _) in matches.found.iter().enumerate().filter(|(_, f)| **f) {
        if let Some(c) = version
            .shingle_para
            .get(pos)
            .and_then(|&p| found_per_para.get_mut(p as usize))
        {
            *c += 1;
        }
    }
    let present: Vec<Option<bool>> = version
        .para_shingles
        .iter()
        .zip(&found_per_para)
        .map(|(&n, &f)| (n > 0).then_some(f as f64 >= PARA_FOUND * n as f64))
        .collect();
    let missing = present
        .iter()
        .enumerate()
        .filter(|(_, p)| **p == Some(false))
        .map(|(i, _)| i)
        .collect();
    let (passage, passages) = longest_passage(&matches.page_positions);
    let judged = version.para_shingles.iter().filter(|&&n| n > 0).count();
    let touched = version
        .para_shingles
        .iter()
        .zip(&found_per_para)
        .filter(|&(&n, &f)| n > 0 && f as f64 >= TOUCHED * n as f64)
        .count();
    let passage_words = passage.map_or(0.0, |(a, b)| page.words(a, b));
    let page_words = page.words(0, page.tokens.len().saturating_sub(1));
    Assessment {
        coverage: if total == 0 {
            0.0
        } else {
            found_total as f64 / total as f64
        },
        missing,
        found_paras: present.iter().filter(|p| **p == Some(true)).count(),
        // An excerpt must come from the body: closing furniture (bio, "About us") is shared
        // with every other text by the same author or company.
        consecutive_paras: longest_consecutive(&present[..version.trailer.min(present.len())]),
        first_para_found: present.iter().flatten().next() == Some(&true),
        passage,
        passage_words,
        passages,
        title_match: title_contained(&version.title, &page.title),
        touched: if judged == 0 {
            0.0
        } else {
            touched as f64 / judged as f64
        },
        other_words: (page_words - passage_words).max(0.0),
    }
}

/// Merges matched page shingles into passages, bridging gaps shorter than a shingle (a
/// paragraph break, where tracked shingles stop, or one changed word). Returns the longest
/// passage as a token span, and the number of passages.
fn longest_passage(positions: &[u32]) -> (Option<(usize, usize)>, usize) {
    let mut best: Option<(usize, usize)> = None;
    let mut count = 0;
    let Some(&first) = positions.first() else {
        return (None, 0);
    };
    let mut start = first as usize;
    let mut prev = start;
    for &p in positions.iter().skip(1).chain(std::iter::once(&u32::MAX)) {
        let p = p as usize;
        if p > prev + K {
            let span = (start, prev + K - 1);
            if best.is_none_or(|(a, b)| b - a < span.1 - span.0) {
                best = Some(span);
            }
            count += 1;
            start = p;
        }
        prev = p;
    }
    (best, count)
}

/// Longest run of paragraphs present, skipping paragraphs too short to judge.
fn longest_consecutive(present: &[Option<bool>]) -> usize {
    let (mut best, mut run) = (0, 0);
    for p in present.iter().flatten() {
        run = if *p { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

fn title_contained(headline: &[String], page_title: &[String]) -> bool {
    if headline.len() < 3 {
        return false;
    }
    let found = headline.iter().filter(|w| page_title.contains(w)).count();
    found as f64 >= TITLE_CONTAINMENT * headline.len() as f64
}

/// Kinds the shingle evidence alone can give (an official translation's match becomes
/// `translation` in the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Whole,
    MostOf,
    Passage,
}

/// Decides the shape of a match, or says why it is not a republication.
pub(super) fn classify(a: &Assessment) -> Result<Shape, String> {
    if a.coverage >= VERBATIM_COVERAGE && a.missing.is_empty() {
        return Ok(Shape::Whole);
    }
    if a.coverage >= EDITED_COVERAGE {
        return Ok(Shape::MostOf);
    }
    if a.consecutive_paras >= EXCERPT_PARAS && a.passage_words >= EXCERPT_WORDS {
        if a.coverage >= HEAVY_EDIT_COVERAGE && a.touched >= HEAVY_EDIT_TOUCHED {
            return Ok(Shape::MostOf);
        }
        return Ok(Shape::Passage);
    }
    if a.first_para_found
        && a.title_match
        && a.passage_words >= TEASER_WORDS
        && a.other_words <= TEASER_OTHER_TEXT * a.passage_words
    {
        return Ok(Shape::Passage);
    }
    Err(rejection(a))
}

fn rejection(a: &Assessment) -> String {
    let pct = (a.coverage * 100.0).round();
    if a.passage.is_none() {
        "no passage of the article found".to_string()
    } else if a.passages >= 4 && a.coverage >= 0.08 {
        format!(
            "{pct}% of the article in {} scattered passages, the longest {:.0} words: reused wording, \
             not a republication",
            a.passages, a.passage_words
        )
    } else if a.found_paras <= 1 {
        format!(
            "{pct}% of the article, longest shared passage {:.0} words in at most one paragraph: \
             a quotation or a teaser, not a republication",
            a.passage_words
        )
    } else {
        format!(
            "{pct}% of the article in scattered sentences ({} paragraphs in a row at most, longest \
             passage {:.0} words): reused wording, not a republication",
            a.consecutive_paras, a.passage_words
        )
    }
}

/// Confidence on the same scale for hits and rejections: the share of the article found, or
/// for a passage its length (`SURE_PASSAGE_WORDS` and more is as sure as a whole copy).
pub(super) fn score(a: &Assessment) -> f64 {
    a.coverage.max((a.passage_words / SURE_PASSAGE_WORDS).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_bridge_paragraph_breaks_only() {
        assert_eq!(longest_passage(&[]), (None, 0));
        assert_eq!(longest_passage(&[3]), (Some((3, 3 + K - 1)), 1));
        // 0..=4 and 8..=10 join (gap of 3 < K); 30 stands alone.
        assert_eq!(
            longest_passage(&[0, 1, 2, 3, 4, 8, 9, 10, 30]),
            (Some((0, 10 + K - 1)), 2)
        );
    }

    #[test]
    fn consecutive_paragraphs_skip_unjudged_ones() {
        let present = [Some(true), None, Some(true), Some(false), Some(true)];
        assert_eq!(longest_consecutive(&present), 2);
    }

    #[test]
    fn one_paragraph_is_not_an_excerpt_without_the_headline() {
        let a = Assessment {
            coverage: 0.1,
            missing: vec![1, 2, 3],
            found_paras: 1,
            consecutive_paras: 1,
            first_para_found: true,
            passage: Some((0, 60)),
            passage_words: 60.0,
            passages: 1,
            title_match: false,
            touched: 0.25,
            other_words: 10.0,
        };
        assert!(classify(&a).is_err());
        let teaser = Assessment { title_match: true, ..a };
        assert_eq!(classify(&teaser), Ok(Shape::Passage));
        // The same paragraph under the headline on a page with text of its own: a comment thread.
        assert!(
            classify(&Assessment {
                other_words: 80.0,
                ..teaser
            })
            .is_err()
        );
    }

    #[test]
    fn a_heavy_edit_touching_every_paragraph_is_edited_and_a_block_is_an_excerpt() {
        let heavy = Assessment {
            coverage: 0.45,
            missing: vec![0, 3, 5],
            found_paras: 4,
            consecutive_paras: 2,
            first_para_found: false,
            passage: Some((0, 120)),
            passage_words: 120.0,
            passages: 6,
            title_match: false,
            touched: 0.8,
            other_words: 200.0,
        };
        assert_eq!(classify(&heavy), Ok(Shape::MostOf));
        assert_eq!(classify(&Assessment { touched: 0.4, ..heavy }), Ok(Shape::Passage));
    }
}
