//! Translations an outlet made itself, found without a model: by what survives translation.
//!
//! Numbers, acronyms and names (capitalised words that do not start a sentence) come through
//! a translation mostly unchanged and mostly in the same order. Each article's sequence of
//! such anchors is aligned with the page's (a weighted longest common subsequence that lets two
//! neighbouring anchors of one sentence trade places, as Korean and Chinese word order often
//! makes them), so an op-ed on the same subject that uses the same names and figures in its own
//! order scores low, and the article in another language scores high. Precision comes first:
//! the bar is high and a page must share many distinct anchors before it is even aligned.
//!
//! Names written in another script (Cyrillic, Hangul, Thai, Arabic...) are transliterated to
//! Latin letters with `any_ascii` and compared by their consonant skeleton ("Тайвань",
//! "타이완", "ไต้หวัน", "تايوان" and "Taiwan" all sound t-b-n). Han characters give Mandarin
//! readings that neither Japanese text nor foreign names follow, so on Japanese and Chinese
//! pages only numbers and acronyms are counted.

use super::fingerprint::MAX_TEXT_TOKENS;
use super::normalise::{Class, Script, Token, fold_diacritics, script_of, tokenise_paragraphs, width};
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
/// text between the same anchors, lengths counted in English words (see
/// [`super::normalise::width`]). Translations into the languages pickup meets run from about
/// 0.8 to 1.4 times the original; a report listing the same figures is a fraction of it.
const MIN_LENGTH_RATIO: f64 = 0.6;
/// Bounds on the alignment table (anchors per article, per page).
const MAX_ARTICLE_ANCHORS: usize = 600;
const MAX_PAGE_ANCHORS: usize = 2_000;
/// Tokens of an author's name looked at, to leave the byline out of the anchors.
const MAX_AUTHOR_TOKENS: usize = 50;
/// A paragraph of the article counts as found when this share of its anchor weight aligned.
const PARA_FOUND_WEIGHT: f64 = 0.5;
/// A consonant skeleton must have this many consonants to identify a name: "t-b-n" (Taiwan)
/// does, "t-b" (Dubai) is any number of words.
const MIN_SOUND: usize = 3;
/// A skeleton that leaves out a w or an r (Arabic writes و for a vowel, Korean drops the r of
/// "Stanford") is looser, and must keep one consonant more.
const MIN_LOOSE_SOUND: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum AnchorClass {
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

/// How a page's names are compared with an article's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Names {
    /// The page writes names in Latin letters: compared as spelled, diacritics aside.
    Spelled,
    /// The page writes names in another script: compared by the consonants of their
    /// transliteration. They add evidence and never take it away: the score is the better of
    /// the alignment with and without names.
    Transliterated,
    /// Japanese and Chinese: names are not counted.
    Ignored,
}

/// How to compare names on a page in `language` (ISO 639-1) whose tokens are `tokens`.
pub(super) fn name_mode(language: &str, tokens: &[Token]) -> Names {
    if matches!(language, "ja" | "zh") {
        return Names::Ignored;
    }
    let (mut latin, mut other) = (0, 0);
    for t in tokens.iter().filter(|t| t.class == Class::Word) {
        match script_of(&t.norm) {
            Script::Latin => latin += 1,
            _ => other += 1,
        }
    }
    if other > latin {
        Names::Transliterated
    } else {
        Names::Spelled
    }
}

/// One anchor: its folded form, class, and where it sits.
#[derive(Debug, Clone)]
pub(super) struct Anchor {
    /// The key compared as written: a figure's value, an acronym, a Latin name folded. Empty
    /// for a word in another script, which is compared by `sounds` only.
    pub key: String,
    /// Consonant skeletons of a word in a non-Latin script (see [`sounds`]).
    pub sounds: Vec<String>,
    pub class: AnchorClass,
    pub para: usize,
    /// Sentence number (see [`Token::sentence`]).
    pub sentence: u32,
    /// Length of the text before the anchor, in English words (see
    /// [`super::normalise::width`]): how far apart two anchors are, to tell a translation from a
    /// summary that lists the same figures.
    pub at: f64,
}

