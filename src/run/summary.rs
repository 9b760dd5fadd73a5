//! What a run did: the summary printed at the end of `pickup run` (and kept in the store).

use crate::crawl::Failure;
use crate::store::{HitRecord, RunRecord};
use std::collections::BTreeMap;
use std::fmt;

/// A source that failed this run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceFailure {
    pub outlet: String,
    pub url: String,
    pub class: Failure,
    pub error: String,
}

/// What a run did: printed at the end and kept in the store.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunSummary {
    pub record: RunRecord,
    pub failures: Vec<SourceFailure>,
    pub new_hits: Vec<HitRecord>,
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.record;
        let secs = (r.finished - r.started).num_milliseconds() as f64 / 1000.0;
        writeln!(
            f,
            "pickup run: {} sources polled ({} unchanged, {} failed, {} not due), {} candidates, {} pages fetched ({} failed, {} skipped by robots.txt), {} requests, {:.1} s",
            r.sources_polled,
            r.sources_unchanged,
            r.sources_failed,
            r.sources_not_due,
            r.candidates,
            r.pages_fetched,
            r.pages_failed,
            r.skipped_robots,
            r.requests,
            secs
        )?;
        let mut by_article: BTreeMap<&str, usize> = BTreeMap::new();
        for h in &self.new_hits {
            *by_article.entry(&h.article).or_default() += 1;
        }
        if by_article.is_empty() {
            writeln!(f, "new placements: none")?;
        } else {
            let parts: Vec<String> = by_article.iter().map(|(a, n)| format!("{a} {n}")).collect();
            writeln!(
                f,
                "new: {} ({})",
                crate::report::placements_on_outlets(&self.new_hits),
                parts.join(", ")
            )?;
            for h in &self.new_hits {
                writeln!(
                    f,
                    "  {} {:<11} {:.2} {} [{}] {}",
                    h.article,
                    h.kind.as_str(),
                    h.score,
                    h.outlet,
                    h.country,
                    h.url
                )?;
            }
        }
        if !self.failures.is_empty() {
            writeln!(f, "failed sources:")?;
            for s in &self.failures {
                writeln!(f, "  {} ({}): {}", s.outlet, s.class, s.error)?;
            }
        }
        if r.rechecked() > 0 {
            let names = crate::recheck::LiveStatus::ALL.map(|s| s.as_str());
            let parts: Vec<String> = names
                .iter()
                .chain(&[crate::store::UNDECIDED])
                .filter_map(|s| r.recheck_results.get(*s).map(|n| format!("{n} {s}")))
                .collect();
            writeln!(f, "re-checked: {} placements ({})", r.rechecked(), parts.join(", "))?;
        }
        if r.search_queries > 0 {
            writeln!(f, "news search: {} queries", r.search_queries)?;
        }
        Ok(())
    }
}
