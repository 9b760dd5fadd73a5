//! Liveness re-checks of recorded placements: when one is due (`[recheck]`), and what a fetch
//! of its page says about it now. Pure functions of their inputs, so the rules are tested with a
//! controlled clock; [`crate::run`] does the fetching (`run/recheck.rs`).
//!
//! The rules (README, "Liveness re-checks"):
//! 1. Re-checks fall `recheck.after_days` after a placement's `first_seen`, then every
//!    `recheck.then_every_days` after the last of those, up to `recheck.for_days` after it.
//! 2. A placement is due when one of those times has passed since its last attempt (or ever,
//!    if never attempted): a run after a long pause makes one re-check, not one per time missed.
//! 3. HTTP 404, 410 or 451 → `gone`; 402 → `paywalled`.
//! 4. A redirect to the outlet's home page or a section front ([`canon::is_front_page`]), or to
//!    another page than the placement's own (neither its address, nor its canonical URL, nor a
//!    variant, nor a page whose canonical URL ([`canon::same_site_canonical`]) is one of those) → `moved`.
//! 5. Coverage of the tracked article below [`CHANGED_BELOW`] of what was recorded → `paywalled`
//!    when the page shows a paywall signal ([`crate::extract::paywall`]), else `changed`.
//! 6. Otherwise → `live`.
//! 7. Anything else (a timeout, 5xx, 429, a refused connection, robots.txt) decides nothing: the
//!    last status stands, and the next re-check is at the next due time.

use crate::canon;
use crate::config::RecheckConfig;
use crate::crawl::Failure;
use crate::store::HitRecord;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// Coverage now below this share of the coverage recorded is a substantial fall (rule 5):
/// edits, a changed template and extraction's own variation move coverage by a few points, and
/// losing half the article is a cut nobody makes by accident.
pub const CHANGED_BELOW: f64 = 0.5;

/// HTTP statuses that say the page is gone (rule 3): Not Found, Gone, and Unavailable For
/// Legal Reasons (RFC 7725, a takedown).
const GONE_STATUSES: [u16; 3] = [404, 410, 451];
/// Payment Required (RFC 9110 §15.5.3): a paywall said in the status itself.
const PAYWALL_STATUS: u16 = 402;

/// What a placement's page is now, as its last decisive re-check found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LiveStatus {
    /// Up, still carrying the article.
    Live,
    /// 404, 410 or 451.
    Gone,
    /// Redirected to another page, or to the outlet's home page or a section front.
    Moved,
    /// The article's text is no longer there and the page shows a paywall (or answered 402).
    Paywalled,
    /// Up, but coverage of the article fell below [`CHANGED_BELOW`] of what was recorded.
    Changed,
}

impl LiveStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [LiveStatus; 5] = [
        LiveStatus::Live,
        LiveStatus::Gone,
        LiveStatus::Moved,
        LiveStatus::Paywalled,
        LiveStatus::Changed,
    ];

    /// The export form: `live`, `gone`, `moved`, `paywalled`, `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            LiveStatus::Live => "live",
            LiveStatus::Gone => "gone",
            LiveStatus::Moved => "moved",
            LiveStatus::Paywalled => "paywalled",
            LiveStatus::Changed => "changed",
        }
    }
}

