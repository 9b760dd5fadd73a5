//! HTML character references in text that did not go through the HTML parser: feed titles,
//! the flat reader's text, sitemap fields. One decoder, following WHATWG HTML "named character
//! references" (the full table, markup5ever's) and "numeric character reference end state".

use std::borrow::Cow;

/// Longest name in the WHATWG table (`&CounterClockwiseContourIntegral;`) plus the `;`.
const MAX_NAME: usize = 33;

/// The text a named reference stands for, given its name without `&` and `;` (`amp`, `eacute`,
/// `NotEqualTilde`); `None` for names not in the table.
pub(crate) fn named(name: &str) -> Option<String> {
    if name.is_empty() || name.len() >= MAX_NAME {
        return None;
    }
    let mut key = [0u8; MAX_NAME + 1];
    key[..name.len()].copy_from_slice(name.as_bytes());
    key[name.len()] = b';';
    let key = std::str::from_utf8(&key[..=name.len()]).ok()?;
    let &(first, second) = markup5ever::data::NAMED_ENTITIES.get(key)?;
    let mut out = String::new();
    out.extend(
        [first, second]
            .into_iter()
            .filter(|&c| c != 0)
            .filter_map(char::from_u32),
    );
    (!out.is_empty()).then_some(out)
}

/// The character a numeric reference stands for (`#233`, `#xE9`), with the WHATWG repairs:
/// zero, surrogates and values past U+10FFFF become U+FFFD, and the C1 controls 0x80–0x9F are
/// read as windows-1252, as browsers do (`&#150;` is an en dash).
pub(crate) fn numeric(reference: &str) -> Option<char> {
    let digits = reference.strip_prefix('#')?;
    let value = match digits.strip_prefix(['x', 'X']) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).unwrap_or(u32::MAX)
        }
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse().unwrap_or(u32::MAX),
        _ => return None,
    };
    let c1 = markup5ever::data::C1_REPLACEMENTS;
    Some(match value {
        0x80..=0x9F => c1[(value - 0x80) as usize].unwrap_or_else(|| char::from_u32(value).unwrap_or('\u{FFFD}')),
        _ => char::from_u32(value).filter(|&c| c != '\0').unwrap_or('\u{FFFD}'),
    })
}

/// Decodes every `&name;`, `&#NNN;` and `&#xHH;` in `text`; anything else after `&` (a bare
/// ampersand, an unknown name, a reference without its `;`) is kept as written. Borrowed when
/// there is nothing to decode.
pub(crate) fn decode(text: &str) -> Cow<'_, str> {
    let Some(first) = memchr::memchr(b'&', text.as_bytes()) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut rest = &text[first..];
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.as_bytes().iter().take(MAX_NAME + 2).position(|&b| b == b';');
        let decoded = semi.and_then(|semi| {
            let reference = &rest[1..semi];
            let text = match numeric(reference) {
                Some(c) => c.to_string(),
                None => named(reference)?,
            };
            Some((text, semi + 1))
        });
        match decoded {
            Some((text, used)) => {
                out.push_str(&text);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_references_and_keeps_the_rest() {
        #[rustfmt::skip]
        let cases: &[(&str, &str)] = &[
            ("plain", "plain"),
            ("Tom &amp; Jerry", "Tom & Jerry"),
            ("&lt;b&gt; &quot;x&quot; &apos;y&apos;", "<b> \"x\" 'y'"),
            ("caf&eacute; &Eacute;T&Eacute;", "café ÉTÉ"),
            ("&#233;&#xE9;&#XE9;", "ééé"),
            ("a&nbsp;b", "a\u{a0}b"),
            ("&NotEqualTilde;", "\u{2242}\u{338}"),
            ("1&#150;2 &#128;", "1–2 €"),
            ("&#0; &#xD800; &#x110000;", "\u{FFFD} \u{FFFD} \u{FFFD}"),
            ("AT&T, R&D; a & b", "AT&T, R&D; a & b"),
            ("&unknown; &amp &; &#; &#x; &#12a;", "&unknown; &amp &; &#; &#x; &#12a;"),
            ("&", "&"),
            ("ends with &eacute", "ends with &eacute"),
        ];
        for (input, want) in cases {
            assert_eq!(decode(input), *want, "{input:?}");
        }
    }
}
