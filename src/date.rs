//! Dates as feeds, sitemaps and pages write them: one parser for the whole program.
//!
//! [`parse`] reads a string that is a date (a feed's `<pubDate>`, a sitemap's `<lastmod>`, a
//! page's `<meta content>` or JSON-LD `datePublished`): RFC 3339 and ISO 8601 variants, RFC 2822,
//! Go's `time.String()` (`2025-06-03 07:00:00 +0000 UTC`), JavaScript's `Date.toString()`
//! (`Tue Jun 03 2025 07:00:00 GMT+0000`), month names in English, German, French, Spanish,
//! Italian, Portuguese, Dutch and Russian, and numeric dates (`03.06.2025`, `3/6/2025`).
//! It keeps the offset the text gives, so the date part is the writer's own day; a date without
//! a zone is read as written, at offset +00:00.
//!
//! [`find_in_text`] finds a date inside a line of prose (a dateline, a byline's "Published 3 June
//! 2025"), and [`from_url_path`] the date many sites put in their article paths.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use url::Url;

/// Years outside this range are ids, typos or placeholders (`0001-01-01`, `9999-12-31`), not
/// publication dates: the web's news archives start in the mid-1990s.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Two-digit years up to this are 20xx, later ones 19xx (`03.06.25` is 2025, `03.06.98` 1998).
const TWO_DIGIT_YEAR_PIVOT: i32 = 69;

/// Which number comes first in a numeric date such as `3/6/2025` when both could be a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DayMonth {
    /// `3/6/2025` is 3 June (most of the world, and every dotted date `03.06.2025`).
    #[default]
    DayFirst,
    /// `6/3/2025` is 3 June (United States English).
    MonthFirst,
}

impl DayMonth {
    /// The order a page's language tag implies (`<html lang>`, BCP 47): month first only for
    /// English in the United States or with no region (US sites rarely give one), and for
    /// English in Canada and the Philippines; day first everywhere else.
    pub fn for_lang(tag: Option<&str>) -> DayMonth {
        let Some(tag) = tag else { return DayMonth::DayFirst };
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = tag.split('-');
        let lang = parts.next().unwrap_or("");
        let region = parts.find(|p| p.len() == 2);
        match (lang, region) {
            ("en", None | Some("us" | "ca" | "ph")) => DayMonth::MonthFirst,
            _ => DayMonth::DayFirst,
        }
    }
}

/// Parses a string that is a date, reading ambiguous numeric dates day first.
/// `None` when it is not a date we can read safely (see [`parse_with`]).
pub fn parse(raw: &str) -> Option<DateTime<FixedOffset>> {
    parse_with(raw, DayMonth::DayFirst)
}

/// [`parse`] converted to UTC, for feeds and sitemaps, whose dates are instants.
pub fn parse_utc(raw: &str) -> Option<DateTime<Utc>> {
    parse(raw).map(|d| d.with_timezone(&Utc))
}

/// Parses a string that is a date. RFC 3339 and RFC 2822 first (what feeds, sitemaps and
/// `<meta>` are specified to carry), then the loose forms seen on the web, token by token.
/// Offsets come from a numeric zone (`+02:00`, `+0200`, `GMT+0200`) or a common abbreviation
/// (`CEST`, `EST`); without one the date is read at +00:00. `None` for anything unsure: a year
/// outside 1990–2100, a day or month out of range, leftover numbers, or no day at all
/// ("June 2025").
pub fn parse_with(raw: &str, order: DayMonth) -> Option<DateTime<FixedOffset>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_rfc2822(s))
        .ok()
        .or_else(|| compact(s))
        .or_else(|| loose(s, order))
        .filter(|d| YEARS.contains(&d.year()))
}

/// `20250603`: eight digits that make a plausible date.
fn compact(s: &str) -> Option<DateTime<FixedOffset>> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(s[..4].parse().ok()?, s[4..6].parse().ok()?, s[6..].parse().ok()?)?;
    Some(utc_offset().from_utc_datetime(&date.and_hms_opt(0, 0, 0)?))
}

fn utc_offset() -> FixedOffset {
    FixedOffset::east_opt(0).expect("zero offset")
}

/// What the loose parser has read so far.
#[derive(Default)]
struct Parts {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    /// Two numbers of a `3/6/2025`-style date whose order the caller decides.
    pair: Option<(u32, u32)>,
    hms: Option<(u32, u32, u32, u32)>,
    pm: Option<bool>,
    offset: Option<i32>,
    /// Offset from a zone abbreviation, used only when no numeric offset is given.
    named_offset: Option<i32>,
}

fn loose(s: &str, order: DayMonth) -> Option<DateTime<FixedOffset>> {
    let mut p = Parts::default();
    for tok in s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .filter(|t| !t.is_empty())
    {
        let tok = tok.trim_matches(|c| c == '(' || c == ')');
        let Some(first) = tok.chars().next() else { continue };
        if first.is_ascii_digit() {
            numeric_token(tok, &mut p)?;
        } else if first == '+' || (first == '-' && tok.len() > 1) {
            p.offset = Some(parse_offset(tok)?);
        } else {
            word_token(tok, &mut p)?;
        }
    }
    if let Some((a, b)) = p.pair {
        let (day, month) = match order {
            _ if a > 12 => (a, b),
            _ if b > 12 => (b, a),
            DayMonth::DayFirst => (a, b),
            DayMonth::MonthFirst => (b, a),
        };
        p.day = Some(day);
        p.month = Some(month);
    }
    let (mut h, m, sec, nanos) = p.hms.unwrap_or((0, 0, 0, 0));
    match p.pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    let naive = NaiveDate::from_ymd_opt(p.year?, p.month?, p.day?)?.and_hms_nano_opt(h, m, sec, nanos)?;
    let offset = FixedOffset::east_opt(p.offset.or(p.named_offset).unwrap_or(0))?;
    offset.from_local_datetime(&naive).single()
}

