//! Candidate pages: the new ones chosen, then each fetched, extracted, judged and recorded.

use super::Ctx;
use crate::canon;
use crate::crawl::{self, Candidate, FetchError, Want};
use crate::error::Result;
use crate::extract;
use crate::placement::JudgedPage;
use crate::store::FoundVia;
use chrono::Utc;

/// Drops candidates already seen, already claimed this run, or older than every article's window;
/// the newest come first, so a host whose time budget runs out has spent it on what matters.
pub(super) fn select_candidates(ctx: &Ctx, mut candidates: Vec<Candidate>) -> Result<Vec<(String, Candidate)>> {
    let mut fresh = Vec::new();
    let total = candidates.len();
    candidates.sort_by_key(|c| std::cmp::Reverse(c.published));
    for c in candidates {
        if c.published.is_some_and(|p| p < ctx.earliest) {
            continue;
        }
        let key = canon::page_key(&c.url);
        if ctx.store.is_seen(&key)? {
            continue;
        }
        if !ctx
            .claimed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key.clone())
        {
            continue;
        }
        fresh.push((key, c));
    }
    ctx.tally().record.candidates += total;
    Ok(fresh)
}

/// Fetches, extracts, judges and records one candidate page. Returns false when it should be
/// tried again next run (a transient failure), true when it is dealt with for good.
pub(super) async fn process_page(
    ctx: &Ctx,
    outlet: usize,
    found_via: FoundVia,
    (key, cand): (String, Candidate),
) -> bool {
    let fetched = match ctx.fetcher.get(&cand.url, Want::Page, None).await {
        Ok(f) => f,
        Err(e) => {
            let permanent = matches!(&e, FetchError::Status { status, .. } if (400..500).contains(status) && *status != 429)
                || matches!(e, FetchError::ContentType { .. });
            let robots = matches!(e, FetchError::Robots { .. });
            tracing::info!("{e}");
            let mut t = ctx.tally();
            if robots {
                t.record.skipped_robots += 1;
            } else {
                t.record.pages_failed += 1;
            }
            drop(t);
            if (permanent || robots)
                && let Err(e) = ctx.store.mark_seen(&key, Utc::now())
            {
                // Not marking it costs one request next run, nothing more.
                tracing::warn!("cannot mark {key} seen: {e}");
            }
            return permanent || robots;
        }
    };
    ctx.tally().record.pages_fetched += 1;
    ctx.progress.page_done();
    let owner = ctx.outlet_index.owner(&fetched.url).unwrap_or(outlet);
    let detector = ctx.detector.clone();
    let judged = ctx
        .on_cpu(move || {
            let html = crawl::charset::decode_html(&fetched.body, fetched.content_type.as_deref(), Some(&fetched.url));
            let doc = extract::extract(&html, Some(&fetched.url));
            let verdicts = detector.judge(&doc);
            let hit = verdicts
                .iter()
                .any(|j| matches!(j.verdict, crate::detect::Verdict::Hit(_)));
            let credit = if hit {
                crate::syndication::credit(&html, &doc.paragraphs, Some(&fetched.url))
            } else {
                None
            };
            // The body is done with: dropped here, not carried while the hits are recorded.
            (
                crawl::Fetched {
                    body: Vec::new(),
                    ..fetched
                },
                doc,
                verdicts,
                credit,
            )
        })
        .await;
    let Some((fetched, doc, verdicts, credit)) = judged else {
        tracing::error!("{}: extraction or detection crashed", cand.url);
        return true;
    };
    let now = Utc::now();
    let page = JudgedPage {
        url: &fetched.url,
        listed_as: Some(&cand.url),
        hops: &fetched.redirects,
        doc: &doc,
        listed_title: cand.title.as_deref(),
        listed_published: cand.published,
        found_via,
        credit,
        verdicts: &verdicts,
    };
    let records = page.records(&ctx.outlets[owner], &ctx.articles, now);
    if records.is_empty() {
        tracing::debug!("{}: no placement", fetched.url);
    }
    for record in &records {
        tracing::debug!(
            "{}: {} of {} ({:.2})",
            fetched.url,
            record.kind,
            record.article,
            record.score
        );
    }
    // One flush for the page's records, before any is counted.
    match ctx.store.record_hits(&records) {
        Ok(fresh) => {
            let new_hits = records.into_iter().zip(fresh).filter_map(|(r, new)| new.then_some(r));
            ctx.tally().new_hits.extend(new_hits);
        }
        Err(e) => {
            tracing::error!("cannot record the placements on {}: {e}", fetched.url);
            return false;
        }
    }
    for k in std::iter::once(key).chain(page.seen_keys()) {
        if let Err(e) = ctx.store.mark_seen(&k, now) {
            tracing::error!("cannot mark {k} seen: {e}");
            return false;
        }
    }
    true
}
