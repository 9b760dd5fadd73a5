//! The pitch list of an article: the outlets it was offered to (`pitched` in the config or the
//! outlets CSV) against the outlets that ran it, as three lists for `pickup status --article`
//! and the report.

use crate::config::Config;
use crate::store::HitRecord;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One outlet on a pitch list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PitchEntry {
    pub outlet: String,
    pub outlet_name: String,
    /// The day of its first placement of the article (the page's own date, else the day pickup
    /// first saw it); `None` for an outlet that has not run it.
    pub first_ran: Option<NaiveDate>,
    /// Placements of the article on this outlet.
    pub placements: usize,
    /// True for an outlet that is not in the config (an auto outlet made for a placement on an
    /// unlisted site).
    pub auto: bool,
}

/// The three lists of an article's pitch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PitchLists {
    /// Pitched and ran, earliest first.
    pub pitched_and_ran: Vec<PitchEntry>,
    /// Pitched and not (yet) run, in pitch-list order.
    pub pitched_not_yet: Vec<PitchEntry>,
    /// Ran without a pitch, earliest first.
    pub ran_unpitched: Vec<PitchEntry>,
}

/// The pitch lists of `article` from its recorded placements (`hits` may hold other articles'
/// too), or `None` when no article has that id.
pub fn pitch_lists(config: &Config, article: &str, hits: &[HitRecord]) -> Option<PitchLists> {
    let a = config.article(article)?;
    let mut ran: BTreeMap<&str, PitchEntry> = BTreeMap::new();
    for h in hits.iter().filter(|h| h.article == article) {
        let day = h
            .published
            .map(|p| p.date_naive())
            .unwrap_or_else(|| h.first_seen.date_naive());
        let e = ran.entry(h.outlet.as_str()).or_insert_with(|| PitchEntry {
            outlet: h.outlet.clone(),
            outlet_name: h.outlet_name.clone(),
            first_ran: Some(day),
            placements: 0,
            auto: !config.outlets.iter().any(|o| o.id == h.outlet),
        });
        e.placements += 1;
        e.first_ran = e.first_ran.min(Some(day)).or(Some(day));
    }
    let mut lists = PitchLists::default();
    for id in config.pitched(&a.id) {
        match ran.remove(id.as_str()) {
            Some(e) => lists.pitched_and_ran.push(e),
            None => lists.pitched_not_yet.push(PitchEntry {
                outlet: id.clone(),
                outlet_name: config
                    .outlets
                    .iter()
                    .find(|o| &o.id == id)
                    .map_or_else(|| id.clone(), |o| o.name.clone()),
                first_ran: None,
                placements: 0,
                auto: false,
            }),
        }
    }
    lists.ran_unpitched = ran.into_values().collect();
    let by_day = |x: &PitchEntry, y: &PitchEntry| x.first_ran.cmp(&y.first_ran).then(x.outlet.cmp(&y.outlet));
    lists.pitched_and_ran.sort_by(by_day);
    lists.ran_unpitched.sort_by(by_day);
    Some(lists)
}

impl PitchLists {
    /// The three lists with their titles, in the order they are shown.
    pub fn titled(&self) -> [(&'static str, &[PitchEntry]); 3] {
        [
            ("pitched and ran", &self.pitched_and_ran),
            ("pitched, not yet", &self.pitched_not_yet),
            ("ran without a pitch", &self.ran_unpitched),
        ]
    }

    /// The three lists as `pickup status --article` prints them.
    pub fn render(&self, article: &str) -> String {
        let mut out = String::new();
        let line = |out: &mut String, e: &PitchEntry| {
            let when = e.first_ran.map(|d| d.to_string()).unwrap_or_default();
            let auto = if e.auto { "  (auto)" } else { "" };
            let times = if e.placements > 1 {
                format!("  ({} placements)", e.placements)
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {:<10} {:<24} {}{times}{auto}", when, e.outlet, e.outlet_name);
        };
        let _ = writeln!(out, "pitch list of {article}:");
        for (title, list) in self.titled() {
            let _ = writeln!(out, "{title} ({}):", list.len());
            if list.is_empty() {
                let _ = writeln!(out, "  none");
            }
            for e in list {
                line(&mut out, e);
            }
        }
        out
    }
}
