//! `pickup status`: every source's health as kept in the store (with the reason when it was read
//! only in part) and when it is next polled ([`crate::run::schedule`]), the hosts that asked to
//! be left alone, the article pages that keep failing, and the last run's figures.

use crate::config::Config;
use crate::crawl::SourceStatus;
use crate::error::Result;
use crate::run::schedule;
use crate::store::Store;
use std::fmt::Write;

/// The status table as of now: every source of every outlet (configured, or discovered from a
/// homepage and marked so), the auto outlets, and the last run's figures.
///
/// # Errors
/// Store errors.
pub fn render(config: &Config, store: &Store) -> Result<String> {
    render_at(config, store, chrono::Utc::now())
}

/// The status table with `now` as the time next polls are reckoned from; "next poll" is
/// "due" for a source the next run polls, else the time (UTC) and the rule that set it.
///
/// # Errors
/// Store errors.
pub fn render_at(config: &Config, store: &Store, now: chrono::DateTime<chrono::Utc>) -> Result<String> {
    let states: std::collections::HashMap<String, _> = store.sources()?.into_iter().collect();
    let hits = store.hits()?;
    let boost_until = schedule::boost_until(config, &hits, now);
    let next_poll = |state: &crate::store::SourceState| {
        let next = schedule::next_poll(state, now, &config.polling, boost_until);
        if next.is_due(now) {
            "due".to_string()
        } else {
            format!("{} ({})", next.at.format("%m-%d %H:%M"), next.why.as_str())
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<24} {:<8} {:<11} {:>5} {:>8}  {:<20} {:<21} url",
        "outlet", "source", "status", "fails", "latency", "last success", "next poll"
    );
    for o in &config.outlets {
        let discovered = if o.needs_discovery() {
            store.discovered(&o.id)?
        } else {
            None
        };
        let sources: Vec<(crate::config::SourceKind, url::Url)> = match &discovered {
            Some(d) => d.sources(),
            None => o.sources().map(|(k, u)| (k, u.clone())).collect(),
        };
        if o.needs_discovery() {
            let _ = writeln!(out, "{}", discovery_line(o, discovered.as_ref()));
        }
        // Discovered sources are marked; configured ones are used as given.
        let origin = if o.needs_discovery() { "  (discovered)" } else { "" };
        for (kind, url) in &sources {
            let line = match states.get(url.as_str()) {
                None => format!(
                    "{:<24} {:<8} {:<11} {:>5} {:>8}  {:<20} {:<21} {url}{origin}",
                    o.id, kind, "never", "-", "-", "-", "due"
                ),
                Some(s) => {
                    let flag = if s.is_failing() { " !" } else { "" };
                    let latency = s
                        .avg_latency_ms
                        .map(|ms| format!("{ms:.0} ms"))
                        .unwrap_or_else(|| "-".into());
                    let success = s
                        .last_success
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|| "never".into());
                    let mut line = format!(
                        "{:<24} {:<8} {:<11} {:>5} {:>8}  {:<20} {:<21} {url}{origin}{flag}",
                        o.id,
                        kind,
                        s.last_status,
                        s.consecutive_failures,
                        latency,
                        success,
                        next_poll(s)
                    );
                    if let Some(e) = &s.last_error {
                        let _ = write!(line, "\n{:>26}{}", "", crate::text::shorten(e, 100));
                    } else if let Some(reason) = s.partial.as_ref().filter(|_| s.last_status == SourceStatus::Partial) {
                        let _ = write!(line, "\n{:>26}partly read: {}", "", crate::text::shorten(reason, 200));
                    }
                    line
                }
            };
            let _ = writeln!(out, "{line}");
        }
    }
    let pauses: Vec<_> = store.host_pauses()?.into_iter().filter(|p| p.until > now).collect();
    if !pauses.is_empty() {
        let _ = writeln!(
            out,
            "\nhosts that asked to be left alone (Retry-After); their sources and pages wait:"
        );
        for p in pauses {
            let _ = writeln!(
                out,
                "  {:<40} deferred until {}",
                p.host,
                p.until.format("%Y-%m-%d %H:%M UTC")
            );
        }
    }
    let failures = store.page_failures()?;
    let (given_up, resting): (Vec<_>, Vec<_>) = failures.iter().partition(|(_, f)| f.given_up);
    if !resting.is_empty() {
        let _ = writeln!(
            out,
            "\n{} article pages failed and rest before another try (the earliest {}).",
            resting.len(),
            resting
                .iter()
                .map(|(_, f)| f.next_try)
                .min()
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default()
        );
    }
    if !given_up.is_empty() {
        let _ = writeln!(out, "\narticle pages given up ({}):", given_up.len());
        for (_, f) in &given_up {
            let _ = writeln!(
                out,
                "  {:<24} {:<18} {:>2} tries, last {}  {}",
                f.outlet,
                f.class,
                f.failures,
                f.last_tried.format("%Y-%m-%d %H:%M"),
                f.url
            );
        }
    }
    render_rechecks(config, &hits, now, &mut out);
    render_auto_outlets(config, store, &mut out)?;
    // From the placements already read above, not a second pass over the store.
    let outlets: std::collections::HashSet<&str> = hits.iter().map(|h| h.outlet.as_str()).collect();
    let (seen, placed) = (store.seen_count(), crate::report::counted(hits.len(), outlets.len()));
    match store.last_run()? {
        None => {
            let _ = writeln!(out, "\nno run yet; {placed} recorded, {seen} pages judged");
        }
        Some(r) => {
            let _ = writeln!(
                out,
                "\nlast run {} ({:.1} s): {} sources polled, {} unchanged, {} partly read, {} failed, {} not due; {} pages fetched, {} failed, {} given up, {} deferred, {} cut at max_page_bytes; {} hosts deferred; {} requests; {} new placements. {} recorded in all, {} pages judged.",
                r.started.format("%Y-%m-%d %H:%M UTC"),
                (r.finished - r.started).num_milliseconds() as f64 / 1000.0,
                r.sources_polled,
                r.sources_unchanged,
                r.sources_partial,
                r.sources_failed,
                r.sources_not_due,
                r.pages_fetched,
                r.pages_failed,
                r.pages_given_up,
                r.pages_deferred,
                r.pages_cut,
                r.hosts_deferred,
                r.requests,
                r.new_hits,
                placed,
                seen
            );
        }
    }
    render_outboxes(config, store, &mut out)?;
    Ok(out)
}

