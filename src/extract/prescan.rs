//! One linear pass over the raw HTML before it is parsed. It drops what is never article text
//! — scripts other than JSON-LD, styles, inline SVG, comments, and the attributes no part of
//! extraction reads — so the parser builds a tree of what matters (on news pages these are
//! more than half the bytes), and it measures how deep the tags nest, so that pages too deep
//! for a tree are read flat ([`super::flat`]).

use std::borrow::Cow;

/// Nesting depth beyond which a page is read flat. The 181 real pages of the extraction corpus
/// reach 30 at most; at 1,900 the tree path already took 0.8 s (release) on a near-empty page,
/// growing with the square of the depth, so 512 leaves ample headroom at a bounded cost (~60 ms).
const MAX_DEPTH: usize = 512;

/// Elements that never hold children, or whose end tag is optional and usually left out:
/// they must not count as an opened level.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "option", "tr", "td", "th",
];

/// Elements whose content is raw text to the parser (WHATWG HTML, "parsing HTML documents":
/// raw text and escapable raw text elements, and `noscript` with scripting enabled): their
/// content holds no tags, so the scan skips it whole.
const RAW_TEXT: &[&str] = &["textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

/// What the pass found.
pub(super) struct Prescanned<'a> {
    /// The page without scripts (JSON-LD kept), styles, inline SVG and comments; borrowed when
    /// there was nothing to drop.
    pub html: Cow<'a, str>,
    /// True when tags nest deeper than [`MAX_DEPTH`]; `html` is then the input unchanged.
    pub too_deep: bool,
    /// The text of each dropped script, in page order (from the end of its start tag to the end
    /// of its end tag): where pages that give their date only to their own scripts keep it
    /// (`"published_at": "…"` in a data object), read by the date finder without a second pass.
    pub scripts: Vec<&'a str>,
}

