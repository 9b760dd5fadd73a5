//! One source of an outlet: polled conditionally (with a sitemap index's newest children),
//! parsed into candidates, its health noted, and its state saved once its pages are done.

use super::summary::SourceFailure;
use super::{Ctx, pages};
use crate::config::SourceKind;
use crate::crawl::{self, Candidate, FetchError, Fetched, Validators, Want};
use crate::error::Result;
use crate::store::SourceState;
use chrono::{DateTime, TimeDelta, Utc};
use futures_util::{StreamExt, stream};

/// How many sitemap-index children are followed per sitemap (the parser puts the newest first).
const MAX_SITEMAP_CHILDREN: usize = 3;
/// Pages fetched at once for one outlet (the per-host limiter spaces them anyway).
const PAGES_IN_FLIGHT_PER_OUTLET: usize = 4;

/// Polls one source and processes its new candidates. Store errors end the source early.
pub(super) async fn poll_source(ctx: &Ctx, outlet: usize, kind: SourceKind, url: &url::Url) -> Result<()> {
    let o = &ctx.outlets[outlet];
    let key = url.as_str();
    let mut state = ctx.store.source(key)?.unwrap_or_else(|| SourceState {
        outlet: o.id.clone(),
        kind: kind.to_string(),
        ..SourceState::default()
    });
    let now = Utc::now();
    if let Some(due) = next_poll_due(&state)
        && now < due
    {
        tracing::info!(
            "{}: {url} failed {} times in a row; next poll after {due}",
            o.id,
            state.consecutive_failures
        );
        ctx.tally().record.sources_backing_off += 1;
        return Ok(());
    }
    state.last_polled = Some(now);
    let polled = poll(ctx, kind, url, &state).await;
    ctx.tally().record.sources_polled += 1;
    match polled {
        Err((class, error)) => {
            // The summary lists failed sources; the log line is for --verbose.
            tracing::info!("{}: {error}", o.id);
            state.consecutive_failures += 1;
            state.last_status = class.clone();
            state.last_error = Some(error.clone());
            ctx.store.save_source(key, &state)?;
            let mut t = ctx.tally();
            t.record.sources_failed += 1;
            let failure = SourceFailure {
                outlet: o.id.clone(),
                url: url.to_string(),
                class,
                error,
            };
            t.failures.push(failure);
            Ok(())
        }
        Ok(Poll::Unchanged { fetched }) => {
            tracing::debug!("{}: {url} unchanged", o.id);
            note_success(&mut state, &fetched, "unchanged", now);
            if !fetched.not_modified {
                // Same body, fresh validators: next time the server may answer 304.
                state.etag = fetched.validators.etag;
                state.last_modified = fetched.validators.last_modified;
            }
            ctx.store.save_source(key, &state)?;
            ctx.tally().record.sources_unchanged += 1;
            Ok(())
        }
        Ok(Poll::Items(items)) => {
            tracing::debug!("{}: {url} lists {} candidates", o.id, items.candidates.len());
            note_success(&mut state, &items.fetched, "ok", now);
            process_items(ctx, outlet, kind, key, state, items).await
        }
    }
}

