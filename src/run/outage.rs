//! Total failure: a run in which no source could be fetched. Sources that keep failing rest
//! between polls, so during a long outage a run may poll nothing at all; resting must not turn
//! that into a silent success, so rested sources count as failed here, and the error says how
//! long no source has answered (from the store's `last_success` of every configured source).

use super::SourceFailure;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{RunRecord, Store};
use chrono::{DateTime, Utc};

/// [`Error::NothingFetched`] when every source this run either failed or rested after
/// failures (and there was at least one source), else `None`.
///
/// # Errors
/// Store errors while reading the sources' states.
pub(super) fn total_failure(
    config: &Config,
    store: &Store,
    record: &RunRecord,
    failures: &[SourceFailure],
    now: DateTime<Utc>,
) -> Result<Option<Error>> {
    let considered = record.sources_polled + record.sources_backing_off;
    if considered == 0 || record.sources_failed < record.sources_polled {
        return Ok(None);
    }
    let mut last_success: Option<DateTime<Utc>> = None;
    let mut rested_error = None;
    for (_, url) in config.outlets.iter().flat_map(|o| o.sources()) {
        let Some(state) = store.source(url.as_str())? else {
            continue;
        };
        last_success = last_success.max(state.last_success);
        if rested_error.is_none() {
            rested_error = state.last_error.clone().map(|e| format!("{url}: {e}"));
        }
    }
    let example = failures
        .first()
        .map(|f| f.error.clone())
        .or(rested_error)
        .unwrap_or_else(|| "no error kept".into());
    Ok(Some(Error::NothingFetched {
        sources: considered,
        example,
        outage: describe(last_success, now),
    }))
}

/// "no source has answered since … (N h M min)" or "no source has ever answered".
fn describe(last_success: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match last_success {
        None => "no source has ever answered".into(),
        Some(t) => format!(
            "no source has answered since {} ({} ago)",
            t.format("%Y-%m-%d %H:%M UTC"),
            duration((now - t).max(chrono::TimeDelta::zero()))
        ),
    }
}

/// A span for people: "3 d 4 h", "2 h 5 min", "12 min".
pub(crate) fn duration(d: chrono::TimeDelta) -> String {
    let mins = d.num_minutes();
    let (days, hours, minutes) = (mins / 1440, mins / 60 % 24, mins % 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes} min")
    } else {
        format!("{minutes} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_is_described_by_how_long_no_source_answered() {
        let now: DateTime<Utc> = "2026-03-04T12:00:00Z".parse().unwrap();
        assert_eq!(describe(None, now), "no source has ever answered");
        let t = "2026-03-01T09:30:00Z".parse().unwrap();
        assert_eq!(
            describe(Some(t), now),
            "no source has answered since 2026-03-01 09:30 UTC (3 d 2 h ago)"
        );
        assert_eq!(duration(chrono::TimeDelta::minutes(125)), "2 h 5 min");
        assert_eq!(duration(chrono::TimeDelta::minutes(7)), "7 min");
    }
}
