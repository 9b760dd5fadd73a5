//! Gzip files as bodies: a `.xml.gz` sitemap served as application/gzip, or a saved page read
//! by `pickup check`. (A gzip Content-Encoding is undone by the HTTP client; this is the file.)

use std::borrow::Cow;
use std::io::Read;

/// The most a gzip body may inflate to: far above any real feed, sitemap or page, far below
/// what a decompression bomb would take.
pub(crate) const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;

/// Inflates a body that starts with the gzip magic bytes, refusing more than
/// [`MAX_INFLATED_BYTES`]; any other body is returned as it is.
pub(crate) fn inflate_if_gzip(body: &[u8]) -> Result<Cow<'_, [u8]>, String> {
    if !body.starts_with(&[0x1f, 0x8b]) {
        return Ok(Cow::Borrowed(body));
    }
    let mut out = Vec::with_capacity(body.len().saturating_mul(4));
    let mut reader = flate2::read::MultiGzDecoder::new(body).take(MAX_INFLATED_BYTES + 1);
    match reader.read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > MAX_INFLATED_BYTES => {
            Err(format!("gzip body inflates past {MAX_INFLATED_BYTES} bytes"))
        }
        Ok(_) => Ok(Cow::Owned(out)),
        // A truncated gzip stream still yields what came before the cut: use that.
        Err(_) if !out.is_empty() => Ok(Cow::Owned(out)),
        Err(e) => Err(format!("invalid gzip: {e}")),
    }
}
