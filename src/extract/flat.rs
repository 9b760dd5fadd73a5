//! A tree-free fallback for pages nested absurdly deep, where building a DOM is quadratic
//! (CRATES.md: 100,000 nested `<div>`s took 13 s in scraper) and recursive walks could overflow.

/// Nesting depth beyond which a page is read flat. The 181 real pages of the extraction corpus
/// reach 30 at most; at 1,900 the tree path already took 0.8 s (release) on a near-empty page,
/// growing with the square of the depth, so 512 leaves ample headroom at a bounded cost (~60 ms).
const MAX_DEPTH: usize = 512;

/// Elements that never hold children, or whose end tag is optional and usually left out:
/// they must not count as an opened level.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "option", "tr", "td", "th", "!doctype",
];

/// A linear scan of the raw HTML, without building a tree: true when tags nest deeper than
/// `MAX_DEPTH`. Void elements and those whose end tag is usually omitted do not count, so
/// sloppy but ordinary markup is not mistaken for deep nesting.
pub fn too_deep(html: &str) -> bool {
    let mut depth = 0usize;
    for (name, closing) in tags(html) {
        if closing {
            depth = depth.saturating_sub(1);
        } else if !NOT_NESTING.contains(&name.as_str()) {
            depth += 1;
            if depth > MAX_DEPTH {
                return true;
            }
        }
    }
    false
}

/// Tag names (lower-cased) and whether each is a closing tag, skipping script, style and
/// comment contents. Self-closing tags (`<x/>`) are not reported.
fn tags(html: &str) -> impl Iterator<Item = (String, bool)> + '_ {
    let bytes = html.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(off) = memchr(b'<', &bytes[i..]) {
            let start = i + off + 1;
            i = start;
            if html[start..].starts_with("!--") {
                i = html[start..].find("-->").map_or(bytes.len(), |e| start + e + 3);
                continue;
            }
            let closing = bytes.get(start) == Some(&b'/');
            let name_start = start + usize::from(closing);
            let name_len = bytes[name_start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'!' || **b == b'-')
                .count();
            if name_len == 0 {
                continue;
            }
            let name = html[name_start..name_start + name_len].to_ascii_lowercase();
            let end = html[name_start..].find('>').map_or(bytes.len(), |e| name_start + e);
            i = end;
            if !closing && (name == "script" || name == "style") {
                let close = format!("</{name}");
                i = find_ci(&html[end..], &close).map_or(bytes.len(), |e| end + e);
                continue;
            }
            if !closing && end > 0 && bytes.get(end - 1) == Some(&b'/') {
                continue;
            }
            return Some((name, closing));
        }
        i = bytes.len();
        None
    })
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|b| *b == needle)
}

/// Case-insensitive ASCII search.
fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Flat extraction: `<title>` and `<html lang>` as metadata, and the text between tags split at
/// block boundaries. Rough, but linear and safe on any input.
pub fn extract(html: &str) -> super::Document {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut title = None;
    let mut rest = html;
    let mut in_title = false;
    while let Some(lt) = rest.find('<') {
        let text = decode_entities(&rest[..lt]);
        if in_title {
            title = Some(super::meta::collapse_spaces(&text));
        } else {
            current.push_str(&text);
        }
        let after = &rest[lt + 1..];
        let gt = after.find('>').map_or(after.len(), |g| g + 1);
        let tag = after[..gt].trim_end_matches('>').to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        in_title = name == "title" && !tag.starts_with('/');
        rest = &after[gt.min(after.len())..];
        if matches!(name.as_str(), "script" | "style") && !tag.starts_with('/') {
            let close = format!("</{name}");
            rest = find_ci(rest, &close).map_or("", |e| &rest[e..]);
        }
        if is_block(&name) {
            flush(&mut current, &mut paragraphs);
        }
    }
    current.push_str(&decode_entities(rest));
    flush(&mut current, &mut paragraphs);
    super::Document {
        title: title.filter(|t| !t.is_empty()),
        language: html_lang(html),
        paragraphs,
        ..super::Document::default()
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "section"
            | "article"
            | "blockquote"
            | "tr"
            | "td"
            | "header"
            | "footer"
            | "nav"
            | "ul"
            | "ol"
            | "table"
            | "title"
            | "body"
            | "head"
    )
}

fn flush(current: &mut String, paragraphs: &mut Vec<String>) {
    let p = super::meta::collapse_spaces(current);
    if !p.is_empty() {
        paragraphs.push(p);
    }
    current.clear();
}

/// `<html lang="…">`, read from the first `<html` tag.
fn html_lang(html: &str) -> Option<String> {
    let start = find_ci(html, "<html")?;
    let tag = &html[start..start + html[start..].find('>')?];
    let at = find_ci(tag, "lang=")? + 5;
    let value: String = tag[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    super::lang::normalize(&value)
}

/// Decodes the few entities common in running text, and numeric references; unknown ones are
/// kept as written.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
