//! Candidate pages: the new ones chosen, then each fetched, extracted, judged and recorded.
//! A page that fails is rested like a source: tried again after a rest that grows, then given
//! up and listed by `pickup status`.

use super::Ctx;
use crate::canon;
use crate::crawl::{self, Candidate, Failure, FetchError, Truncated, Want};
use crate::error::Result;
use crate::extract;
use crate::placement::JudgedPage;
use crate::store::{FoundVia, PageFailure};
use chrono::{DateTime, TimeDelta, Utc};

/// Transient failures (timeouts, 5xx, 429, a dropped connection) a page may have before it is
/// given up; it is tried again after each, waiting longer every time ([`TRANSIENT_RESTS`]).
pub(super) const PAGE_TRANSIENT_TRIES: u32 = 4;
/// The rest after the 1st, 2nd and 3rd transient failure: the next run, then an hour, then six.
const TRANSIENT_RESTS: [TimeDelta; 3] = [TimeDelta::zero(), TimeDelta::hours(1), TimeDelta::hours(6)];
/// Permanent failures (404, 410, other 4xx, a redirect loop, not text) a page may have before
/// it is given up: it is looked at once more, [`PERMANENT_REST`] later, in case it was moved
/// back or fixed.
pub(super) const PAGE_PERMANENT_TRIES: u32 = 2;
/// The rest after a permanent failure.
const PERMANENT_REST: TimeDelta = TimeDelta::days(7);
/// A rest counts as over this much early, so an hourly cron is not skipped for seconds.
const REST_SLACK: TimeDelta = TimeDelta::minutes(10);

/// Drops candidates already seen, resting after a failure, already claimed this run, or older
/// than every article's window; the newest come first, so a host whose time budget runs out
/// has spent it on what matters.
pub(super) fn select_candidates(
    ctx: &Ctx,
    outlet: Option<usize>,
    mut candidates: Vec<Candidate>,
) -> Result<Vec<(String, Candidate)>> {
    let mut fresh = Vec::new();
    let total = candidates.len();
    let now = Utc::now();
    candidates.sort_by_key(|c| std::cmp::Reverse(c.published));
    for c in candidates {
        if c.published.is_some_and(|p| p < ctx.earliest) {
            continue;
        }
        let key = canon::page_key(&c.url);
        if ctx.store.is_seen(&key)? {
            continue;
        }
        if let Some(f) = ctx.store.page_failure(&failure_owner(ctx, outlet, &c.url), &key)?
            && !is_due(&f, now)
        {
            continue;
        }
        if !claim(ctx, &key) {
            continue;
        }
        fresh.push((key, c));
    }
    ctx.tally().record.candidates += total;
    Ok(fresh)
}

/// The outlet id a page's failures rest under: the outlet whose source listed it, else (a
/// search result) the configured outlet that owns its site, else `auto:` and its site.
fn failure_owner(ctx: &Ctx, listed_by: Option<usize>, url: &url::Url) -> String {
    match listed_by.or_else(|| ctx.outlet_index.owner(url)) {
        Some(i) => ctx.outlets[i].id.clone(),
        None => format!("auto:{}", canon::site(url)),
    }
}

fn claim(ctx: &Ctx, key: &str) -> bool {
    ctx.claimed
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(key.to_string())
}

/// A failed page's rest is over (and it has not been given up).
fn is_due(f: &PageFailure, now: DateTime<Utc>) -> bool {
    !f.given_up && f.next_try - REST_SLACK <= now
}

/// Tries again the outlet's failed pages whose rest is over, whether or not a source still
/// lists them (a feed that moved on, or one unchanged since).
pub(super) async fn retry_rested(ctx: &Ctx, outlet: usize) -> Result<()> {
    let now = Utc::now();
    let due: Vec<(String, Candidate, FoundVia)> = ctx
        .store
        .page_failures_of(&ctx.outlets[outlet].id)?
        .into_iter()
        .filter(|(_, f)| is_due(f, now))
        .filter_map(|(key, f)| {
            let url = url::Url::parse(&f.url).ok()?;
            Some((
                key,
                Candidate {
                    url,
                    title: f.title,
                    published: f.published,
                },
                f.found_via.unwrap_or(FoundVia::Feed),
            ))
        })
        .filter(|(key, ..)| claim(ctx, key))
        .collect();
    for (key, cand, found_via) in due {
        process_page(ctx, outlet, found_via, (key, cand)).await;
    }
    Ok(())
}

