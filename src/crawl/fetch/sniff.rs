//! What a body is, from its first bytes: the Content-Type header is a hint, not the truth.
//! Static hosting sends feeds as `application/octet-stream`, S3 as `binary/octet-stream`, some
//! servers send `text/plain` or nothing at all, so a body is refused only when its own bytes say
//! it is not text.
//!
//! The rules follow the WHATWG MIME Sniffing standard's shape (§7.1 "identifying a resource with
//! an unknown MIME type"): markup and feed roots first, then magic numbers (the `infer` crate's
//! table of images, video, audio, archives, documents, fonts and executables), then the
//! "binary data bytes" test (control bytes no text encoding pickup reads would produce).

/// How many leading bytes are sniffed. The WHATWG algorithm reads up to 1445; every signature
/// we look for sits in the first few dozen, and a whitespace-padded feed still shows its `<`.
pub(super) const SNIFF_BYTES: usize = 1445;

/// What the first bytes of a body say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sniffed {
    /// A gzip file (a `.xml.gz` sitemap): inflated by the feed and sitemap readers.
    Gzip,
    /// Starts (after a byte-order mark and white space) with `<`: XML, a feed, a sitemap, HTML.
    Markup,
    /// Starts with `{` or `[`: a JSON Feed, or other JSON.
    Json,
    /// Nothing recognised, and no binary data bytes: text of some kind (a text sitemap, say).
    Text,
    /// Clearly not text; the MIME type its magic number names, or "binary data".
    Binary(&'static str),
}

impl Sniffed {
    /// Markup, JSON or gzip: worth reading whatever the Content-Type claimed.
    pub(super) fn is_document(self) -> bool {
        matches!(self, Sniffed::Gzip | Sniffed::Markup | Sniffed::Json)
    }
}

/// Sniffs the first bytes of a body (pass at least [`SNIFF_BYTES`] when the body has them).
pub(super) fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(&[0x1f, 0x8b]) {
        return Sniffed::Gzip;
    }
    // UTF-16 and UTF-32 (with a BOM, or XML's `<` with zero bytes around it) are text.
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Sniffed::Markup;
    }
    if matches!(head, [0, b'<', ..] | [b'<', 0, ..] | [0, 0, 0, b'<', ..]) {
        return Sniffed::Markup;
    }
    let text = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => return Sniffed::Markup,
        Some(b'{' | b'[') => return Sniffed::Json,
        _ => {}
    }
    if let Some(kind) = infer::get(head)
        && kind.matcher_type() != infer::MatcherType::Text
    {
        return Sniffed::Binary(kind.mime_type());
    }
    if text.iter().any(|&b| is_binary_data_byte(b)) {
        return Sniffed::Binary("binary data");
    }
    Sniffed::Text
}

/// WHATWG MIME Sniffing's binary data bytes: C0 controls other than tab, line feed, form feed,
/// carriage return and escape (ESC starts ISO-2022-JP's shifts).
fn is_binary_data_byte(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F)
}

/// Media types that are never a feed, a sitemap or a page: media, documents, archives,
/// binaries. A body declared so is still read if its bytes are markup or JSON (servers mislabel
/// both ways); generic types (`application/octet-stream`, `binary/octet-stream`, gzip) and
/// text types are read and sniffed.
pub(super) fn declared_not_text(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let Some((top, sub)) = mime.split_once('/') else {
        return false;
    };
    match top {
        "image" | "video" | "audio" | "font" | "model" => true,
        "application" => {
            matches!(
                sub,
                "pdf"
                    | "zip"
                    | "x-tar"
                    | "x-bzip2"
                    | "x-xz"
                    | "x-7z-compressed"
                    | "x-rar-compressed"
                    | "vnd.rar"
                    | "msword"
                    | "java-archive"
                    | "wasm"
                    | "x-shockwave-flash"
                    | "x-msdownload"
                    | "x-iso9660-image"
                    | "postscript"
            ) || sub.starts_with("vnd.ms-")
                || sub.starts_with("vnd.openxmlformats")
                || sub.starts_with("vnd.oasis.opendocument")
                || sub.starts_with("vnd.android")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_recognised_whatever_their_type() {
        for (body, want) in [
            (&b"<?xml version=\"1.0\"?><rss>"[..], Sniffed::Markup),
            (
                b"\xEF\xBB\xBF  \n<feed xmlns=\"http://www.w3.org/2005/Atom\">",
                Sniffed::Markup,
            ),
            (b"<!DOCTYPE html><html>", Sniffed::Markup),
            (b"\n\n<urlset>", Sniffed::Markup),
            (b"<\0?\0x\0m\0l\0", Sniffed::Markup),
            (b"{\"version\": \"https://jsonfeed.org/version/1.1\"}", Sniffed::Json),
            (b"\x1f\x8b\x08\x00\x00\x00", Sniffed::Gzip),
            (b"https://example.com/a\nhttps://example.com/b\n", Sniffed::Text),
            (b"caf\xe9 cr\xe8me", Sniffed::Text),
            (b"\x1b$B", Sniffed::Text),
        ] {
            assert_eq!(sniff(body), want, "{body:?}");
        }
    }

    #[test]
    fn binaries_are_refused_by_their_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(png), Sniffed::Binary("image/png"));
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3"), Sniffed::Binary("application/pdf"));
        assert_eq!(sniff(b"PK\x03\x04\x14\0\0\0"), Sniffed::Binary("application/zip"));
        assert!(matches!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Sniffed::Binary(_)));
        assert_eq!(sniff(b"abc\x00\x01\x02def"), Sniffed::Binary("binary data"));
    }

    #[test]
    fn declared_types() {
        for ct in ["image/png", "video/mp4", "application/pdf", "application/zip"] {
            assert!(declared_not_text(ct), "{ct}");
        }
        for ct in [
            "text/html; charset=utf-8",
            "application/rss+xml",
            "application/octet-stream",
            "binary/octet-stream",
            "application/x-gzip",
            "application/json",
            "text/plain",
            "weird",
        ] {
            assert!(!declared_not_text(ct), "{ct}");
        }
    }
}
