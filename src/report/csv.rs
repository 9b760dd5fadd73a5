//! CSV export: the JSON record's columns, UTF-8 with a byte-order mark so spreadsheet programs
//! read accents and non-Latin scripts right; fields quoted when they need it.

use super::ExportRecord;
use std::io::Write;

pub fn write(out: &mut dyn Write, records: &[ExportRecord]) -> std::io::Result<()> {
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
    ])?;
    for r in records {
        let score = format!("{:.3}", r.score);
        w.write_record([
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
        ])?;
    }
    w.flush()
}
