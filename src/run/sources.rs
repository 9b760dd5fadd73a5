//! One source of an outlet: polled conditionally (with a sitemap index's newest children),
//! parsed into candidates, its health noted, and its state saved once its pages are done.

use super::summary::SourceFailure;
use super::{Ctx, pages, schedule};
use crate::config::SourceKind;
use crate::crawl::sitemaps::Child;
use crate::crawl::{self, Candidate, Failure, FetchError, Fetched, SourceStatus, Want};
use crate::error::Result;
use crate::store::SourceState;
use chrono::{DateTime, TimeDelta, Utc};
use futures_util::{StreamExt, stream};

/// Child sitemaps fetched per sitemap index per run (nested indexes' children included), newest
/// first: enough for a news site's daily or monthly children and the odd changed archive, while
/// an index of thousands of undated children cannot hold its host for the whole run. The rest
/// wait for the next run, and the source is reported `partial` meanwhile.
pub(super) const MAX_SITEMAP_CHILDREN_PER_RUN: usize = 20;
/// A child whose newest possible entry is older than every article's window by more than this
/// is not fetched: nothing in it can be a placement (a day of slack for time zones).
const CHILD_WINDOW_SLACK: TimeDelta = TimeDelta::days(1);
/// Pages fetched at once for one outlet (the per-host limiter spaces them anyway).
const PAGES_IN_FLIGHT_PER_OUTLET: usize = 4;
/// Weight of the newest response time in a source's average latency.
const LATENCY_WEIGHT: f64 = 0.3;

/// Polls one source and processes its new candidates. Store errors end the source early.
pub(super) async fn poll_source(ctx: &Ctx, outlet: usize, kind: SourceKind, url: &url::Url) -> Result<()> {
    let o = &ctx.outlets[outlet];
    let key = url.as_str();
    let mut state = ctx.store.source(key)?.unwrap_or_else(|| SourceState::new(&o.id, kind));
    let now = ctx.now;
    let next = schedule::next_poll(&state, now, &ctx.polling, ctx.boost_until);
    if !ctx.force && !next.is_due(now) {
        // A source whose last poll failed is resting, not merely early: it counts towards a
        // total failure ([`super::outage`]).
        if state.consecutive_failures > 0 {
            tracing::info!(
                "{}: {url} failed {} times in a row; next poll after {}",
                o.id,
                state.consecutive_failures,
                next.at
            );
            ctx.tally().record.sources_backing_off += 1;
        } else {
            tracing::debug!("{}: {url} not due until {} ({})", o.id, next.at, next.why.as_str());
            ctx.tally().record.sources_not_due += 1;
        }
        return Ok(());
    }
    let previous_poll = state.last_polled.replace(now);
    let polled = poll(ctx, kind, url, &state).await;
    ctx.tally().record.sources_polled += 1;
    match polled {
        Err(SourceFailed { class, error }) => {
            // The summary lists failed sources; the log line is for --verbose.
            tracing::info!("{}: {error}", o.id);
            // A host that asked for time has said nothing about the source: not a failure in a row.
            if class != Failure::Deferred {
                state.consecutive_failures += 1;
            }
            state.last_status = SourceStatus::Failed(class);
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
            // Unchanged since a partial read is still only partly read.
            let status = if state.partial.is_some() {
                SourceStatus::Partial
            } else {
                SourceStatus::Unchanged
            };
            note_success(&mut state, &fetched, status, now);
            if !fetched.not_modified {
                // Same body, fresh validators: next time the server may answer 304.
                state.validators = fetched.validators;
            }
            ctx.store.save_source(key, &state)?;
            let mut t = ctx.tally();
            t.record.sources_unchanged += 1;
            if status == SourceStatus::Partial {
                t.record.sources_partial += 1;
            }
            Ok(())
        }
        Ok(Poll::Items(items)) => {
            tracing::debug!("{}: {url} lists {} candidates", o.id, items.candidates.len());
            let status = match &items.partial {
                Some(reason) => {
                    tracing::info!("{}: {url} read in part: {reason}", o.id);
                    ctx.tally().record.sources_partial += 1;
                    SourceStatus::Partial
                }
                None => SourceStatus::Ok,
            };
            note_success(&mut state, &items.fetched, status, now);
            state.partial = items.partial.clone();
            process_items(ctx, outlet, kind, key, state, items, previous_poll).await
        }
    }
}