/// The liveness re-checks: how many placements each result covers, when the next re-check is
/// due, and each placement whose page is no longer simply live.
fn render_rechecks(
    config: &Config,
    hits: &[crate::store::HitRecord],
    now: chrono::DateTime<chrono::Utc>,
    out: &mut String,
) {
    use crate::recheck::{self, LiveStatus};
    if hits.is_empty() {
        return;
    }
    if !config.recheck.enabled {
        let _ = writeln!(
            out,
            "\nre-checks: off ([recheck] enabled = false, or no re-check times)"
        );
        return;
    }
    let mut counts = std::collections::BTreeMap::new();
    let (mut unchecked, mut undecided) = (0, 0);
    for h in hits {
        match &h.recheck {
            Some(r) => match r.status {
                Some(s) => *counts.entry(s).or_insert(0usize) += 1,
                None => undecided += 1,
            },
            None => unchecked += 1,
        }
    }
    let mut parts: Vec<String> = LiveStatus::ALL
        .iter()
        .filter_map(|s| counts.get(s).map(|n| format!("{n} {s}")))
        .collect();
    if undecided > 0 {
        parts.push(format!("{undecided} tried, undecided"));
    }
    if unchecked > 0 {
        parts.push(format!("{unchecked} not re-checked yet"));
    }
    let dues: Vec<_> = hits
        .iter()
        .filter_map(|h| recheck::next_due(h, &config.recheck))
        .collect();
    let due_now = dues.iter().filter(|t| **t <= now).count();
    let next = match dues.iter().filter(|t| **t > now).min() {
        _ if due_now > 0 => format!("{due_now} due at the next run"),
        Some(t) => format!("next due {}", t.format("%Y-%m-%d %H:%M UTC")),
        None => "none due any more".into(),
    };
    let _ = writeln!(out, "\nre-checks: {}; {next}", parts.join(", "));
    for h in hits {
        let Some(r) = h
            .recheck
            .as_ref()
            .filter(|r| r.status.is_some_and(|s| s != LiveStatus::Live))
        else {
            continue;
        };
        let status = r.status.map_or("", LiveStatus::as_str);
        let when = r
            .checked_at
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let _ = writeln!(out, "  {status:<10} {when}  {:<24} {}", h.outlet, h.url);
        // Whole: the longest notes are the address a moved page now leads to, and half an
        // address leads nowhere.
        if let Some(note) = &r.note {
            let _ = writeln!(out, "{:>14}{note}", "");
        }
        if let Some(error) = &r.last_error {
            let _ = writeln!(out, "{:>14}last try undecided: {error}", "");
        }
    }
}

/// One line per alert channel with placements waiting to be sent (`[alerts]`), with the last
/// failure's message.
fn render_outboxes(config: &Config, store: &Store, out: &mut String) -> Result<()> {
    for o in crate::alerts::outboxes(config, store)? {
        let _ = write!(out, "alerts by {}: {} placements waiting", o.channel, o.pending);
        if let Some(e) = &o.last_error {
            let _ = write!(out, " (last try failed: {e})");
        }
        out.push('\n');
    }
    Ok(())
}

