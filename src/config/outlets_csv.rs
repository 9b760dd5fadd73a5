//! Outlets from the team's spreadsheet: an outlets CSV file (a header row, one outlet a row),
//! read with the `csv` crate.
//!
//! Columns are matched by name, case-insensitively, with the names spreadsheets use for them
//! ([`COLUMNS`]); other columns (notes, contacts) are ignored. A bad row is an error naming the
//! file, the row and the column, and the other rows still load: the caller keeps it in
//! [`Config::problems`](super::Config::problems). A file that cannot be read as CSV at all, or
//! whose header names neither a name nor a homepage column, stops the load.

use super::{ConfigError, Outlet, UNDETERMINED_LANGUAGE};
use std::collections::HashSet;
use std::path::Path;
use url::Url;

/// One outlet field and the header names that mean it (compared lower case, with spaces, `-`
/// and `_` alike).
const COLUMNS: &[(Field, &[&str])] = &[
    (Field::Id, &["id", "outlet id", "slug"]),
    (
        Field::Name,
        &["name", "outlet", "outlet name", "publication", "media", "title"],
    ),
    (
        Field::Homepage,
        &["homepage", "url", "website", "site", "web", "home page"],
    ),
    (Field::Country, &["country", "country code", "cc"]),
    (Field::Language, &["language", "lang", "language code"]),
    (
        Field::Audience,
        &["audience", "readers", "uvm", "monthly readers", "reach", "circulation"],
    ),
    (Field::Feeds, &["feeds", "feed", "rss", "feed url", "feed urls"]),
    (Field::Sitemaps, &["sitemaps", "sitemap"]),
    (Field::Listings, &["listings", "listing", "opinion page"]),
    (Field::Pitched, &["pitched", "pitched articles"]),
];

/// Every header name [`read`] takes, one list per column, the column's own name first.
pub(super) fn column_names() -> impl Iterator<Item = &'static [&'static str]> {
    COLUMNS.iter().map(|(_, names)| *names)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Name,
    Homepage,
    Country,
    Language,
    Audience,
    Feeds,
    Sitemaps,
    Listings,
    Pitched,
}

/// What an outlets CSV gave.
pub(super) struct Loaded {
    pub outlets: Vec<Outlet>,
    /// (article id, outlet id) for each article a row's `pitched` column names.
    pub pitches: Vec<(String, String)>,
    /// One per bad row; the row is left out.
    pub problems: Vec<ConfigError>,
}

