//! `pickup add`: a link emailed in (an embassy saw the op-ed somewhere). The page is fetched
//! politely and judged like any other; a placement is recorded with `found_via = manual`, on the
//! outlet that owns the site or on an auto outlet made from it. A page that is not a placement
//! is refused with the reasons `pickup check` gives, unless the team forces it.

use crate::check::Report;
use crate::config::{Article, Config, UNKNOWN_COUNTRY};
use crate::detect::{Detector, Hit, Judgement, Kind, Verdict};
use crate::discover::AutoOutlet;
use crate::error::{Error, Result};
use crate::placement::{JudgedPage, OutletIndex};
use crate::store::{FoundVia, HitRecord};
use chrono::Utc;
use std::sync::Arc;
use url::Url;

/// What `pickup add` was given besides the URL.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    /// Judge against this article only (required with `force` when several are tracked).
    pub article: Option<String>,
    /// The outlet's country (ISO 3166-1 alpha-2 or a country name), when the site is no
    /// configured outlet or its country is unknown.
    pub country: Option<String>,
    /// The name of the auto outlet made for an unlisted site.
    pub outlet_name: Option<String>,
    /// Record the page even when pickup does not judge it a placement.
    pub force: bool,
}

/// What `pickup add` did.
#[derive(Debug, Clone)]
pub struct Added {
    /// What was found on the page, with the verdicts (as `pickup check` shows them).
    pub report: Report,
    /// The placements recorded; empty when the page was refused.
    pub recorded: Vec<HitRecord>,
    /// The auto outlet the placements went under, when the site is no configured outlet.
    pub auto_outlet: Option<AutoOutlet>,
}