/// What discovery did for an outlet configured with a homepage only.
fn discovery_line(o: &crate::config::Outlet, found: Option<&crate::discover::DiscoveredSources>) -> String {
    let home = o.homepage.as_ref().map(url::Url::as_str).unwrap_or("-");
    match found {
        None => format!("{:<24} discovery: not yet run, from {home}", o.id),
        Some(d) => {
            let when = d
                .checked
                .map(|t| format!("checked {}", t.format("%Y-%m-%d %H:%M")))
                .unwrap_or_else(|| "failed".into());
            let mut line = format!(
                "{:<24} discovery: {when}: {} feeds, {} sitemaps, {} listing pages from {home}",
                o.id,
                d.feeds.len(),
                d.sitemaps.len(),
                d.listings.len()
            );
            if let Some(note) = &d.note {
                let _ = write!(line, "\n{:>26}{}", "", crate::text::shorten(note, 100));
            }
            line
        }
    }
}

/// Auto outlets: sites no configured outlet owns where placements were found, with the
/// command that prints their config. One adopted into the config is no longer listed.
fn render_auto_outlets(config: &Config, store: &Store, out: &mut String) -> Result<()> {
    let autos: Vec<_> = store
        .auto_outlets()?
        .into_iter()
        .filter(|a| !config.outlets.iter().any(|o| o.id == a.id))
        .collect();
    if autos.is_empty() {
        return Ok(());
    }
    let _ = writeln!(
        out,
        "\nauto outlets (placements on sites no configured outlet owns; `pickup outlets adopt ID` prints their config):"
    );
    let _ = writeln!(
        out,
        "{:<24} {:<8} {:<9} {:<17} homepage",
        "outlet", "country", "language", "first seen"
    );
    for a in autos {
        let _ = writeln!(
            out,
            "{:<24} {:<8} {:<9} {:<17} {}  auto",
            a.id,
            a.country,
            a.language,
            a.first_seen.format("%Y-%m-%d %H:%M"),
            a.homepage
        );
    }
    Ok(())
}

/// `pickup status --article ID`: the article's pitch lists ([`crate::pitch`]).
///
/// # Errors
/// Store errors; [`crate::error::Error::Usage`] when no article has that id.
pub fn render_article(config: &Config, store: &Store, article: &str) -> Result<String> {
    let lists = crate::pitch::pitch_lists(config, article, &store.hits()?).ok_or_else(|| {
        crate::error::Error::Usage(format!(
            "--article {article}: no such article in {}",
            config.path.display()
        ))
    })?;
    Ok(lists.render(article))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recheck::{LiveStatus, Recheck};

    #[test]
    fn a_moved_placement_shows_where_it_now_leads_in_full() {
        let config = Config::for_test(
            "[[outlets]]\nid = \"o\"\nname = \"O\"\ncountry = \"US\"\nlanguage = \"en\"\nhomepage = \"https://news.example/\"\n",
        )
        .unwrap();
        let mut hit: crate::store::HitRecord = serde_json::from_value(serde_json::json!({
            "article": "a", "kind": "verbatim", "score": 1.0, "coverage": 0.9,
            "url": "https://news.example/2026/01/story", "canonical_url": "https://news.example/2026/01/story",
            "outlet": "o", "outlet_name": "O", "country": "US", "language": "en",
            "title": null, "published": null, "first_seen": "2026-01-01T00:00:00Z",
            "evidence": "", "variants": []
        }))
        .unwrap();
        let far = format!("https://news.example/archive/{}/story", "section/".repeat(20));
        let now = "2026-01-02T00:00:00Z".parse().unwrap();
        hit.recheck = Some(Recheck::decided(
            now,
            LiveStatus::Moved,
            Some(format!("redirected to {far}")),
        ));
        let mut out = String::new();
        render_rechecks(&config, std::slice::from_ref(&hit), now, &mut out);
        assert!(out.contains("re-checks: 1 moved"), "{out}");
        assert!(out.contains(&format!("redirected to {far}\n")), "{out}");

        // A later attempt that decides nothing keeps where the page leads, and says why.
        let week = "2026-01-09T00:00:00Z".parse().unwrap();
        hit.recheck = Some(Recheck::undecided(hit.recheck.as_ref(), week, "http 503".into()));
        let mut never = hit.clone();
        never.recheck = Some(Recheck::undecided(None, week, "timeout".into()));
        let mut out = String::new();
        render_rechecks(&config, &[hit, never], week, &mut out);
        assert!(out.contains("re-checks: 1 moved, 1 tried, undecided"), "{out}");
        assert!(out.contains(&format!("redirected to {far}\n")), "{out}");
        assert!(out.contains("last try undecided: http 503"), "{out}");
    }
}
