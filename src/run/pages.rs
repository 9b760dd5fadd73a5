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

/// Who a page is recorded under when no configured outlet owns its site.
pub(super) enum Fallback {
    /// The outlet whose source listed it (a feed may link to a page on a relay's host).
    Outlet(usize),
    /// An auto outlet made from the page's site ([`crate::discover::AutoOutlet`]), with the
    /// search service's name for the source's country, if it gave one.
    Auto { service_country: Option<String> },
}

/// Fetches, extracts, judges and records one candidate page. Returns false when it should be
/// tried again next run (a transient failure), true when it is dealt with for good.
pub(super) async fn process_page(
    ctx: &Ctx,
    outlet: usize,
    found_via: FoundVia,
    candidate: (String, Candidate),
) -> bool {
    process_page_as(ctx, Fallback::Outlet(outlet), found_via, candidate).await
}

/// [`process_page`] for a page that may belong to no configured outlet.
pub(super) async fn process_page_as(
    ctx: &Ctx,
    fallback: Fallback,
    found_via: FoundVia,
    (key, cand): (String, Candidate),
) -> bool {
    let fetched = match ctx.fetcher.get(&cand.url, Want::Page, None).await {
        Ok(f) => f,
        Err(e) => {
            let permanent = matches!(&e, FetchError::Status { status, .. } if (400..500).contains(status) && *status != 429)
                || matches!(e, FetchError::ContentType { .. })
                // An address pickup may not reach (a search result naming a private host) stays so.
                || matches!(e, FetchError::Refused { .. } | FetchError::Scheme { .. });
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
    // A page on a site no configured outlet owns, found by search, goes under an auto outlet.
    let (configured, auto) = match (ctx.outlet_index.owner(&fetched.url), fallback) {
        (Some(i), _) | (None, Fallback::Outlet(i)) => (Some(i), None),
        (None, Fallback::Auto { service_country }) => {
            let auto = crate::discover::AutoOutlet::for_page(
                &fetched.url,
                None,
                None,
                service_country.as_deref(),
                doc.language.as_deref(),
                now,
            );
            (None, Some(auto))
        }
    };
    let outlet = match (configured, &auto) {
        (Some(i), _) => std::borrow::Cow::Borrowed(&ctx.outlets[i]),
        (None, Some(auto)) => std::borrow::Cow::Owned(auto.to_outlet()),
        (None, None) => return true,
    };
    let mut records = page.records(&outlet, &ctx.articles, now);
    if records.is_empty() {
        tracing::debug!("{}: no placement", fetched.url);
    } else if let Some(auto) = &auto {
        match keep_auto_outlet(ctx, &fetched.url, auto) {
            Ok(Some(kept)) => {
                for r in &mut records {
                    r.outlet_name = kept.name.clone();
                    r.country = kept.country.clone();
                }
            }
            Ok(None) => records.clear(),
            Err(e) => {
                tracing::error!("cannot keep the auto outlet for {}: {e}", fetched.url);
                return false;
            }
        }
    }
    for record in records {
        tracing::debug!(
            "{}: {} of {} ({:.2})",
            fetched.url,
            record.kind,
            record.article,
            record.score
        );
        match ctx.store.record_hit(&record) {
            Ok(true) => ctx.tally().new_hits.push(record),
            Ok(false) => {}
            Err(e) => {
                tracing::error!("cannot record hit {}: {e}", record.url);
                return false;
            }
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

/// The auto outlet a placement on an unlisted site is recorded under: the one kept for the
/// site already, else `auto`, kept now. `None` when auto outlets are off (the placement is
/// logged, not recorded).
fn keep_auto_outlet(
    ctx: &Ctx,
    url: &url::Url,
    auto: &crate::discover::AutoOutlet,
) -> Result<Option<crate::discover::AutoOutlet>> {
    if !ctx.auto_outlets {
        tracing::warn!(
            "{url}: a placement on {}, which no configured outlet owns; not recorded (discovery.auto_outlets = false)",
            auto.name
        );
        return Ok(None);
    }
    Ok(Some(ctx.store.keep_auto_outlet(auto)?))
}
