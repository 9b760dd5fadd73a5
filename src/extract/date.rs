//! Publication dates as pages write them: RFC 3339 and its common variants, RFC 2822, bare dates.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Offsets we accept after a date-time: `Z`, `+01:00`, `+0100`.
const WITH_ZONE: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%#z",
];

/// Date-times without a zone, read as UTC (the best guess without one).
const WITHOUT_ZONE: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
];

const DATE_ONLY: &[&str] = &[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d.%m.%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
];

/// Parses a publication date; `None` when the text is not a date we recognise.
pub fn parse(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    // "Z" is not understood by `%#z`; "+00:00" is.
    let zoned = s.strip_suffix('Z').map(|head| format!("{head}+00:00"));
    let zoned = zoned.as_deref().unwrap_or(s);
    if let Some(dt) = WITH_ZONE.iter().find_map(|f| DateTime::parse_from_str(zoned, f).ok()) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Some(dt) = WITHOUT_ZONE
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    {
        return Some(dt.and_utc());
    }
    DATE_ONLY
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc())
        .filter(|dt| plausible(*dt))
}

/// Rejects what is a number rather than a date (`%Y%m%d` accepts many eight-digit ids).
fn plausible(dt: DateTime<Utc>) -> bool {
    let year = dt.format("%Y").to_string().parse::<i32>().unwrap_or(0);
    (1990..=2100).contains(&year)
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn iso(raw: &str) -> Option<String> {
        parse(raw).map(|d| d.to_rfc3339())
    }

    #[test]
    fn reads_common_formats() {
        let noon = Some("2019-11-19T12:00:00+00:00".to_string());
        assert_eq!(iso("2019-11-19T12:00:00Z"), noon);
        assert_eq!(iso("2019-11-19T13:00:00+01:00"), noon);
        assert_eq!(iso("2019-11-19T13:00:00+0100"), noon);
        assert_eq!(iso("2019-11-19T12:00:00.000Z"), noon);
        assert_eq!(iso("2019-11-19T12:00:00"), noon);
        assert_eq!(iso("2019-11-19 12:00:00"), noon);
        assert_eq!(iso("2019-11-19T12:00Z"), noon);
        assert_eq!(iso("Tue, 19 Nov 2019 12:00:00 GMT"), noon);
        assert_eq!(iso("2019-11-19"), Some("2019-11-19T00:00:00+00:00".to_string()));
        assert_eq!(iso("November 19, 2019"), Some("2019-11-19T00:00:00+00:00".to_string()));
    }

    #[test]
    fn rejects_non_dates() {
        assert_eq!(iso(""), None);
        assert_eq!(iso("yesterday"), None);
        assert_eq!(iso("12345678"), None);
    }
}
