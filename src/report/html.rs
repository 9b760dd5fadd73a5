//! HTML briefing: one self-contained page with the headline figures (placements, countries,
//! languages, estimated reach), counts by country, language, kind and outlet, a chart of
//! placements by day, and the table of placements with links. No scripts, no external assets:
//! it opens offline and prints as it shows.

use super::ExportRecord;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Write;

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The day a placement counts on: its publication date, else the day pickup first saw it.
fn day(r: &ExportRecord) -> &str {
    r.published.as_deref().unwrap_or(&r.first_seen).get(..10).unwrap_or("")
}

/// "Argentina (AR)" for a config's ISO 3166-1 code.
fn country_name(code: &str) -> String {
    match isocountry::CountryCode::for_alpha2(code) {
        Ok(country) => format!("{} ({code})", country.name()),
        Err(_) => code.to_string(),
    }
}

/// "1,234,567" for a count of readers.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn counts<'a>(records: &'a [ExportRecord], key: impl Fn(&'a ExportRecord) -> &'a str) -> Vec<(&'a str, usize)> {
    let mut map: BTreeMap<&str, usize> = BTreeMap::new();
    for r in records {
        *map.entry(key(r)).or_default() += 1;
    }
    let mut list: Vec<(&str, usize)> = map.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    list
}

fn count_table(out: &mut String, heading: &str, rows: &[(&str, usize)]) {
    let _ = write!(out, "<section><h2>{}</h2><table><tbody>", esc(heading));
    for (name, n) in rows {
        let _ = write!(out, "<tr><td>{}</td><td class=\"n\">{n}</td></tr>", esc(name));
    }
    out.push_str("</tbody></table></section>\n");
}

/// Placements per day as an SVG bar chart, one bar per day from the first to the last.
fn chart(records: &[ExportRecord]) -> String {
    let per_day = counts(records, day);
    let mut days: Vec<(chrono::NaiveDate, usize)> = per_day
        .iter()
        .filter_map(|(d, n)| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().map(|d| (d, *n)))
        .collect();
    days.sort();
    let (Some(first), Some(last)) = (days.first().map(|d| d.0), days.last().map(|d| d.0)) else {
        return String::new();
    };
    let span = ((last - first).num_days() + 1).clamp(1, 366) as usize;
    let max = days.iter().map(|d| d.1).max().unwrap_or(1).max(1);
    let (width, height, bar) = (720.0, 160.0, 720.0 / span as f64);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {}\" role=\"img\" aria-label=\"placements by day\"><title>Placements by day</title>",
        height + 20.0
    );
    for (d, n) in &days {
        let i = (*d - first).num_days() as usize;
        if i >= span {
            continue;
        }
        let h = height * *n as f64 / max as f64;
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{d}: {n}</title></rect>",
            i as f64 * bar + bar * 0.1,
            height - h,
            (bar * 0.8).max(1.0)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"0\" y=\"{}\">{first}</text><text x=\"{width}\" y=\"{}\" text-anchor=\"end\">{last}</text></svg>",
        height + 16.0,
        height + 16.0
    );
    svg
}