/// Fetches and judges a changed source's new candidates, then saves the source's validators
/// and hash, and its sitemap children's, only if every candidate is dealt with: until then a
/// run killed half-way, or a page that failed for now, makes the next run poll it in full again.
async fn process_items(
    ctx: &Ctx,
    outlet: usize,
    kind: SourceKind,
    key: &str,
    mut state: SourceState,
    items: Items,
) -> Result<()> {
    state.items_last_poll = items.candidates.len();
    state.children = items.children;
    let previous = Validators {
        etag: state.etag.take(),
        last_modified: state.last_modified.take(),
    };
    state.body_hash = None;
    ctx.store.save_source(key, &state)?;

    let fresh = pages::select_candidates(ctx, items.candidates)?;
    let outcomes: Vec<bool> = stream::iter(fresh)
        .map(|c| async move {
            // Once a stop is asked no new page starts; the source stays unfinished.
            !ctx.stop.asked() && pages::process_page(ctx, outlet, kind.into(), c).await
        })
        .buffer_unordered(PAGES_IN_FLIGHT_PER_OUTLET)
        .collect()
        .await;
    if outcomes.iter().all(|done| *done) {
        // A 304 carries no validators of its own: the ones it answered to stay valid.
        let validators = if items.fetched.not_modified {
            previous
        } else {
            items.fetched.validators
        };
        state.etag = validators.etag;
        state.last_modified = validators.last_modified;
        state.body_hash = items.hash;
        ctx.store.save_source(key, &state)?;
        for (child, child_state) in &items.child_states {
            ctx.store.save_source(child, child_state)?;
        }
    }
    Ok(())
}

/// When a source that keeps failing may be polled again: the wait doubles with each failure
/// past [`SourceState::FAILING_AFTER`] (1 h, 2 h, 4 h …) up to a day. It is never dropped.
fn next_poll_due(state: &SourceState) -> Option<DateTime<Utc>> {
    let extra = state.consecutive_failures.checked_sub(SourceState::FAILING_AFTER)?;
    let hours = 1i64 << extra.min(5);
    Some(state.last_polled? + TimeDelta::hours(hours.min(24)))
}

fn note_success(state: &mut SourceState, fetched: &Fetched, status: &str, now: DateTime<Utc>) {
    state.consecutive_failures = 0;
    state.last_status = status.to_string();
    state.last_error = None;
    state.last_success = Some(now);
    let ms = fetched.elapsed.as_secs_f64() * 1000.0;
    state.avg_latency_ms = Some(match state.avg_latency_ms {
        Some(avg) => 0.7 * avg + 0.3 * ms,
        None => ms,
    });
}

enum Poll {
    Unchanged { fetched: Fetched },
    Items(Items),
}

/// What a changed source gave.
struct Items {
    fetched: Fetched,
    /// The hash to save once the candidates are dealt with.
    hash: Option<u64>,
    candidates: Vec<Candidate>,
    /// A sitemap index's children, remembered so an unchanged index still leads to them.
    children: Vec<String>,
    /// New state for the children that changed, saved with the parent's.
    child_states: Vec<(String, SourceState)>,
}

/// One document fetched conditionally and parsed, unless it is unchanged.
struct Polled {
    fetched: Fetched,
    /// Hash of the body parsed; the previous one when unchanged.
    hash: Option<u64>,
    changed: bool,
    candidates: Vec<Candidate>,
    children: Vec<url::Url>,
}

/// Fetches a source with the validators of `state` and parses it, unless the server answers 304
/// or the body hashes as `state`'s did (some servers ignore conditional requests, or send the
/// same ETag for a changed feed). Errors come as (class, message).
async fn fetch_source(
    ctx: &Ctx,
    kind: SourceKind,
    url: &url::Url,
    state: &SourceState,
) -> Result<Polled, (String, String)> {
    let want = match kind {
        SourceKind::Feed | SourceKind::Sitemap => Want::Feed,
        SourceKind::Listing => Want::Page,
    };
    let validators = Validators {
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    };
    let mut fetched = ctx
        .fetcher
        .get(url, want, Some(&validators))
        .await
        .map_err(fetch_failure)?;
    let hash = (!fetched.not_modified).then(|| xxhash_rust::xxh3::xxh3_64(&fetched.body));
    if fetched.not_modified || hash == state.body_hash {
        // Only the response's metadata is kept: the body is not held while pages are judged.
        fetched.body = Vec::new();
        let children = state.children.iter().filter_map(|c| url::Url::parse(c).ok()).collect();
        return Ok(Polled {
            fetched,
            hash: state.body_hash,
            changed: false,
            candidates: Vec::new(),
            children,
        });
    }
    // The body moves to the parser's thread and is dropped there once parsed.
    let (fetched, parsed) = ctx
        .on_cpu(move || {
            let parsed = parse_source(kind, &fetched.body, fetched.content_type.as_deref(), &fetched.url);
            (
                Fetched {
                    body: Vec::new(),
                    ..fetched
                },
                parsed,
            )
        })
        .await
        .ok_or_else(|| ("malformed".to_string(), format!("{url}: the parser crashed")))?;
    let (candidates, children) = parsed.map_err(|e| (e.0, format!("{url}: {}", e.1)))?;
    Ok(Polled {
        fetched,
        hash,
        changed: true,
        candidates,
        children,
    })
}

