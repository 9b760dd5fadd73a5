//! Broken XML made readable, the way lenient feed readers do: a feed refused whole over one bad
//! character loses its placements. Used only after a strict parse failed.
//!
//! One pass over the document rewrites what XML 1.0 forbids and real feeds contain:
//! - a raw `&` (in a title, or a link's query string) becomes `&amp;`;
//! - an entity XML does not define (`&nbsp;`, `&eacute;`, `&rsquo;`) is read as HTML: it becomes
//!   its numeric character reference, from the HTML5 table (markup5ever's); an unknown one keeps
//!   its text (`&foo;` → `&amp;foo;`);
//! - a raw `<` that starts no tag becomes `&lt;`;
//! - control characters XML forbids are dropped;
//! - an end tag that closes an outer element also closes the inner ones left open (HTML's `<br>`
//!   in a description), and an end tag that closes nothing is dropped;
//! - a document cut off (by the body cap, a dropped connection, a broken server) is cut back to
//!   its last complete item (`<item>`, `<entry>`) and its open elements are closed: every complete
//!   item is kept, the cut one is not.
//!
//! Each kind of change is noted, so the source can be reported as read in part, with the reason.

/// What [`repair`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Repaired {
    /// The repaired document.
    pub text: String,
    /// One line per kind of repair, with counts ("2 bare '&' escaped").
    pub notes: Vec<String>,
    /// The document was cut off: only complete items were kept.
    pub cut: bool,
    /// Complete items in the repaired document.
    pub items: usize,
}

#[derive(Default)]
struct Counts {
    bare_amp: usize,
    html_entities: usize,
    unknown_entities: usize,
    bare_lt: usize,
    controls: usize,
    implied_ends: usize,
    stray_ends: usize,
}

/// A place in the output where the document could end: its length and the elements open there.
#[derive(Clone, Copy)]
struct Checkpoint {
    out_len: usize,
    depth: usize,
}