/// Anchors of a token stream, in order. `language` is the text's ISO 639-1 code when known:
/// a few number words count only in their own language ("once" is 11 in Spanish, not English).
pub(super) fn anchors(tokens: &[Token], language: Option<&str>) -> Vec<Anchor> {
    let mut out = Vec::new();
    let mut at = 0.0;
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        let here = at;
        // "23.5 million", "onze milliards" and "2万3752" are one figure over several tokens.
        let (anchor, used) = match numbers::figure(tokens, i, language) {
            Some(f) => (Some((f.key, Vec::new(), AnchorClass::Number)), f.tokens.max(1)),
            None if t.class == Class::Number => (Some((t.norm.clone(), Vec::new(), AnchorClass::Number)), 1),
            None => (word_anchor(t), 1),
        };
        at += tokens[i..(i + used).min(tokens.len())].iter().map(width).sum::<f64>();
        i += used;
        let Some((key, sounds, class)) = anchor else { continue };
        // One-digit figures ("2 years", "sept décès", list items) are everywhere: no evidence.
        // "1 billion" is.
        if class != AnchorClass::Number || key.len() >= 2 {
            out.push(Anchor {
                key,
                sounds,
                class,
                para: t.para,
                sentence: t.sentence,
                at: here,
            });
        }
    }
    out
}

/// A name or an acronym, keyed as it is compared, with its sounds when written in another
/// script than Latin.
fn word_anchor(t: &Token) -> Option<(String, Vec<String>, AnchorClass)> {
    if t.class != Class::Word || numbers::is_scale_word(&t.norm) {
        return None; // German capitalises "Millionen": part of a figure, not a name
    }
    let letters = t.norm.chars().count();
    let script = script_of(&t.norm);
    if script != Script::Latin {
        // Scripts with capitals write names with one; others give no sign, so every word may
        // be a name, and only the article's names decide which are.
        let cased = matches!(
            script,
            Script::Cyrillic | Script::Greek | Script::Armenian | Script::Georgian
        );
        let name_like = if cased {
            (t.capitalised && !t.sentence_start) || t.all_caps
        } else {
            letters >= 2
        };
        if !name_like || script == Script::Cjk {
            return None;
        }
        let sounds = word_sounds(&t.norm, script);
        return (!sounds.is_empty()).then(|| (String::new(), sounds, AnchorClass::Name));
    }
    let latin = t.norm.chars().all(|c| c.is_alphabetic() && (c as u32) < 0x0250);
    if !latin {
        None
    } else if t.all_caps && (2..=8).contains(&letters) {
        Some((t.norm.clone(), Vec::new(), AnchorClass::Acronym))
    } else if t.capitalised && !t.sentence_start && letters >= 3 {
        Some((fold_diacritics(&t.norm), Vec::new(), AnchorClass::Name))
    } else {
        None
    }
}

/// Korean particles written onto a noun ("타이완은", "인터폴에서"), longest first.
const KOREAN_PARTICLES: &[&str] = &[
    "에서는",
    "으로는",
    "에게서",
    "에서",
    "에게",
    "으로",
    "까지",
    "부터",
    "보다",
    "처럼",
    "에는",
    "에도",
    "와의",
    "과의",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "와",
    "과",
    "로",
    "도",
];
/// Arabic prefixes written onto a noun: the article ال with the conjunctions and prepositions
/// و ب ف ك ل before it, and those alone.
const ARABIC_PREFIXES: &[&str] = &["وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل"];
/// Russian case endings that add a consonant ("Тайванем", "Филиппинах"); vowel endings vanish
/// from the skeleton on their own.
const RUSSIAN_ENDINGS: &[&str] = &[
    "ами", "ями", "ом", "ем", "ой", "ей", "ам", "ям", "ах", "ях", "ов", "ев", "ым", "им", "ых", "их",
];

