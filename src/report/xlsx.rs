//! The briefing as an Excel workbook (`pickup report --format xlsx`, `export --format xlsx`),
//! written with rust_xlsxwriter: a Summary sheet with the headline figures and the counts by
//! country, language and kind, and a Placements sheet with every export field.
//!
//! In the Placements sheet dates are real dates (`published` in the page's own local time, as the
//! page states it; `first_seen` in UTC), URLs are hyperlinks, the header row is frozen and
//! filtered. Every scraped string is written as a string cell, never as a formula, so a title
//! such as `=HYPERLINK(…)` stays text (OWASP's advice on CSV injection, applied to XLSX).

use super::ExportRecord;
use super::briefing::Briefing;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};
use serde_json::Value;

/// How a Placements column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell {
    Text,
    Number,
    /// RFC 3339 text written as an Excel date-time in its own local time.
    DateTime,
    /// A URL, written as a hyperlink when it is http(s) and short enough for Excel.
    Link,
    /// A list, written as its items joined by ", ".
    List,
}

/// The Placements sheet's columns: every export field, in the JSON's order, with its cell type
/// and width in characters. A test checks this list against the fields `ExportRecord` serialises.
pub(crate) const COLUMNS: &[(&str, Cell, f64)] = &[
    ("article", Cell::Text, 18.0),
    ("kind", Cell::Text, 11.0),
    ("score", Cell::Number, 7.0),
    ("url", Cell::Link, 45.0),
    ("canonical_url", Cell::Link, 35.0),
    ("outlet", Cell::Text, 16.0),
    ("outlet_name", Cell::Text, 22.0),
    ("country", Cell::Text, 8.0),
    ("language", Cell::Text, 9.0),
    ("title", Cell::Text, 45.0),
    ("published", Cell::DateTime, 17.0),
    ("first_seen", Cell::DateTime, 17.0),
    ("evidence", Cell::Text, 60.0),
    ("coverage", Cell::Number, 9.0),
    ("missing_paragraphs", Cell::List, 12.0),
    ("syndicated_from", Cell::Link, 30.0),
    ("group", Cell::Text, 17.0),
    ("found_via", Cell::Text, 10.0),
    ("audience", Cell::Number, 12.0),
    ("date_note", Cell::Text, 30.0),
    ("judgement", Cell::Text, 10.0),
    ("status_now", Cell::Text, 11.0),
    ("checked_at", Cell::DateTime, 17.0),
];

/// Excel's limit on the characters in one cell (UTF-16 units); longer scraped text is cut.
const MAX_CELL_CHARS: usize = 32_767;

fn cut(text: &str) -> String {
    if text.encode_utf16().count() <= MAX_CELL_CHARS {
        return text.to_string();
    }
    let mut units = 0;
    text.chars()
        .take_while(|c| {
            units += c.len_utf16();
            units < MAX_CELL_CHARS
        })
        .collect()
}

/// The workbook's bytes.
///
/// # Errors
/// rust_xlsxwriter's errors (none are expected for valid records).
pub(crate) fn write(b: &Briefing) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    summary(book.add_worksheet(), b)?;
    let records: Vec<&ExportRecord> = b.records().collect();
    placements(book.add_worksheet(), &records)?;
    book.save_to_buffer()
}

fn summary(ws: &mut Worksheet, b: &Briefing) -> Result<(), XlsxError> {
    ws.set_name("Summary")?;
    let title = Format::new().set_bold().set_font_size(15);
    let bold = Format::new().set_bold();
    let head = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 16)?;
    ws.set_column_width(2, 14)?;
    ws.write_string_with_format(0, 0, cut(&b.title), &title)?;
    let mut row = 1;
    for s in &b.sections {
        ws.write_string_with_format(row, 0, cut(&s.title), &bold)?;
        ws.write_string(row, 1, cut(&super::html::byline(s)))?;
        row += 1;
    }
    for (label, value) in [
        ("Period covered", b.period_text()),
        ("Filters", b.filters_text()),
        ("Generated", b.generated_text()),
    ] {
        ws.write_string(row, 0, label)?;
        ws.write_string(row, 1, value)?;
        row += 1;
    }
    row += 1;
    let f = &b.figures;
    ws.write_string_with_format(row, 0, "Headline", &head)?;
    ws.write_string_with_format(row, 1, "", &head)?;
    row += 1;
    let reach = (f.audience_unknown < f.outlets).then_some(f.reach);
    let figures: [(&str, Option<u64>); 8] = [
        ("Placements", Some(f.placements as u64)),
        ("Outlets", Some(f.outlets as u64)),
        ("Countries", Some(f.countries as u64)),
        ("Languages", Some(f.languages as u64)),
        ("Estimated reach (monthly readers)", reach),
        ("Outlets with unknown audience", Some(f.audience_unknown as u64)),
        ("Direct placements", Some(f.direct as u64)),
        ("Syndicated placements", Some(f.syndicated as u64)),
    ];
    for (label, value) in figures {
        ws.write_string(row, 0, label)?;
        match value {
            Some(v) => ws.write_number(row, 1, v as f64)?,
            None => ws.write_string(row, 1, "unknown")?,
        };
        row += 1;
    }
    ws.write_string(row, 0, b.reach_rule())?;
    row += 2;

    if b.sections.len() > 1 {
        row = table(
            ws,
            row,
            &["Article", "Placements", "Outlets", "Estimated reach"],
            b.sections.iter().map(|s| {
                (
                    s.title.clone(),
                    vec![s.figures.placements as u64, s.figures.outlets as u64, s.figures.reach],
                )
            }),
        )?;
    }
    row = table(
        ws,
        row,
        &["Kind", "Placements"],
        f.by_kind.iter().map(|(k, n)| (k.to_string(), vec![*n as u64])),
    )?;
    row = table(
        ws,
        row,
        &["Country", "Placements"],
        f.by_country.iter().map(|(c, n)| (b.names.country(c), vec![*n as u64])),
    )?;
    table(
        ws,
        row,
        &["Language", "Placements"],
        f.by_language
            .iter()
            .map(|(l, n)| (b.names.language(l), vec![*n as u64])),
    )?;
    Ok(())
}

