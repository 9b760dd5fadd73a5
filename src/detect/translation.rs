//! Translations an outlet made itself, found without a model: by what survives translation.
//!
//! Numbers, acronyms and names (capitalised words that do not start a sentence) come through
//! a translation mostly unchanged and mostly in the same order. Each article's sequence of
//! such anchors is aligned with the page's (a weighted longest common subsequence), so an
//! op-ed on the same subject that uses the same names and figures in its own order scores
//! low, and the article in another language scores high. Precision comes first: the bar is
//! high and a page must share many distinct anchors before it is even aligned.
//!
//! Names do not survive into Japanese or Chinese script, so on such pages only numbers and
//! acronyms are counted.

use super::normalise::{Class, Token, fold_diacritics, tokenise_paragraphs};
use super::numbers;
use std::collections::{HashMap, HashSet};

/// A page must share this many distinct anchors with an article to be aligned at all.
const MIN_SHARED: usize = 8;
/// Share of the article's anchor weight the in-order alignment must reach.
const MIN_SCORE: f64 = 0.5;
/// Of the page's anchors drawn from the article's vocabulary, the share that must fall into
/// the alignment: a text on the same subject mentions the same names out of order.
const MIN_PAGE_SHARE: f64 = 0.55;
/// Text the page takes between its first and last aligned anchors, as a share of the article's
/// text between the same anchors. Translations into the languages pickup meets run from about
/// 0.8 to 1.4 times the original (a CJK character counted as half a word); a report listing
/// the same figures is a fraction of it.
const MIN_LENGTH_RATIO: f64 = 0.6;
/// Bounds on the alignment table (anchors per article, per page).
const MAX_ARTICLE_ANCHORS: usize = 600;
const MAX_PAGE_ANCHORS: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnchorClass {
    Number,
    Acronym,
    Name,
}

impl AnchorClass {
    /// A figure is the surest survivor of translation; names get transliterated or inflected.
    fn weight(self) -> f64 {
        match self {
            AnchorClass::Number => 3.0,
            AnchorClass::Acronym => 2.0,
            AnchorClass::Name => 1.0,
        }
    }
}

/// One anchor: its folded form, class, and where it sits.
#[derive(Debug, Clone)]
pub struct Anchor {
    pub key: String,
    pub class: AnchorClass,
    pub para: usize,
    /// Words of text before the anchor (a CJK character counts half a word): how far apart two
    /// anchors are, to tell a translation from a summary that lists the same figures.
    pub at: f64,
}

/// Anchors of a token stream, in order. `language` is the text's ISO 639-1 code when known:
/// a few number words count only in their own language ("once" is 11 in Spanish, not English).
pub fn anchors(tokens: &[Token], language: Option<&str>) -> Vec<Anchor> {
    let width = |t: &Token| if t.class == Class::Cjk { 0.5 } else { 1.0 };
    let mut out = Vec::new();
    let mut at = 0.0;
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        let here = at;
        // "23.5 million", "onze milliards" and "2万3752" are one figure over several tokens.
        let (anchor, used) = match numbers::figure(tokens, i, language) {
            Some(f) => (Some((f.key, AnchorClass::Number)), f.tokens.max(1)),
            None if t.class == Class::Number => (Some((t.norm.clone(), AnchorClass::Number)), 1),
            None => (word_anchor(t), 1),
        };
        at += tokens[i..(i + used).min(tokens.len())].iter().map(width).sum::<f64>();
        i += used;
        let Some((key, class)) = anchor else { continue };
        // One-digit figures ("2 years", "sept décès", list items) are everywhere: no evidence.
        // "1 billion" is.
        if class != AnchorClass::Number || key.len() >= 2 {
            out.push(Anchor {
                key,
                class,
                para: t.para,
                at: here,
            });
        }
    }
    out
}

