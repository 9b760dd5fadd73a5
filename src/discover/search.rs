//! News search as a source: the phrases searched for an article, its search window, and the
//! [`Searcher`] that asks the configured services politely and caches their answers for the run.
//!
//! An article is searched by its title and its most distinctive sentences, each as an exact
//! phrase: a republication keeps them word for word, and a service that searches machine
//! translations (GDELT) finds translated copies by the same English phrases. Every result is only
//! a candidate: it is fetched and judged like a page from a feed.

use super::gdelt::{self, SearchResult};
use crate::config::{Article, Config, DiscoveryConfig, SearchService};
use crate::crawl::robots::RobotsCache;
use crate::crawl::{Fetcher, Want};
use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use std::collections::{HashMap, HashSet};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Words in a searched phrase. Long enough to be found only on copies of the article (an
/// eight-word run of an op-ed's sentence is practically never written twice by chance), short
/// enough to survive an editor's cut or a translation's rewording around it.
pub const PHRASE_WORDS: usize = 8;

/// A sentence shorter than this says too little to be distinctive (and GDELT refuses phrases
/// made of short, common words).
const MIN_SENTENCE_WORDS: usize = 6;

/// The phrases searched for `article`: its title, then up to `n - 1` windows of
/// [`PHRASE_WORDS`] words from its most distinctive sentences, one per paragraph at most.
///
/// A word's weight is the inverse of the number of sentences of the article it appears in (so
/// the article's theme words, present everywhere, weigh little), doubled for figures and for
/// capitalised words inside a sentence (names, acronyms: they survive translation); a window's
/// score is the sum of its words' weights.
pub fn phrases(article: &Article, n: usize) -> Vec<String> {
    let mut out = vec![article.title.trim().to_string()];
    if n <= 1 {
        return out;
    }
    let paragraphs: Vec<Vec<Vec<String>>> = article
        .text
        .split("\n\n")
        .map(|p| sentences(p).into_iter().map(|s| words(&s)).collect())
        .collect();
    let mut sentence_count: HashMap<String, usize> = HashMap::new();
    for s in paragraphs.iter().flatten() {
        let distinct: HashSet<String> = s.iter().map(|w| w.to_lowercase()).collect();
        for w in distinct {
            *sentence_count.entry(w).or_default() += 1;
        }
    }
    let weight = |w: &str, first: bool| -> f64 {
        let base = 1.0 / *sentence_count.get(&w.to_lowercase()).unwrap_or(&1) as f64;
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        let short = if letters > 0 && letters <= 3 { 0.25 } else { 1.0 };
        let figure = w.chars().any(|c| c.is_ascii_digit());
        let name = !first && w.chars().next().is_some_and(char::is_uppercase);
        base * short * if figure || name { 2.0 } else { 1.0 }
    };
    // (score, paragraph, phrase); the best window of each sentence.
    let mut scored: Vec<(f64, usize, String)> = Vec::new();
    for (pi, p) in paragraphs.iter().enumerate() {
        for s in p {
            if s.len() < MIN_SENTENCE_WORDS {
                continue;
            }
            let width = PHRASE_WORDS.min(s.len());
            let best = (0..=s.len() - width)
                .map(|start| {
                    let score: f64 = s[start..start + width]
                        .iter()
                        .enumerate()
                        .map(|(i, w)| weight(w, start + i == 0))
                        .sum();
                    (score, start)
                })
                .fold((f64::MIN, 0), |a, b| if b.0 > a.0 { b } else { a });
            scored.push((best.0, pi, s[best.1..best.1 + width].join(" ")));
        }
    }
    // Highest score first; ties keep text order, so the choice is the same every run.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut used_paragraphs = HashSet::new();
    for (_, p, phrase) in scored {
        if out.len() >= n {
            break;
        }
        if used_paragraphs.insert(p) && !out.contains(&phrase) {
            out.push(phrase);
        }
    }
    out
}

/// Sentences of a paragraph: split after `.`, `!`, `?` (and their CJK forms) followed by a space
/// or the end.
fn sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = paragraph.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        let end = matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|n| n.is_whitespace())
            || matches!(c, '。' | '！' | '？');
        if end {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// Words as a search service matches them: punctuation around them dropped, inner apostrophes,
/// hyphens and decimal points kept.
fn words(sentence: &str) -> Vec<String> {
    sentence
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The time an article is searched in: from its look-back window's start to `search_days`
/// after its publication, or `None` once that is past (or before it starts).
pub fn window(
    article: &Article,
    lookback: TimeDelta,
    search_days: u32,
    now: DateTime<Utc>,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = article.window_start(lookback);
    let end = (article.published + TimeDelta::days(i64::from(search_days)))
        .and_time(NaiveTime::MIN)
        .and_utc()
        + TimeDelta::days(1);
    (now < end && now > start).then_some((start, now))
}

/// A service's answer to one query: the pages it names, or why it gave none.
type Answer = Result<Vec<SearchResult>, String>;

/// Asks the configured search services, through a fetcher of its own: the same polite fetcher,
/// with GDELT's rate rule as its per-host rate. Answers are cached per query for the run.
pub struct Searcher {
    fetcher: Fetcher,
    config: DiscoveryConfig,
    cache: Mutex<HashMap<String, Arc<Answer>>>,
    queries: AtomicUsize,
}

impl Searcher {
    /// The searcher for a run over `config`, or `None` when search is off.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (a bad proxy).
    pub fn for_config(config: &Config, robots_cache: Arc<dyn RobotsCache>) -> Result<Option<Searcher>, String> {
        if config.discovery.search.is_empty() {
            return Ok(None);
        }
        let mut crawl = config.crawl.clone();
        crawl.per_host_rps = 1.0 / config.discovery.gdelt_interval.as_secs_f64();
        crawl.per_host_burst = NonZeroU32::MIN;
        // The endpoint is configured, so it may be at a private address (a mirror, a test fake);
        // the pages it names are fetched by the run's fetcher, with the run's address rules.
        let hosts = config.discovery.gdelt_endpoint.host_str().map(str::to_string);
        let options = crate::crawl::fetch::FetcherOptions {
            robots_cache,
            allowed_private_hosts: hosts.into_iter().collect(),
        };
        Ok(Some(Searcher {
            fetcher: Fetcher::with_options(&crawl, options)?,
            config: config.discovery.clone(),
            cache: Mutex::new(HashMap::new()),
            queries: AtomicUsize::new(0),
        }))
    }

    /// Requests sent to search services so far (robots.txt and retries included).
    pub fn requests(&self) -> usize {
        self.fetcher.requests()
    }

    /// Queries asked of a service this run (cached answers not counted).
    pub fn queries(&self) -> usize {
        self.queries.load(Ordering::Relaxed)
    }

    /// The pages every service names for `article`'s phrases in its window, each URL once
    /// (the first result naming it is kept), and the queries that failed, as messages.
    pub async fn search(
        &self,
        article: &Article,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> (Vec<SearchResult>, Vec<String>) {
        let mut results: Vec<SearchResult> = Vec::new();
        let mut seen = HashSet::new();
        let mut errors = Vec::new();
        for service in &self.config.search {
            for phrase in phrases(article, self.config.queries_per_article) {
                let url = match service {
                    SearchService::Gdelt => gdelt::query_url(&self.config.gdelt_endpoint, &phrase, start, end),
                };
                match &*self.ask(&url).await {
                    Ok(found) => {
                        for r in found {
                            if seen.insert(crate::canon::page_key(&r.url)) {
                                results.push(r.clone());
                            }
                        }
                    }
                    Err(e) => errors.push(format!("{} search for {:?}: {e}", service.as_str(), phrase)),
                }
            }
        }
        (results, errors)
    }

    /// One query, from the run's cache when it was asked before.
    async fn ask(&self, url: &url::Url) -> Arc<Answer> {
        let key = url.to_string();
        if let Some(hit) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return hit.clone();
        }
        self.queries.fetch_add(1, Ordering::Relaxed);
        let answer = match self.fetcher.get(url, Want::Feed, None).await {
            Ok(f) => gdelt::parse(&f.body),
            Err(e) => Err(e.to_string()),
        };
        let answer = Arc::new(answer);
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, answer.clone());
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn article(text: &str) -> Article {
        Article {
            id: "a".into(),
            title: "Taiwan Can Help".into(),
            author: None,
            published: NaiveDate::from_ymd_opt(2021, 11, 10).unwrap(),
            language: "en".into(),
            text: text.into(),
            translations: vec![],
        }
    }

    #[test]
    fn phrases_are_the_title_and_distinctive_windows_one_per_paragraph() {
        let a = article(
            "Cybercrime is a threat to all of us and to our way of life.\n\n\
             In 2020 the Criminal Investigation Bureau traced 23,752 fraud cases across borders. \
             Cybercrime is a threat to everyone.\n\n\
             Taiwan stands ready to share what the Bureau learned with Interpol members.",
        );
        let p = phrases(&a, 3);
        assert_eq!(p[0], "Taiwan Can Help");
        assert_eq!(p.len(), 3);
        assert!(p[1].contains("23,752") || p[2].contains("23,752"), "{p:?}");
        assert!(p.iter().all(|s| s.split_whitespace().count() <= PHRASE_WORDS), "{p:?}");
        assert_eq!(phrases(&a, 1), ["Taiwan Can Help"]);
        assert_eq!(phrases(&a, 3), p, "the same phrases every run");
    }

    #[test]
    fn an_article_is_searched_inside_its_window_only() {
        let a = article("x");
        let lookback = TimeDelta::days(30);
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let w = window(&a, lookback, 90, at("2021-12-01T00:00:00Z")).unwrap();
        assert_eq!(w.0, at("2021-10-11T00:00:00Z"));
        assert_eq!(w.1, at("2021-12-01T00:00:00Z"));
        assert!(window(&a, lookback, 90, at("2022-02-09T00:00:01Z")).is_none());
        assert!(window(&a, lookback, 90, at("2021-01-01T00:00:00Z")).is_none());
    }
}
