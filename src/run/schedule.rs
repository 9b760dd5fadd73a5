//! Adaptive polling: when each source is next due, from its own history, the `[polling]` rules
//! and the tracked articles' boost windows. A pure function of its inputs, so the rules are
//! tested with a controlled clock; the run skips sources not yet due unless `run --all`.
//!
//! The rules (README, "Adaptive polling"):
//! 1. A source never polled is due at once.
//! 2. Its interval is `polling.interval_minutes`.
//! 3. While a boost window is open (the `polling.boost_days` after a tracked article's
//!    publication day, or after a placement on an outlet the article was pitched to), the
//!    interval is divided by [`BOOST_DIVISOR`].
//! 4. Otherwise a source that has brought nothing new for `polling.quiet_days` is backed off:
//!    its interval doubles, and doubles again for each further week of quiet, up to
//!    `polling.max_interval_hours`.
//! 5. No interval is ever below the floor `polling.min_interval_minutes`.
//! 6. A source whose last poll failed is retried at the next run; once it has failed
//!    [`SourceState::FAILING_AFTER`] times in a row it rests instead (1 h, 2 h … a day). A
//!    source read only in part (a sitemap index's children beyond one run's share) is due at the
//!    next run too, so the rest is read.
//! 7. A run counts as "at" its start, and a source is due when less than [`SLACK_FRACTION`] of
//!    its interval (at most [`MAX_SLACK`]) remains, so an hourly cron whose runs start a little
//!    early still finds an hourly source due.
//!
//! Politeness (rate per host, robots.txt, conditional GET) is the fetcher's and never changes.

use crate::config::{Config, PollingConfig};
use crate::store::{HitRecord, SourceState};
use chrono::{DateTime, TimeDelta, Utc};

/// How much more often sources are polled inside a boost window: a republication most often
/// comes in the first days, and an hourly base interval becomes a quarter-hour one.
pub(crate) const BOOST_DIVISOR: i32 = 4;
/// The part of an interval that may remain when a source still counts as due (rule 7).
pub(crate) const SLACK_FRACTION: i32 = 10;
/// The most slack ever allowed, whatever the interval: cron starts within seconds of its minute.
pub(crate) const MAX_SLACK: TimeDelta = TimeDelta::minutes(5);

/// Why a source is due when it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why {
    /// Never polled: due at once.
    New,
    /// The plain interval.
    Regular,
    /// Inside a boost window (rule 3).
    Boost,
    /// Nothing new for weeks (rule 4).
    Quiet,
    /// Failing run after run (rule 6).
    Failing,
    /// Read only in part last time, the rest left for the next run (rule 6).
    Partial,
}

impl Why {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Why::New => "new",
            Why::Regular => "regular",
            Why::Boost => "boost",
            Why::Quiet => "quiet",
            Why::Failing => "failing",
            Why::Partial => "partial",
        }
    }
}

/// When a source is next due, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NextPoll {
    pub at: DateTime<Utc>,
    /// The interval that applies (zero for a source never polled).
    pub interval: TimeDelta,
    pub why: Why,
}

impl NextPoll {
    /// Whether a run starting at `now` polls the source (rule 7).
    pub(crate) fn is_due(&self, now: DateTime<Utc>) -> bool {
        let slack = (self.interval / SLACK_FRACTION).min(MAX_SLACK);
        now + slack >= self.at
    }
}

/// When `state`'s source is next due (rules 1–6), given `now` and the end of the boost window
/// open at `now`, if any ([`boost_until`]).
pub(crate) fn next_poll(
    state: &SourceState,
    now: DateTime<Utc>,
    rules: &PollingConfig,
    boost_until: Option<DateTime<Utc>>,
) -> NextPoll {
    let Some(last) = state.last_polled else {
        return NextPoll {
            at: now,
            interval: TimeDelta::zero(),
            why: Why::New,
        };
    };
    if state.consecutive_failures > 0 {
        // Rule 6: retried at the next run, then rested once it keeps failing.
        let interval = failing_rest(state).unwrap_or(TimeDelta::zero());
        return NextPoll {
            at: last + interval,
            interval,
            why: Why::Failing,
        };
    }
    if state.partial.is_some() {
        // Rule 6: the rest of a source read in part waits for the next run, not an interval.
        return NextPoll {
            at: last,
            interval: TimeDelta::zero(),
            why: Why::Partial,
        };
    }
    let (mut interval, mut why) = (rules.interval, Why::Regular);
    let quiet = last - state.last_new.unwrap_or(last);
    if boost_until.is_some_and(|end| now < end) {
        interval = interval / BOOST_DIVISOR;
        why = Why::Boost;
    } else if quiet >= rules.quiet {
        let weeks_more = ((quiet - rules.quiet).num_weeks()).clamp(0, 30) as u32;
        let factor = 2i32.saturating_pow(weeks_more + 1);
        interval = interval.checked_mul(factor).unwrap_or(rules.max_interval);
        interval = interval.min(rules.max_interval).max(rules.interval);
        why = Why::Quiet;
    }
    interval = interval.max(rules.min_interval);
    NextPoll {
        at: last + interval,
        interval,
        why,
    }
}