/// Writes the briefing. `audience` maps outlet ids to monthly readers, where the config gives
/// them; reach is the sum over the outlets that placed the article, and says how many are known.
pub fn write(out: &mut dyn Write, records: &[ExportRecord], audience: &HashMap<String, u64>) -> std::io::Result<()> {
    let countries = counts(records, |r| &r.country);
    let country_rows: Vec<(String, usize)> = countries.iter().map(|(code, n)| (country_name(code), *n)).collect();
    let country_rows: Vec<(&str, usize)> = country_rows.iter().map(|(name, n)| (name.as_str(), *n)).collect();
    let languages = counts(records, |r| &r.language);
    let outlets = counts(records, |r| &r.outlet_name);
    let kinds = counts(records, |r| r.kind);
    let placed: BTreeSet<&str> = records.iter().map(|r| r.outlet.as_str()).collect();
    // Reach counts each outlet once per article, however many placements it gave the article.
    let outlet_audience = |o: &str| {
        audience
            .get(o)
            .copied()
            .or_else(|| records.iter().find(|r| r.outlet == o).and_then(|r| r.audience))
    };
    let per_article: BTreeSet<(&str, &str)> = records
        .iter()
        .map(|r| (r.article.as_str(), r.outlet.as_str()))
        .collect();
    let reach: u64 = per_article.iter().filter_map(|(_, o)| outlet_audience(o)).sum();
    let known = placed.iter().filter(|o| outlet_audience(o).is_some()).count();

    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Placements — pickup</title><style>\
         body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#222}\
         h1{font-size:1.6em}.lead{font-size:1.2em}table{border-collapse:collapse;width:100%}\
         td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}\
         .n{text-align:right}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(14em,1fr));gap:1.5em}\
         svg{width:100%;height:auto}rect{fill:#3a6ea5}text{font-size:11px;fill:#555}\
         .ev{color:#555;font-size:.9em}td.d{white-space:nowrap}</style></head><body>\n<h1>Placements</h1>\n",
    );
    let _ = write!(
        html,
        "<p class=\"lead\"><b>{}</b> {} on <b>{}</b> {} in <b>{}</b> countries and <b>{}</b> languages",
        records.len(),
        if records.len() == 1 { "placement" } else { "placements" },
        placed.len(),
        if placed.len() == 1 { "outlet" } else { "outlets" },
        countries.len(),
        languages.len()
    );
    if known > 0 {
        let _ = write!(
            html,
            ", est. reach <b>{}</b> monthly readers (audience known for {known} of {} outlets; reach counts \
             each outlet once per article, however many times it ran it)",
            thousands(reach),
            placed.len()
        );
    }
    html.push_str(".</p>\n<div class=\"grid\">");
    count_table(&mut html, "By country", &country_rows);
    count_table(&mut html, "By language", &languages);
    count_table(&mut html, "By kind", &kinds);
    html.push_str("</div>\n");
    count_table(&mut html, "By outlet", &outlets);
    let _ = writeln!(html, "<section><h2>By day</h2>{}</section>", chart(records));
    html.push_str(
        "<section><h2>Every placement</h2><table><thead><tr><th>Date</th><th>Outlet</th><th>Country</th>\
         <th>Language</th><th>Kind</th><th class=\"n\">Score</th><th>Title and evidence</th></tr></thead><tbody>\n",
    );
    for r in records {
        let title = r.title.as_deref().unwrap_or(&r.url);
        let _ = writeln!(
            html,
            "<tr><td class=\"d\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{:.2}</td>\
             <td><a href=\"{}\">{}</a><div class=\"ev\">{}</div></td></tr>",
            esc(day(r)),
            esc(&r.outlet_name),
            esc(&r.country),
            esc(&r.language),
            r.kind,
            r.score,
            esc(&r.url),
            esc(title),
            esc(&r.evidence)
        );
    }
    html.push_str("</tbody></table></section>\n</body></html>\n");
    out.write_all(html.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(outlet: &str, country: &str, language: &str, day: &str) -> ExportRecord {
        ExportRecord {
            article: "a".into(),
            kind: "verbatim",
            score: 1.0,
            url: format!("https://{outlet}.example/a?x=1&y=2"),
            canonical_url: String::new(),
            outlet: outlet.into(),
            outlet_name: format!("{outlet} <Daily>"),
            country: country.into(),
            language: language.into(),
            title: Some("Taiwan & the world".into()),
            published: Some(format!("{day}T10:00:00Z")),
            first_seen: "2021-11-20T00:00:00Z".into(),
            evidence: "\"quoted\" <b>text</b>".into(),
            coverage: 1.0,
            missing_paragraphs: vec![],
            syndicated_from: None,
            group: None,
            found_via: Some("feed"),
            audience: None,
            date_note: None,
            judgement: "pickup",
        }
    }

    #[test]
    fn briefing_has_the_figures_the_counts_and_escaped_links() {
        let records = [
            record("one", "US", "en", "2021-11-12"),
            record("one", "US", "en", "2021-11-13"),
            record("two", "US", "en", "2021-11-14"),
            record("three", "AR", "es", "2021-11-14"),
        ];
        let audience = HashMap::from([("one".to_string(), 2_500_000), ("three".to_string(), 500_000)]);
        let mut out = Vec::new();
        write(&mut out, &records, &audience).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(
            html.contains("<b>4</b> placements on <b>3</b> outlets in <b>2</b> countries and <b>2</b> languages"),
            "{html}"
        );
        assert!(
            html.contains("est. reach <b>3,000,000</b> monthly readers (audience known for 2 of 3 outlets; reach counts each outlet once per article"),
            "a second placement of one article on one outlet adds no reach: {html}"
        );
        assert!(
            html.contains("<tr><td>United States of America (US)</td><td class=\"n\">3</td></tr>"),
            "{html}"
        );
        assert!(html.contains("href=\"https://one.example/a?x=1&amp;y=2\">Taiwan &amp; the world</a>"));
        assert!(html.contains("one &lt;Daily&gt;") && !html.contains("<b>text</b>"));
        assert_eq!(html.matches("<rect").count(), 3, "one bar per day with placements");
    }

    #[test]
    fn an_empty_briefing_is_still_a_page() {
        let mut out = Vec::new();
        write(&mut out, &[], &HashMap::new()).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(html.contains("<b>0</b> placements on <b>0</b> outlets") && html.ends_with("</html>\n"));
    }
}