/// A name or an acronym, keyed as it is compared.
fn word_anchor(t: &Token) -> Option<(String, AnchorClass)> {
    let class = anchor_class(t)?;
    if numbers::is_scale_word(&t.norm) {
        return None; // German capitalises "Millionen": part of a figure, not a name
    }
    let key = match class {
        AnchorClass::Name => fold_diacritics(&t.norm),
        _ => t.norm.clone(),
    };
    Some((key, class))
}

fn anchor_class(t: &Token) -> Option<AnchorClass> {
    match t.class {
        Class::Cjk => None,
        Class::Number => Some(AnchorClass::Number),
        Class::Word => {
            let latin = t.norm.chars().all(|c| c.is_alphabetic() && (c as u32) < 0x0250);
            let letters = t.norm.chars().count();
            if !latin {
                None
            } else if t.all_caps && (2..=8).contains(&letters) {
                Some(AnchorClass::Acronym)
            } else if t.capitalised && !t.sentence_start && letters >= 3 {
                Some(AnchorClass::Name)
            } else {
                None
            }
        }
    }
}

/// An article's anchors, weighted: a key that occurs n times weighs 1/n per occurrence, so
/// "Taiwan" said ten times counts no more than one rare figure.
#[derive(Debug)]
struct ArticleAnchors {
    keys: Vec<u32>,
    weights: Vec<f64>,
    classes: Vec<AnchorClass>,
    paras: Vec<usize>,
    /// Position of each anchor in words (see [`Anchor::at`]).
    at: Vec<f64>,
    /// Words per paragraph, for coverage.
    para_words: Vec<usize>,
    /// Sum of weights, and the same without names.
    total: f64,
    total_no_names: f64,
}

/// Anchor sequences of every tracked article and an inverted index key → articles.
#[derive(Debug, Default)]
pub struct AnchorIndex {
    vocabulary: HashMap<String, u32>,
    articles: Vec<ArticleAnchors>,
    /// Key → articles holding it, with the key's class there.
    by_key: HashMap<u32, Vec<(u32, AnchorClass)>>,
}

/// What the alignment found for one article.
#[derive(Debug, Clone)]
pub struct AnchorMatch {
    pub score: f64,
    pub coverage: f64,
    pub missing: Vec<usize>,
    /// Page paragraph holding the most matched anchor weight.
    pub best_page_para: usize,
}

