//! Bytes → text: finds a document's character encoding and decodes it with encoding_rs.
//!
//! The order follows the WHATWG encoding sniffing algorithm (HTML §13.2.3.2), with the bytes
//! given the last word where labels are known to lie:
//! 1. a byte order mark (it overrides everything, as in browsers and the XML spec);
//! 2. for XML, the byte pattern of `<?` in UTF-16/UTF-32 without a BOM (XML 1.0 appendix F);
//! 3. bytes that are UTF-8: valid UTF-8 with non-ASCII characters is UTF-8 whatever a label says
//!    (legacy text never forms valid multi-byte sequences by chance), and so is text valid but
//!    for a few stray bytes ([`UTF8_PER_STRAY_BYTE`]) when the header or the page says UTF-8 or
//!    nothing says anything: the stray bytes become U+FFFD, as in a browser;
//! 4. the HTTP `Content-Type` charset, and
//! 5. the document's own declaration: `<meta charset>` / `<meta http-equiv=Content-Type>` in the
//!    first [`PRESCAN_BYTES`] of HTML, or `<?xml ... encoding="..."?>` for XML. When the header
//!    and the declaration disagree, the bytes decide: chardetng's guess picks one of the two,
//!    and the declaration wins if it names neither (on pure ASCII, the header wins);
//! 6. valid (ASCII) UTF-8 → UTF-8;
//! 7. chardetng's guess (the detector Firefox uses), optionally helped by the site's TLD.
//!
//! A label we cannot honour is skipped and the next step decides: an unknown name, the
//! "replacement" encoding, or UTF-16/UTF-32 claimed by a document whose bytes are plainly
//! ASCII-compatible (a declaration readable as ASCII cannot be in UTF-16). Likewise an HTTP
//! "utf-8" is not trusted when the bytes are not UTF-8: servers send that default for legacy
//! pages whose `<meta>` tells the truth.

use encoding_rs::{Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE};
use url::Url;

/// How many leading bytes of an HTML page are searched for `<meta charset>`. The HTML spec says
/// 1024; real pages put long `<script>` blocks first, so look a little further.
pub const PRESCAN_BYTES: usize = 4096;

/// chardetng needs enough text to tell encodings apart but gains little past this.
const SNIFF_BYTES: usize = 256 * 1024;

/// The kind of document, which decides where its in-band declaration lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Html,
    Xml,
}

/// What decided the encoding, for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Bom,
    /// XML without a BOM whose first bytes are `<?` in UTF-16 or UTF-32.
    BytePattern,
    HttpHeader,
    /// `<meta>` in HTML or the XML declaration.
    Declaration,
    ValidUtf8,
    Sniffed,
}

/// A decoded document.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// Canonical name of the encoding used (e.g. "windows-1252", "Shift_JIS", "UTF-32LE").
    pub encoding: &'static str,
    pub source: Source,
    /// Some bytes were invalid in that encoding and became U+FFFD.
    pub had_errors: bool,
}

/// Decodes an HTML page. `content_type` is the HTTP header, if any; the page's URL, if known,
/// lends its country domain to the last-resort guess.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>, page_url: Option<&Url>) -> String {
    decode(bytes, content_type, Kind::Html, page_url.and_then(tld)).text
}