/// Scans `html` once. Tags are found the way a browser's tokenizer finds them: `<` followed by
/// a letter, `/` or `!`; attribute values in quotes may hold `>`; raw-text elements are skipped
/// to their end tag. Unterminated constructs run to the end of the page, as in a browser.
pub(super) fn prescan(html: &str) -> Prescanned<'_> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    // Bytes before `kept_to` have been copied to `out` (or dropped).
    let mut kept_to = 0;
    let mut depth = 0usize;
    let mut scripts = Vec::new();
    let mut i = 0;
    let drop_range = |out: &mut Option<String>, kept_to: &mut usize, from: usize, to: usize| {
        let buf = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
        buf.push_str(&html[*kept_to..from]);
        *kept_to = to;
    };
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let lt = i + off;
        let next = bytes.get(lt + 1).copied().unwrap_or(0);
        if next == b'!' {
            if bytes[lt..].starts_with(b"<!--") {
                // "<!-->" is an (abruptly closed) empty comment, so the search starts at the dashes.
                let end = memchr::memmem::find(&bytes[lt + 2..], b"-->").map_or(bytes.len(), |e| lt + 2 + e + 3);
                drop_range(&mut out, &mut kept_to, lt, end);
                i = end;
            } else {
                i = tag_end(bytes, lt + 2);
            }
            continue;
        }
        if next == b'?' {
            i = tag_end(bytes, lt + 2);
            continue;
        }
        let closing = next == b'/';
        let name_start = lt + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1; // a literal "<" in text
            continue;
        }
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        let name = &html[name_start..name_start + name_len];
        let end = tag_end(bytes, name_start + name_len);
        i = end;
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        let special = ["script", "style", "svg"].iter().any(|s| name.eq_ignore_ascii_case(s));
        if !special && bytes[end - 1] == b'>' {
            unread_attributes(bytes, name, name_start + name_len, end - 1, |from, to| {
                drop_range(&mut out, &mut kept_to, from, to);
            });
        }
        if name.eq_ignore_ascii_case("script") {
            let close = find_end_tag(bytes, end, "script");
            if super::flat::find_ci(&html[lt..end], "ld+json").is_none() {
                drop_range(&mut out, &mut kept_to, lt, close);
                scripts.push(&html[end.min(close)..close]);
            }
            i = close;
        } else if name.eq_ignore_ascii_case("style") {
            let close = find_end_tag(bytes, end, "style");
            drop_range(&mut out, &mut kept_to, lt, close);
            i = close;
        } else if name.eq_ignore_ascii_case("svg") {
            let close = if self_closing { end } else { svg_end(bytes, end) };
            drop_range(&mut out, &mut kept_to, lt, close);
            i = close;
        } else if let Some(raw) = RAW_TEXT.iter().find(|r| name.eq_ignore_ascii_case(r)) {
            i = find_end_tag(bytes, end, raw);
        } else if !self_closing && !NOT_NESTING.iter().any(|n| name.eq_ignore_ascii_case(n)) {
            depth += 1;
            if depth > MAX_DEPTH {
                return Prescanned {
                    html: Cow::Borrowed(html),
                    too_deep: true,
                    scripts: Vec::new(),
                };
            }
        }
    }
    let html = match out {
        Some(mut buf) => {
            buf.push_str(&html[kept_to..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(html),
    };
    Prescanned {
        html,
        too_deep: false,
        scripts,
    }
}

/// Calls `drop` with the byte range of each attribute in `bytes[from..to]` (a start tag's
/// attributes, up to its `>`) that extraction never reads ([`is_unread`]). Attributes are read
/// as the WHATWG tokenizer reads them: a name up to whitespace, `/`, `>` or `=`; a value in
/// quotes, or unquoted up to whitespace. The range starts at the name, so the whitespace before
/// it still separates its neighbours.
fn unread_attributes(bytes: &[u8], tag: &str, from: usize, to: usize, mut drop: impl FnMut(usize, usize)) {
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let mut i = from;
    while i < to {
        while i < to && (space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        // A name's first character may be `=`.
        i = (i + 1).min(to);
        while i < to && !space(bytes[i]) && !matches!(bytes[i], b'/' | b'=') {
            i += 1;
        }
        let name_end = i;
        let mut j = i;
        while j < to && space(bytes[j]) {
            j += 1;
        }
        if j < to && bytes[j] == b'=' {
            j += 1;
            while j < to && space(bytes[j]) {
                j += 1;
            }
            if j < to && matches!(bytes[j], b'"' | b'\'') {
                let Some(close) = memchr::memchr(bytes[j], &bytes[j + 1..to]) else {
                    return;
                };
                j += close + 2;
            } else {
                while j < to && !space(bytes[j]) {
                    j += 1;
                }
            }
            i = j;
        }
        if name_end > name_start && is_unread(tag, &bytes[name_start..name_end]) {
            drop(name_start, i);
        }
    }
}

/// Attributes no part of extraction reads, and that make up a third of what is left of a news
/// page after its scripts: `data-*`, event handlers (`on…`), image sources and their
/// alternatives (`src`, `srcset`, `sizes`, `alt`), and `href` on anything but `<link>` and
/// `<base>` (a link's target never counts, only its text).
fn is_unread(tag: &str, name: &[u8]) -> bool {
    let starts = |p: &[u8]| name.len() > p.len() && name[..p.len()].eq_ignore_ascii_case(p);
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    starts(b"data-")
        || starts(b"on")
        || is(b"src")
        || is(b"srcset")
        || is(b"sizes")
        || is(b"alt")
        || (is(b"href") && !tag.eq_ignore_ascii_case("link") && !tag.eq_ignore_ascii_case("base"))
}

/// Index just past the `>` that ends the tag whose attributes start at `from`. A quote opens an
/// attribute value only right after `=` (spaces allowed), as in the tokenizer's states.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut after_equals = false;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return i + 1,
            b'=' => after_equals = true,
            b'"' | b'\'' if after_equals => {
                let quote = bytes[i];
                i = memchr::memchr(quote, &bytes[i + 1..]).map_or(bytes.len(), |q| i + 1 + q);
                after_equals = false;
            }
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    bytes.len()
}

/// Index just past the end tag `</name …>` at or after `from`, or the end of the page.
fn find_end_tag(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(off) = memchr::memmem::find(&bytes[i..], b"</") {
        let at = i + off;
        let after = at + 2 + name.len();
        if bytes.len() >= after
            && bytes[at + 2..after].eq_ignore_ascii_case(name.as_bytes())
            && !bytes.get(after).is_some_and(u8::is_ascii_alphanumeric)
        {
            return tag_end(bytes, after);
        }
        i = at + 2;
    }
    bytes.len()
}

/// Index just past the `</svg>` that closes an `<svg>` whose content starts at `from`, counting
/// nested `<svg>`s.
fn svg_end(bytes: &[u8], from: usize) -> usize {
    let mut depth = 1usize;
    let mut i = from;
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + off;
        let closing = bytes.get(at + 1) == Some(&b'/');
        let name = at + 1 + usize::from(closing);
        let is_svg = bytes.len() >= name + 3
            && bytes[name..name + 3].eq_ignore_ascii_case(b"svg")
            && !bytes.get(name + 3).is_some_and(u8::is_ascii_alphanumeric);
        let end = tag_end(bytes, name);
        if is_svg {
            if closing {
                depth -= 1;
                if depth == 0 {
                    return end;
                }
            } else if !(end >= 2 && bytes[end - 2] == b'/') {
                depth += 1;
            }
        }
        i = end.max(at + 1);
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::prescan;

    #[test]
    fn drops_scripts_styles_svg_and_comments_and_keeps_json_ld() {
        let html = r#"<html><head><title>a <b> title</title><style>p { color: red }</style>
<script>if (a < b && c > d) { document.write("</p>"); }</script>
<script type="application/ld+json">{"@type": "NewsArticle"}</script></head>
<body><!-- nav --><p data-x="a > b">One <!-->two<svg><svg><path/></svg><title>x</title></svg> three</p>
<textarea><script>kept</script></textarea><SCRIPT SRC=x.js></SCRIPT >end</body></html>"#;
        let out = prescan(html);
        assert!(!out.too_deep);
        assert_eq!(
            out.html,
            r#"<html><head><title>a <b> title</title>

<script type="application/ld+json">{"@type": "NewsArticle"}</script></head>
<body><p >One two three</p>
<textarea><script>kept</script></textarea>end</body></html>"#
        );
        assert_eq!(
            out.scripts,
            [
                r#"if (a < b && c > d) { document.write("</p>"); }</script>"#,
                "</SCRIPT >"
            ]
        );
    }

    #[test]
    fn borrows_clean_pages_and_survives_truncation() {
        let clean = "<p>Plain <b>text</b> &amp; a < sign</p>";
        assert!(matches!(prescan(clean).html, std::borrow::Cow::Borrowed(_)));
        for cut in [
            "<p>a<script>never closed",
            "<p>a<!-- never closed",
            "<p a=\"never closed",
            "<svg><g>",
            "<",
        ] {
            let out = prescan(cut);
            assert!(cut.starts_with(out.html.as_ref()), "{cut:?} → {:?}", out.html);
        }
    }

    #[test]
    fn drops_the_attributes_nothing_reads_and_keeps_the_rest_whole() {
        #[rustfmt::skip]
        let cases: &[(&str, &str)] = &[
            // input, output
            (r#"<a href="/x" class="byline">By</a>"#, r#"<a  class="byline">By</a>"#),
            (r#"<link rel=canonical href=/a/b><base href="/">"#, r#"<link rel=canonical href=/a/b><base href="/">"#),
            (r#"<img src=a.jpg srcset="a 1x, b 2x" alt='x > y' sizes=9 class=pic>"#, "<img     class=pic>"),
            (r#"<div data-id="7"onclick="go()"data-x=1 id=main>"#, "<div  id=main>"),
            (r#"<p DATA-Y = "v" style="display:none">"#, r#"<p  style="display:none">"#),
            (r#"<p class="a" data-open="never closed>"#, r#"<p class="a" data-open="never closed>"#),
            ("<p data>no value</p>", "<p data>no value</p>"),
        ];
        for (input, output) in cases {
            assert_eq!(prescan(input).html, *output, "{input}");
        }
    }

    #[test]
    fn measures_nesting_depth() {
        let deep = "<div>".repeat(600);
        assert!(prescan(&deep).too_deep);
        // Elements that do not nest, self-closing tags and closed ones never add up.
        let flat = "<div><p>x<br><img src=a><span/></div>".repeat(10_000);
        assert!(!prescan(&flat).too_deep);
        let sloppy = "<p>para<li>item".repeat(5_000);
        assert!(!prescan(&sloppy).too_deep);
    }
}