/// True for a `.csv` file name (any case).
pub(super) fn is_csv(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

fn header_key(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads an outlets CSV. `articles` are the tracked article ids (for `pitched`); `ids` are the
/// outlet ids taken so far, and receives the new ones.
///
/// # Errors
/// A [`ConfigError`] naming the file when it is not CSV or has neither a name nor a homepage
/// column. Bad rows are not errors here: they come back in [`Loaded::problems`].
pub(super) fn read(
    file: &Path,
    text: &str,
    articles: &HashSet<&str>,
    ids: &mut HashSet<String>,
) -> Result<Loaded, ConfigError> {
    let file_err = |line: Option<usize>, message: String| ConfigError {
        file: file.to_path_buf(),
        line,
        field: String::new(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| file_err(Some(1), format!("cannot read the header row: {e}")))?
        .clone();
    let mut columns: Vec<(Field, usize, String)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let key = header_key(h);
        if let Some((field, _)) = COLUMNS.iter().find(|(_, names)| names.contains(&key.as_str()))
            && !columns.iter().any(|(f, _, _)| f == field)
        {
            columns.push((*field, i, h.trim().trim_start_matches('\u{feff}').to_string()));
        }
    }
    let has = |f: Field| columns.iter().any(|(c, _, _)| *c == f);
    if !has(Field::Name) && !has(Field::Homepage) {
        return Err(file_err(
            Some(1),
            "the header row names no outlet column (name or outlet) and no homepage column (homepage, url or website)"
                .into(),
        ));
    }

    let mut loaded = Loaded {
        outlets: Vec::new(),
        pitches: Vec::new(),
        problems: Vec::new(),
    };
    for (n, record) in reader.records().enumerate() {
        // Row 1 is the header; data rows count from 2, as a spreadsheet shows them.
        let row_number = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                loaded.problems.push(ConfigError {
                    file: file.to_path_buf(),
                    line,
                    field: format!("row {row_number}"),
                    message: format!("not readable as CSV: {e}"),
                });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = record.position().map(|p| p.line() as usize);
        let cell = |f: Field| -> Option<(&str, &str)> {
            let (_, i, name) = columns.iter().find(|(c, _, _)| *c == f)?;
            record.get(*i).filter(|v| !v.is_empty()).map(|v| (v, name.as_str()))
        };
        match row(&cell, articles, ids) {
            Ok((outlet, pitched)) => {
                ids.insert(outlet.id.clone());
                for a in pitched {
                    loaded.pitches.push((a, outlet.id.clone()));
                }
                loaded.outlets.push(outlet);
            }
            Err((column, message)) => loaded.problems.push(ConfigError {
                file: file.to_path_buf(),
                line,
                field: format!("row {row_number}, column {column}"),
                message,
            }),
        }
    }
    Ok(loaded)
}

/// A row's error: the column's name as the header writes it, and what is wrong.
type RowError = (String, String);

fn row<'a>(
    cell: &dyn Fn(Field) -> Option<(&'a str, &'a str)>,
    articles: &HashSet<&str>,
    ids: &HashSet<String>,
) -> Result<(Outlet, Vec<String>), RowError> {
    let bad = |(_, column): (&str, &str), message: String| -> RowError { (column.to_string(), message) };
    let homepage = match cell(Field::Homepage) {
        Some(c) => Some(web_address(c.0).ok_or_else(|| bad(c, format!("{:?} is not a web address", c.0)))?),
        None => None,
    };
    let urls = |f: Field| -> Result<Vec<Url>, RowError> {
        let Some(c) = cell(f) else { return Ok(Vec::new()) };
        c.0.split(|ch: char| ch.is_whitespace() || ch == ',' || ch == ';' || ch == '|')
            .filter(|s| !s.is_empty())
            .map(|s| web_address(s).ok_or_else(|| bad(c, format!("{s:?} is not a web address"))))
            .collect()
    };
    let feeds = urls(Field::Feeds)?;
    let sitemaps = urls(Field::Sitemaps)?;
    let listings = urls(Field::Listings)?;
    let site = homepage
        .as_ref()
        .or(feeds.first())
        .or(sitemaps.first())
        .or(listings.first());
    let name = match (cell(Field::Name), site) {
        (Some((name, _)), _) => name.to_string(),
        (None, Some(site)) => crate::canon::site(site),
        (None, None) => return Err(("name".into(), "a row needs a name or a homepage".into())),
    };
    let id = match cell(Field::Id) {
        Some(c) => {
            let id = c.0.to_string();
            if ids.contains(&id) {
                return Err(bad(c, format!("duplicate outlet id {id:?}")));
            }
            id
        }
        None => {
            let Some(site) = site else {
                return Err((
                    "homepage".into(),
                    format!("{name:?} has no id and no homepage to make one from"),
                ));
            };
            let id = crate::discover::outlet_id(site);
            if ids.contains(&id) {
                return Err((
                    "id".into(),
                    format!("the id made from the homepage, {id:?}, is taken: give this row an id"),
                ));
            }
            id
        }
    };
    let country = match cell(Field::Country) {
        Some(c) => crate::discover::country_code(c.0).ok_or_else(|| {
            bad(
                c,
                format!(
                    "{:?} is neither an ISO 3166-1 alpha-2 code (such as \"DE\") nor a country name",
                    c.0
                ),
            )
        })?,
        None => site
            .and_then(crate::discover::country_of_site)
            .unwrap_or_else(|| super::UNKNOWN_COUNTRY.to_string()),
    };
    let language = match cell(Field::Language) {
        Some(c) => {
            let l = c.0.to_ascii_lowercase();
            if !((l.len() == 2 || l.len() == 3) && l.bytes().all(|b| b.is_ascii_lowercase())) {
                return Err(bad(
                    c,
                    format!("{:?} is not an ISO 639-1 language code (such as \"en\")", c.0),
                ));
            }
            l
        }
        None => UNDETERMINED_LANGUAGE.to_string(),
    };
    let audience = match cell(Field::Audience) {
        Some(c) => Some(audience(c.0).ok_or_else(|| {
            bad(
                c,
                format!("{:?} is not a number of readers (such as 1200000, 1.2M or 350k)", c.0),
            )
        })?),
        None => None,
    };
    let mut pitched = Vec::new();
    if let Some(c) = cell(Field::Pitched) {
        for a in
            c.0.split(|ch: char| ch.is_whitespace() || ch == ',' || ch == ';' || ch == '|')
        {
            if a.is_empty() {
                continue;
            }
            if !articles.contains(a) {
                return Err(bad(c, format!("no tracked article has the id {a:?}")));
            }
            pitched.push(a.to_string());
        }
    }
    Ok((
        Outlet {
            id,
            name,
            country,
            language,
            homepage,
            feeds,
            sitemaps,
            listings,
            audience,
        },
        pitched,
    ))
}

/// An http(s) URL as people type it in a spreadsheet: `www.example.com` is `https://www.example.com/`.
fn web_address(s: &str) -> Option<Url> {
    let s = s.trim();
    let parsed = if s.contains("://") {
        Url::parse(s).ok()?
    } else {
        Url::parse(&format!("https://{s}")).ok()?
    };
    let host = parsed.host_str()?;
    let ok = matches!(parsed.scheme(), "http" | "https") && (host.contains('.') || host.contains(':'));
    ok.then_some(parsed)
}

/// Monthly readers as spreadsheets write them: `1200000`, `1,200,000`, `1 200 000`, `1.2M`,
/// `350k`, `2.5 million`.
fn audience(s: &str) -> Option<u64> {
    let lower = s.trim().to_lowercase();
    let (number, factor) = [
        ("million", 1e6),
        ("mio", 1e6),
        ("m", 1e6),
        ("thousand", 1e3),
        ("k", 1e3),
        ("billion", 1e9),
        ("bn", 1e9),
        ("b", 1e9),
    ]
    .iter()
    .find_map(|(suffix, f)| lower.strip_suffix(suffix).map(|n| (n.trim().to_string(), *f)))
    .unwrap_or((lower.clone(), 1.0));
    if factor == 1.0 {
        let digits: String = number
            .chars()
            .filter(|c| !matches!(c, ',' | ' ' | '.' | '\'' | '_'))
            .collect();
        return digits.parse().ok();
    }
    let value: f64 = number.replace(',', ".").parse().ok()?;
    (value.is_finite() && value >= 0.0).then(|| (value * factor).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_as_spreadsheets_write_them() {
        for (text, n) in [
            ("1200000", 1_200_000),
            ("1,200,000", 1_200_000),
            ("1 200 000", 1_200_000),
            ("1.2M", 1_200_000),
            ("350k", 350_000),
            ("2.5 million", 2_500_000),
        ] {
            assert_eq!(audience(text), Some(n), "{text}");
        }
        assert_eq!(audience("lots"), None);
    }

    #[test]
    fn web_addresses_without_a_scheme_are_https() {
        assert_eq!(
            web_address("www.example.de").unwrap().as_str(),
            "https://www.example.de/"
        );
        assert!(web_address("not a site").is_none());
        assert!(web_address("ftp://example.org/").is_none());
    }
}