/// Repairs `text` (see the module comment). `is_item` says whether a local element name is an
/// item (the unit kept whole or dropped when the document is cut).
pub(crate) fn repair(text: &str, is_item: impl Fn(&str) -> bool) -> Repaired {
    let mut out = String::with_capacity(text.len() + 64);
    let mut counts = Counts::default();
    let mut stack: Vec<&str> = Vec::new();
    let mut declared: Vec<&str> = Vec::new();
    // The end of the last complete item; before any, the start of the first item.
    let mut last_item_end: Option<Checkpoint> = None;
    let mut first_item_start: Option<Checkpoint> = None;
    let mut items = 0;
    let mut cut = false;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let Some(off) = bytes[i..].iter().position(|&b| b == b'<' || b == b'&') else {
            push_text(&mut out, &text[i..], &mut counts);
            break;
        };
        push_text(&mut out, &text[i..i + off], &mut counts);
        i += off;
        let rest = &text[i..];
        if rest.starts_with('&') {
            i += entity(rest, &declared, &mut out, &mut counts);
            continue;
        }
        let construct = if rest.starts_with("<!--") {
            rest.find("-->").map(|p| p + 3)
        } else if rest.starts_with("<![CDATA[") {
            rest.find("]]>").map(|p| p + 3)
        } else if rest.starts_with("<?") {
            rest.find("?>").map(|p| p + 2)
        } else if rest.starts_with("<!") {
            let len = doctype_len(rest);
            if let Some(len) = len {
                declared.extend(declared_entities(&rest[..len]));
            }
            len
        } else {
            None
        };
        if rest.starts_with("<!") || rest.starts_with("<?") {
            match construct {
                Some(len) => {
                    out.push_str(&rest[..len]);
                    i += len;
                    continue;
                }
                None => {
                    cut = true;
                    break;
                }
            }
        }
        let is_end = rest.starts_with("</");
        let name_start = if is_end { 2 } else { 1 };
        let name_len = rest[name_start..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len() - name_start);
        let name = &rest[name_start..name_start + name_len];
        if name.is_empty() || !name.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == ':') {
            // "a < b", "<3": not a tag.
            out.push_str("&lt;");
            counts.bare_lt += 1;
            i += 1;
            continue;
        }
        let Some(tag_len) = tag_len(rest) else {
            cut = true;
            break;
        };
        let tag = &rest[..tag_len];
        i += tag_len;
        if is_end {
            let open = stack
                .iter()
                .rposition(|n| *n == name)
                .or_else(|| stack.iter().rposition(|n| n.eq_ignore_ascii_case(name)));
            let Some(at) = open else {
                counts.stray_ends += 1;
                continue;
            };
            while stack.len() > at + 1 {
                let inner = stack.pop().unwrap_or_default();
                out.push_str("</");
                out.push_str(inner);
                out.push('>');
                counts.implied_ends += 1;
            }
            let opened = stack.pop().unwrap_or(name);
            out.push_str("</");
            out.push_str(opened);
            out.push('>');
            if is_item(local(opened)) {
                items += 1;
                last_item_end = Some(Checkpoint {
                    out_len: out.len(),
                    depth: stack.len(),
                });
            }
        } else {
            if is_item(local(name)) && first_item_start.is_none() {
                first_item_start = Some(Checkpoint {
                    out_len: out.len(),
                    depth: stack.len(),
                });
            }
            // Attribute values may hold raw `&` too (an Atom link's href).
            let mut i2 = 0;
            while let Some(p) = tag[i2..].find('&') {
                out.push_str(&tag[i2..i2 + p]);
                i2 += p + entity(&tag[i2 + p..], &declared, &mut out, &mut counts);
            }
            out.push_str(&tag[i2..]);
            if !tag.ends_with("/>") {
                stack.push(name);
            }
        }
    }
    if !stack.is_empty() {
        cut = true;
    }
    if cut {
        let (keep, depth) = match last_item_end.or(first_item_start) {
            Some(c) => (c.out_len, c.depth),
            None => (out.len(), stack.len()),
        };
        out.truncate(keep);
        stack.truncate(depth);
        while let Some(name) = stack.pop() {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
    let mut notes = Vec::new();
    let mut note = |n: usize, what: &str| {
        if n > 0 {
            notes.push(format!("{n} {what}"));
        }
    };
    note(counts.bare_amp, "bare '&' escaped");
    note(counts.html_entities, "HTML entities not defined in XML read as HTML");
    note(counts.unknown_entities, "unknown entities kept as text");
    note(counts.bare_lt, "bare '<' escaped");
    note(counts.controls, "control characters dropped");
    note(counts.implied_ends, "unclosed elements closed");
    note(counts.stray_ends, "stray end tags dropped");
    if cut {
        notes.push(format!(
            "cut off mid-document: {items} complete items kept, the cut one dropped"
        ));
    }
    Repaired {
        text: out,
        notes,
        cut,
        items,
    }
}

/// Whether `text` uses an entity XML does not define (`&nbsp;`, `&eacute;`), which some parsers
/// keep as literal text instead of refusing: such a document is worth a [`repair`] first.
pub(crate) fn has_undefined_entities(text: &str) -> bool {
    text.match_indices('&').any(|(at, _)| {
        let rest = &text[at + 1..];
        let name_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        name_len > 0
            && rest[name_len..].starts_with(';')
            && !matches!(&rest[..name_len], "amp" | "lt" | "gt" | "quot" | "apos")
    })
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Text between markup, without the control characters XML 1.0 forbids.
fn push_text(out: &mut String, text: &str, counts: &mut Counts) {
    if !text.contains(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r') && c < '\u{80}') {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        if c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r') || c == '\u{7f}' {
            counts.controls += 1;
        } else {
            out.push(c);
        }
    }
}

/// The longest entity name looked at: HTML's longest is 31 characters.
const MAX_ENTITY_NAME: usize = 32;

/// Handles the `&` at the start of `rest`: writes a well-formed equivalent and returns the bytes
/// consumed.
fn entity(rest: &str, declared: &[&str], out: &mut String, counts: &mut Counts) -> usize {
    let body = &rest[1..];
    let end = body
        .char_indices()
        .take(MAX_ENTITY_NAME + 2)
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '#' || *c == '_' || *c == '-' || *c == '.'));
    let Some((len, ';')) = end else {
        out.push_str("&amp;");
        counts.bare_amp += 1;
        return 1;
    };
    let name = &body[..len];
    let consumed = len + 2;
    if let Some(num) = name.strip_prefix('#') {
        let value = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        match value.and_then(char::from_u32).filter(|c| xml_char(*c)) {
            Some(_) => out.push_str(&rest[..consumed]),
            None => {
                out.push_str("&#xFFFD;");
                counts.unknown_entities += 1;
            }
        }
        return consumed;
    }
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") || declared.contains(&name) {
        out.push_str(&rest[..consumed]);
        return consumed;
    }
    let key = format!("{name};");
    match markup5ever::data::NAMED_ENTITIES.get(key.as_str()) {
        Some(&(first, second)) if first != 0 => {
            out.push_str(&format!("&#{first};"));
            if second != 0 {
                out.push_str(&format!("&#{second};"));
            }
            counts.html_entities += 1;
        }
        _ => {
            out.push_str("&amp;");
            out.push_str(&rest[1..consumed]);
            counts.unknown_entities += 1;
        }
    }
    consumed
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Length of a tag starting at `rest[0] == '<'`, quotes respected; None if it never closes.
fn tag_len(rest: &str) -> Option<usize> {
    let mut quote = None;
    for (p, c) in rest.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(p + 1),
            // A tag that runs into the next one lost its `>`: close it here.
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// Length of `<!DOCTYPE ...>` with an internal subset in `[...]`.
fn doctype_len(rest: &str) -> Option<usize> {
    let close = rest.find('>')?;
    match rest[..close].find('[') {
        Some(_) => rest
            .find("]>")
            .map(|p| p + 2)
            .or_else(|| rest.find("] >").map(|p| p + 3)),
        None => Some(close + 1),
    }
}

/// Names of the entities an internal subset declares (`<!ENTITY name "...">`).
fn declared_entities(doctype: &str) -> impl Iterator<Item = &str> {
    doctype.match_indices("<!ENTITY").filter_map(|(p, _)| {
        let after = doctype[p + 8..].trim_start().trim_start_matches('%').trim_start();
        after.split_whitespace().next()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str) -> bool {
        matches!(name, "item" | "entry")
    }

    #[test]
    fn bare_ampersands_and_html_entities() {
        let r = repair(
            "<rss><channel><item><title>Floods & funds&nbsp;&mdash; &foo; &amp; &#233;</title><link>/a?id=1&section=2</link></item></channel></rss>",
            item,
        );
        assert_eq!(
            r.text,
            "<rss><channel><item><title>Floods &amp; funds&#160;&#8212; &amp;foo; &amp; &#233;</title><link>/a?id=1&amp;section=2</link></item></channel></rss>"
        );
        assert!(!r.cut);
        assert_eq!(r.notes.len(), 3, "{:?}", r.notes);
    }

    #[test]
    fn cut_documents_keep_their_complete_items() {
        let doc = "<?xml version=\"1.0\"?><rss><channel><title>t</title><item><link>/a</link></item><item><link>/b</link></item><item><link>/c</li";
        let r = repair(doc, item);
        assert!(r.cut);
        assert_eq!(r.items, 2);
        assert!(r.text.ends_with("<link>/b</link></item></channel></rss>"), "{}", r.text);
        // Cut inside a CDATA section, a comment, or before any item closed.
        for doc in [
            "<feed><entry><id>1</id></entry><entry><summary><![CDATA[half",
            "<feed><entry><id>1</id></entry><!-- comm",
        ] {
            let r = repair(doc, item);
            assert_eq!((r.cut, r.items), (true, 1), "{doc}");
            assert!(r.text.ends_with("</entry></feed>"), "{}", r.text);
        }
        let r = repair("<rss><channel><title>t</title><item><title>x", item);
        assert_eq!(r.text, "<rss><channel><title>t</title></channel></rss>");
    }

    #[test]
    fn html_inside_items_and_stray_tags() {
        let r = repair(
            "<rss><channel><item><description>a<br>b < c</description></p><link>/x</link></item></channel></rss>",
            item,
        );
        assert_eq!(
            r.text,
            "<rss><channel><item><description>a<br>b &lt; c</br></description><link>/x</link></item></channel></rss>"
        );
        assert!(!r.cut);
    }

    #[test]
    fn declared_entities_and_controls() {
        let r = repair(
            "<!DOCTYPE rss [<!ENTITY pub \"Tribune\">]><rss><title>&pub; \u{1}x</title></rss>",
            item,
        );
        assert!(r.text.contains("&pub; x"), "{}", r.text);
        assert_eq!(r.notes, ["1 control characters dropped"]);
    }
}