/// A token starting with a digit: a year, a day ("2", "2nd", "3.", "1er"), a time
/// ("10:00:00+02:00", "19.30" after a day), an ISO date ("2025-06-02T10:00"), "2025/06/02",
/// "02.06.2025" or "3/6/2025". `None` when it cannot be read safely.
fn numeric_token(tok: &str, p: &mut Parts) -> Option<()> {
    let digits = tok.bytes().take_while(u8::is_ascii_digit).count();
    let (num, rest) = tok.split_at(digits);
    let rest_lower = rest.to_lowercase();
    match rest.chars().next() {
        None if digits == 4 && p.year.is_none() => p.year = Some(num.parse().ok()?),
        None if digits <= 2 && p.day.is_none() && p.pair.is_none() => p.day = Some(num.parse().ok()?),
        None => return None,
        Some(':') => parse_time(tok, p)?,
        Some('h') if digits <= 2 && rest.len() == 3 && rest[1..].bytes().all(|b| b.is_ascii_digit()) => {
            // "19h30", the French way of writing a time.
            p.hms = Some((num.parse().ok()?, rest[1..].parse().ok()?, 0, 0));
        }
        Some('-' | '/' | '.') if digits == 4 => {
            // ISO order (year first): the date part, then an optional 'T' time.
            let (date, time) = match tok.find(['T', 't']) {
                Some(t) => (&tok[..t], Some(&tok[t + 1..])),
                None => (tok, None),
            };
            let mut it = date.split(['-', '/', '.']);
            let (y, m, d) = (it.next()?, it.next()?, it.next()?);
            if it.next().is_some_and(|x| !x.is_empty()) {
                return None;
            }
            p.year = Some(y.parse().ok()?);
            p.month = Some(m.parse().ok()?);
            p.day = Some(d.parse().ok()?);
            if let Some(time) = time.filter(|t| !t.is_empty()) {
                parse_time(time, p)?;
            }
        }
        Some(sep @ ('.' | '/' | '-')) if digits <= 2 => {
            let fields: Vec<&str> = tok.trim_end_matches(sep).split(sep).collect();
            match fields.as_slice() {
                [a, b, y] if y.len() == 4 => {
                    let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
                    p.year = Some(y.parse().ok()?);
                    if sep == '.' {
                        // Dotted dates are day first wherever they are used.
                        p.day = Some(a);
                        p.month = Some(b);
                    } else {
                        p.pair = Some((a, b));
                    }
                }
                // "03.06.25": a dotted date with a two-digit year, read in the nearest century.
                [a, b, y] if sep == '.' && y.len() == 2 => {
                    let y: i32 = y.parse().ok()?;
                    p.year = Some(if y <= TWO_DIGIT_YEAR_PIVOT { 2000 + y } else { 1900 + y });
                    p.day = Some(a.parse().ok()?);
                    p.month = Some(b.parse().ok()?);
                }
                // "3." in "3. Juni 2025".
                [d] if sep == '.' && p.day.is_none() => p.day = Some(d.parse().ok()?),
                // "19.30" after the date: a time.
                [h, m] if sep == '.' && p.day.is_some() && m.len() == 2 => {
                    p.hms = Some((h.parse().ok()?, m.parse().ok()?, 0, 0));
                }
                _ => return None,
            }
        }
        Some(_) if digits <= 2 && ORDINAL_SUFFIXES.contains(&rest_lower.as_str()) => {
            if p.day.is_some() {
                return None;
            }
            p.day = Some(num.parse().ok()?);
        }
        Some(_) => return None,
    }
    Some(())
}

/// What follows a day number in "2nd", "1er", "1º", "1ª".
const ORDINAL_SUFFIXES: &[&str] = &["st", "nd", "rd", "th", "er", "re", "º", "ª", "o", "."];

/// "10:00", "10:00:00.123", with an optional zone glued on: "Z", "+02:00", "-0500".
fn parse_time(tok: &str, p: &mut Parts) -> Option<()> {
    let zone_at = tok.find(['Z', 'z', '+', '-']).unwrap_or(tok.len());
    let (time, zone) = tok.split_at(zone_at);
    let (time, frac) = time.split_once(['.', ',']).unwrap_or((time, ""));
    let mut it = time.split(':');
    let h = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let s = it.next().map_or(Some(0), |s| s.parse().ok())?;
    // "22:06:08:684": milliseconds after a colon, as some generators write them.
    let frac = match it.next() {
        Some(ms) if frac.is_empty() && ms.bytes().all(|b| b.is_ascii_digit()) => ms,
        Some(_) => return None,
        None => frac,
    };
    if it.next().is_some() {
        return None;
    }
    let frac_digits = &frac[..frac.bytes().take_while(u8::is_ascii_digit).count().min(9)];
    let nanos = if frac_digits.is_empty() {
        0
    } else {
        frac_digits.parse::<u32>().ok()? * 10u32.pow(9 - frac_digits.len() as u32)
    };
    p.hms = Some((h, m, s, nanos));
    if !zone.is_empty() {
        p.offset = Some(if zone.eq_ignore_ascii_case("z") {
            0
        } else {
            parse_offset(zone)?
        });
    }
    Some(())
}

