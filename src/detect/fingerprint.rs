//! Shingle fingerprints of tracked texts, and the inverted index that finds them on a page.
//!
//! A shingle is the hash of K consecutive normalised tokens (words, or single characters in
//! Japanese and Chinese, so there it is a character K-gram). Tracked texts are shingled one
//! paragraph at a time, so a page that merges, splits or interleaves paragraphs (subheadings,
//! "Read also:" lines) still contains every shingle; pages are shingled as one stream.
//! The index maps a shingle to the texts and positions holding it, so judging a page costs
//! one lookup per page shingle, whatever the number of tracked articles.

use super::normalise::{self, Token};
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_64;

/// Tokens per shingle. Five words is rarer than any stock phrase yet short enough that one
/// changed word costs only five shingles.
pub(super) const K: usize = 5;

/// Hash of every token, then of every window of K token hashes.
pub(super) fn shingles(tokens: &[Token]) -> Vec<u64> {
    let hashes: Vec<u64> = tokens.iter().map(|t| xxh3_64(t.norm.as_bytes())).collect();
    hashes.windows(K).map(window_hash).collect()
}

fn window_hash(w: &[u64]) -> u64 {
    let mut bytes = [0u8; 8 * K];
    for (chunk, h) in bytes.chunks_exact_mut(8).zip(w) {
        chunk.copy_from_slice(&h.to_le_bytes());
    }
    xxh3_64(&bytes)
}

/// One tracked text: an article's original or one of its official translations.
#[derive(Debug)]
pub(super) struct Version {
    /// Index of the article in the detector's list.
    pub article: usize,
    pub language: String,
    /// The original, or an official translation listed in the config.
    pub source: Source,
    /// Normalised title tokens (to recognise a paywalled page that carries the headline).
    pub title: Vec<String>,
    /// Shingle count per paragraph; paragraphs too short to shingle count 0.
    pub para_shingles: Vec<usize>,
    /// Paragraph of each shingle, by shingle position.
    pub shingle_para: Vec<u32>,
    /// First paragraph of the text's closing furniture (an "About us" block, an author bio,
    /// contact lines, a disclaimer); the paragraph count when there is none. Other texts by the
    /// same author or company end the same way, so these paragraphs alone never make an excerpt.
    pub trailer: usize,
}

impl Version {
    pub(super) fn total_shingles(&self) -> usize {
        self.shingle_para.len()
    }
}

/// Which text of an article a [`Version`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    Original,
    /// An official translation listed in the config.
    OfficialTranslation,
}

/// Where one shingle occurs in the tracked texts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Posting {
    pub version: u32,
    pub position: u32,
}

/// Every tracked text's fingerprint and the inverted index over them.
#[derive(Debug, Default)]
pub(super) struct Index {
    pub versions: Vec<Version>,
    postings: HashMap<u64, Vec<Posting>>,
}

/// Tokens beyond this in one tracked text are ignored (a 20,000-word "op-ed" is a config mistake).
pub(super) const MAX_TEXT_TOKENS: usize = 50_000;
/// Tokens of a headline looked at.
const MAX_TITLE_TOKENS: usize = 200;

impl Index {
    /// Adds one text, given as paragraphs; returns its version number.
    pub(super) fn add(
        &mut self,
        article: usize,
        language: &str,
        source: Source,
        title: &str,
        text: &str,
        author: Option<&str>,
    ) -> usize {
        let id = self.versions.len();
        let paragraphs = normalise::split_paragraphs(text);
        let tokens = normalise::tokenise_paragraphs(&paragraphs, MAX_TEXT_TOKENS);
        let mut para_shingles = vec![0; paragraphs.len()];
        let mut shingle_para = Vec::new();
        for (p, para_tokens) in tokens.chunk_by(|a, b| a.para == b.para).map(|c| (c[0].para, c)) {
            for hash in shingles(para_tokens) {
                let position = shingle_para.len() as u32;
                self.postings.entry(hash).or_default().push(Posting {
                    version: id as u32,
                    position,
                });
                shingle_para.push(p as u32);
                para_shingles[p] += 1;
            }
        }
        let title_tokens = normalise::tokenise_paragraphs(&[title], MAX_TITLE_TOKENS);
        self.versions.push(Version {
            article,
            language: language.to_string(),
            source,
            title: title_tokens.into_iter().map(|t| t.norm).collect(),
            para_shingles,
            shingle_para,
            trailer: trailer_start(&paragraphs, author),
        });
        id
    }