/// Polls a source, and the newest children of a sitemap index (each conditionally, with its
/// own state), and gathers their candidates.
async fn poll(ctx: &Ctx, kind: SourceKind, url: &url::Url, state: &SourceState) -> Result<Poll, (String, String)> {
    let top = fetch_source(ctx, kind, url, state).await?;
    let mut candidates = top.candidates;
    let mut child_states = Vec::new();
    for child in top.children.iter().take(MAX_SITEMAP_CHILDREN) {
        let child_state = ctx.store.source(child.as_str()).ok().flatten().unwrap_or_default();
        match fetch_source(ctx, SourceKind::Sitemap, child, &child_state).await {
            Ok(polled) if polled.changed => {
                candidates.extend(polled.candidates);
                let new_state = SourceState {
                    outlet: state.outlet.clone(),
                    kind: SourceKind::Sitemap.to_string(),
                    etag: polled.fetched.validators.etag,
                    last_modified: polled.fetched.validators.last_modified,
                    body_hash: polled.hash,
                    last_status: "ok".into(),
                    ..SourceState::default()
                };
                child_states.push((child.to_string(), new_state));
            }
            Ok(_) => {}
            Err((_, error)) => tracing::warn!("sitemap {child}: {error}"),
        }
    }
    if !top.changed && child_states.is_empty() {
        return Ok(Poll::Unchanged { fetched: top.fetched });
    }
    Ok(Poll::Items(Items {
        fetched: top.fetched,
        hash: top.hash,
        candidates,
        children: top.children.iter().map(url::Url::to_string).collect(),
        child_states,
    }))
}

type Parsed = std::result::Result<(Vec<Candidate>, Vec<url::Url>), (String, String)>;

fn parse_source(kind: SourceKind, body: &[u8], content_type: Option<&str>, base: &url::Url) -> Parsed {
    match kind {
        SourceKind::Feed => crawl::feeds::parse(body, content_type, base)
            .map(|c| (c, Vec::new()))
            .map_err(|e| (e.class().to_string(), e.to_string())),
        SourceKind::Sitemap => crawl::sitemaps::parse(body, content_type, base)
            .map(|s| (s.pages, s.children))
            .map_err(|e| (e.class().replace("feed", "sitemap"), e.to_string())),
        SourceKind::Listing => {
            let html = crawl::charset::decode_html(body, content_type, Some(base));
            Ok((crawl::listing::links(&html, base), Vec::new()))
        }
    }
}

fn fetch_failure(e: FetchError) -> (String, String) {
    (e.class(), e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_failing_run_after_run_is_rested_longer_each_time_up_to_a_day() {
        let polled: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let due = |failures| {
            let state = SourceState {
                consecutive_failures: failures,
                last_polled: Some(polled),
                ..Default::default()
            };
            next_poll_due(&state).map(|d| (d - polled).num_hours())
        };
        assert_eq!(due(0), None);
        assert_eq!(due(2), None, "polled every run until it is failing");
        assert_eq!(due(3), Some(1));
        assert_eq!(due(4), Some(2));
        assert_eq!(due(6), Some(8));
        assert_eq!(due(8), Some(24));
        assert_eq!(due(40), Some(24), "never dropped: at most a day between polls");
    }
}
