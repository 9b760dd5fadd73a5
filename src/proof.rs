//! Evidence that outlives a takedown: the matched passage, compressed, and a hash of the page as
//! it was served, kept with a placement so it can be shown after the page is gone.
//!
//! The passage is compressed with DEFLATE in a zlib wrapper (RFC 1950/1951, flate2) and stored
//! as base64 (RFC 4648), since store records are JSON. The hash is xxh3-64 of the page's HTML
//! as text (its charset decoded, as UTF-8), the same whether the page was fetched by a run or
//! read by `pickup check --record`: a fingerprint that tells whether a copy of the page someone
//! kept (an archive's HTML, saved as UTF-8) is the page pickup saw, not a cryptographic seal.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

/// The longest passage kept, in bytes before compression: a whole op-ed is some 10 KiB, so this
/// keeps any real one whole while a runaway page cannot bloat the store.
pub const MAX_PASSAGE_BYTES: usize = 256 * 1024;

/// What was kept of the page when the placement was first recorded (or, for a placement recorded
/// before pickup kept it, at its first successful re-check). Never replaced once kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// The matched passage in full (up to [`MAX_PASSAGE_BYTES`]), zlib-compressed, base64.
    pub passage_zlib: String,
    /// xxh3-64 of the page's HTML as UTF-8 text, 16 lowercase hex digits ([`html_hash`]).
    pub html_xxh3: String,
    /// When the page was fetched.
    pub captured_at: DateTime<Utc>,
}

/// A kept passage that cannot be read back (a store edited by hand, or damaged).
#[derive(Debug, thiserror::Error)]
#[error("the kept passage cannot be read: {0}")]
pub struct ProofError(String);

impl Proof {
    /// Keeps `passage` (cut at a character boundary at [`MAX_PASSAGE_BYTES`]) and `html_xxh3`,
    /// the page's [`html_hash`].
    pub fn new(passage: &str, html_xxh3: String, captured_at: DateTime<Utc>) -> Proof {
        let mut end = passage.len().min(MAX_PASSAGE_BYTES);
        while !passage.is_char_boundary(end) {
            end -= 1;
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = z.write_all(&passage.as_bytes()[..end]);
        let compressed = z.finish().unwrap_or_default();
        Proof {
            passage_zlib: base64::engine::general_purpose::STANDARD.encode(compressed),
            html_xxh3,
            captured_at,
        }
    }

    /// The kept passage, decompressed.
    ///
    /// # Errors
    /// [`ProofError`] when the stored text is not base64 of zlib data holding UTF-8.
    pub fn passage(&self) -> Result<String, ProofError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.passage_zlib)
            .map_err(|e| ProofError(e.to_string()))?;
        let mut text = String::new();
        flate2::read::ZlibDecoder::new(bytes.as_slice())
            .take(MAX_PASSAGE_BYTES as u64 + 1)
            .read_to_string(&mut text)
            .map_err(|e| ProofError(e.to_string()))?;
        Ok(text)
    }
}

/// xxh3-64 of a page's HTML (UTF-8 bytes), as [`Proof::html_xxh3`] writes it.
pub fn html_hash(html: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passage_comes_back_whole_and_the_hash_names_the_body() {
        let passage = "Las ciudades costeras necesitan un plan. ".repeat(50);
        let at = "2026-01-02T03:04:05Z".parse().unwrap();
        let proof = Proof::new(&passage, html_hash(b"<html>page</html>"), at);
        assert_eq!(proof.passage().unwrap(), passage);
        assert!(proof.passage_zlib.len() < passage.len() / 4, "compressed");
        assert_eq!(proof.html_xxh3, html_hash(b"<html>page</html>"));
        assert_eq!(proof.html_xxh3.len(), 16);
        assert_ne!(proof.html_xxh3, html_hash(b"<html>page</html> "));
        let cut = Proof::new(&"é".repeat(MAX_PASSAGE_BYTES), html_hash(b""), at);
        assert_eq!(cut.passage().unwrap().len(), MAX_PASSAGE_BYTES);
        let bad = Proof {
            passage_zlib: "not base64!".into(),
            ..proof
        };
        assert!(bad.passage().is_err());
    }
}
