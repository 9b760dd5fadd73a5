//! Detection: does a page republish a tracked article, and how?
//!
//! - [`normalise`]: text → tokens that ignore formatting, number formats and spelling;
//! - [`numbers`]: figures in any digits, number words, scale words or CJK and Korean numerals
//!   → one value;
//! - [`fingerprint`]: shingles of every tracked text (originals and official translations)
//!   and the inverted index over them, built once in [`Detector::new`];
//! - [`matcher`]: a page's shingles against the index → verbatim, edited, excerpt or a reason;
//! - [`translation`]: translations an outlet made itself, found by the names and figures
//!   that survive translation, in their order.
//!
//! A page gets one judgement per tracked article, and at most one hit per article: the best
//! of the original, its official translations and the outlet-translation check.

mod fingerprint;
mod matcher;
mod normalise;
mod numbers;
mod translation;

use crate::config::Article;
use crate::extract::Document;
use crate::text::shorten;
use serde::Serialize;

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

    /// How much of the article the kind says ran: verbatim over edited and translation over
    /// excerpt.
    pub fn rank(self) -> u8 {
        match self {
            Kind::Verbatim => 3,
            Kind::Edited | Kind::Translation => 2,
            Kind::Excerpt => 1,
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
    /// The longest matched passage in full, kept compressed as proof ([`crate::proof`]); not
    /// part of the verdict's JSON, which shows `evidence`.
    #[serde(skip)]
    pub passage: String,
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

/// Tokens judged per page: about 100,000 words, far beyond any article, so a huge page costs
/// bounded time.
const MAX_PAGE_TOKENS: usize = 100_000;
/// Evidence is shortened to about this many characters.
const EVIDENCE_CHARS: usize = 300;

/// Fingerprints of every tracked article, built once per run. Immutable after `new`, so it is
/// `Send + Sync` and shared across worker threads.
pub struct Detector {
    articles: Vec<Tracked>,
    shingles: fingerprint::Index,
    anchors: translation::AnchorIndex,
}

struct Tracked {
    id: String,
    language: String,
}

impl Detector {
    pub fn new(articles: &[Article]) -> Detector {
        let mut shingles = fingerprint::Index::default();
        let mut anchors = translation::AnchorIndex::default();
        for (i, a) in articles.iter().enumerate() {
            shingles.add(
                i,
                &a.language,
                fingerprint::Source::Original,
                &a.title,
                &a.text,
                a.author.as_deref(),
            );
            for t in &a.translations {
                shingles.add(
                    i,
                    &t.language,
                    fingerprint::Source::OfficialTranslation,
                    t.title.as_deref().unwrap_or(""),
                    &t.text,
                    a.author.as_deref(),
                );
            }
            let language = crate::extract::lang::normalize(&a.language);
            anchors.add(
                &normalise::split_paragraphs(&a.text),
                a.author.as_deref(),
                language.as_deref().unwrap_or(""),
            );
        }
        let articles = articles
            .iter()
            .map(|a| Tracked {
                id: a.id.clone(),
                language: crate::extract::lang::normalize(&a.language).unwrap_or_else(|| a.language.clone()),
            })
            .collect();
        Detector {
            articles,
            shingles,
            anchors,
        }
    }

    /// Judges one page against every tracked article: one judgement per article, in the
    /// order the articles were given.
    pub fn judge(&self, doc: &Document) -> Vec<Judgement> {
        let page = matcher::Page::new(&doc.paragraphs, doc.title.as_deref(), MAX_PAGE_TOKENS);
        let mut verdicts: Vec<Option<Verdict>> = vec![None; self.articles.len()];
        for (v, matches) in matcher::collect(&self.shingles, &page) {
            let version = &self.shingles.versions[v];
            let verdict = self.shingle_verdict(version, &matcher::assess(version, &matches, &page), &page);
            let slot = &mut verdicts[version.article];
            if slot.as_ref().is_none_or(|old| better(&verdict, old)) {
                *slot = Some(verdict);
            }
        }
        self.look_for_outlet_translations(doc, &page, &mut verdicts);
        self.articles
            .iter()
            .zip(verdicts)
            .map(|(a, v)| Judgement {
                article: a.id.clone(),
                verdict: v.unwrap_or_else(|| Verdict::Rejected {
                    score: 0.0,
                    reason: "no passage of the article found".to_string(),
                }),
            })
            .collect()
    }

    fn shingle_verdict(
        &self,
        version: &fingerprint::Version,
        a: &matcher::Assessment,
        page: &matcher::Page,
    ) -> Verdict {
        let score = matcher::score(a);
        let shape = match matcher::classify(a) {
            Ok(shape) => shape,
            Err(reason) => return Verdict::Rejected { score, reason },
        };
        let kind = match shape {
            // Part of an official translation is still an excerpt: the kind says how much ran.
            matcher::Shape::Passage => Kind::Excerpt,
            _ if version.source == fingerprint::Source::OfficialTranslation => Kind::Translation,
            matcher::Shape::Whole => Kind::Verbatim,
            matcher::Shape::MostOf => Kind::Edited,
        };
        let passage = a.passage.map(|(s, e)| page.text_between(s, e)).unwrap_or_default();
        let evidence = shorten(&passage, EVIDENCE_CHARS);
        Verdict::Hit(Hit {
            kind,
            score,
            coverage: a.coverage,
            language: version.language.clone(),
            missing_paragraphs: a.missing.clone(),
            evidence,
            passage,
        })
    }

    /// For articles with no hit so far, on a page in another language than the article's,
    /// looks for a translation the outlet made itself.
    fn look_for_outlet_translations(&self, doc: &Document, page: &matcher::Page, verdicts: &mut [Option<Verdict>]) {
        // Without the page's language yet: words that are numbers in one language only wait.
        let page_anchors = translation::anchors(&page.tokens, None);
        let candidates = self
            .anchors
            .candidates(&page_anchors, |i| !matches!(verdicts[i], Some(Verdict::Hit(_))));
        if candidates.is_empty() {
            return; // most pages end here, before the costlier language detection
        }
        // Extraction has already classified the text: its guess stands in for a missing language.
        let known = doc.language.as_deref().or(doc.text_language.as_deref());
        let Some(lang) = translation::page_language(known, &doc.paragraphs) else {
            return;
        };
        let names = translation::name_mode(&lang, &page.tokens);
        let page_anchors = translation::anchors(&page.tokens, Some(&lang));
        for i in candidates.into_iter().filter(|&i| self.articles[i].language != lang) {
            let verdict = match self.anchors.align(i, &page_anchors, names) {
                Ok(m) => Verdict::Hit(Hit {
                    kind: Kind::Translation,
                    score: m.score,
                    coverage: m.coverage,
                    language: lang.clone(),
                    missing_paragraphs: m.missing,
                    evidence: shorten(
                        doc.paragraphs.get(m.best_page_para).map_or("", String::as_str),
                        EVIDENCE_CHARS,
                    ),
                    passage: doc.paragraphs.get(m.best_page_para).cloned().unwrap_or_default(),
                }),
                Err(reason) => Verdict::Rejected { score: 0.0, reason },
            };
            let slot = &mut verdicts[i];
            if slot.as_ref().is_none_or(|old| better(&verdict, old)) {
                *slot = Some(verdict);
            }
        }
    }
}

/// The id pages with the same text share: 16 hex digits of the xxh3 hash of the page's
/// normalised tokens (so quotes, dashes, spacing, case and number formats do not split a group).
/// `None` for a page with no text.
pub fn text_group<S: AsRef<str>>(paragraphs: &[S]) -> Option<String> {
    let tokens = normalise::tokenise_paragraphs(paragraphs, MAX_PAGE_TOKENS);
    if tokens.is_empty() {
        return None;
    }
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for t in &tokens {
        hasher.update(t.norm.as_bytes());
        hasher.update(b" ");
    }
    Some(format!("{:016x}", hasher.digest()))
}

/// How fully a hit shows the article, for choosing between two hits on one placement: in
/// detection (the original against its translations on one page) and in the store (the same
/// page seen again). One rule serves both: [`Strength::beats`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strength {
    /// Share of the article found, 0–1.
    pub coverage: f64,
    pub kind: Kind,
    /// Confidence, 0–1.
    pub score: f64,
}

impl Strength {
    /// The fuller republication wins: the larger coverage (a full copy of the original beats
    /// an excerpt of a translation), then the fuller kind, then the higher score. A tie keeps
    /// what is there.
    pub fn beats(&self, other: &Strength) -> bool {
        let key = |s: &Strength| (s.coverage, s.kind.rank(), s.score);
        let (a, b) = (key(self), key(other));
        a.0.total_cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.total_cmp(&b.2))
            .is_gt()
    }
}

impl Hit {
    pub fn strength(&self) -> Strength {
        Strength {
            coverage: self.coverage,
            kind: self.kind,
            score: self.score,
        }
    }
}

/// Which of two verdicts for one article to keep: a hit over a rejection, then the stronger
/// hit ([`Strength::beats`]), else the higher-scored rejection.
fn better(new: &Verdict, old: &Verdict) -> bool {
    match (new, old) {
        (Verdict::Hit(n), Verdict::Hit(o)) => n.strength().beats(&o.strength()),
        (Verdict::Hit(_), Verdict::Rejected { .. }) => true,
        (Verdict::Rejected { .. }, Verdict::Hit(_)) => false,
        (Verdict::Rejected { score: n, .. }, Verdict::Rejected { score: o, .. }) => n > o,
    }
}
