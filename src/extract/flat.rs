//! A tree-free fallback for pages nested absurdly deep, where building a DOM is quadratic
//! (CRATES.md: 100,000 nested `<div>`s took 13 s in scraper) and recursive walks could overflow.
//! [`super::prescan`] decides which pages come here.

/// Case-insensitive ASCII search: where `needle` (not empty) first occurs in `haystack`.
pub(super) fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Flat extraction: `<title>` and `<html lang>` as metadata, and the text between tags split at
/// block boundaries. Rough, but linear and safe on any input.
pub(super) fn extract(html: &str) -> super::Document {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut title = None;
    let mut rest = html;
    let mut in_title = false;
    while let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) {
        let text = super::entities::decode(&rest[..lt]);
        if in_title {
            title = Some(super::meta::collapse_spaces(&text));
        } else {
            current.push_str(&text);
        }
        let after = &rest[lt + 1..];
        let gt = memchr::memchr(b'>', after.as_bytes()).map_or(after.len(), |g| g + 1);
        let closing = after.starts_with('/');
        let name_start = usize::from(closing);
        let name_len = after.as_bytes()[name_start..gt]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let mut lower = [0u8; 16];
        let name = if name_len <= lower.len() {
            for (slot, b) in lower
                .iter_mut()
                .zip(&after.as_bytes()[name_start..name_start + name_len])
            {
                *slot = b.to_ascii_lowercase();
            }
            std::str::from_utf8(&lower[..name_len]).unwrap_or("")
        } else {
            "" // no element of interest has a name this long
        };
        in_title = name == "title" && !closing;
        rest = &after[gt..];
        if matches!(name, "script" | "style") && !closing {
            let close = if name == "script" { "</script" } else { "</style" };
            rest = find_ci(rest, close).map_or("", |e| &rest[e..]);
        }
        if is_block(name) {
            flush(&mut current, &mut paragraphs);
        }
    }
    current.push_str(&super::entities::decode(rest));
    flush(&mut current, &mut paragraphs);
    super::Document {
        title: title.filter(|t| !t.is_empty()),
        declared_language: html_lang(html),
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
    if current.bytes().any(|b| !b.is_ascii_whitespace()) {
        let p = super::meta::collapse_spaces(current);
        if !p.is_empty() {
            paragraphs.push(p);
        }
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
