//! The GDELT DOC 2.0 API as a news search service: the query URL for an exact phrase in a time
//! window, and its JSON article list read into search results.
//!
//! Format: <https://blog.gdeltproject.org/gdelt-doc-2-0-api-debuts/>. `mode=artlist&format=json`
//! answers `{"articles": [{"url", "title", "seendate": "20211112T130000Z", "domain",
//! "language": "English", "sourcecountry": "Taiwan"}, …]}`, `{}` when nothing matches, and a line
//! of plain text when the query is refused (a phrase too short or too common, a bad date).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use url::Url;

/// Results asked for per query: the API's maximum.
pub(crate) const MAX_RECORDS: u32 = 250;

/// One page a search service names.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    pub url: Url,
    pub title: Option<String>,
    /// When the service first saw the page.
    pub seen: Option<DateTime<Utc>>,
    /// The service's name for the country of the page's source ("Taiwan", "United Kingdom").
    pub source_country: Option<String>,
}

/// The API's timestamp format for `startdatetime` and `enddatetime` (UTC).
fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%d%H%M%S").to_string()
}

/// The query URL for pages carrying `phrase` word for word, first seen between `start` and `end`.
pub(crate) fn query_url(endpoint: &Url, phrase: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Url {
    let mut u = endpoint.clone();
    let clean: String = phrase.chars().filter(|c| *c != '"').collect();
    u.query_pairs_mut()
        .append_pair("query", &format!("\"{}\"", clean.trim()))
        .append_pair("mode", "artlist")
        .append_pair("format", "json")
        .append_pair("maxrecords", &MAX_RECORDS.to_string())
        .append_pair("sort", "datedesc")
        .append_pair("startdatetime", &stamp(start))
        .append_pair("enddatetime", &stamp(end));
    u
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    articles: Vec<Article>,
}

#[derive(Deserialize)]
struct Article {
    url: Option<String>,
    title: Option<String>,
    seendate: Option<String>,
    sourcecountry: Option<String>,
}

/// Reads an `artlist` answer. Results whose URL is not http(s) are left out.
///
/// # Errors
/// The API's own message when it refused the query (plain text), or why the JSON is unreadable.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<SearchResult>, String> {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if !trimmed.starts_with('{') {
        let first_line = trimmed.lines().next().unwrap_or("an empty answer");
        return Err(format!(
            "the search service said: {}",
            crate::text::shorten(first_line, 160)
        ));
    }
    let answer: Answer = serde_json::from_str(trimmed).map_err(|e| format!("unreadable JSON answer: {e}"))?;
    Ok(answer
        .articles
        .into_iter()
        .filter_map(|a| {
            let url = Url::parse(a.url?.trim())
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))?;
            Some(SearchResult {
                url,
                title: a.title.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
                seen: a
                    .seendate
                    .and_then(|s| NaiveDateTime::parse_from_str(s.trim(), "%Y%m%dT%H%M%SZ").ok())
                    .map(|t| t.and_utc()),
                source_country: a.sourcecountry.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_asks_for_an_exact_phrase_in_the_window() {
        let endpoint = Url::parse("https://api.gdeltproject.org/api/v2/doc/doc").unwrap();
        let start = "2021-10-11T00:00:00Z".parse().unwrap();
        let end = "2022-02-08T00:00:00Z".parse().unwrap();
        let u = query_url(&endpoint, "Taiwan \"can\" help", start, end);
        let pairs: Vec<(String, String)> = u.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("query"), Some("\"Taiwan can help\""));
        assert_eq!(get("mode"), Some("artlist"));
        assert_eq!(get("format"), Some("json"));
        assert_eq!(get("startdatetime"), Some("20211011000000"));
        assert_eq!(get("enddatetime"), Some("20220208000000"));
    }

    #[test]
    fn reads_artlists_empty_answers_and_refusals() {
        let body = br#"{"articles": [
            {"url": "https://www.taipeitimes.com/x", "url_mobile": "", "title": "Taiwan can help ",
             "seendate": "20211112T130000Z", "socialimage": "", "domain": "taipeitimes.com",
             "language": "English", "sourcecountry": "Taiwan"},
            {"url": "javascript:alert(1)", "title": "x"},
            {"title": "no url"}
        ]}"#;
        let r = parse(body).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].title.as_deref(), Some("Taiwan can help"));
        assert_eq!(r[0].source_country.as_deref(), Some("Taiwan"));
        assert_eq!(r[0].seen.unwrap().to_rfc3339(), "2021-11-12T13:00:00+00:00");
        assert_eq!(parse(b"{}").unwrap(), vec![]);
        let err = parse(b"Your search contained a phrase that was too short.").unwrap_err();
        assert!(err.contains("too short"), "{err}");
        assert!(parse(b"{\"articles\": [").is_err());
    }
}
