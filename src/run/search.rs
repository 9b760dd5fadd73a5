//! The search pass of a run: each tracked article inside its search window is searched for
//! ([`crate::discover::search`]), and every page named is a candidate, fetched and judged like a
//! page from a feed. Pages on sites no configured outlet owns go under auto outlets.

use super::Ctx;
use super::pages::{self, Fallback};
use super::summary::SourceFailure;
use crate::canon;
use crate::crawl::Candidate;
use crate::store::FoundVia;
use chrono::Utc;
use futures_util::{StreamExt, stream};
use std::collections::HashMap;

/// Search results fetched at once. They are spread over many hosts, each spaced by the
/// per-host limiter, so a few in flight keep the pass short without a burst on anyone.
const PAGES_IN_FLIGHT: usize = 4;

/// Searches every article inside its window and processes the new pages named.
pub(super) async fn search_pass(ctx: &Ctx) {
    let Some(searcher) = &ctx.searcher else { return };
    let now = Utc::now();
    for article in &ctx.articles {
        let Some((start, end)) = crate::discover::search::window(article, ctx.lookback, ctx.search_days, now) else {
            tracing::debug!("{}: outside its search window", article.id);
            continue;
        };
        let (results, errors) = searcher.search(article, start, end).await;
        for error in errors {
            tracing::warn!("{error}");
            ctx.tally().failures.push(SourceFailure {
                outlet: article.id.clone(),
                url: error.split(' ').next().unwrap_or("search").to_string(),
                class: crate::crawl::health::Failure::Other,
                error,
            });
        }
        tracing::debug!("{}: search names {} pages", article.id, results.len());
        let mut countries: HashMap<String, Option<String>> = HashMap::new();
        let candidates: Vec<Candidate> = results
            .into_iter()
            .map(|r| {
                countries.insert(canon::page_key(&r.url), r.source_country);
                Candidate {
                    url: r.url,
                    title: r.title,
                    published: r.seen,
                }
            })
            .collect();
        let fresh = match pages::select_candidates(ctx, None, candidates) {
            Ok(fresh) => fresh,
            Err(e) => {
                tracing::error!("{}: search results: {e}", article.id);
                continue;
            }
        };
        stream::iter(fresh)
            .map(|(key, cand)| {
                let service_country = countries.get(&key).cloned().flatten();
                pages::process_page_as(ctx, Fallback::Auto { service_country }, FoundVia::Search, (key, cand))
            })
            .buffer_unordered(PAGES_IN_FLIGHT)
            .collect::<Vec<bool>>()
            .await;
    }
}