/// Sounds of a word in a non-Latin script: of the word as written and of its stem without a
/// particle, prefix or case ending, when enough of it is left.
fn word_sounds(word: &str, script: Script) -> Vec<String> {
    let mut forms = vec![word];
    let strip = |affixes: &[&str], prefix: bool, min_left: usize| -> Option<&str> {
        affixes.iter().find_map(|a| {
            let stem = if prefix {
                word.strip_prefix(a)?
            } else {
                word.strip_suffix(a)?
            };
            (stem.chars().count() >= min_left).then_some(stem)
        })
    };
    let stem = match script {
        Script::Hangul => strip(KOREAN_PARTICLES, false, 2),
        Script::Arabic => strip(ARABIC_PREFIXES, true, 3),
        Script::Cyrillic => strip(RUSSIAN_ENDINGS, false, 3),
        _ => None,
    };
    forms.extend(stem);
    let mut out: Vec<String> = forms
        .into_iter()
        .flat_map(|f| sounds(&any_ascii::any_ascii(f)))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Consonant skeletons of a name in Latin letters, to compare names across scripts: vowels and
/// h dropped; b p f v, k c q g x, d t, s z, l r each one consonant; ph, th, kh, sh, zh and a
/// soft g as one; doubled consonants as one. A w (a vowel in Arabic transliteration), an r
/// (silent after a vowel in Korean and British English) and a final s (an English plural)
/// may each be left out, in a skeleton of at least [`MIN_LOOSE_SOUND`] consonants.
pub(super) fn sounds(latin: &str) -> Vec<String> {
    let s: Vec<char> = latin
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut classes = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let next = s.get(i + 1).copied();
        let (class, used) = match (s[i], next) {
            ('p', Some('h')) => (Some('b'), 2),
            ('t', Some('h')) => (Some('t'), 2),
            ('k' | 'g', Some('h')) => (Some('k'), 2),
            ('c', Some('h')) => (Some('c'), 2),
            ('s', Some('h')) => (Some('s'), 2),
            ('z', Some('h')) => (Some('j'), 2),
            ('g', Some('e' | 'i' | 'y')) => (Some('j'), 1),
            ('x', _) => {
                classes.push('k');
                (Some('s'), 1)
            }
            (c, _) => (
                match c {
                    'b' | 'p' | 'f' | 'v' => Some('b'),
                    'w' => Some('w'),
                    'c' | 'k' | 'q' | 'g' => Some('k'),
                    'd' | 't' => Some('t'),
                    's' | 'z' => Some('s'),
                    'l' | 'r' => Some('r'),
                    'j' | 'm' | 'n' => Some(c),
                    _ => None, // vowels, h, y
                },
                1,
            ),
        };
        classes.extend(class);
        i += used;
    }
    let mut out = Vec::new();
    for (keep_w, keep_r, keep_s) in [
        (true, true, true),
        (false, true, true),
        (true, false, true),
        (true, true, false),
        (false, false, false),
    ] {
        let mut key = String::new();
        for &c in &classes {
            let c = match c {
                'w' if keep_w => 'b',
                'w' => continue,
                'r' if !keep_r => continue,
                c => c,
            };
            if !key.ends_with(c) {
                key.push(c);
            }
        }
        if !keep_s && key.len() > 1 && key.ends_with('s') {
            key.pop();
        }
        let strict = keep_w && keep_r && keep_s;
        if key.len() >= if strict { MIN_SOUND } else { MIN_LOOSE_SOUND } && !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// An article's anchors, weighted: a key that occurs n times weighs 1/n per occurrence, so
/// "Taiwan" said ten times counts no more than one rare figure.
#[derive(Debug)]
struct ArticleAnchors {
    keys: Vec<u32>,
    weights: Vec<f64>,
    classes: Vec<AnchorClass>,
    paras: Vec<usize>,
    sentences: Vec<u32>,
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
pub(super) struct AnchorIndex {
    vocabulary: HashMap<String, u32>,
    /// Sound (see [`sounds`]) → keys of the names and acronyms that sound so.
    by_sound: HashMap<String, Vec<u32>>,
    articles: Vec<ArticleAnchors>,
    /// Key → articles holding it, with the key's class there.
    by_key: HashMap<u32, Vec<(u32, AnchorClass)>>,
}

/// What the alignment found for one article.
#[derive(Debug, Clone)]
pub(super) struct AnchorMatch {
    pub score: f64,
    pub coverage: f64,
    pub missing: Vec<usize>,
    /// Page paragraph holding the most matched anchor weight.
    pub best_page_para: usize,
}

/// A page anchor resolved to the article keys it can stand for.
struct PageKey {
    keys: Vec<u32>,
    /// Resolved by sound, not by its own key.
    by_sound: bool,
    para: usize,
    sentence: u32,
    at: f64,
}

impl AnchorIndex {
    /// Adds an article's original text, in `language`; the author's name is left out (a byline
    /// is no evidence).
    pub(super) fn add(&mut self, paragraphs: &[String], author: Option<&str>, language: &str) {
        let article = self.articles.len() as u32;
        let tokens = tokenise_paragraphs(paragraphs, MAX_TEXT_TOKENS);
        let author_keys: HashSet<String> = author
            .map(|a| {
                tokenise_paragraphs(&[a], MAX_AUTHOR_TOKENS)
                    .iter()
                    .map(|t| fold_diacritics(&t.norm))
                    .collect()
            })
            .unwrap_or_default();
        let mut list: Vec<Anchor> = anchors(&tokens, Some(language))
            .into_iter()
            .filter(|a| !a.key.is_empty() && !author_keys.contains(&a.key))
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
                // Names and acronyms can be met in another script: index how they sound.
                if a.class != AnchorClass::Number {
                    for s in sounds(&any_ascii::any_ascii(&a.key)) {
                        let ids = self.by_sound.entry(s).or_default();
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
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
            sentences: list.iter().map(|a| a.sentence).collect(),
            at: list.iter().map(|a| a.at).collect(),
            para_words,
        });
    }

    /// The article keys a page anchor can stand for: its own key, or the names and acronyms
    /// that sound like it when `names` is [`Names::Transliterated`].
    fn resolve(&self, a: &Anchor, names: Names) -> Vec<u32> {
        if let Some(&id) = self.vocabulary.get(&a.key) {
            return vec![id];
        }
        if names != Names::Transliterated {
            return Vec::new();
        }
        let mut ids: Vec<u32> = a
            .sounds
            .iter()
            .filter_map(|s| self.by_sound.get(s))
            .flatten()
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Articles worth aligning, among `allowed`: they share at least `MIN_SHARED` distinct
    /// anchors with the page, and enough anchor weight that the alignment could reach
    /// `MIN_SCORE` (every occurrence of a key weighs its class weight in all, so the shared
    /// keys' class weights bound what any alignment can match). The bound is taken with and
    /// without names, so it holds whatever the page's script. Cost follows the page's anchors
    /// and their posting lists, not the number of articles.
    pub(super) fn candidates(&self, page: &[Anchor], allowed: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut seen = HashSet::new();
        // article → (distinct shared keys, shared weight, shared weight without names)
        let mut shared: HashMap<u32, (usize, f64, f64)> = HashMap::new();
        for a in page {
            for id in self.resolve(a, Names::Transliterated) {
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

    /// Aligns the page's anchors with the article's, comparing names as `names` says.
    pub(super) fn align(&self, article: usize, page: &[Anchor], names: Names) -> Result<AnchorMatch, String> {
        let art = &self.articles[article];
        let usable = |c: AnchorClass| names != Names::Ignored || c != AnchorClass::Name;
        let a_idx: Vec<usize> = (0..art.keys.len()).filter(|&i| usable(art.classes[i])).collect();
        let page_keys: Vec<PageKey> = page
            .iter()
            .filter(|a| usable(a.class))
            .filter_map(|a| {
                let keys = self.resolve(a, names);
                (!keys.is_empty()).then_some(PageKey {
                    keys,
                    by_sound: a.key.is_empty(),
                    para: a.para,
                    sentence: a.sentence,
                    at: a.at,
                })
            })
            .take(MAX_PAGE_ANCHORS)
            .collect();
        let total: f64 = a_idx.iter().map(|&i| art.weights[i]).sum();
        if total <= 0.0 || page_keys.is_empty() {
            return Err("no figures or names of the article on the page".to_string());
        }
        let sequence: Vec<ArticleKey> = a_idx
            .iter()
            .map(|&i| ArticleKey {
                key: art.keys[i],
                weight: art.weights[i],
                sentence: art.sentences[i],
            })
            .collect();
        let pairs = weighted_lcs(&sequence, &page_keys);
        let matched: f64 = pairs.iter().map(|&(i, _)| art.weights[a_idx[i]]).sum();
        let mut score = matched / total;
        if names == Names::Transliterated {
            // Names add evidence, never take it away: many are translated, not transliterated.
            let figures: f64 = pairs
                .iter()
                .map(|&(i, _)| a_idx[i])
                .filter(|&i| art.classes[i] != AnchorClass::Name)
                .map(|i| art.weights[i])
                .sum();
            score = score.max(figures / art.total_no_names.max(f64::EPSILON));
        }
        let vocab: HashSet<u32> = a_idx.iter().map(|&i| art.keys[i]).collect();
        let share = |counts: &dyn Fn(&PageKey) -> bool| {
            let in_vocab = page_keys
                .iter()
                .filter(|p| counts(p) && p.keys.iter().any(|k| vocab.contains(k)))
                .count();
            let aligned = pairs.iter().filter(|&&(_, j)| counts(&page_keys[j])).count();
            aligned as f64 / in_vocab.max(1) as f64
        };
        let mut page_share = share(&|_| true);
        if names == Names::Transliterated {
            // In a script without capitals every word is looked up by sound, and common words
            // sound like short names ("دون" like "Taiwan"): those may not lower the share either.
            page_share = page_share.max(share(&|p| !p.by_sound));
        }
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
        let windows = spans(&pairs, |i| (art.paras[a_idx[i]], art.at[a_idx[i]]), |j| page_keys[j].at);
        let article_span: f64 = windows.iter().map(|w| w.0).sum();
        let page_span: f64 = windows.iter().map(|w| w.1).sum();
        // Both overall and for the median stretch of text: a text of its own that lists the
        // figures densely in one place and says something else at length in another is long
        // overall and short in most of its stretches.
        let length_ratio = (page_span / f64::max(article_span, 1.0)).min(weighted_median_ratio(&windows));
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
        page_keys: &[PageKey],
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
            *page_weight.entry(page_keys[j].para).or_default() += art.weights[a_idx[i]];
        }
        // A paragraph with no anchors cannot be judged: neither found nor missing.
        let judged: Vec<usize> = (0..paras).filter(|&p| have[p] > 0.0).collect();
        let found = |p: usize| got[p] >= PARA_FOUND_WEIGHT * have[p];
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

/// Text between consecutive aligned anchors, as (article words, page words), for anchors in
/// the same or neighbouring paragraphs of the article (so paragraphs the outlet cut do not
/// count as text it shortened). A pair the page wrote in swapped order is skipped, its
/// neighbours' window spanning it.
fn spans(
    pairs: &[(usize, usize)],
    article: impl Fn(usize) -> (usize, f64),
    page: impl Fn(usize) -> f64,
) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut last: Option<(usize, usize)> = None;
    for &(i, j) in pairs {
        if let Some((li, lj)) = last {
            if j <= lj {
                continue;
            }
            let ((pa, a0), (pb, a1)) = (article(li), article(i));
            if pb - pa <= 1 {
                out.push((a1 - a0, page(j) - page(lj)));
            }
        }
        last = Some((i, j));
    }
    out
}

/// The page-to-article length ratio of the median word of article text in `windows`: half of
/// the article's text between aligned anchors is rendered at this ratio or more.
fn weighted_median_ratio(windows: &[(f64, f64)]) -> f64 {
    let mut ratios: Vec<(f64, f64)> = windows.iter().filter(|w| w.0 > 0.0).map(|&(a, p)| (p / a, a)).collect();
    ratios.sort_by(|x, y| x.0.total_cmp(&y.0));
    let half = ratios.iter().map(|r| r.1).sum::<f64>() / 2.0;
    let mut seen = 0.0;
    for (ratio, weight) in ratios {
        seen += weight;
        if seen >= half {
            return ratio;
        }
    }
    0.0
}

/// One anchor of the article's sequence as the alignment sees it.
struct ArticleKey {
    key: u32,
    weight: f64,
    sentence: u32,
}

/// How the alignment reached a cell: which step the backtrack takes.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    SkipArticle,
    SkipPage,
    Match,
    /// Two neighbouring anchors of one sentence, in the other order on the page.
    Swap,
}

/// Weighted longest common subsequence of article keys (with weights) and page keys, where two
/// neighbouring anchors of one article sentence may appear swapped within one page sentence.
/// Returns matched (article index, page index) pairs, in article order.
fn weighted_lcs(article: &[ArticleKey], page: &[PageKey]) -> Vec<(usize, usize)> {
    let (n, m) = (article.len(), page.len());
    if n == 0 || m == 0 {
        return Vec::new();
    }
    let same = |i: usize, j: usize| page[j].keys.contains(&article[i].key);
    let width = m + 1;
    let mut dp = vec![0.0f64; (n + 1) * width];
    let mut step = vec![Step::SkipArticle; (n + 1) * width];
    for i in 1..=n {
        for j in 1..=m {
            let (mut best, mut how) = (dp[(i - 1) * width + j], Step::SkipArticle);
            if dp[i * width + j - 1] > best {
                (best, how) = (dp[i * width + j - 1], Step::SkipPage);
            }
            if same(i - 1, j - 1) {
                let take = dp[(i - 1) * width + j - 1] + article[i - 1].weight;
                if take >= best {
                    (best, how) = (take, Step::Match);
                }
            }
            if i >= 2
                && j >= 2
                && article[i - 1].key != article[i - 2].key
                && article[i - 1].sentence == article[i - 2].sentence
                && page[j - 1].sentence == page[j - 2].sentence
                && same(i - 1, j - 2)
                && same(i - 2, j - 1)
            {
                let take = dp[(i - 2) * width + j - 2] + article[i - 1].weight + article[i - 2].weight;
                if take > best {
                    (best, how) = (take, Step::Swap);
                }
            }
            dp[i * width + j] = best;
            step[i * width + j] = how;
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        match step[i * width + j] {
            Step::Match => {
                pairs.push((i - 1, j - 1));
                i -= 1;
                j -= 1;
            }
            Step::Swap => {
                pairs.push((i - 1, j - 2));
                pairs.push((i - 2, j - 1));
                i -= 2;
                j -= 2;
            }
            Step::SkipArticle => i -= 1,
            Step::SkipPage => j -= 1,
        }
    }
    pairs.reverse();
    pairs
}

/// ISO 639-1 code of the page: the extractor's if it has one, else whatlang's best guess.
pub(super) fn page_language(declared: Option<&str>, paragraphs: &[String]) -> Option<String> {
    match declared.and_then(crate::extract::lang::normalize) {
        Some(code) => Some(code),
        None => crate::extract::lang::guess_code(paragraphs).map(str::to_string),
    }
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
        let m = index.align(0, &page, Names::Spelled).expect("translation");
        assert!(m.score > 0.7, "{}", m.score);
        let mut shuffled = paras(ES);
        shuffled.reverse();
        let page = anchors(&tokenise_paragraphs(&shuffled, 10_000), Some("es"));
        assert!(index.align(0, &page, Names::Spelled).is_err());
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

    fn article_keys(keys: &[(u32, f64, u32)]) -> Vec<ArticleKey> {
        keys.iter()
            .map(|&(key, weight, sentence)| ArticleKey { key, weight, sentence })
            .collect()
    }

    fn page_keys(keys: &[(u32, u32)]) -> Vec<PageKey> {
        keys.iter()
            .map(|&(key, sentence)| PageKey {
                keys: vec![key],
                by_sound: false,
                para: 0,
                sentence,
                at: 0.0,
            })
            .collect()
    }

    #[test]
    fn lcs_keeps_order() {
        let a = article_keys(&[(1, 1.0, 0), (2, 1.0, 1), (3, 5.0, 2)]);
        let p = page_keys(&[(3, 0), (1, 1), (2, 2)]);
        assert_eq!(weighted_lcs(&a, &p), [(2, 0)]);
        assert!(weighted_lcs(&[], &p).is_empty());
    }

    #[test]
    fn lcs_lets_neighbours_in_one_sentence_swap() {
        // "14 countries, 38 vessels" written "38 vessels of 14 countries".
        let a = article_keys(&[(1, 1.0, 0), (2, 1.0, 0), (3, 1.0, 1)]);
        let swapped = page_keys(&[(2, 5), (1, 5), (3, 6)]);
        assert_eq!(weighted_lcs(&a, &swapped), [(0, 1), (1, 0), (2, 2)]);
        // The same two figures in different sentences of the page do not swap.
        let apart = page_keys(&[(2, 5), (1, 6), (3, 6)]);
        assert_eq!(weighted_lcs(&a, &apart).len(), 2);
    }

    #[test]
    fn names_sound_alike_across_scripts() {
        let taiwan = sounds("Taiwan");
        for (word, script) in [
            ("тайвань", Script::Cyrillic),
            ("тайванем", Script::Cyrillic),
            ("타이완은", Script::Hangul),
            ("ไต้หวัน", Script::Thai),
            ("تايوان", Script::Arabic),
            ("وتايوان", Script::Arabic),
        ] {
            let got = word_sounds(word, script);
            assert!(got.iter().any(|s| taiwan.contains(s)), "{word}: {got:?} vs {taiwan:?}");
        }
        let frankfurt = sounds("Frankfurt");
        for (word, script) in [
            ("франкфурт", Script::Cyrillic),
            ("프랑크푸르트", Script::Hangul),
            ("فرانكفورت", Script::Arabic),
        ] {
            let got = word_sounds(word, script);
            assert!(
                got.iter().any(|s| frankfurt.contains(s)),
                "{word}: {got:?} vs {frankfurt:?}"
            );
        }
        assert!(sounds("Dubai").is_empty(), "two consonants name nothing");
        assert!(!sounds("Manila").iter().any(|s| sounds("Taiwan").contains(s)));
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
