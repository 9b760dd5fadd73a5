//! The sources of an outlet configured with a homepage only: discovered from its homepage
//! ([`crate::discover::feeds`]), kept in the store, and discovered again once a week.

use super::Ctx;
use super::summary::SourceFailure;
use crate::config::SourceKind;
use crate::discover::{DiscoveredSources, feeds};
use chrono::Utc;
use url::Url;

/// The sources to poll for outlet `index`: the stored ones while fresh, else discovered now.
/// When the homepage cannot be read, the sources found last time are polled (none the first
/// time) and the failure is reported like a failed source's.
pub(super) async fn sources(ctx: &Ctx, index: usize) -> Vec<(SourceKind, Url)> {
    let o = &ctx.outlets[index];
    let Some(home) = &o.homepage else {
        return Vec::new();
    };
    let now = Utc::now();
    let stored = match ctx.store.discovered(&o.id) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("{}: discovered sources unreadable, discovering again: {e}", o.id);
            None
        }
    };
    if let Some(found) = &stored
        && feeds::is_fresh(found, home, now)
    {
        return found.sources();
    }
    match feeds::discover(&ctx.fetcher, &ctx.store, &ctx.user_agent, home, now).await {
        Ok(found) => {
            tracing::info!(
                "{}: discovered {} feeds, {} sitemaps, {} listing pages from {home}",
                o.id,
                found.feeds.len(),
                found.sitemaps.len(),
                found.listings.len()
            );
            if let Err(e) = ctx.store.save_discovered(&o.id, &found) {
                tracing::error!("{}: cannot keep discovered sources: {e}", o.id);
            }
            found.sources()
        }
        Err(error) => {
            tracing::info!("{}: discovery failed: {error}", o.id);
            let kept = stored.unwrap_or_default();
            let noted = DiscoveredSources {
                note: Some(error.clone()),
                // Not `checked`: the next run tries again.
                checked: None,
                homepage: home.to_string(),
                ..kept.clone()
            };
            if let Err(e) = ctx.store.save_discovered(&o.id, &noted) {
                tracing::error!("{}: cannot keep discovery state: {e}", o.id);
            }
            let mut t = ctx.tally();
            t.record.sources_polled += 1;
            t.record.sources_failed += 1;
            t.failures.push(SourceFailure {
                outlet: o.id.clone(),
                url: home.to_string(),
                class: crate::crawl::health::Failure::Other,
                error,
            });
            drop(t);
            kept.sources()
        }
    }
}