impl std::fmt::Display for LiveStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// A placement's re-check history, kept in its record. First-seen evidence (the record's own
/// fields and its [`crate::proof::Proof`]) is never touched by a re-check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recheck {
    /// The result of the last re-check that decided one; `None` while none has.
    pub status: Option<LiveStatus>,
    /// When `status` was decided.
    pub checked_at: Option<DateTime<Utc>>,
    /// The last re-check tried, decisive or not: the schedule counts from it.
    pub last_attempt: DateTime<Utc>,
    /// What `status` rests on, in words: where a `moved` page now leads, the coverage a
    /// `changed` one fell to, the paywall signal seen. A later undecided attempt keeps it.
    #[serde(default)]
    pub note: Option<String>,
    /// Why the last attempt decided nothing (`http 503`, `timeout`); `None` when it decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl Recheck {
    /// A re-check at `now` that decided `status`, resting on `note` (what [`judge`] says, or
    /// the HTTP status of [`from_failure`]).
    pub fn decided(now: DateTime<Utc>, status: LiveStatus, note: Option<String>) -> Recheck {
        Recheck {
            status: Some(status),
            checked_at: Some(now),
            last_attempt: now,
            note,
            last_error: None,
        }
    }

    /// A re-check at `now` that decided nothing (rule 7), for `why`: the `previous` decision
    /// stands with what it rests on, and the schedule counts from `now`.
    pub fn undecided(previous: Option<&Recheck>, now: DateTime<Utc>, why: String) -> Recheck {
        Recheck {
            last_attempt: now,
            last_error: Some(why),
            ..previous.cloned().unwrap_or_default()
        }
    }
}

/// The re-check times of a placement first seen at `first_seen` (rule 1), in order, made as
/// they are read (a daily schedule over ten years is 3,650 of them).
pub fn times(first_seen: DateTime<Utc>, rules: &RecheckConfig) -> impl Iterator<Item = DateTime<Utc>> + '_ {
    let fixed = rules.after.iter().copied().filter(|d| *d <= rules.until);
    let last_fixed = rules.after.last().copied().unwrap_or(TimeDelta::zero());
    // A zero step (the config makes none: `then_every_days = 0` is no repetition) would never end.
    let repeating = rules
        .every
        .filter(|e| *e > TimeDelta::zero())
        .into_iter()
        .flat_map(move |every| {
            std::iter::successors(Some(last_fixed + every), move |t| Some(*t + every)).take_while(|t| *t <= rules.until)
        });
    fixed
        .chain(repeating)
        .filter(|_| rules.enabled)
        .map(move |d| first_seen + d)
}

/// When the placement is next due (rule 2): the first re-check time after its last attempt, or
/// its first re-check time if never attempted. `None` when the schedule is over.
pub fn next_due(hit: &HitRecord, rules: &RecheckConfig) -> Option<DateTime<Utc>> {
    let after = hit.recheck.as_ref().map(|r| r.last_attempt);
    times(hit.first_seen, rules).find(|t| after.is_none_or(|a| *t > a))
}

/// Whether a run at `now` re-checks the placement.
pub fn is_due(hit: &HitRecord, rules: &RecheckConfig, now: DateTime<Utc>) -> bool {
    next_due(hit, rules).is_some_and(|t| t <= now)
}

/// What a fetch that failed says, by its class ([`crate::crawl::FetchError::class`]): rule 3
/// for the HTTP statuses that decide one, `None` for everything else (rule 7).
pub fn from_failure(class: Failure) -> Option<LiveStatus> {
    match class {
        Failure::Http(s) if GONE_STATUSES.contains(&s) => Some(LiveStatus::Gone),
        Failure::Http(PAYWALL_STATUS) => Some(LiveStatus::Paywalled),
        _ => None,
    }
}

/// A page that answered, as the re-check saw it.
#[derive(Debug, Clone)]
pub struct Answer<'a> {
    /// The URL that answered, after redirects.
    pub url: &'a Url,
    /// True when the request was redirected.
    pub redirected: bool,
    /// The page's own `rel=canonical` (or `og:url`).
    pub canonical: Option<&'a Url>,
    /// The tracked article's coverage on the page now (0 when it is not found), or `None` when
    /// it cannot be measured (the article is no longer configured, or the placement is the
    /// team's own judgement).
    pub coverage: Option<f64>,
    /// The paywall signal the page shows, if any.
    pub paywall: Option<&'a str>,
}