/// "+0200", "+02:00", "-05", in seconds east of UTC.
fn parse_offset(tok: &str) -> Option<i32> {
    let sign = match tok.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = tok[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 | 4 => {
            let split = digits.len() - 2;
            (
                digits[..split].parse::<i32>().ok()?,
                digits[split..].parse::<i32>().ok()?,
            )
        }
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// Month names, full and genitive, in the languages the outlets write in. A word names a month
/// when it is one of these or a prefix of at least three letters that only one month shares
/// ("Sept.", "janv.", "Okt", "дек").
const MONTH_NAMES: &[(&str, u32)] = &[
    // English
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    // German (with Austrian Jänner)
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("maerz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    // French
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    // Spanish
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    // Italian
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    // Portuguese
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("dezembro", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    // Russian, nominative and genitive
    ("январь", 1),
    ("января", 1),
    ("февраль", 2),
    ("февраля", 2),
    ("март", 3),
    ("марта", 3),
    ("апрель", 4),
    ("апреля", 4),
    ("май", 5),
    ("мая", 5),
    ("июнь", 6),
    ("июня", 6),
    ("июль", 7),
    ("июля", 7),
    ("август", 8),
    ("августа", 8),
    ("сентябрь", 9),
    ("сентября", 9),
    ("октябрь", 10),
    ("октября", 10),
    ("ноябрь", 11),
    ("ноября", 11),
    ("декабрь", 12),
    ("декабря", 12),
];

/// Month names matched only whole (never by prefix): the inflected forms of languages whose short
/// prefixes are everyday words ("list", "led", "sie", "lip"). Nominative and genitive (Czech,
/// Polish, Ukrainian, Greek), partitive (Finnish), and the Scandinavian, Romanian, Catalan,
/// Hungarian, Turkish and Arabic (Gregorian and Levantine) names.
const WHOLE_MONTH_NAMES: &[(&str, u32)] = &[
    // Swedish, Danish, Norwegian (the rest are shared with English, German or Dutch)
    ("augusti", 8),
    ("maj", 5),
    ("marts", 3),
    ("desember", 12),
    // Finnish, nominative and partitive
    ("tammikuu", 1),
    ("tammikuuta", 1),
    ("helmikuu", 2),
    ("helmikuuta", 2),
    ("maaliskuu", 3),
    ("maaliskuuta", 3),
    ("huhtikuu", 4),
    ("huhtikuuta", 4),
    ("toukokuu", 5),
    ("toukokuuta", 5),
    ("kesäkuu", 6),
    ("kesäkuuta", 6),
    ("heinäkuu", 7),
    ("heinäkuuta", 7),
    ("elokuu", 8),
    ("elokuuta", 8),
    ("syyskuu", 9),
    ("syyskuuta", 9),
    ("lokakuu", 10),
    ("lokakuuta", 10),
    ("marraskuu", 11),
    ("marraskuuta", 11),
    ("joulukuu", 12),
    ("joulukuuta", 12),
    // Polish, nominative and genitive
    ("styczeń", 1),
    ("stycznia", 1),
    ("luty", 2),
    ("lutego", 2),
    ("marzec", 3),
    ("marca", 3),
    ("kwiecień", 4),
    ("kwietnia", 4),
    ("maja", 5),
    ("czerwiec", 6),
    ("czerwca", 6),
    ("lipiec", 7),
    ("lipca", 7),
    ("sierpień", 8),
    ("sierpnia", 8),
    ("wrzesień", 9),
    ("września", 9),
    ("październik", 10),
    ("października", 10),
    ("listopada", 11),
    ("grudzień", 12),
    ("grudnia", 12),
    // Czech, nominative and genitive (listopad is November in both)
    ("leden", 1),
    ("ledna", 1),
    ("únor", 2),
    ("února", 2),
    ("březen", 3),
    ("března", 3),
    ("duben", 4),
    ("dubna", 4),
    ("květen", 5),
    ("května", 5),
    ("červen", 6),
    ("června", 6),
    ("červenec", 7),
    ("července", 7),
    ("srpen", 8),
    ("srpna", 8),
    ("září", 9),
    ("říjen", 10),
    ("října", 10),
    ("listopad", 11),
    ("listopadu", 11),
    ("prosinec", 12),
    ("prosince", 12),
    // Hungarian
    ("január", 1),
    ("február", 2),
    ("március", 3),
    ("április", 4),
    ("május", 5),
    ("június", 6),
    ("július", 7),
    ("augusztus", 8),
    ("szeptember", 9),
    ("október", 10),
    // Turkish
    ("ocak", 1),
    ("şubat", 2),
    ("mart", 3),
    ("nisan", 4),
    ("mayıs", 5),
    ("haziran", 6),
    ("temmuz", 7),
    ("ağustos", 8),
    ("eylül", 9),
    ("ekim", 10),
    ("kasım", 11),
    ("aralık", 12),
    // Greek, nominative and genitive
    ("ιανουάριος", 1),
    ("ιανουαρίου", 1),
    ("φεβρουάριος", 2),
    ("φεβρουαρίου", 2),
    ("μάρτιος", 3),
    ("μαρτίου", 3),
    ("απρίλιος", 4),
    ("απριλίου", 4),
    ("μάιος", 5),
    ("μαΐου", 5),
    ("ιούνιος", 6),
    ("ιουνίου", 6),
    ("ιούλιος", 7),
    ("ιουλίου", 7),
    ("αύγουστος", 8),
    ("αυγούστου", 8),
    ("σεπτέμβριος", 9),
    ("σεπτεμβρίου", 9),
    ("οκτώβριος", 10),
    ("οκτωβρίου", 10),
    ("νοέμβριος", 11),
    ("νοεμβρίου", 11),
    ("δεκέμβριος", 12),
    ("δεκεμβρίου", 12),
    // Ukrainian, nominative and genitive
    ("січень", 1),
    ("січня", 1),
    ("лютий", 2),
    ("лютого", 2),
    ("березень", 3),
    ("березня", 3),
    ("квітень", 4),
    ("квітня", 4),
    ("травень", 5),
    ("травня", 5),
    ("червень", 6),
    ("червня", 6),
    ("липень", 7),
    ("липня", 7),
    ("серпень", 8),
    ("серпня", 8),
    ("вересень", 9),
    ("вересня", 9),
    ("жовтень", 10),
    ("жовтня", 10),
    ("листопад", 11),
    ("листопада", 11),
    ("грудень", 12),
    ("грудня", 12),
    // Romanian
    ("ianuarie", 1),
    ("februarie", 2),
    ("martie", 3),
    ("aprilie", 4),
    ("iunie", 6),
    ("iulie", 7),
    ("septembrie", 9),
    ("octombrie", 10),
    ("noiembrie", 11),
    ("decembrie", 12),
    // Catalan ("d'abril" is read as "abril")
    ("gener", 1),
    ("febrer", 2),
    ("març", 3),
    ("maig", 5),
    ("juny", 6),
    ("juliol", 7),
    ("agost", 8),
    ("setembre", 9),
    ("desembre", 12),
    // Arabic, Gregorian names and the Levantine single-word ones
    ("يناير", 1),
    ("فبراير", 2),
    ("مارس", 3),
    ("أبريل", 4),
    ("إبريل", 4),
    ("ابريل", 4),
    ("مايو", 5),
    ("يونيو", 6),
    ("يوليو", 7),
    ("أغسطس", 8),
    ("اغسطس", 8),
    ("سبتمبر", 9),
    ("أكتوبر", 10),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("ديسمبر", 12),
    ("شباط", 2),
    ("آذار", 3),
    ("نيسان", 4),
    ("أيار", 5),
    ("حزيران", 6),
    ("تموز", 7),
    ("آب", 8),
    ("أيلول", 9),
];

/// The month a word names, if exactly one month matches it (see [`MONTH_NAMES`] and
/// [`WHOLE_MONTH_NAMES`]). A leading elided article ("d'abril", "d’octubre") is dropped.
pub fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    let w = w
        .strip_prefix("d'")
        .or_else(|| w.strip_prefix("d’"))
        .unwrap_or(&w)
        .to_string();
    if let Some((_, m)) = WHOLE_MONTH_NAMES.iter().find(|(name, _)| *name == w) {
        return Some(*m);
    }
    if w.chars().count() < 3 {
        return None;
    }
    if let Some((_, m)) = MONTH_NAMES.iter().find(|(name, _)| *name == w) {
        return Some(*m);
    }
    let mut found = None;
    for (name, m) in MONTH_NAMES {
        if name.starts_with(&w) {
            match found {
                None => found = Some(*m),
                Some(f) if f != *m => return None,
                _ => {}
            }
        }
    }
    found
}

/// Month names, AM/PM, common zone abbreviations, `GMT+0200`; other words (weekdays, "de",
/// "at", "um") are skipped. `None` for a malformed offset.
fn word_token(tok: &str, p: &mut Parts) -> Option<()> {
    let w = tok.trim_end_matches(['.', ':']).to_lowercase();
    for prefix in ["gmt", "utc"] {
        if let Some(offset) = w.strip_prefix(prefix).filter(|o| o.starts_with(['+', '-'])) {
            p.offset = Some(parse_offset(offset)?);
            return Some(());
        }
    }
    if let Some(m) = month_of(&w) {
        if p.month.is_some() {
            return None;
        }
        p.month = Some(m);
        return Some(());
    }
    let hours = match w.as_str() {
        "am" | "a.m" => {
            p.pm = Some(false);
            return Some(());
        }
        "pm" | "p.m" => {
            p.pm = Some(true);
            return Some(());
        }
        "z" | "ut" | "utc" | "gmt" => 0,
        "est" => -5,
        "edt" | "ast" => -4,
        "cst" => -6,
        "cdt" => -5,
        "mst" => -7,
        "mdt" => -6,
        "pst" => -8,
        "pdt" => -7,
        "bst" | "cet" | "met" | "mez" => 1,
        "cest" | "mest" | "mesz" | "eet" => 2,
        "eest" | "msk" => 3,
        "ist" => 5, // India; the half hour is added below
        "jst" | "kst" => 9,
        _ => return Some(()),
    };
    p.named_offset = Some(hours * 3600 + if w == "ist" { 1800 } else { 0 });
    Some(())
}

/// One piece of a line of prose, as [`find_in_text`] sees it.
#[derive(Debug, Clone, Copy)]
enum Piece {
    /// A number of one or two digits, maybe with an ordinal mark ("3", "3.", "3rd", "1er").
    Day(u32),
    Year(i32),
    Month(u32),
    /// A whole numeric date ("03.06.2025", "2025-06-03", "3/6/2025").
    Date(NaiveDate),
    /// A word that may sit inside a date: "de", "of", "del", "the".
    Filler,
    Other,
}

/// Finds the first date written in a line of prose: "Published 3 June 2025, 19:30",
/// "3. Juni 2025", "le 3 juin 2025", "3 de junio de 2025", "June 3rd, 2025", "03.06.2025",
/// "2025-06-03", "3/6/2025" (numbers read in `order` when both could be a month). Only whole
/// dates count: a month and a year alone are not a day.
pub fn find_in_text(text: &str, order: DayMonth) -> Option<NaiveDate> {
    let pieces: Vec<Piece> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '|' | '(' | ')' | '·' | '•' | '—' | '–'))
        .filter(|t| !t.is_empty())
        .take(400)
        .map(|t| piece(t, order))
        .collect();
    let skip_filler = |mut i: usize| {
        while matches!(pieces.get(i), Some(Piece::Filler)) {
            i += 1;
        }
        i
    };
    for i in 0..pieces.len() {
        let found = match pieces[i] {
            Piece::Date(d) => Some(d),
            Piece::Day(d) => {
                let m = skip_filler(i + 1);
                let mut y = skip_filler(m + 1);
                // The same month named twice ("24 نيسان / أبريل 2020").
                if let (Some(Piece::Month(a)), Some(Piece::Month(b))) = (pieces.get(m), pieces.get(y))
                    && a == b
                {
                    y = skip_filler(y + 1);
                }
                match (pieces.get(m), pieces.get(y)) {
                    (Some(Piece::Month(m)), Some(Piece::Year(y))) => NaiveDate::from_ymd_opt(*y, *m, d),
                    _ => None,
                }
            }
            // Year first: Hungarian "2025. június 3.", Korean "2025년 6월 3일".
            Piece::Year(y) => {
                let m = skip_filler(i + 1);
                let d = skip_filler(m + 1);
                match (pieces.get(m), pieces.get(d)) {
                    (Some(Piece::Month(m)), Some(Piece::Day(d))) => NaiveDate::from_ymd_opt(y, *m, *d),
                    _ => None,
                }
            }
            Piece::Month(m) => {
                let d = skip_filler(i + 1);
                let y = skip_filler(d + 1);
                match (pieces.get(d), pieces.get(y)) {
                    (Some(Piece::Day(d)), Some(Piece::Year(y))) => NaiveDate::from_ymd_opt(*y, m, *d),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(date) = found.filter(|d| YEARS.contains(&d.year())) {
            return Some(date);
        }
    }
    None
}

fn piece(token: &str, order: DayMonth) -> Piece {
    let t = token.trim_matches(|c: char| matches!(c, '"' | '\'' | '[' | ']' | ':' | ';' | '«' | '»'));
    let Some(first) = t.chars().next() else {
        return Piece::Other;
    };
    if !first.is_ascii_digit() {
        let lower = t.trim_end_matches('.').to_lowercase();
        if let Some(m) = month_of(&lower) {
            return Piece::Month(m);
        }
        return match lower.as_str() {
            "de" | "del" | "of" | "the" | "di" | "van" | "/" => Piece::Filler,
            _ => match cjk_date(t) {
                Some(d) => Piece::Date(d),
                None => Piece::Other,
            },
        };
    }
    if let Some(d) = cjk_date(t) {
        return Piece::Date(d);
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let (num, rest) = t.split_at(digits);
    let rest = rest.trim_end_matches(['.', ',']);
    if rest.is_empty() {
        return match (digits, num.parse::<i32>()) {
            (4, Ok(y)) if YEARS.contains(&y) => Piece::Year(y),
            (1 | 2, Ok(d)) if (1..=31).contains(&d) => Piece::Day(d as u32),
            _ => Piece::Other,
        };
    }
    // Chinese, Japanese and Korean units written apart: "2025年 6月 3日", "2025년 6월 3일".
    match (rest, num.parse::<u32>()) {
        ("年" | "년", Ok(y)) if digits == 4 && YEARS.contains(&(y as i32)) => return Piece::Year(y as i32),
        ("月" | "월", Ok(m)) if (1..=12).contains(&m) => return Piece::Month(m),
        ("日" | "일", Ok(d)) if (1..=31).contains(&d) => return Piece::Day(d),
        _ => {}
    }
    if digits <= 2 && ORDINAL_SUFFIXES.contains(&rest.to_lowercase().as_str()) {
        return num.parse().map_or(Piece::Other, Piece::Day);
    }
    // A whole numeric date, possibly glued to a time ("2025-06-03T07:00").
    let date_part = t.split(['T', ' ']).next().unwrap_or(t).trim_end_matches(['.', ',']);
    let numeric = date_part.len() >= 8
        && date_part
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'/' | b'-'))
        && date_part.bytes().filter(|b| !b.is_ascii_digit()).count() == 2;
    if numeric && let Some(d) = parse_with(date_part, order) {
        return Piece::Date(d.date_naive());
    }
    Piece::Other
}

/// The first Chinese or Japanese date written whole inside a token: "2025年6月3日",
/// "公開日：2025年06月03日更新" (digits, then 年, 月 and 日 each after its number).
fn cjk_date(token: &str) -> Option<NaiveDate> {
    let chars: Vec<char> = token.chars().collect();
    let number = |from: usize, max: usize| -> (usize, Option<u32>) {
        let end = (from..chars.len())
            .find(|&j| !chars[j].is_ascii_digit())
            .unwrap_or(chars.len());
        let n = (end > from && end - from <= max).then(|| chars[from..end].iter().collect::<String>().parse().ok());
        (end, n.flatten())
    };
    for start in 0..chars.len() {
        if !chars[start].is_ascii_digit() || (start > 0 && chars[start - 1].is_ascii_digit()) {
            continue;
        }
        let (e, y) = number(start, 4);
        if e - start != 4 || chars.get(e) != Some(&'年') {
            continue;
        }
        let (e2, m) = number(e + 1, 2);
        if chars.get(e2) != Some(&'月') {
            continue;
        }
        let (e3, d) = number(e2 + 1, 2);
        if chars.get(e3) != Some(&'日') {
            continue;
        }
        if let Some(date) = NaiveDate::from_ymd_opt(y? as i32, m?, d?).filter(|d| YEARS.contains(&d.year())) {
            return Some(date);
        }
    }
    None
}

/// The date in a URL's path, as news sites and blogs write it: `/2025/06/03/`, `/2025-06-03/`,
/// `/20250603/` or inside a slug (`story-2025-06-03.html`). Only whole dates (year, month, day)
/// count: `/2025/06/` is an archive month, not a publication day.
pub fn from_url_path(url: &Url) -> Option<NaiveDate> {
    let path = url.path();
    let bytes = path.as_bytes();
    let digit_run = |at: usize, len: usize| {
        bytes
            .get(at..at + len)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
            && !bytes.get(at + len).is_some_and(u8::is_ascii_digit)
            && !(at > 0 && bytes[at - 1].is_ascii_digit())
    };
    let num = |at: usize, len: usize| path[at..at + len].parse::<u32>().ok();
    for at in 0..bytes.len() {
        // Year, separator, month, separator, day.
        if digit_run(at, 4) && (at == 0 || !bytes[at - 1].is_ascii_digit()) {
            let sep = bytes.get(at + 4).copied();
            if let Some(sep @ (b'/' | b'-' | b'_' | b'.')) = sep {
                let m_len = (1..=2).find(|&l| digit_run(at + 5, l));
                if let Some(ml) = m_len
                    && bytes.get(at + 5 + ml) == Some(&sep)
                    && let Some(dl) = (1..=2).find(|&l| digit_run(at + 6 + ml, l))
                    // "/2023/10/3-fragen-an-…" is a month archive and a slug, not a day.
                    && (sep != b'/' || matches!(bytes.get(at + 6 + ml + dl), None | Some(b'/' | b'.')))
                    && let (Ok(y), Some(m), Some(d)) = (path[at..at + 4].parse(), num(at + 5, ml), num(at + 6 + ml, dl))
                    && let Some(date) = NaiveDate::from_ymd_opt(y, m, d).filter(|d| YEARS.contains(&d.year()))
                {
                    return Some(date);
                }
            }
        }
        // Eight digits standing alone: 20250603.
        if digit_run(at, 8)
            && let Some(date) = compact(&path[at..at + 8])
        {
            return Some(date.date_naive());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per format and source: (where such strings come from, input, order, expected
    /// RFC 3339 value or "" when the string must be refused).
    const PARSE: &[(&str, &str, DayMonth, &str)] = &[
        (
            "feed RFC 2822",
            "Tue, 03 Jun 2025 07:00:00 GMT",
            DayMonth::DayFirst,
            "2025-06-03T07:00:00+00:00",
        ),
        (
            "feed RFC 2822 offset",
            "Tue, 03 Jun 2025 21:30:00 -0400",
            DayMonth::DayFirst,
            "2025-06-03T21:30:00-04:00",
        ),
        (
            "feed RFC 2822 weekday typo",
            "Thurs, 13 Jul 2011 07:38:00 GMT",
            DayMonth::DayFirst,
            "2011-07-13T07:38:00+00:00",
        ),
        (
            "feed zone name",
            "2 June 2025 10:00 CEST",
            DayMonth::DayFirst,
            "2025-06-02T10:00:00+02:00",
        ),
        (
            "feed US style",
            "June 2nd, 2025 at 3:15 PM EST",
            DayMonth::DayFirst,
            "2025-06-02T15:15:00-05:00",
        ),
        (
            "feed weekday",
            "Monday, June 2, 2025",
            DayMonth::DayFirst,
            "2025-06-02T00:00:00+00:00",
        ),
        (
            "sitemap lastmod",
            "2025-06-03T07:00:00Z",
            DayMonth::DayFirst,
            "2025-06-03T07:00:00+00:00",
        ),
        (
            "sitemap lastmod date",
            "2025-06-03",
            DayMonth::DayFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "sitemap news fraction",
            "2025-06-03T07:00:00.123+02:00",
            DayMonth::DayFirst,
            "2025-06-03T07:00:00.123+02:00",
        ),
        (
            "meta no zone",
            "2025-06-03 07:00:00",
            DayMonth::DayFirst,
            "2025-06-03T07:00:00+00:00",
        ),
        (
            "meta ISO offset no colon",
            "2025-06-03T23:30:00+0200",
            DayMonth::DayFirst,
            "2025-06-03T23:30:00+02:00",
        ),
        (
            "meta ISO minutes only",
            "2025-06-03T07:00Z",
            DayMonth::DayFirst,
            "2025-06-03T07:00:00+00:00",
        ),
        (
            "meta slashes year first",
            "2025/06/03 07:00",
            DayMonth::DayFirst,
            "2025-06-03T07:00:00+00:00",
        ),
        (
            "meta compact",
            "20250603",
            DayMonth::DayFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "JSON-LD Go time.String()",
            "2025-06-03 07:00:00 +0000 UTC",
            DayMonth::DayFirst,
            "2025-06-03T07:00:00+00:00",
        ),
        (
            "JSON-LD Go with zone",
            "2025-06-03 23:10:00 +0200 CEST",
            DayMonth::DayFirst,
            "2025-06-03T23:10:00+02:00",
        ),
        (
            "JSON-LD JS Date",
            "Tue Jun 03 2025 07:00:00 GMT+0000",
            DayMonth::DayFirst,
            "2025-06-03T07:00:00+00:00",
        ),
        (
            "JSON-LD JS Date named",
            "Tue Jun 03 2025 22:00:00 GMT-0500 (Central Daylight Time)",
            DayMonth::DayFirst,
            "2025-06-03T22:00:00-05:00",
        ),
        (
            "JSON-LD date only",
            "2025-06-03",
            DayMonth::DayFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "page dotted",
            "03.06.2025",
            DayMonth::MonthFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "page dotted time",
            "03.06.2025, 19.30 Uhr",
            DayMonth::DayFirst,
            "2025-06-03T19:30:00+00:00",
        ),
        (
            "page dotted short year",
            "03.06.25",
            DayMonth::MonthFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "JSON-LD colon milliseconds",
            "2022-01-10T22:06:08:684Z",
            DayMonth::DayFirst,
            "2022-01-10T22:06:08.684+00:00",
        ),
        (
            "page slash day first",
            "3/6/2025",
            DayMonth::DayFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "page slash month first",
            "6/3/2025",
            DayMonth::MonthFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "page slash unambiguous",
            "25/6/2025",
            DayMonth::MonthFirst,
            "2025-06-25T00:00:00+00:00",
        ),
        (
            "page German",
            "3. Juni 2025",
            DayMonth::DayFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "page French time",
            "3 juin 2025 à 19h30",
            DayMonth::DayFirst,
            "2025-06-03T19:30:00+00:00",
        ),
        (
            "page French ordinal",
            "1er juin 2025",
            DayMonth::DayFirst,
            "2025-06-01T00:00:00+00:00",
        ),
        (
            "page Spanish",
            "3 de junio de 2025",
            DayMonth::DayFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "page Italian",
            "3 giugno 2025",
            DayMonth::DayFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "page Portuguese",
            "3 de junho de 2025",
            DayMonth::DayFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "page Dutch",
            "3 mei 2025",
            DayMonth::DayFirst,
            "2025-05-03T00:00:00+00:00",
        ),
        (
            "page Russian",
            "3 июня 2025",
            DayMonth::DayFirst,
            "2025-06-03T00:00:00+00:00",
        ),
        (
            "page abbreviation",
            "Sept. 3, 2025",
            DayMonth::DayFirst,
            "2025-09-03T00:00:00+00:00",
        ),
        ("refused: empty", "", DayMonth::DayFirst, ""),
        ("refused: word", "yesterday", DayMonth::DayFirst, ""),
        ("refused: id", "12345678", DayMonth::DayFirst, ""),
        ("refused: no day", "June 2025", DayMonth::DayFirst, ""),
        ("refused: bad day", "32 June 2025", DayMonth::DayFirst, ""),
        ("refused: nonsense", "9999-99-99", DayMonth::DayFirst, ""),
        (
            "refused: placeholder year",
            "0001-01-01T00:00:00Z",
            DayMonth::DayFirst,
            "",
        ),
        ("refused: lone sign", "+", DayMonth::DayFirst, ""),
        ("refused: half time", "1:", DayMonth::DayFirst, ""),
        ("refused: huge", "12:00:99999999999", DayMonth::DayFirst, ""),
        ("refused: two months", "June July 3 2025", DayMonth::DayFirst, ""),
    ];

    #[test]
    fn parses_every_format_and_source() {
        for (source, input, order, expected) in PARSE {
            let got = parse_with(input, *order).map(|d| d.to_rfc3339()).unwrap_or_default();
            assert_eq!(&got, expected, "{source}: {input:?}");
        }
    }

    /// Dates inside prose and URLs: (source, input, order, expected YYYY-MM-DD or "").
    const FIND: &[(&str, &str, DayMonth, &str)] = &[
        (
            "byline English",
            "By Mara Ellison | June 3, 2025 7:00 pm",
            DayMonth::MonthFirst,
            "2025-06-03",
        ),
        (
            "byline German",
            "Von Max Muster, 3. Juni 2025, 19:30 Uhr",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline French",
            "Publié le 3 juin 2025 à 19h30",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Spanish",
            "Madrid, 3 de junio de 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Italian",
            "Pubblicato il 3 giugno 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Portuguese",
            "Publicado em 3 de junho de 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Dutch",
            "Gepubliceerd op 3 juni 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Russian",
            "Опубликовано 3 июня 2025 в 19:30",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline dotted",
            "Stand: 03.06.2025 19:30",
            DayMonth::MonthFirst,
            "2025-06-03",
        ),
        (
            "dateline slashes",
            "Posted 6/3/2025",
            DayMonth::MonthFirst,
            "2025-06-03",
        ),
        (
            "dateline slashes day first",
            "Pubblicato 3/6/2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline ISO",
            "Updated 2025-06-03T07:00",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline ordinal",
            "Published on the 3rd of June 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Polish",
            "Opublikowano 3 czerwca 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Czech",
            "Publikováno 3. června 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Swedish",
            "Publicerad 3 augusti 2025",
            DayMonth::DayFirst,
            "2025-08-03",
        ),
        (
            "dateline Finnish",
            "Julkaistu 3. kesäkuuta 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Hungarian",
            "Közzétéve: 2025. június 3.",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Turkish",
            "Yayınlanma: 3 Haziran 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Greek",
            "Δημοσίευση: 3 Ιουνίου 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Ukrainian",
            "Опубліковано 3 червня 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Romanian",
            "Publicat pe 3 iunie 2025",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Catalan",
            "Publicat el 3 d'abril de 2025",
            DayMonth::DayFirst,
            "2025-04-03",
        ),
        (
            "dateline Arabic two names",
            "تم نشره الجمعة 24 نيسان / أبريل 2020 09:22",
            DayMonth::DayFirst,
            "2020-04-24",
        ),
        (
            "dateline Japanese",
            "公開日：2020年07月03日更新",
            DayMonth::DayFirst,
            "2020-07-03",
        ),
        (
            "dateline Chinese spaced",
            "2025年 6月 3日",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        (
            "dateline Korean",
            "입력 2025년 6월 3일",
            DayMonth::DayFirst,
            "2025-06-03",
        ),
        ("no CJK day", "2025年6月 号", DayMonth::DayFirst, ""),
        ("no day", "June 2025 archive", DayMonth::DayFirst, ""),
        ("numbers only", "3 comments, 2025 views", DayMonth::DayFirst, ""),
    ];

    #[test]
    fn finds_dates_in_prose() {
        for (source, input, order, expected) in FIND {
            let got = find_in_text(input, *order).map(|d| d.to_string()).unwrap_or_default();
            assert_eq!(&got, expected, "{source}: {input:?}");
        }
    }

    const URLS: &[(&str, &str)] = &[
        ("https://a.example/2025/06/03/flood-fund/", "2025-06-03"),
        ("https://a.example/news/2025/6/3/flood-fund", "2025-06-03"),
        ("https://a.example/news/flood-fund-2025-06-03.html", "2025-06-03"),
        ("https://a.example/20250603/flood-fund", "2025-06-03"),
        ("https://a.example/2025/06/flood-fund", ""),
        ("https://a.example/2023/10/3-questions-for-the-mayor/", ""),
        ("https://a.example/story/123456789012", ""),
        ("https://a.example/2025/13/45/x", ""),
        ("https://a.example/flood-fund?date=2025-06-03", ""),
    ];

    #[test]
    fn reads_dates_in_url_paths() {
        for (url, expected) in URLS {
            let got = from_url_path(&Url::parse(url).unwrap())
                .map(|d| d.to_string())
                .unwrap_or_default();
            assert_eq!(&got, expected, "{url}");
        }
    }

    #[test]
    fn month_words_in_every_language() {
        for (word, month) in [
            ("Jan.", 1),
            ("févr.", 2),
            ("Mär", 3),
            ("okt", 10),
            ("dic", 12),
            ("сент", 9),
        ] {
            assert_eq!(month_of(word), Some(month), "{word}");
        }
        // Shared by June and July in French: not a month.
        assert_eq!(month_of("jui"), None);
        assert_eq!(month_of("market"), None);
        // Whole-word names are never read from a prefix.
        assert_eq!(month_of("list"), None);
        assert_eq!(month_of("listopadu"), Some(11));
        assert_eq!(month_of("d’octubre"), Some(10));
    }

    #[test]
    fn language_decides_numeric_order() {
        assert_eq!(DayMonth::for_lang(Some("en-US")), DayMonth::MonthFirst);
        assert_eq!(DayMonth::for_lang(Some("en")), DayMonth::MonthFirst);
        assert_eq!(DayMonth::for_lang(Some("en-GB")), DayMonth::DayFirst);
        assert_eq!(DayMonth::for_lang(Some("de-DE")), DayMonth::DayFirst);
        assert_eq!(DayMonth::for_lang(None), DayMonth::DayFirst);
    }
}