/// How long a source that keeps failing rests after its last poll: doubling with each failure
/// past [`SourceState::FAILING_AFTER`] (1 h, 2 h, 4 h …) up to a day. It is never dropped.
pub(crate) fn failing_rest(state: &SourceState) -> Option<TimeDelta> {
    let extra = state.consecutive_failures.checked_sub(SourceState::FAILING_AFTER)?;
    let hours = 1i64 << extra.min(5);
    Some(TimeDelta::hours(hours.min(24)))
}

/// The end of the latest boost window open at `now` (rule 3), or `None`: each article opens one
/// at the start of its publication day, and again at the first sight of each placement on an
/// outlet listed in its `pitched`.
pub(crate) fn boost_until<'a>(
    config: &Config,
    hits: impl IntoIterator<Item = &'a HitRecord>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let days = config.polling.boost;
    let from_articles = config
        .articles
        .iter()
        .map(|a| a.published.and_time(chrono::NaiveTime::MIN).and_utc());
    let from_pitches = hits
        .into_iter()
        .filter_map(|h| config.pitched(&h.article).contains(&h.outlet).then_some(h.first_seen));
    from_articles
        .chain(from_pitches)
        .filter(|start| *start <= now)
        .map(|start| start + days)
        .filter(|end| now < *end)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SourceKind;

    fn t(s: &str) -> DateTime<Utc> {
        format!("{s}:00Z").parse().unwrap()
    }

    fn rules() -> PollingConfig {
        PollingConfig {
            interval: TimeDelta::hours(1),
            min_interval: TimeDelta::minutes(15),
            boost: TimeDelta::days(3),
            quiet: TimeDelta::days(21),
            max_interval: TimeDelta::hours(24),
        }
    }

    fn state(polled: Option<&str>, new: Option<&str>, failures: u32) -> SourceState {
        SourceState {
            last_polled: polled.map(t),
            last_new: new.map(t),
            consecutive_failures: failures,
            ..SourceState::new("o", SourceKind::Feed)
        }
    }

    /// (what, state, rules, boost window end, due at, why, due at `now`?)
    type Case = (
        &'static str,
        SourceState,
        PollingConfig,
        Option<DateTime<Utc>>,
        &'static str,
        Why,
        bool,
    );

    #[test]
    fn next_poll_follows_the_rules() {
        let now = t("2026-03-01T12:00");
        let boost = Some(t("2026-03-02T00:00"));
        let tiny_floor = PollingConfig {
            interval: TimeDelta::minutes(20),
            ..rules()
        };
        let cases: Vec<Case> = vec![
            (
                "never polled",
                state(None, None, 0),
                rules(),
                None,
                "2026-03-01T12:00",
                Why::New,
                true,
            ),
            (
                "an hour after the last poll",
                state(Some("2026-03-01T11:00"), Some("2026-03-01T11:00"), 0),
                rules(),
                None,
                "2026-03-01T12:00",
                Why::Regular,
                true,
            ),
            (
                "polled half an hour ago",
                state(Some("2026-03-01T11:30"), Some("2026-03-01T11:30"), 0),
                rules(),
                None,
                "2026-03-01T12:30",
                Why::Regular,
                false,
            ),
            (
                "a cron run three minutes early still polls",
                state(Some("2026-03-01T11:03"), Some("2026-03-01T11:03"), 0),
                rules(),
                None,
                "2026-03-01T12:03",
                Why::Regular,
                true,
            ),
            (
                "six minutes early is too early",
                state(Some("2026-03-01T11:06"), Some("2026-03-01T11:06"), 0),
                rules(),
                None,
                "2026-03-01T12:06",
                Why::Regular,
                false,
            ),
            (
                "boost: a quarter of the interval",
                state(Some("2026-03-01T11:45"), None, 0),
                rules(),
                boost,
                "2026-03-01T12:00",
                Why::Boost,
                true,
            ),
            (
                "boost window closed",
                state(Some("2026-03-01T11:45"), None, 0),
                rules(),
                Some(t("2026-03-01T12:00")),
                "2026-03-01T12:45",
                Why::Regular,
                false,
            ),
            (
                "boost never goes below the floor",
                state(Some("2026-03-01T11:50"), None, 0),
                tiny_floor.clone(),
                boost,
                "2026-03-01T12:05",
                Why::Boost,
                false,
            ),
            (
                "boost wins over quiet",
                state(Some("2026-03-01T11:45"), Some("2026-01-01T00:00"), 0),
                rules(),
                boost,
                "2026-03-01T12:00",
                Why::Boost,
                true,
            ),
            (
                "quiet for 20 days: not yet backed off",
                state(Some("2026-03-01T11:00"), Some("2026-02-09T11:00"), 0),
                rules(),
                None,
                "2026-03-01T12:00",
                Why::Regular,
                true,
            ),
            (
                "quiet for 3 weeks: twice the interval",
                state(Some("2026-03-01T11:00"), Some("2026-02-08T11:00"), 0),
                rules(),
                None,
                "2026-03-01T13:00",
                Why::Quiet,
                false,
            ),
            (
                "quiet for 5 weeks: eight times",
                state(Some("2026-03-01T04:00"), Some("2026-01-25T04:00"), 0),
                rules(),
                None,
                "2026-03-01T12:00",
                Why::Quiet,
                true,
            ),
            (
                "quiet for a year: at most a day",
                state(Some("2026-03-01T11:00"), Some("2025-03-01T11:00"), 0),
                rules(),
                None,
                "2026-03-02T11:00",
                Why::Quiet,
                false,
            ),
            (
                "an old store's state without last_new is never quiet",
                state(Some("2026-03-01T11:00"), None, 0),
                rules(),
                None,
                "2026-03-01T12:00",
                Why::Regular,
                true,
            ),
            (
                "a failing source rests longer than its interval",
                state(Some("2026-03-01T11:00"), Some("2026-03-01T11:00"), 5),
                rules(),
                None,
                "2026-03-01T15:00",
                Why::Failing,
                false,
            ),
            (
                "a source that failed once is retried at the next run, quiet or not",
                state(Some("2026-03-01T11:50"), Some("2025-03-01T11:00"), 1),
                rules(),
                None,
                "2026-03-01T11:50",
                Why::Failing,
                true,
            ),
            (
                "a failing source rests an hour even inside a boost window",
                state(Some("2026-03-01T11:30"), None, 3),
                rules(),
                boost,
                "2026-03-01T12:30",
                Why::Failing,
                false,
            ),
            (
                "a source read in part is due at the next run",
                SourceState {
                    partial: Some("more children than one run reads".into()),
                    ..state(Some("2026-03-01T11:55"), Some("2026-03-01T11:55"), 0)
                },
                rules(),
                None,
                "2026-03-01T11:55",
                Why::Partial,
                true,
            ),
        ];
        for (what, state, rules, boost, at, why, due) in cases {
            let next = next_poll(&state, now, &rules, boost);
            assert_eq!((next.at, next.why), (t(at), why), "{what}");
            assert_eq!(next.is_due(now), due, "{what}");
        }
    }

    #[test]
    fn a_source_failing_run_after_run_is_rested_longer_each_time_up_to_a_day() {
        let rest = |failures| {
            failing_rest(&SourceState {
                consecutive_failures: failures,
                ..SourceState::new("o", SourceKind::Feed)
            })
            .map(|d| d.num_hours())
        };
        assert_eq!(rest(0), None);
        assert_eq!(rest(2), None, "polled every run until it is failing");
        assert_eq!(rest(3), Some(1));
        assert_eq!(rest(4), Some(2));
        assert_eq!(rest(6), Some(8));
        assert_eq!(rest(8), Some(24));
        assert_eq!(rest(40), Some(24), "never dropped: at most a day between polls");
    }
}
