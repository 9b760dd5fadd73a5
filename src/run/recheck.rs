//! The liveness re-check pass at the end of a run: each placement that is due
//! ([`crate::recheck::is_due`] at the run's `now`) is fetched again through the run's fetcher
//! (so per-host spacing, robots.txt and the address rules hold as for any page), judged
//! ([`crate::recheck::judge`]) and its finding kept in its record ([`Store::note_recheck`]).
//!
//! With `--shard`, a job re-checks the placements of its own outlets (by the shard hash of the
//! outlet id), and the first job also those of outlets no longer configured or made for sites
//! nobody listed (auto outlets), as it is the one that searches. After a stop, no new re-check
//! starts.

use super::{Ctx, Shard};
use crate::config::RecheckConfig;
use crate::crawl::{Truncated, Want};
use crate::detect::Verdict;
use crate::proof::Proof;
use crate::recheck::{self, Answer, LiveStatus, Recheck};
use crate::store::HitRecord;
use futures_util::{StreamExt, stream};
use std::collections::HashSet;

/// Re-checks every placement due at `ctx.now` that belongs to `shard`.
pub(super) async fn pass(ctx: &Ctx, rules: &RecheckConfig, shard: Option<Shard>) {
    if !rules.enabled || ctx.stop.asked() {
        return;
    }
    let entries = match ctx.store.hit_entries() {
        Ok(e) => e,
        Err(e) => {
            tracing::error!("re-checks skipped: {e}");
            return;
        }
    };
    let configured: HashSet<&str> = ctx.outlets.iter().map(|o| o.id.as_str()).collect();
    let mine = |h: &HitRecord| match shard {
        None => true,
        Some(s) if configured.contains(h.outlet.as_str()) => s.contains(&h.outlet),
        Some(s) => s.is_first(),
    };
    let due: Vec<(Vec<u8>, HitRecord)> = entries
        .into_iter()
        .filter(|(_, h)| mine(h) && recheck::is_due(h, rules, ctx.now))
        .collect();
    if due.is_empty() {
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
                        hash: crate::proof::html_hash(html.as_bytes()),
                        canonical: doc.canonical_url,
                        fetched,
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
                        url: &seen.fetched.url,
                        redirected: !seen.fetched.redirects.is_empty(),
                        canonical: seen.canonical.as_ref(),
                        coverage: measurable.then_some(seen.coverage),
                        paywall: seen.paywall,
                    };
                    let (status, note) = recheck::judge(&hit, &answer);
                    if status == LiveStatus::Live
                        && hit.proof.is_none()
                        && let Some(passage) = &seen.passage
                    {
                        proof = Some(Proof::new(passage, seen.hash.clone(), ctx.now));
                    }
                    Ok((status, note))
                }
            }
        }
    };
    let (found, outcome) = match decided {
        Ok((status, note)) => (Recheck::decided(ctx.now, status, note), status.as_str()),
        // A transient failure: the last status stands, retried at the next due time.
        Err(why) => (Recheck::undecided(hit.recheck.as_ref(), ctx.now, why), "undecided"),
    };
    {
        let mut t = ctx.tally();
        t.record.rechecked += 1;
        *t.record.recheck_results.entry(outcome.to_string()).or_default() += 1;
    }
    if let Err(e) = ctx.store.note_recheck(&key, &found, proof.as_ref()) {
        tracing::error!("cannot keep the re-check of {url}: {e}");
    }
}

/// The page as the re-check read it, off the async executor.
struct Seen {
    fetched: crate::crawl::Fetched,
    canonical: Option<url::Url>,
    coverage: f64,
    passage: Option<String>,
    paywall: Option<&'static str>,
    hash: String,
}
