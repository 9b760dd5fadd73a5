//! JSON export: one array of records, pretty-printed.

use super::ExportRecord;
use std::io::Write;

pub(crate) fn write(out: &mut dyn Write, records: &[ExportRecord]) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, records)?;
    writeln!(out)
}