/// The top-level domain of a URL's host (`ru`, `jp`, `com`), a hint for guessing an encoding.
pub fn tld(url: &Url) -> Option<&str> {
    url.host_str()
        .and_then(|h| h.rsplit('.').next())
        .filter(|t| t.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Decodes with full detail. `tld` (e.g. "ru", "jp", from the page's host) only helps the last
/// resort guess, when nothing in the headers or the document says what the encoding is.
pub fn decode(bytes: &[u8], content_type: Option<&str>, kind: Kind, tld: Option<&str>) -> Decoded {
    let (charset, source) = detect(bytes, content_type, kind, tld);
    let (text, had_errors) = match charset {
        Charset::Enc(enc) => {
            let body = if source == Source::Bom { strip_bom(bytes) } else { bytes };
            let (text, had_errors) = enc.decode_without_bom_handling(body);
            (text.into_owned(), had_errors)
        }
        Charset::Utf32 { big_endian } => {
            let body = if source == Source::Bom { &bytes[4..] } else { bytes };
            decode_utf32(body, big_endian)
        }
    };
    Decoded {
        text,
        encoding: charset.name(),
        source,
        had_errors,
    }
}

/// encoding_rs implements the WHATWG set, which has no UTF-32; XML allows it, so it is handled here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    Enc(&'static Encoding),
    Utf32 { big_endian: bool },
}

impl Charset {
    fn name(self) -> &'static str {
        match self {
            Charset::Enc(e) => e.name(),
            Charset::Utf32 { big_endian: true } => "UTF-32BE",
            Charset::Utf32 { big_endian: false } => "UTF-32LE",
        }
    }
}

fn detect(bytes: &[u8], content_type: Option<&str>, kind: Kind, tld: Option<&str>) -> (Charset, Source) {
    if let Some(cs) = bom(bytes) {
        return (cs, Source::Bom);
    }
    if kind == Kind::Xml
        && let Some(cs) = xml_byte_pattern(bytes)
    {
        return (cs, Source::BytePattern);
    }
    let header = content_type
        .and_then(charset_param)
        .and_then(|l| usable_label(l, bytes, kind));
    let declared = match kind {
        Kind::Html => html_meta_charset(&bytes[..bytes.len().min(PRESCAN_BYTES)]),
        Kind::Xml => xml_decl_encoding(bytes),
    }
    .and_then(|l| usable_label(l, bytes, kind));
    let utf8 = Charset::Enc(UTF_8);
    let fit = utf8_fit(bytes);
    // The bytes first: text that is UTF-8 (non-ASCII, and valid but for a few stray bytes when
    // something says UTF-8 or nothing says anything) is UTF-8 whatever a label claims. Legacy
    // encodings practically never form valid multi-byte UTF-8 sequences by chance.
    let labelled_utf8 = header == Some(utf8) || declared == Some(utf8);
    let unlabelled = header.is_none() && declared.is_none();
    match fit {
        Utf8Fit::Valid { non_ascii: true } | Utf8Fit::Mostly if labelled_utf8 => {
            let source = if header == Some(utf8) {
                Source::HttpHeader
            } else {
                Source::Declaration
            };
            return (utf8, source);
        }
        Utf8Fit::Valid { non_ascii: true } => return (utf8, Source::ValidUtf8),
        Utf8Fit::Mostly if unlabelled => return (utf8, Source::ValidUtf8),
        _ => {}
    }
    // Servers often append "charset=utf-8" to legacy pages: a UTF-8 label over bytes that are
    // not UTF-8 is not believed.
    let believable = |cs: &Charset| *cs != utf8 || fit.is_utf8();
    match (header.filter(believable), declared.filter(believable)) {
        // The header and the page disagree: the bytes decide, through the detector, between the
        // two; if it names neither, the page's own declaration (written with the bytes) wins.
        // ASCII bytes give no evidence: then the header wins, as in HTML.
        (Some(h), Some(d)) if h != d && fit != (Utf8Fit::Valid { non_ascii: false }) => {
            let guess = Charset::Enc(sniff(bytes, tld));
            if guess == h {
                (h, Source::HttpHeader)
            } else {
                (d, Source::Declaration)
            }
        }
        (Some(h), _) => (h, Source::HttpHeader),
        (None, Some(d)) => (d, Source::Declaration),
        (None, None) if fit.is_utf8() => (utf8, Source::ValidUtf8),
        (None, None) => (Charset::Enc(sniff(bytes, tld)), Source::Sniffed),
    }
}

/// At least this many valid multi-byte UTF-8 characters per invalid sequence for a body to be
/// UTF-8 with a few stray bytes (a windows-1252 quote pasted into a UTF-8 page) rather than a
/// legacy encoding, whose non-ASCII bytes almost never form valid UTF-8.
const UTF8_PER_STRAY_BYTE: usize = 4;

/// How well a body fits UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Utf8Fit {
    /// Valid (a multi-byte sequence cut off at the very end is tolerated: bodies are capped).
    Valid {
        non_ascii: bool,
    },
    /// Valid but for a few stray bytes: see [`UTF8_PER_STRAY_BYTE`].
    Mostly,
    No,
}

impl Utf8Fit {
    fn is_utf8(self) -> bool {
        self != Utf8Fit::No
    }
}