    /// Where a shingle occurs in the tracked texts; empty when nowhere.
    pub(super) fn lookup(&self, shingle: u64) -> &[Posting] {
        self.postings.get(&shingle).map_or(&[], Vec::as_slice)
    }
}

/// Openings of an "about the company" heading, in the languages pickup's fixtures cover.
const ABOUT: &[&str] = &[
    "about ",
    "über ",
    "à propos",
    "acerca de",
    "sobre ",
    "tentang ",
    "over ",
];
/// Openings and phrases of author notes, disclaimers and contact lines.
const NOTE_MARKS: &[&str] = &[
    "the author",
    "the writer",
    "the views expressed",
    "the opinions expressed",
    "views expressed in",
    "for more information",
    "media contact",
    "press contact",
    "contact:",
    "www.",
    "http",
    "@",
];

/// Where a text's closing furniture begins (see [`Version::trailer`]): scanning the last three
/// paragraphs from the end, an "About …" heading, an author note naming the author, or a
/// contact line or disclaimer starts it.
fn trailer_start(paragraphs: &[impl AsRef<str>], author: Option<&str>) -> usize {
    let n = paragraphs.len();
    // Name order varies (Huang Chia-lu, John Smith): any part of four letters or more will do.
    let names: Vec<String> = author
        .map(|a| {
            a.split_whitespace()
                .filter(|w| w.chars().count() >= 4)
                .map(str::to_lowercase)
                .collect()
        })
        .unwrap_or_default();
    let mut start = n;
    for i in (n.saturating_sub(3)..n).rev() {
        let p = paragraphs[i].as_ref().trim().to_lowercase();
        let words = p.split_whitespace().count();
        let about = words <= 5 && ABOUT.iter().any(|a| p.starts_with(a));
        let note = words <= 80
            && NOTE_MARKS
                .iter()
                .any(|m| p.starts_with(m) || (m.len() > 4 && p.contains(m)));
        let bio = words <= 80
            && names.iter().any(|s| p.contains(s.as_str()))
            && [" is ", " was ", " serves ", " es ", " est ", " ist ", " adalah "]
                .iter()
                .any(|v| p.contains(v));
        if about || note || bio {
            start = i;
        } else if start == n {
            // Nothing closing yet: keep looking one paragraph up only through furniture.
            continue;
        } else {
            break;
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_furniture_is_found() {
        let body = ["First paragraph of the argument.", "Second paragraph of the argument."];
        let with = |tail: &[&str], author| {
            let paras: Vec<&str> = body.iter().chain(tail).copied().collect();
            trailer_start(&paras, author)
        };
        assert_eq!(with(&[], None), 2);
        assert_eq!(
            with(
                &[
                    "About Example Corp",
                    "Example Corp makes things. It was founded in 1990."
                ],
                None
            ),
            2
        );
        assert_eq!(
            with(
                &["Huang Chia-lu is commissioner of the Criminal Investigation Bureau."],
                Some("Huang Chia-lu")
            ),
            2
        );
        assert_eq!(with(&["The views expressed are the author's own."], None), 2);
        assert_eq!(with(&["Taiwan is ready to help."], Some("Huang Chia-lu")), 3);
    }

    #[test]
    fn paragraphs_are_shingled_separately_and_indexed() {
        let mut index = Index::default();
        let v = index.add(
            0,
            "en",
            Source::Original,
            "T",
            "one two three four five six\n\nseven eight nine ten eleven\n\nshort",
            None,
        );
        let version = &index.versions[v];
        assert_eq!(version.para_shingles, [2, 1, 0]);
        assert_eq!(version.shingle_para, [0, 0, 1]);
        let page = normalise::tokenise_paragraphs(&["x seven eight nine ten eleven"], 100);
        let hits: Vec<_> = shingles(&page).iter().flat_map(|&s| index.lookup(s).to_vec()).collect();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].position, 2);
    }

    #[test]
    fn empty_text_has_no_shingles() {
        let mut index = Index::default();
        let v = index.add(0, "en", Source::Original, "", "", None);
        assert_eq!(index.versions[v].total_shingles(), 0);
        assert!(shingles(&[]).is_empty());
    }
}
