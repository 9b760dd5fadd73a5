//! Where command results go: standard output (a closed pipe is not an error) or a file.

use crate::error::Error;
use std::io::Write;
use std::path::Path;

/// Writes `text` to standard output; a closed pipe (`pickup export | head`) is not an error.
///
/// # Errors
/// [`Error::Other`] when standard output cannot be written for another reason.
pub fn print(text: &str) -> Result<(), Error> {
    print_bytes(text.as_bytes())
}

/// [`print`] for bytes (CSV with its byte-order mark, XLSX).
pub fn print_bytes(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Other(format!("cannot write output: {e}"))),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` when given, else to standard output.
///
/// # Errors
/// [`Error::Io`] naming the file when it cannot be written.
pub fn write_to(path: Option<&Path>, bytes: &[u8]) -> Result<(), Error> {
    match path {
        Some(path) => std::fs::write(path, bytes).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        }),
        None => print_bytes(bytes),
    }
}