fn utf8_fit(bytes: &[u8]) -> Utf8Fit {
    let mut rest = bytes;
    let (mut good, mut bad) = (0usize, 0usize);
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                good += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                good += std::str::from_utf8(valid)
                    .map(|s| s.chars().filter(|c| !c.is_ascii()).count())
                    .unwrap_or(0);
                match e.error_len() {
                    // Cut off at the end of the body.
                    None if after.len() < 4 => break,
                    None => {
                        bad += 1;
                        break;
                    }
                    Some(n) => {
                        bad += 1;
                        rest = &after[n..];
                    }
                }
            }
        }
    }
    match bad {
        0 => Utf8Fit::Valid { non_ascii: good > 0 },
        _ if good >= bad * UTF8_PER_STRAY_BYTE => Utf8Fit::Mostly,
        _ => Utf8Fit::No,
    }
}

fn bom(bytes: &[u8]) -> Option<Charset> {
    // UTF-32LE's BOM starts with UTF-16LE's, so test it first.
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => Some(Charset::Utf32 { big_endian: false }),
        [0, 0, 0xFE, 0xFF, ..] => Some(Charset::Utf32 { big_endian: true }),
        _ => Encoding::for_bom(bytes).map(|(enc, _)| Charset::Enc(enc)),
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    match Encoding::for_bom(bytes) {
        Some((_, len)) => &bytes[len..],
        None => bytes,
    }
}

/// XML 1.0 appendix F: without a BOM, a document must start with `<?xml` (or at least `<`), so
/// the zero bytes around the first characters reveal UTF-16 and UTF-32.
fn xml_byte_pattern(bytes: &[u8]) -> Option<Charset> {
    match bytes {
        [0, 0, 0, b'<', ..] => Some(Charset::Utf32 { big_endian: true }),
        [b'<', 0, 0, 0, ..] => Some(Charset::Utf32 { big_endian: false }),
        [0, b'<', 0, b'?', ..] => Some(Charset::Enc(UTF_16BE)),
        [b'<', 0, b'?', 0, ..] => Some(Charset::Enc(UTF_16LE)),
        _ => None,
    }
}

/// Maps a label to a charset we can honour for these bytes, or None to let the next step decide.
/// In HTML, as the WHATWG prescan says, `x-user-defined` is windows-1252 and a UTF-16 label on
/// ASCII-compatible bytes is UTF-8.
fn usable_label(label: &str, bytes: &[u8], kind: Kind) -> Option<Charset> {
    let label = label.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    let lower = label.to_ascii_lowercase();
    if kind == Kind::Html && lower == "x-user-defined" {
        return Some(Charset::Enc(encoding_rs::WINDOWS_1252));
    }
    if lower.starts_with("utf-32") || lower.starts_with("ucs-4") || lower == "utf32" {
        // Without a BOM or the XML byte pattern (tested before), UTF-32 is not what these bytes are.
        return None;
    }
    let enc = Encoding::for_label(lower.as_bytes())?;
    if enc == REPLACEMENT {
        // Labels such as iso-2022-kr map to an encoding that turns the whole body into one U+FFFD.
        return None;
    }
    if enc == UTF_16LE || enc == UTF_16BE {
        // A UTF-16 label read as ASCII from the document (or a header on ASCII-looking bytes) is
        // wrong: real UTF-16 has been caught by the BOM or byte pattern. Trust the bytes.
        return match looks_utf16(bytes) {
            Some(be) => Some(Charset::Enc(if be { UTF_16BE } else { UTF_16LE })),
            None if kind == Kind::Html => Some(Charset::Enc(UTF_8)),
            None => None,
        };
    }
    Some(Charset::Enc(enc))
}

/// UTF-16 text with mostly ASCII content has a zero in every other byte; says which side.
fn looks_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(512) & !1];
    if sample.len() < 4 {
        return None;
    }
    let even_zeros = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zeros = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let half = sample.len() / 2;
    if even_zeros * 2 > half && odd_zeros * 8 < half {
        Some(true)
    } else if odd_zeros * 2 > half && even_zeros * 8 < half {
        Some(false)
    } else {
        None
    }
}

/// The `charset` parameter of a Content-Type header value.
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// The `encoding` pseudo-attribute of an XML declaration at the very start of the document.
pub fn xml_decl_encoding(bytes: &[u8]) -> Option<&str> {
    let (start, end) = xml_decl_span(bytes)?;
    let decl = std::str::from_utf8(&bytes[start..end]).ok()?;
    pseudo_attr(decl, "encoding").map(|(_, value)| value)
}