impl AnchorIndex {
    /// Adds an article's original text, in `language`; the author's name is left out (a byline
    /// is no evidence).
    pub fn add(&mut self, paragraphs: &[String], author: Option<&str>, language: &str) {
        let article = self.articles.len() as u32;
        let tokens = tokenise_paragraphs(paragraphs, 50_000);
        let author_keys: HashSet<String> = author
            .map(|a| {
                tokenise_paragraphs(&[a], 50)
                    .iter()
                    .map(|t| fold_diacritics(&t.norm))
                    .collect()
            })
            .unwrap_or_default();
        let mut list: Vec<Anchor> = anchors(&tokens, Some(language))
            .into_iter()
            .filter(|a| !author_keys.contains(&a.key))
            .collect();
        list.truncate(MAX_ARTICLE_ANCHORS);
        // One class per key ("US" the acronym and "Us" the name share a key), so each key's
        // occurrences weigh exactly its class weight in all: `candidates` relies on it.
        let mut first_class: HashMap<String, AnchorClass> = HashMap::new();
        for a in &mut list {
            a.class = *first_class.entry(a.key.clone()).or_insert(a.class);
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for a in &list {
            *counts.entry(a.key.as_str()).or_default() += 1;
        }
        let weights: Vec<f64> = list
            .iter()
            .map(|a| a.class.weight() / counts[a.key.as_str()] as f64)
            .collect();
        let mut para_words = vec![0; paragraphs.len()];
        for t in &tokens {
            para_words[t.para] += 1;
        }
        let mut keys = Vec::with_capacity(list.len());
        for a in &list {
            let next = self.vocabulary.len() as u32;
            let id = *self.vocabulary.entry(a.key.clone()).or_insert(next);
            keys.push(id);
            let owners = self.by_key.entry(id).or_default();
            if owners.last().map(|o| o.0) != Some(article) {
                owners.push((article, a.class));
            }
        }
        let total: f64 = weights.iter().sum();
        let total_no_names = list
            .iter()
            .zip(&weights)
            .filter(|(a, _)| a.class != AnchorClass::Name)
            .map(|(_, w)| w)
            .sum();
        self.articles.push(ArticleAnchors {
            keys,
            weights,
            total,
            total_no_names,
            classes: list.iter().map(|a| a.class).collect(),
            paras: list.iter().map(|a| a.para).collect(),
            at: list.iter().map(|a| a.at).collect(),
            para_words,
        });
    }

    /// Articles worth aligning, among `allowed`: they share at least `MIN_SHARED` distinct
    /// anchors with the page, and enough anchor weight that the alignment could reach
    /// `MIN_SCORE` (every occurrence of a key weighs its class weight in all, so the shared
    /// keys' class weights bound what any alignment can match). The bound is taken with and
    /// without names, so it holds whatever the page's script. Cost follows the page's anchors
    /// and their posting lists, not the number of articles.
    pub fn candidates(&self, page: &[Anchor], allowed: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut seen = HashSet::new();
        // article → (distinct shared keys, shared weight, shared weight without names)
        let mut shared: HashMap<u32, (usize, f64, f64)> = HashMap::new();
        for a in page {
            let Some(&id) = self.vocabulary.get(&a.key) else {
                continue;
            };
            if !seen.insert(id) {
                continue;
            }
            for &(art, class) in self.by_key.get(&id).map_or(&[][..], Vec::as_slice) {
                let s = shared.entry(art).or_default();
                s.0 += 1;
                s.1 += class.weight();
                if class != AnchorClass::Name {
                    s.2 += class.weight();
                }
            }
        }
        let mut out: Vec<usize> = shared
            .into_iter()
            .filter(|&(art, (n, all, no_names))| {
                let art_anchors = &self.articles[art as usize];
                let bound = (all / art_anchors.total.max(f64::EPSILON))
                    .max(no_names / art_anchors.total_no_names.max(f64::EPSILON));
                n >= MIN_SHARED && bound >= MIN_SCORE && allowed(art as usize)
            })
            .map(|(a, _)| a as usize)
            .collect();
        out.sort_unstable();
        out
    }

    /// Aligns the page's anchors with the article's. `names_count` is false on CJK pages.
    pub fn align(&self, article: usize, page: &[Anchor], names_count: bool) -> Result<AnchorMatch, String> {
        let art = &self.articles[article];
        let usable = |c: AnchorClass| names_count || c != AnchorClass::Name;
        let a_idx: Vec<usize> = (0..art.keys.len()).filter(|&i| usable(art.classes[i])).collect();
        let (page_keys, page_at): (Vec<(u32, usize)>, Vec<f64>) = page
            .iter()
            .filter(|a| usable(a.class))
            .filter_map(|a| self.vocabulary.get(&a.key).map(|&id| ((id, a.para), a.at)))
            .take(MAX_PAGE_ANCHORS)
            .unzip();
        let total: f64 = a_idx.iter().map(|&i| art.weights[i]).sum();
        if total <= 0.0 || page_keys.is_empty() {
            return Err("no figures or names of the article on the page".to_string());
        }
        let pairs = weighted_lcs(
            &a_idx.iter().map(|&i| (art.keys[i], art.weights[i])).collect::<Vec<_>>(),
            &page_keys,
        );
        let matched: f64 = pairs.iter().map(|&(i, _)| art.weights[a_idx[i]]).sum();
        let score = matched / total;
        let vocab: HashSet<u32> = a_idx.iter().map(|&i| art.keys[i]).collect();
        let page_in_vocab = page_keys.iter().filter(|(k, _)| vocab.contains(k)).count();
        let page_share = pairs.len() as f64 / page_in_vocab.max(1) as f64;
        let distinct: HashSet<u32> = pairs.iter().map(|&(i, _)| art.keys[a_idx[i]]).collect();
        if score < MIN_SCORE || page_share < MIN_PAGE_SHARE || distinct.len() < MIN_SHARED {
            return Err(format!(
                "not a translation: {:.0}% of the article's figures and names in its order (needs {:.0}%), \
                 {:.0}% of the page's shared names in that order, {} distinct",
                score * 100.0,
                MIN_SCORE * 100.0,
                page_share * 100.0,
                distinct.len()
            ));
        }
        // A news report or press release can list the article's figures in its order too, but
        // in a fraction of the words: a translation spans about as much text as the original.
        // Measured between consecutive aligned anchors in the same or neighbouring paragraphs,
        // so paragraphs the outlet cut do not count as text it shortened.
        let (mut article_span, mut page_span) = (0.0, 0.0);
        for w in pairs.windows(2) {
            let ((ia, ja), (ib, jb)) = (w[0], w[1]);
            let (ia, ib) = (a_idx[ia], a_idx[ib]);
            if art.paras[ib] - art.paras[ia] <= 1 {
                article_span += art.at[ib] - art.at[ia];
                page_span += page_at[jb] - page_at[ja];
            }
        }
        let length_ratio = page_span / f64::max(article_span, 1.0);
        if length_ratio < MIN_LENGTH_RATIO {
            return Err(format!(
                "not a translation: the article's figures and names in its order, but in {:.0}% of its length \
                 (needs {:.0}%): a summary or a report about it",
                length_ratio * 100.0,
                MIN_LENGTH_RATIO * 100.0
            ));
        }
        Ok(self.summarise(art, &a_idx, &pairs, &page_keys, score))
    }

    fn summarise(
        &self,
        art: &ArticleAnchors,
        a_idx: &[usize],
        pairs: &[(usize, usize)],
        page_keys: &[(u32, usize)],
        score: f64,
    ) -> AnchorMatch {
        let paras = art.para_words.len();
        let (mut have, mut got) = (vec![0.0; paras], vec![0.0; paras]);
        for &i in a_idx {
            have[art.paras[i]] += art.weights[i];
        }
        let mut page_weight: HashMap<usize, f64> = HashMap::new();
        for &(i, j) in pairs {
            got[art.paras[a_idx[i]]] += art.weights[a_idx[i]];
            *page_weight.entry(page_keys[j].1).or_default() += art.weights[a_idx[i]];
        }
        // A paragraph with no anchors cannot be judged: neither found nor missing.
        let judged: Vec<usize> = (0..paras).filter(|&p| have[p] > 0.0).collect();
        let found = |p: usize| got[p] >= 0.5 * have[p];
        let words = |ps: &mut dyn Iterator<Item = usize>| ps.map(|p| art.para_words[p]).sum::<usize>() as f64;
        let coverage =
            words(&mut judged.iter().copied().filter(|&p| found(p))) / words(&mut judged.iter().copied()).max(1.0);
        let best_page_para = page_weight
            .into_iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map_or(0, |(p, _)| p);
        AnchorMatch {
            score,
            coverage,
            missing: judged.into_iter().filter(|&p| !found(p)).collect(),
            best_page_para,
        }
    }
}

/// Weighted longest common subsequence of article keys (with weights) and page keys.
/// Returns matched (article index, page index) pairs in order.
fn weighted_lcs(article: &[(u32, f64)], page: &[(u32, usize)]) -> Vec<(usize, usize)> {
    let (n, m) = (article.len(), page.len());
    if n == 0 || m == 0 {
        return Vec::new();
    }
    let width = m + 1;
    let mut dp = vec![0.0f64; (n + 1) * width];
    for i in 1..=n {
        for j in 1..=m {
            let skip = dp[(i - 1) * width + j].max(dp[i * width + j - 1]);
            let take = if article[i - 1].0 == page[j - 1].0 {
                dp[(i - 1) * width + j - 1] + article[i - 1].1
            } else {
                -1.0
            };
            dp[i * width + j] = skip.max(take);
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        let here = dp[i * width + j];
        if article[i - 1].0 == page[j - 1].0 && (here - dp[(i - 1) * width + j - 1] - article[i - 1].1).abs() < 1e-9 {
            pairs.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if (here - dp[(i - 1) * width + j]).abs() < 1e-12 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();
    pairs
}

/// ISO 639-1 code of the page: the extractor's if it has one, else whatlang's best guess.
pub fn page_language(declared: Option<&str>, paragraphs: &[String]) -> Option<String> {
    match declared.and_then(crate::extract::lang::normalize) {
        Some(code) => Some(code),
        None => crate::extract::lang::guess_code(paragraphs).map(str::to_string),
    }
}

/// True for scripts where names cannot survive in Latin letters.
pub fn names_survive(language: &str) -> bool {
    !matches!(
        language,
        "ja" | "zh" | "ko" | "ru" | "uk" | "bg" | "ar" | "he" | "el" | "hi" | "th"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(text: &str) -> Vec<String> {
        super::super::normalise::split_paragraphs(text)
    }

    const EN: &str = "In 2020 Taiwan and Interpol traced 1,247 accounts in Manila.\n\n\
        Police in Jakarta seized 35 servers of the APEC network and 4.5 million dollars in Osaka.\n\n\
        By 2023 the FBI and Europol had joined; Minister Chen visited Brussels with 120 experts.";
    const ES: &str = "En 2020, Taiwán e Interpol rastrearon 1.247 cuentas en Manila.\n\n\
        La policía de Yakarta incautó 35 servidores de la red APEC y 4,5 millones de dólares en Osaka.\n\n\
        Para 2023 se habían sumado el FBI y Europol; el ministro Chen visitó Bruselas con 120 expertos.";

    #[test]
    fn a_translation_aligns_and_a_reordering_does_not() {
        let mut index = AnchorIndex::default();
        index.add(&paras(EN), Some("Chen"), "en");
        let page = anchors(&tokenise_paragraphs(&paras(ES), 10_000), Some("es"));
        let m = index.align(0, &page, true).expect("translation");
        assert!(m.score > 0.7, "{}", m.score);
        let mut shuffled = paras(ES);
        shuffled.reverse();
        let page = anchors(&tokenise_paragraphs(&shuffled, 10_000), Some("es"));
        assert!(index.align(0, &page, true).is_err());
    }

    #[test]
    fn figures_agree_across_scale_words() {
        let keys = |text: &str| {
            anchors(&tokenise_paragraphs(&[text], 100), None)
                .into_iter()
                .map(|a| a.key)
                .collect::<Vec<_>>()
        };
        for text in [
            "23.5 million",
            "23,5 millones",
            "23,5 juta",
            "2,350万人",
            "23,5 Millionen",
        ] {
            assert_eq!(keys(text), ["23500000"], "{text}");
        }
        assert_eq!(keys("11.000 millones"), keys("11 billion"));
        assert_eq!(keys("US$1 billion"), ["us", "1000000000"]);
        assert!(keys("1 of 2").is_empty());
    }

    #[test]
    fn lcs_keeps_order() {
        let a = [(1, 1.0), (2, 1.0), (3, 5.0)];
        let p = [(3, 0), (1, 0), (2, 0)];
        assert_eq!(weighted_lcs(&a, &p), [(2, 0)]);
        assert!(weighted_lcs(&[], &p).is_empty());
    }

    #[test]
    fn languages_are_detected_when_not_declared() {
        let p = paras(
            "La policía de Yakarta incautó treinta servidores de la red y millones de dólares en efectivo durante la operación.",
        );
        assert_eq!(page_language(None, &p).as_deref(), Some("es"));
        assert_eq!(page_language(Some("de-AT"), &p).as_deref(), Some("de"));
        assert_eq!(page_language(None, &[]), None);
    }
}