/// Fetches and judges a changed source's new candidates, then saves the source's validators
/// and hash, and its sitemap children's, only if every candidate is dealt with (judged, or its
/// failure recorded to be tried again): until then a run killed half-way makes the next run
/// poll it in full again. Until then the source keeps its previous poll time too, so the next
/// run finds it due.
async fn process_items(
    ctx: &Ctx,
    outlet: usize,
    kind: SourceKind,
    key: &str,
    mut state: SourceState,
    items: Items,
    previous_poll: Option<DateTime<Utc>>,
) -> Result<()> {
    state.items_last_poll = items.candidates.len();
    state.children = items.children;
    let previous = std::mem::take(&mut state.validators);
    state.body_hash = None;
    let polled = std::mem::replace(&mut state.last_polled, previous_poll);
    ctx.store.save_source(key, &state)?;
    state.last_polled = polled;

    let fresh = pages::select_candidates(ctx, Some(outlet), items.candidates)?;
    if !fresh.is_empty() {
        state.last_new = Some(ctx.now);
    }
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
        state.validators = if items.fetched.not_modified {
            previous
        } else {
            items.fetched.validators
        };
        // A source cut short is parsed again next time, in case the rest comes.
        state.body_hash = if items.cut { None } else { items.hash };
        ctx.store.save_source(key, &state)?;
        for (child, child_state) in &items.child_states {
            ctx.store.save_source(child, child_state)?;
        }
    }
    Ok(())
}

fn note_success(state: &mut SourceState, fetched: &Fetched, status: SourceStatus, now: DateTime<Utc>) {
    // Quiet is counted from the first successful poll (or the first since the field was kept).
    state.last_new.get_or_insert(now);
    state.consecutive_failures = 0;
    state.last_status = status;
    state.last_error = None;
    state.last_success = Some(now);
    let ms = fetched.elapsed.as_secs_f64() * 1000.0;
    state.avg_latency_ms = Some(match state.avg_latency_ms {
        Some(avg) => (1.0 - LATENCY_WEIGHT) * avg + LATENCY_WEIGHT * ms,
        None => ms,
    });
}

/// Why a source gave nothing: its class and the message (with the URL).
struct SourceFailed {
    class: Failure,
    error: String,
}

impl From<FetchError> for SourceFailed {
    fn from(e: FetchError) -> SourceFailed {
        SourceFailed {
            class: e.class(),
            error: e.to_string(),
        }
    }
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
    /// The source's own body was cut short: not to be taken as read next time.
    cut: bool,
    candidates: Vec<Candidate>,
    /// A sitemap index's children, remembered so an unchanged index still leads to them.
    children: Vec<String>,
    /// New state for the children that changed, saved with the parent's.
    child_states: Vec<(String, SourceState)>,
    /// Why the source was read only in part (itself or some of its children).
    partial: Option<String>,
}

/// One document fetched conditionally and parsed, unless it is unchanged.
struct Polled {
    fetched: Fetched,
    /// Hash of the body parsed; the previous one when unchanged.
    hash: Option<u64>,
    changed: bool,
    candidates: Vec<Candidate>,
    children: Vec<Child>,
    /// Why it was read only in part: cut short, or its XML repaired.
    partial: Option<String>,
}