/// Byte range of `<?xml ... ?>` if the document opens with one (after optional whitespace).
pub(crate) fn xml_decl_span(bytes: &[u8]) -> Option<(usize, usize)> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &bytes[start..];
    if rest.len() < 6 || !rest[..5].eq_ignore_ascii_case(b"<?xml") || !rest[5].is_ascii_whitespace() {
        return None;
    }
    let limit = rest.len().min(512);
    let close = rest[..limit].windows(2).position(|w| w == b"?>")?;
    Some((start, start + close + 2))
}

/// Finds `name = "value"` (or single quotes) in a declaration; returns the byte range of the whole
/// attribute within `decl` and the value.
pub(crate) fn pseudo_attr<'a>(decl: &'a str, name: &str) -> Option<((usize, usize), &'a str)> {
    let mut from = 0;
    while let Some(pos) = decl[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        // A whole attribute name only: not the tail of `xmlns:version` or `myencoding`.
        if at > 0 && !decl.as_bytes()[at - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = decl[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else { continue };
        let rest = rest.trim_start();
        let quote = rest.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let value_start = decl.len() - rest.len() + 1;
        let value_len = decl[value_start..].find(quote)?;
        return Some((
            (at, value_start + value_len + 1),
            &decl[value_start..value_start + value_len],
        ));
    }
    None
}

/// A simplified HTML prescan: the first `<meta>` with `charset=`, or `http-equiv=content-type`
/// whose `content` has a charset. Comments are skipped so a commented-out meta does not count.
fn html_meta_charset(head: &[u8]) -> Option<&str> {
    let mut i = 0;
    while i < head.len() {
        let Some(lt) = memchr::memchr(b'<', &head[i..]) else {
            break;
        };
        i += lt;
        let rest = &head[i..];
        if rest.starts_with(b"<!--") {
            i += find(rest, b"-->").map_or(rest.len(), |p| p + 3);
            continue;
        }
        if rest.len() > 5 && rest[1..5].eq_ignore_ascii_case(b"meta") && is_attr_sep(rest[5]) {
            let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
            if let Some(label) = meta_tag_charset(&rest[5..end]) {
                return Some(label);
            }
            i += end;
        } else {
            i += 1;
        }
    }
    None
}

fn is_attr_sep(b: u8) -> bool {
    b.is_ascii_whitespace() || b == b'/'
}

/// Attributes of one `<meta ...>` tag → the charset it declares, if any.
fn meta_tag_charset(attrs: &[u8]) -> Option<&str> {
    let mut charset = None;
    let mut content = None;
    let mut http_equiv_ct = false;
    for (name, value) in parse_attrs(attrs) {
        if name.eq_ignore_ascii_case(b"charset") {
            charset = charset.or(Some(value));
        } else if name.eq_ignore_ascii_case(b"content") {
            content = content.or(Some(value));
        } else if name.eq_ignore_ascii_case(b"http-equiv") {
            http_equiv_ct |= value.eq_ignore_ascii_case(b"content-type");
        }
    }
    if let Some(cs) = charset {
        return std::str::from_utf8(cs).ok().map(str::trim).filter(|s| !s.is_empty());
    }
    if http_equiv_ct {
        let content = std::str::from_utf8(content?).ok()?;
        // `content="text/html; charset=Shift_JIS"`: the same syntax as the HTTP header.
        let lower = content.to_ascii_lowercase();
        let at = lower.find("charset")?;
        let rest = content[at + 7..].trim_start().strip_prefix('=')?.trim_start();
        let rest = rest.trim_start_matches(['"', '\'']);
        let end = rest
            .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
            .unwrap_or(rest.len());
        return Some(&rest[..end]).filter(|s| !s.is_empty());
    }
    None
}

/// Minimal attribute tokenizer for a tag's inside: `name`, `name=value`, `name="value"`.
fn parse_attrs(mut s: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    std::iter::from_fn(move || {
        loop {
            let skip = s.iter().position(|b| !is_attr_sep(*b))?;
            s = &s[skip..];
            let name_len = s
                .iter()
                .position(|b| b.is_ascii_whitespace() || *b == b'=' || *b == b'/')
                .unwrap_or(s.len());
            if name_len == 0 {
                // A stray '=': drop it and go on.
                s = &s[1..];
                continue;
            }
            let name = &s[..name_len];
            s = &s[name_len..];
            let ws = s.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(s.len());
            if s.get(ws) != Some(&b'=') {
                return Some((name, &b""[..]));
            }
            s = &s[ws + 1..];
            let ws = s.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(s.len());
            s = &s[ws..];
            let value = match s.first() {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let len = s[1..].iter().position(|&b| b == q).unwrap_or(s.len() - 1);
                    let v = &s[1..1 + len];
                    s = &s[(len + 2).min(s.len())..];
                    v
                }
                _ => {
                    let len = s.iter().position(|b| b.is_ascii_whitespace()).unwrap_or(s.len());
                    let v = &s[..len];
                    s = &s[len..];
                    v
                }
            };
            return Some((name, value));
        }
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn sniff(bytes: &[u8], tld: Option<&str>) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    detector.feed(sample, sample.len() == bytes.len());
    // chardetng wants a lowercase ASCII TLD; anything else would be ignored or misleading.
    let tld = tld.filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric()));
    let lower = tld.map(str::to_ascii_lowercase);
    // UTF-8 was ruled out already: the bytes are not valid UTF-8.
    detector.guess(lower.as_deref().map(str::as_bytes), chardetng::Utf8Detection::Deny)
}

fn decode_utf32(bytes: &[u8], big_endian: bool) -> (String, bool) {
    let mut had_errors = !bytes.len().is_multiple_of(4);
    let text = bytes
        .chunks_exact(4)
        .map(|c| {
            let arr = [c[0], c[1], c[2], c[3]];
            let v = if big_endian {
                u32::from_be_bytes(arr)
            } else {
                u32::from_le_bytes(arr)
            };
            char::from_u32(v).unwrap_or_else(|| {
                had_errors = true;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    (text, had_errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_overrides_header_and_declaration() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<?xml version='1.0' encoding='iso-8859-1'?><a>é</a>".as_bytes());
        let d = decode(&bytes, Some("text/xml; charset=shift_jis"), Kind::Xml, None);
        assert_eq!(d.source, Source::Bom);
        assert!(d.text.starts_with("<?xml") && d.text.contains('é'));
    }

    #[test]
    fn utf16_declared_but_bytes_are_utf8() {
        let d = decode(
            "<?xml version=\"1.0\" encoding=\"utf-16\"?><a>ü</a>".as_bytes(),
            None,
            Kind::Xml,
            None,
        );
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains('ü'));
    }

    #[test]
    fn header_utf8_on_latin1_bytes_falls_back_to_meta() {
        let d = decode(
            b"<meta charset=windows-1252><p>caf\xe9</p>",
            Some("text/html; charset=UTF-8"),
            Kind::Html,
            None,
        );
        assert_eq!((d.encoding, d.source), ("windows-1252", Source::Declaration));
        assert!(d.text.contains("café"));
    }

    #[test]
    fn http_equiv_and_charset_param() {
        let page = br#"<html><head><!-- <meta charset="koi8-r"> --><meta http-equiv="Content-Type" content="text/html; charset=EUC-JP"></head>"#;
        assert_eq!(html_meta_charset(page), Some("EUC-JP"));
        assert_eq!(charset_param("text/xml;charset= \"us-ascii\""), Some("us-ascii"));
        assert_eq!(charset_param("text/html"), None);
    }

    #[test]
    fn truncated_utf8_is_still_utf8() {
        let s = "caf\u{e9} \u{65e5}\u{672c}".as_bytes();
        assert_eq!(utf8_fit(&s[..s.len() - 1]), Utf8Fit::Valid { non_ascii: true });
        assert_eq!(utf8_fit(b"plain"), Utf8Fit::Valid { non_ascii: false });
        let stray = ["d\u{e9}j\u{e0} \u{e9}t\u{e9} ".as_bytes(), b"\x93x"].concat();
        assert_eq!(utf8_fit(&stray), Utf8Fit::Mostly);
        assert_eq!(utf8_fit(b"caf\xe9 cr\xe8me"), Utf8Fit::No);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for bytes in [
            &b""[..],
            b"<",
            b"<?xml ",
            b"\xff\xfe\x00",
            b"<meta charset",
            b"<meta content=\"charset=",
        ] {
            let _ = decode(bytes, Some("text/html; charset"), Kind::Html, Some("jp"));
            let _ = decode(bytes, Some(";charset=\""), Kind::Xml, None);
        }
    }
}