/// A small table of a name and numbers, under a bold header; returns the row after it and a gap.
fn table(
    ws: &mut Worksheet,
    mut row: u32,
    header: &[&str],
    rows: impl Iterator<Item = (String, Vec<u64>)>,
) -> Result<u32, XlsxError> {
    let head = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    for (col, h) in header.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *h, &head)?;
    }
    row += 1;
    for (name, values) in rows {
        ws.write_string(row, 0, cut(&name))?;
        for (i, v) in values.iter().enumerate() {
            ws.write_number(row, i as u16 + 1, *v as f64)?;
        }
        row += 1;
    }
    Ok(row + 1)
}

fn placements(ws: &mut Worksheet, records: &[&ExportRecord]) -> Result<(), XlsxError> {
    ws.set_name("Placements")?;
    let head = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let share = Format::new().set_num_format("0.000");
    for (col, (name, _, width)) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *name, &head)?;
        ws.set_column_width(col as u16, *width)?;
    }
    for (i, r) in records.iter().enumerate() {
        let row = i as u32 + 1;
        let Value::Object(fields) = serde_json::to_value(r).unwrap_or(Value::Null) else {
            continue;
        };
        for (col, (name, cell, _)) in COLUMNS.iter().enumerate() {
            let col = col as u16;
            let value = fields.get(*name).unwrap_or(&Value::Null);
            match (value, cell) {
                (Value::Null, _) => {}
                (Value::Number(n), _) => {
                    let n = n.as_f64().unwrap_or_default();
                    if matches!(*name, "score" | "coverage") {
                        ws.write_number_with_format(row, col, n, &share)?;
                    } else {
                        ws.write_number(row, col, n)?;
                    }
                }
                (Value::String(s), Cell::DateTime) => match chrono::DateTime::parse_from_rfc3339(s) {
                    Ok(t) => {
                        ws.write_datetime_with_format(row, col, t.naive_local(), &date)?;
                    }
                    Err(_) => {
                        ws.write_string(row, col, cut(s))?;
                    }
                },
                (Value::String(s), Cell::Link) if is_web(s) => {
                    if ws.write_url(row, col, s.as_str()).is_err() {
                        ws.write_string(row, col, cut(s))?;
                    }
                }
                (Value::String(s), _) => {
                    ws.write_string(row, col, cut(s))?;
                }
                (Value::Array(items), _) => {
                    let items: Vec<String> = items
                        .iter()
                        .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                        .collect();
                    ws.write_string(row, col, cut(&items.join(", ")))?;
                }
                (other, _) => {
                    ws.write_string(row, col, cut(&other.to_string()))?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let last_row = records.len().max(1) as u32;
    ws.autofilter(0, 0, last_row, COLUMNS.len() as u16 - 1)?;
    Ok(())
}

fn is_web(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_are_every_export_field_in_order() {
        let record = ExportRecord {
            article: String::new(),
            kind: "verbatim",
            score: 1.0,
            url: String::new(),
            canonical_url: String::new(),
            outlet: String::new(),
            outlet_name: String::new(),
            country: String::new(),
            language: String::new(),
            title: None,
            published: None,
            first_seen: String::new(),
            evidence: String::new(),
            coverage: 1.0,
            missing_paragraphs: vec![],
            syndicated_from: None,
            group: None,
            found_via: None,
            audience: None,
            date_note: None,
            judgement: "pickup",
            status_now: Some("gone"),
            checked_at: Some("2026-02-01T00:00:00Z".into()),
        };
        let json = serde_json::to_string(&record).unwrap();
        // serde writes fields in declaration order: the columns follow it.
        let mut at = 0;
        for (name, _, _) in COLUMNS {
            let pos = json[at..].find(&format!("\"{name}\":")).map(|p| p + at);
            assert!(pos.is_some(), "{name} out of order or missing in {json}");
            at = pos.unwrap();
        }
        let fields = serde_json::to_value(&record).unwrap().as_object().unwrap().len();
        assert_eq!(fields, COLUMNS.len(), "every export field has a column");
    }

    #[test]
    fn cells_are_cut_at_excels_limit() {
        assert_eq!(cut("short"), "short");
        assert_eq!(cut(&"字".repeat(40_000)).encode_utf16().count(), MAX_CELL_CHARS - 1);
    }
}