/// Fetches a source with the validators of `state` and parses it, unless the server answers 304
/// or the body hashes as `state`'s did (some servers ignore conditional requests, or send the
/// same ETag for a changed feed).
async fn fetch_source(
    ctx: &Ctx,
    kind: SourceKind,
    url: &url::Url,
    state: &SourceState,
) -> std::result::Result<Polled, SourceFailed> {
    let want = match kind {
        SourceKind::Feed | SourceKind::Sitemap => Want::Feed,
        SourceKind::Listing => Want::Page,
    };
    let mut fetched = ctx.fetcher.get(url, want, Some(&state.validators)).await?;
    let hash = (!fetched.not_modified).then(|| xxhash_rust::xxh3::xxh3_64(&fetched.body));
    if fetched.not_modified || hash == state.body_hash {
        // Only the response's metadata is kept: the body is not held while pages are judged.
        fetched.body = Vec::new();
        let children = state
            .children
            .iter()
            .filter_map(|c| url::Url::parse(c).ok())
            .map(Child::new)
            .collect();
        return Ok(Polled {
            fetched,
            hash: state.body_hash,
            changed: false,
            candidates: Vec::new(),
            children,
            partial: None,
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
        .ok_or_else(|| SourceFailed {
            class: match kind {
                SourceKind::Sitemap => Failure::MalformedSitemap,
                _ => Failure::MalformedFeed,
            },
            error: format!("{url}: the parser crashed"),
        })?;
    let parsed = parsed.map_err(|(class, e)| SourceFailed {
        class,
        error: format!("{url}: {e}"),
    })?;
    let partial = [fetched.truncated.as_ref().map(ToString::to_string), parsed.partial]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    Ok(Polled {
        fetched,
        hash,
        changed: true,
        candidates: parsed.candidates,
        children: parsed.children,
        partial: (!partial.is_empty()).then(|| partial.join("; ")),
    })
}

/// Polls a source, and the children of a sitemap index that are new or may have changed (each
/// conditionally, with its own state), and gathers their candidates.
async fn poll(
    ctx: &Ctx,
    kind: SourceKind,
    url: &url::Url,
    state: &SourceState,
) -> std::result::Result<Poll, SourceFailed> {
    let top = fetch_source(ctx, kind, url, state).await?;
    let mut candidates = top.candidates;
    let mut partial: Vec<String> = top.partial.into_iter().collect();
    let children = read_children(ctx, state, &top.children).await;
    candidates.extend(children.candidates);
    partial.extend(children.partial);
    if !top.changed && children.states.is_empty() && partial.is_empty() {
        return Ok(Poll::Unchanged { fetched: top.fetched });
    }
    Ok(Poll::Items(Items {
        cut: top.fetched.truncated.is_some(),
        fetched: top.fetched,
        hash: top.hash,
        candidates,
        children: top.children.iter().map(|c| c.url.to_string()).collect(),
        child_states: children.states,
        partial: (!partial.is_empty()).then(|| partial.join("; ")),
    }))
}

/// What a sitemap index's children gave this run.
#[derive(Default)]
struct ChildrenRead {
    candidates: Vec<Candidate>,
    /// New state of each child read (saved with the parent's once its pages are done).
    states: Vec<(String, SourceState)>,
    /// Failed children, children read in part, children left for the next run.
    partial: Vec<String>,
}

/// Reads a sitemap index whole: every child that is new or may have changed, newest first (the
/// order [`Child::order`] gave), at most [`MAX_SITEMAP_CHILDREN_PER_RUN`] per run. A child whose
/// index `<lastmod>` is the one it had when last read is not fetched; nor is one whose newest
/// possible entry is older than every article's window. A nested index's children join the queue.
async fn read_children(ctx: &Ctx, parent: &SourceState, children: &[Child]) -> ChildrenRead {
    let mut out = ChildrenRead::default();
    let mut queue: std::collections::VecDeque<Child> = children.iter().cloned().collect();
    let mut seen: std::collections::HashSet<String> = children.iter().map(|c| c.url.to_string()).collect();
    let (mut fetched, mut failed, mut left) = (0, Vec::new(), 0);
    while let Some(child) = queue.pop_front() {
        if child
            .newest_possible()
            .is_some_and(|newest| newest + CHILD_WINDOW_SLACK < ctx.earliest)
        {
            continue;
        }
        let key = child.url.as_str();
        let known = ctx.store.source(key).ok().flatten();
        // Listed with the lastmod it had when read, and read whole then: unchanged.
        let listed = child.lastmod.or_else(|| known.as_ref().and_then(|k| k.listed_lastmod));
        if let Some(k) = &known
            && k.listed_lastmod.is_some()
            && k.listed_lastmod == listed
            && k.last_status == SourceStatus::Ok
        {
            continue;
        }
        if fetched == MAX_SITEMAP_CHILDREN_PER_RUN {
            left += 1;
            continue;
        }
        fetched += 1;
        let state = known.unwrap_or_else(|| SourceState::new(&parent.outlet, SourceKind::Sitemap));
        match fetch_source(ctx, SourceKind::Sitemap, &child.url, &state).await {
            Ok(polled) => {
                if !polled.changed {
                    continue;
                }
                out.candidates.extend(polled.candidates);
                for grandchild in polled.children {
                    if seen.insert(grandchild.url.to_string()) {
                        queue.push_back(grandchild);
                    }
                }
                if let Some(reason) = &polled.partial {
                    out.partial.push(format!("child sitemap {}: {reason}", child.url));
                }
                let mut new_state = SourceState::new(&parent.outlet, SourceKind::Sitemap);
                new_state.validators = polled.fetched.validators;
                new_state.body_hash = if polled.fetched.truncated.is_some() {
                    None
                } else {
                    polled.hash
                };
                new_state.last_status = if polled.partial.is_some() {
                    SourceStatus::Partial
                } else {
                    SourceStatus::Ok
                };
                new_state.partial = polled.partial;
                new_state.listed_lastmod = listed;
                new_state.last_polled = Some(Utc::now());
                new_state.last_success = new_state.last_polled;
                out.states.push((key.to_string(), new_state));
            }
            Err(SourceFailed { error, .. }) => {
                tracing::info!("sitemap index child failed: {error}");
                failed.push(error);
            }
        }
    }
    if !failed.is_empty() {
        out.partial.push(format!(
            "{} of {fetched} child sitemaps failed: {}",
            failed.len(),
            failed.join("; ")
        ));
    }
    if left > 0 {
        out.partial.push(format!(
            "{left} child sitemaps left for the next run (at most {MAX_SITEMAP_CHILDREN_PER_RUN} are read per run)"
        ));
    }
    out
}

/// A source's document, parsed: its candidates, a sitemap index's children, and why it was read
/// only in part.
struct Parsed {
    candidates: Vec<Candidate>,
    children: Vec<Child>,
    partial: Option<String>,
}

fn parse_source(
    kind: SourceKind,
    body: &[u8],
    content_type: Option<&str>,
    base: &url::Url,
) -> std::result::Result<Parsed, (Failure, String)> {
    match kind {
        SourceKind::Feed => crawl::feeds::parse_detailed(body, content_type, base)
            .map(|p| Parsed {
                candidates: p.candidates,
                children: Vec::new(),
                partial: p.partial,
            })
            .map_err(|e| (e.class(), e.to_string())),
        SourceKind::Sitemap => crawl::sitemaps::parse(body, content_type, base)
            .map(|s| Parsed {
                candidates: s.pages,
                children: s.children,
                partial: s.partial,
            })
            .map_err(|e| (e.class().for_sitemap(), e.to_string())),
        SourceKind::Listing => {
            let html = crawl::charset::decode_html(body, content_type, Some(base));
            Ok(Parsed {
                candidates: crawl::listing::links(&html, base),
                children: Vec::new(),
                partial: None,
            })
        }
    }
}
