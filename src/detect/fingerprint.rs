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
pub const K: usize = 5;

/// Hash of every token, then of every window of K token hashes.
pub fn shingles(tokens: &[Token]) -> Vec<u64> {
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
pub struct Version {
    /// Index of the article in the detector's list.
    pub article: usize,
    pub language: String,
    /// True for an official translation listed in the config.
    pub translation: bool,
    /// Normalised title tokens (to recognise a paywalled page that carries the headline).
    pub title: Vec<String>,
    /// Shingle count per paragraph; paragraphs too short to shingle count 0.
    pub para_shingles: Vec<usize>,
    /// Paragraph of each shingle, by shingle position.
    pub shingle_para: Vec<u32>,
}

impl Version {
    pub fn total_shingles(&self) -> usize {
        self.shingle_para.len()
    }
}

/// Where one shingle occurs in the tracked texts.
#[derive(Debug, Clone, Copy)]
pub struct Posting {
    pub version: u32,
    pub position: u32,
}

/// Every tracked text's fingerprint and the inverted index over them.
#[derive(Debug, Default)]
pub struct Index {
    pub versions: Vec<Version>,
    postings: HashMap<u64, Vec<Posting>>,
}

/// Tokens beyond this in one tracked text are ignored (a 20,000-word "op-ed" is a config mistake).
const MAX_TEXT_TOKENS: usize = 50_000;

impl Index {
    /// Adds one text, given as paragraphs; returns its version number.
    pub fn add(&mut self, article: usize, language: &str, translation: bool, title: &str, text: &str) -> usize {
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
        let title_tokens = normalise::tokenise_paragraphs(&[title], 200);
        self.versions.push(Version {
            article,
            language: language.to_string(),
            translation,
            title: title_tokens.into_iter().map(|t| t.norm).collect(),
            para_shingles,
            shingle_para,
        });
        id
    }

    pub fn lookup(&self, shingle: u64) -> &[Posting] {
        self.postings.get(&shingle).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_shingled_separately_and_indexed() {
        let mut index = Index::default();
        let v = index.add(
            0,
            "en",
            false,
            "T",
            "one two three four five six\n\nseven eight nine ten eleven\n\nshort",
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
        let v = index.add(0, "en", false, "", "");
        assert_eq!(index.versions[v].total_shingles(), 0);
        assert!(shingles(&[]).is_empty());
    }
}
