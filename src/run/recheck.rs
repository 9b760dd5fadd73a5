//! The liveness re-check pass at the end of a run: each placement that is due
//! ([`crate::recheck::is_due`] at the run's `now`) is fetched again through the run's fetcher
//! (so per-host spacing, robots.txt and the address rules hold as for any page), judged
//! ([`crate::recheck::judge`]) and its finding kept in its record ([`Store::note_recheck`]).
//!
//! Which placements are due is settled at the run's start ([`due`]), from the one reading of
//! the store the run makes (it also gives the boost window), so only those are held through the
//! run. A placement the run itself records is not re-checked in it: its page was just fetched.
//! Each is judged as that reading found it; its finding is written onto the record as stored
//! then, so a sighting the run merged into it meanwhile is kept.
//!
//! With `--shard`, a job re-checks the placements of its own outlets (by the shard hash of the
//! outlet id), and the first job also those of outlets no longer configured or made for sites
//! nobody listed (auto outlets), as it is the one that searches. After a stop, no new re-check
//! starts.

use super::{Ctx, Shard};
use crate::config::{Outlet, RecheckConfig};
use crate::crawl::{Truncated, Want};
use crate::detect::Verdict;
use crate::proof::Proof;
use crate::recheck::{self, Answer, LiveStatus, Recheck};
use crate::store::HitRecord;
use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};
use std::collections::HashSet;

/// Of `entries` (every stored placement with its key), those a run at `now` re-checks: due by
/// `rules` and, with `shard`, its own (the first shard's job also takes the placements of
/// outlets not among `outlets` and of auto outlets). Empty when re-checks are off.
pub(super) fn due(
    entries: Vec<(Vec<u8>, HitRecord)>,
    rules: &RecheckConfig,
    outlets: &[Outlet],
    shard: Option<Shard>,
    now: DateTime<Utc>,
) -> Vec<(Vec<u8>, HitRecord)> {
    if !rules.enabled {
        return Vec::new();
    }
    let configured: HashSet<&str> = outlets.iter().map(|o| o.id.as_str()).collect();
    let mine = |h: &HitRecord| match shard {
        None => true,
        Some(s) if configured.contains(h.outlet.as_str()) => s.contains(&h.outlet),
        Some(s) => s.is_first(),
    };
    entries
        .into_iter()
        .filter(|(_, h)| mine(h) && recheck::is_due(h, rules, now))
        .collect()
}

/// Re-checks the `due` placements (keys and records, from [`due`]), unless a stop was asked.
pub(super) async fn pass(ctx: &Ctx, due: Vec<(Vec<u8>, HitRecord)>) {
    if due.is_empty() || ctx.stop.asked() {
        return;
    }
    tracing::info!("re-checking {} placements", due.len());
    stream::iter(due)
        .map(|(key, hit)| recheck_one(ctx, key, hit))
        .buffer_unordered(ctx.pages_in_flight)
        .collect::<Vec<()>>()
        .await;
}

/// Fetches one placement's page again and keeps what it says.
async fn recheck_one(ctx: &Ctx, key: Vec<u8>, hit: HitRecord) {
    if ctx.stop.asked() {
        return;
    }
    let Ok(url) = url::Url::parse(&hit.url) else {
        tracing::warn!("{}: not a URL; not re-checked", hit.url);
        return;
    };
    let mut proof = None;
    // A status with what it rests on, or why nothing was decided.
    let decided: Result<(LiveStatus, Option<String>), String> = match ctx.fetcher.get(&url, Want::Page, None).await {
        Err(e) if e.class().is_not_now() => {
            // Says nothing about the page, and is not an attempt: tried again next run.
            tracing::info!("re-check of {url} waits: {e}");
            return;
        }
        // The note is the class's own form (`http 410`, `timeout`), decisive or not.
        Err(e) => match recheck::from_failure(e.class()) {
            Some(status) => Ok((status, Some(e.class().to_string()))),
            None => {
                tracing::info!("re-check of {url} decided nothing: {e}");
                Err(e.class().to_string())
            }
        },
        // Half a page would read as text removed.
        Ok(fetched) if matches!(fetched.truncated, Some(Truncated::Dropped { .. })) => {
            Err(crate::crawl::Failure::Cut.to_string())
        }
        Ok(fetched) => {
            let detector = ctx.detector.clone();
            let measurable = !hit.team_judgement && ctx.articles.iter().any(|a| a.id == hit.article);
            let article = hit.article.clone();
            // The page's hash is only kept as proof by a record that has none yet.
            let wants_proof = hit.proof.is_none();
            let seen = ctx
                .on_cpu(move || {
                    let html = fetched.html();
                    let (doc, paywall) =
                        crate::extract::extract_reading(&html, Some(&fetched.url), crate::extract::paywall::signal);
                    let judged = detector.judge(&doc).into_iter().find(|j| j.article == article);
                    let (coverage, passage) = match judged.map(|j| j.verdict) {
                        Some(Verdict::Hit(h)) => (h.coverage, Some(h.passage)),
                        _ => (0.0, None),
                    };
                    Seen {
                        paywall: paywall.flatten(),
                        hash: wants_proof.then(|| crate::proof::html_hash(html.as_bytes())),
                        canonical: doc.canonical_url,
                        redirected: !fetched.redirects.is_empty(),
                        url: fetched.url,
                        coverage,
                        passage,
                    }
                })
                .await;
            match seen {
                None => {
                    tracing::error!("{url}: extraction or detection crashed on re-check");
                    Err("crashed".to_string())
                }
                Some(seen) => {
                    let answer = Answer {
                        url: &seen.url,
                        redirected: seen.redirected,
                        canonical: seen.canonical.as_ref(),
                        coverage: measurable.then_some(seen.coverage),
                        paywall: seen.paywall,
                    };
                    let (status, note) = recheck::judge(&hit, &answer);
                    if status == LiveStatus::Live
                        && let (Some(passage), Some(hash)) = (&seen.passage, seen.hash)
                    {
                        proof = Some(Proof::new(passage, hash, ctx.now));
                    }
                    Ok((status, note))
                }
            }
        }
    };
    let (found, outcome) = match decided {
        Ok((status, note)) => (Recheck::decided(ctx.now, status, note), status.as_str()),
        // A transient failure: the last status stands, retried at the next due time.
        Err(why) => (
            Recheck::undecided(hit.recheck.as_ref(), ctx.now, why),
            crate::store::UNDECIDED,
        ),
    };
    {
        let mut t = ctx.tally();
        *t.record.recheck_results.entry(outcome.to_string()).or_default() += 1;
    }
    if let Err(e) = ctx.store.note_recheck(&key, &found, proof.as_ref()) {
        tracing::error!("cannot keep the re-check of {url}: {e}");
    }
}

/// The page as the re-check read it, off the async executor (its body is dropped there).
struct Seen {
    /// Where the page was read from, after redirects, and whether there were any.
    url: url::Url,
    redirected: bool,
    canonical: Option<url::Url>,
    coverage: f64,
    passage: Option<String>,
    paywall: Option<&'static str>,
    /// The HTML's hash, when the record has no proof yet.
    hash: Option<String>,
}