/// The status a page that answered gets (rules 4–6), with what it rests on.
pub fn judge(hit: &HitRecord, answer: &Answer) -> (LiveStatus, Option<String>) {
    if answer.redirected {
        let own_keys: Vec<String> = [&hit.url, &hit.canonical_url]
            .into_iter()
            .chain(&hit.variants)
            .filter_map(|u| Url::parse(u).ok())
            .map(|u| canon::page_key(&u))
            .collect();
        let original = Url::parse(&hit.url).ok();
        if canon::is_front_page(answer.url, original.as_ref()) {
            return (
                LiveStatus::Moved,
                Some(format!("redirected to the front page {}", answer.url)),
            );
        }
        let is_own = |u: &Url| own_keys.contains(&canon::page_key(u));
        if !is_own(answer.url) && !canon::same_site_canonical(answer.url, answer.canonical).is_some_and(is_own) {
            return (LiveStatus::Moved, Some(format!("redirected to {}", answer.url)));
        }
    }
    if let Some(now) = answer.coverage
        && now < hit.coverage * CHANGED_BELOW
    {
        let fell = format!("coverage {:.0}% (recorded {:.0}%)", now * 100.0, hit.coverage * 100.0);
        return match answer.paywall {
            Some(signal) => (LiveStatus::Paywalled, Some(format!("{fell}; paywall: {signal}"))),
            None => (LiveStatus::Changed, Some(fell)),
        };
    }
    (LiveStatus::Live, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(first_seen: &str) -> HitRecord {
        serde_json::from_value(serde_json::json!({
            "article": "a", "kind": "verbatim", "score": 1.0, "coverage": 0.9,
            "url": "https://news.example/2026/01/story?utm_source=x",
            "canonical_url": "https://news.example/2026/01/story",
            "outlet": "o", "outlet_name": "O", "country": "US", "language": "en",
            "title": null, "published": null, "first_seen": first_seen,
            "evidence": "", "variants": ["https://news.example/2026/01/story/amp"]
        }))
        .unwrap()
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_default_schedule_is_a_day_a_week_a_month_then_monthly_for_a_year() {
        let rules = RecheckConfig::default();
        let days: Vec<i64> = times(t("2026-01-01T00:00:00Z"), &rules)
            .map(|d| (d - t("2026-01-01T00:00:00Z")).num_days())
            .collect();
        assert_eq!(days, [1, 7, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330, 360]);
        let off = RecheckConfig {
            enabled: false,
            ..rules.clone()
        };
        assert_eq!(times(t("2026-01-01T00:00:00Z"), &off).count(), 0);
    }

    #[test]
    fn due_once_per_time_passed_counting_from_the_last_attempt() {
        let rules = RecheckConfig::default();
        let mut h = hit("2026-01-01T12:00:00Z");
        assert!(!is_due(&h, &rules, t("2026-01-02T11:59:00Z")));
        assert!(is_due(&h, &rules, t("2026-01-02T12:00:00Z")));
        // A placement recorded long ago and never re-checked: one re-check now, then the next
        // time after it.
        assert!(is_due(&h, &rules, t("2026-03-15T00:00:00Z")));
        h.recheck = Some(Recheck::decided(t("2026-03-15T00:00:00Z"), LiveStatus::Live, None));
        assert_eq!(next_due(&h, &rules), Some(t("2026-04-01T12:00:00Z")));
        assert!(!is_due(&h, &rules, t("2026-03-31T00:00:00Z")));
        // A year on, the schedule is over.
        h.recheck.as_mut().unwrap().last_attempt = t("2026-12-28T00:00:00Z");
        assert_eq!(next_due(&h, &rules), None);
    }

    fn answer<'a>(url: &'a Url, redirected: bool, coverage: f64, paywall: Option<&'a str>) -> Answer<'a> {
        Answer {
            url,
            redirected,
            canonical: None,
            coverage: Some(coverage),
            paywall,
        }
    }

    #[test]
    fn answers_are_judged_by_the_rules() {
        use LiveStatus::*;
        let h = hit("2026-01-01T00:00:00Z");
        let url = |s: &str| Url::parse(s).unwrap();
        let own = url("https://news.example/2026/01/story");
        assert_eq!(judge(&h, &answer(&own, false, 0.85, None)).0, Live);
        // Redirected to itself under another form (http to https, a variant) is no move.
        assert_eq!(judge(&h, &answer(&own, true, 0.9, None)).0, Live);
        let amp = url("http://www.news.example/2026/01/story/amp");
        assert_eq!(judge(&h, &answer(&amp, true, 0.9, None)).0, Live);
        let home = url("https://www.news.example/");
        assert_eq!(judge(&h, &answer(&home, true, 0.0, None)).0, Moved);
        let section = url("https://news.example/2026/");
        assert_eq!(
            judge(&h, &answer(&section, true, 0.0, None)).0,
            Moved,
            "a section front"
        );
        let other = url("https://news.example/2026/02/other");
        let (status, note) = judge(&h, &answer(&other, true, 0.9, None));
        assert_eq!(status, Moved);
        assert!(note.unwrap().contains("/2026/02/other"));
        // A new address whose canonical URL is the placement's own is the same page.
        let renamed = Answer {
            canonical: Some(&own),
            ..answer(&other, true, 0.9, None)
        };
        assert_eq!(judge(&h, &renamed).0, Live);
        assert_eq!(judge(&h, &answer(&own, false, 0.2, None)).0, Changed);
        // Just above half the recorded coverage (0.9) is still live.
        assert_eq!(judge(&h, &answer(&own, false, 0.46, None)).0, Live);
        let (status, note) = judge(&h, &answer(&own, false, 0.1, Some("isAccessibleForFree is false")));
        assert_eq!(status, Paywalled);
        assert!(note.unwrap().contains("isAccessibleForFree"));
        // A paywall signal on a page that still carries the text is a metered page: live.
        assert_eq!(judge(&h, &answer(&own, false, 0.9, Some("a paywall element"))).0, Live);
        // Coverage that cannot be measured decides nothing beyond the page being up.
        let unmeasured = Answer {
            coverage: None,
            ..answer(&own, false, 0.0, Some("a paywall element"))
        };
        assert_eq!(judge(&h, &unmeasured).0, Live);
    }

    #[test]
    fn only_gone_and_paywall_statuses_decide_a_failed_fetch() {
        use LiveStatus::*;
        let cases = [
            (Failure::Http(404), Some(Gone)),
            (Failure::Http(410), Some(Gone)),
            (Failure::Http(451), Some(Gone)),
            (Failure::Http(402), Some(Paywalled)),
            (Failure::Http(503), None),
            (Failure::Http(403), None),
            (Failure::Http(429), None),
            (Failure::Timeout, None),
            (Failure::Connect, None),
            (Failure::Robots, None),
            (Failure::Cut, None),
        ];
        for (class, decides) in cases {
            assert_eq!(from_failure(class), decides, "{class}");
        }
    }

    #[test]
    fn an_undecided_re_check_keeps_the_last_decision_and_moves_the_schedule() {
        let (day, week) = (t("2026-01-02T00:00:00Z"), t("2026-01-08T00:00:00Z"));
        let moved = Recheck::decided(day, LiveStatus::Moved, Some("redirected to https://x.test/".into()));
        let waited = Recheck::undecided(Some(&moved), week, "http 503".into());
        assert_eq!(
            (
                waited.status,
                waited.checked_at,
                waited.last_attempt,
                waited.last_error.as_deref()
            ),
            (Some(LiveStatus::Moved), Some(day), week, Some("http 503"))
        );
        assert_eq!(waited.note, moved.note, "what the decision rests on stays");
        let decided_again = Recheck::decided(week, LiveStatus::Live, None);
        assert_eq!(decided_again.last_error, None);
        let never = Recheck::undecided(None, week, "timeout".into());
        assert_eq!((never.status, never.checked_at), (None, None));
    }
}
