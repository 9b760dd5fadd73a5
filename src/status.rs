//! `pickup status`: every source's health as kept in the store, and the last run's figures.

use crate::config::Config;
use crate::error::Result;
use crate::store::Store;
use std::fmt::Write;

pub fn render(config: &Config, store: &Store) -> Result<String> {
    let states: std::collections::HashMap<String, _> = store.sources()?.into_iter().collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<24} {:<8} {:<11} {:>5} {:>8}  {:<20} url",
        "outlet", "source", "status", "fails", "latency", "last success"
    );
    for o in &config.outlets {
        for (kind, url) in o.sources() {
            let line = match states.get(url.as_str()) {
                None => format!(
                    "{:<24} {:<8} {:<11} {:>5} {:>8}  {:<20} {url}",
                    o.id, kind, "never", "-", "-", "-"
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
                        "{:<24} {:<8} {:<11} {:>5} {:>8}  {:<20} {url}{flag}",
                        o.id, kind, s.last_status, s.consecutive_failures, latency, success
                    );
                    if let Some(e) = &s.last_error {
                        let _ = write!(line, "\n{:>26}{}", "", crate::text::shorten(e, 100));
                    }
                    line
                }
            };
            let _ = writeln!(out, "{line}");
        }
    }
    let (seen, placed) = (
        store.seen_count(),
        crate::report::counted(store.hit_count(), store.outlet_count()?),
    );
    match store.last_run()? {
        None => {
            let _ = writeln!(out, "\nno run yet; {placed} recorded, {seen} pages judged");
        }
        Some(r) => {
            let _ = writeln!(
                out,
                "\nlast run {} ({:.1} s): {} sources polled, {} unchanged, {} failed; {} pages fetched, {} failed; {} requests; {} new placements. {} recorded in all, {} pages judged.",
                r.started.format("%Y-%m-%d %H:%M UTC"),
                (r.finished - r.started).num_milliseconds() as f64 / 1000.0,
                r.sources_polled,
                r.sources_unchanged,
                r.sources_failed,
                r.pages_fetched,
                r.pages_failed,
                r.requests,
                r.new_hits,
                placed,
                seen
            );
        }
    }
    Ok(out)
}