/// Notes a page's failure and when to try it again, or that it is given up. "Not now" answers
/// (a deferred host, a spent host budget, robots.txt unreadable) do not count against the page.
fn note_failure(
    ctx: &Ctx,
    outlet_id: &str,
    via: FoundVia,
    key: &str,
    cand: &Candidate,
    class: Failure,
    error: String,
) -> bool {
    let now = Utc::now();
    let earlier = match ctx.store.page_failure(outlet_id, key) {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!("cannot read the failures of {key}: {e}");
            None
        }
    };
    let mut f = earlier.unwrap_or_else(|| PageFailure {
        url: cand.url.to_string(),
        outlet: outlet_id.to_string(),
        title: cand.title.clone(),
        published: cand.published,
        found_via: Some(via),
        class,
        error: String::new(),
        failures: 0,
        first_failed: now,
        last_tried: now,
        next_try: now,
        given_up: false,
    });
    f.class = class;
    f.error = error;
    f.last_tried = now;
    let mut t = ctx.tally();
    if class.is_not_now() {
        t.record.pages_deferred += 1;
        f.next_try = now;
    } else {
        t.record.pages_failed += 1;
        f.failures += 1;
        let (tries, rest) = if class.is_permanent() {
            (PAGE_PERMANENT_TRIES, PERMANENT_REST)
        } else {
            let i = (f.failures as usize).saturating_sub(1).min(TRANSIENT_RESTS.len() - 1);
            (PAGE_TRANSIENT_TRIES, TRANSIENT_RESTS[i])
        };
        f.next_try = now + rest;
        if f.failures >= tries {
            f.given_up = true;
            t.record.pages_given_up += 1;
            tracing::info!("{}: given up after {} failures ({class})", f.url, f.failures);
        }
    }
    drop(t);
    match ctx.store.save_page_failure(key, &f) {
        Ok(()) => true,
        Err(e) => {
            tracing::error!("cannot note the failure of {key}: {e}");
            false
        }
    }
}

/// Who a page is recorded under when no configured outlet owns its site.
pub(super) enum Fallback {
    /// The outlet whose source listed it (a feed may link to a page on a relay's host).
    Outlet(usize),
    /// An auto outlet made from the page's site ([`crate::discover::AutoOutlet`]), with the
    /// search service's name for the source's country, if it gave one.
    Auto { service_country: Option<String> },
}

/// Fetches, extracts, judges and records one candidate page. Returns true when it is dealt
/// with (judged, or its failure noted so it is rested and tried again), false when it must be
/// listed again next run (a store write failed).
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
    // Failed pages rest under the outlet that listed them, or the site's own for search results
    // (refused addresses and other permanent failures are then given up, not fetched again).
    let listed_by = match &fallback {
        Fallback::Outlet(i) => Some(*i),
        Fallback::Auto { .. } => None,
    };
    let failure_owner = failure_owner(ctx, listed_by, &cand.url);
    let outlet = failure_owner.as_str();
    let fetched = match ctx.fetcher.get(&cand.url, Want::Page, None).await {
        Ok(f) => f,
        Err(e) => {
            tracing::info!("{e}");
            if matches!(e, FetchError::Robots { .. }) {
                ctx.tally().record.skipped_robots += 1;
                if let Err(e) = ctx.store.mark_seen(&key, Utc::now()) {
                    // Not marking it costs one request next run, nothing more.
                    tracing::warn!("cannot mark {key} seen: {e}");
                }
                return true;
            }
            return note_failure(ctx, outlet, found_via, &key, &cand, e.class(), e.to_string());
        }
    };
    match &fetched.truncated {
        Some(cut @ Truncated::Dropped { .. }) => {
            // Judged on what came only on its last try: a server that always drops is not lost.
            let last_try = ctx
                .store
                .page_failure(outlet, &key)
                .ok()
                .flatten()
                .is_some_and(|f| f.failures + 1 >= PAGE_TRANSIENT_TRIES);
            if !last_try {
                return note_failure(
                    ctx,
                    outlet,
                    found_via,
                    &key,
                    &cand,
                    Failure::Cut,
                    format!("{}: {cut}", fetched.url),
                );
            }
            tracing::info!("{}: {cut}; judged on what came", fetched.url);
        }
        Some(cut @ Truncated::AtCap { .. }) => {
            tracing::info!("{}: {cut}; judged on what came", fetched.url);
            ctx.tally().record.pages_cut += 1;
        }
        None => {}
    }
    ctx.tally().record.pages_fetched += 1;
    ctx.progress.page_done();
    let detector = ctx.detector.clone();
    let judged = ctx
        .on_cpu(move || {
            let html = fetched.html();
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
            let html_xxh3 = hit.then(|| crate::proof::html_hash(html.as_bytes()));
            // The body is done with: dropped here, not carried while the hits are recorded.
            (
                crawl::Fetched {
                    body: Vec::new(),
                    ..fetched
                },
                doc,
                verdicts,
                credit,
                html_xxh3,
            )
        })
        .await;
    let Some((fetched, doc, verdicts, credit, html_xxh3)) = judged else {
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
        html_xxh3,
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
    if let Err(e) = ctx.store.clear_page_failure(&failure_owner, &key) {
        tracing::warn!("cannot clear the failures of {key}: {e}");
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