/// Fetches `target` through the polite fetcher, judges it and records its placements.
///
/// # Errors
/// [`Error::Usage`] for a target that is not an http(s) URL, an unknown `--article` or
/// country, or `--force` without an article to record; store errors (a run holding the lock is
/// found before anything is fetched); [`Error::Other`] when the page cannot be fetched.
pub async fn add(config: &Config, target: &str, options: &AddOptions) -> Result<Added> {
    let url = Url::parse(target)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| Error::Usage(format!("{target:?} is not an http(s) URL")))?;
    let articles: Vec<Article> = match &options.article {
        Some(id) => vec![crate::cmd::tracked(config, id)?.clone()],
        None => config.articles.clone(),
    };
    if articles.is_empty() {
        return Err(Error::Usage(format!("{} tracks no article", config.path.display())));
    }
    if options.force && articles.len() > 1 {
        return Err(Error::Usage(
            "--force needs --article ID: several articles are tracked".into(),
        ));
    }
    let given_country = match &options.country {
        Some(c) => Some(crate::discover::country_code(c).ok_or_else(|| {
            Error::Usage(format!(
                "--country {c}: not an ISO 3166-1 alpha-2 code (such as DE) or a country name"
            ))
        })?),
        None => None,
    };
    // The lock first: a run in progress is reported before anything is fetched.
    let store = crate::store_guard::open_checked(&config.store.path)?;
    let fetcher = crate::crawl::fetch::for_config(config, Arc::new(store.clone()))?;
    let fetched = fetcher
        .get(&url, crate::crawl::Want::Page, None)
        .await
        .map_err(|e| Error::Other(e.to_string()))?;
    let (doc, verdicts, credit, page_url, hops, html_xxh3) = tokio::task::spawn_blocking({
        let articles = articles.clone();
        move || {
            let html =
                crate::crawl::charset::decode_html(&fetched.body, fetched.content_type.as_deref(), Some(&fetched.url));
            let doc = crate::extract::extract(&html, Some(&fetched.url));
            let verdicts = Detector::new(&articles).judge(&doc);
            let credit = crate::syndication::credit(&html, &doc.paragraphs, Some(&fetched.url));
            let html_xxh3 = crate::proof::html_hash(html.as_bytes());
            (doc, verdicts, credit, fetched.url, fetched.redirects, html_xxh3)
        }
    })
    .await
    .map_err(|e| Error::Other(format!("judging the page crashed: {e}")))?;
    let now = Utc::now();

    let forced = options.force && !verdicts.iter().any(|j| matches!(j.verdict, Verdict::Hit(_)));
    let team_verdict = forced.then(|| vec![team_judgement(&articles[0], &verdicts, doc.language.as_deref())]);
    let judged: &[Judgement] = team_verdict.as_deref().unwrap_or(&verdicts);
    let page = JudgedPage {
        url: &page_url,
        listed_as: Some(&url),
        hops: &hops,
        doc: &doc,
        listed_title: None,
        listed_published: None,
        found_via: FoundVia::Manual,
        credit,
        verdicts: judged,
        html_xxh3: Some(html_xxh3),
    };
    let owner = OutletIndex::new(&config.outlets).owner(&page_url);
    let auto = owner.is_none().then(|| {
        AutoOutlet::for_page(
            &page_url,
            options.outlet_name.as_deref(),
            given_country.as_deref(),
            None,
            doc.language.as_deref(),
            now,
        )
    });
    let mut outlet = match (owner, &auto) {
        (Some(i), _) => config.outlets[i].clone(),
        (None, Some(a)) => a.to_outlet(),
        (None, None) => unreachable!("an auto outlet is made whenever no outlet owns the page"),
    };
    if outlet.country == UNKNOWN_COUNTRY
        && let Some(c) = &given_country
    {
        outlet.country = c.clone();
    }
    let mut records = page.records(&outlet, &articles, now);
    let report = Report::new(&doc, verdicts.clone());
    if records.is_empty() {
        return Ok(Added {
            report,
            recorded: Vec::new(),
            auto_outlet: None,
        });
    }
    let auto_outlet = match auto {
        Some(a) => {
            let kept = store.keep_auto_outlet(&a)?;
            // What the team says about the site overrides what was guessed before.
            let kept = if (given_country.is_some() || options.outlet_name.is_some()) && kept != a {
                let updated = AutoOutlet {
                    country: if given_country.is_some() {
                        a.country.clone()
                    } else {
                        kept.country.clone()
                    },
                    country_source: if given_country.is_some() {
                        a.country_source
                    } else {
                        kept.country_source
                    },
                    name: if options.outlet_name.is_some() {
                        a.name.clone()
                    } else {
                        kept.name.clone()
                    },
                    ..kept
                };
                store.save_auto_outlet(&updated)?;
                updated
            } else {
                kept
            };
            for r in &mut records {
                r.outlet_name = kept.name.clone();
                r.country = kept.country.clone();
            }
            Some(kept)
        }
        None => None,
    };
    for r in &mut records {
        r.team_judgement = forced;
        store.record_hit(r)?;
    }
    for key in page.seen_keys() {
        store.mark_seen(&key, now)?;
    }
    store.flush()?;
    Ok(Added {
        report,
        recorded: records,
        auto_outlet,
    })
}

/// The verdict recorded with `--force` on a page pickup did not judge a placement: the
/// article's closest rejection, as an excerpt (or a translation, on a page in another
/// language), with the reason pickup gave kept as its evidence.
fn team_judgement(article: &Article, verdicts: &[Judgement], page_language: Option<&str>) -> Judgement {
    let (score, reason) = verdicts
        .iter()
        .find(|j| j.article == article.id)
        .and_then(|j| match &j.verdict {
            Verdict::Rejected { score, reason } => Some((*score, reason.clone())),
            Verdict::Hit(_) => None,
        })
        .unwrap_or((0.0, "not judged".into()));
    let language = page_language.unwrap_or(&article.language).to_string();
    let kind = if language == article.language {
        Kind::Excerpt
    } else {
        Kind::Translation
    };
    Judgement {
        article: article.id.clone(),
        verdict: Verdict::Hit(Hit {
            kind,
            score,
            coverage: 0.0,
            language,
            missing_paragraphs: Vec::new(),
            evidence: format!("recorded by the team (pickup add --force); pickup said: {reason}"),
            passage: String::new(),
        }),
    }
}
