//! CSV export: the JSON record's columns, UTF-8 with a byte-order mark so spreadsheet programs
//! read accents and non-Latin scripts right; fields quoted when they need it. Empty cells stand
//! for null; `missing_paragraphs` is a comma-separated list (`2,5`).
//!
//! Scraped text can be a formula: a title `=HYPERLINK("http://evil.example","Click")` would open
//! in a spreadsheet as a live link. Every field starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return gets a leading `'`, as OWASP's CSV injection guidance says.

use super::ExportRecord;
use std::io::Write;

/// A field a spreadsheet will not read as a formula (OWASP, "CSV Injection").
pub(crate) fn neutralise(field: &str) -> std::borrow::Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}").into()
    } else {
        field.into()
    }
}

pub(crate) fn write(out: &mut dyn Write, records: &[ExportRecord]) -> std::io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "article",
        "kind",
        "score",
        "url",
        "canonical_url",
        "outlet",
        "outlet_name",
        "country",
        "language",
        "title",
        "published",
        "first_seen",
        "evidence",
        "coverage",
        "missing_paragraphs",
        "syndicated_from",
        "group",
        "found_via",
        "audience",
        "date_note",
        "judgement",
        "status_now",
        "checked_at",
    ])?;
    for r in records {
        let score = format!("{:.3}", r.score);
        let coverage = format!("{:.3}", r.coverage);
        let missing: Vec<String> = r.missing_paragraphs.iter().map(usize::to_string).collect();
        let audience = r.audience.map(|a| a.to_string()).unwrap_or_default();
        let fields = [
            r.article.as_str(),
            r.kind,
            &score,
            &r.url,
            &r.canonical_url,
            &r.outlet,
            &r.outlet_name,
            &r.country,
            &r.language,
            r.title.as_deref().unwrap_or(""),
            r.published.as_deref().unwrap_or(""),
            &r.first_seen,
            &r.evidence,
            &coverage,
            &missing.join(","),
            r.syndicated_from.as_deref().unwrap_or(""),
            r.group.as_deref().unwrap_or(""),
            r.found_via.unwrap_or(""),
            &audience,
            r.date_note.as_deref().unwrap_or(""),
            r.judgement,
            r.status_now.unwrap_or(""),
            r.checked_at.as_deref().unwrap_or(""),
        ];
        w.write_record(fields.iter().map(|f| neutralise(f).into_owned()))?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_become_text() {
        for f in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(f), format!("'{f}"));
        }
        assert_eq!(neutralise("Taiwan = partner"), "Taiwan = partner");
        assert_eq!(neutralise("0.950"), "0.950");
    }
}
