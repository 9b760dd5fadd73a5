//! Bytes → text: finds a document's character encoding and decodes it with encoding_rs.
//!
//! Placeholder implementation (Content-Type charset, else UTF-8); replaced by full sniffing.

use encoding_rs::{Encoding, UTF_8};

/// Decodes an HTML page. `content_type` is the HTTP header, if any.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    decode(bytes, content_type)
}

/// Decodes an XML document (feed, sitemap) to UTF-8 text.
pub fn decode_xml(bytes: &[u8], content_type: Option<&str>) -> String {
    decode(bytes, content_type)
}

fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let enc = content_type
        .and_then(|ct| ct.split(';').find_map(|p| p.trim().strip_prefix("charset=")))
        .and_then(|l| Encoding::for_label(l.trim_matches('"').as_bytes()))
        .unwrap_or(UTF_8);
    enc.decode(bytes).0.into_owned()
}
