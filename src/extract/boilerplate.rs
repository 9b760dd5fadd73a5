//! Removes page furniture from the tree before the article's container is scored
//! ([`super::article`]): navigation, footers, captions, share bars, newsletter prompts,
//! related-story boxes, comments, consent banners.
//!
//! The scoring already passes over such blocks when they lose, but not those nested inside the
//! winning container; removing them first is where most of its precision comes from.

use dom_query::{Document as Tree, Element, NodeData, NodeRef};

/// `class` / `id` tokens (split at non-alphanumerics) that name furniture.
const FURNITURE_TOKENS: &[&str] = &[
    "comment",
    "comments",
    "disqus",
    "tags",
    "tag",
    "breadcrumb",
    "breadcrumbs",
    "byline",
    "bylines",
    "caption",
    "captions",
    "credit",
    "credits",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "sidebar",
    "share",
    "sharing",
    "social",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "promo",
    "related",
    "recommended",
    "recommendations",
    "popular",
    "mostread",
    "mostpopular",
    "trending",
    "outbrain",
    "taboola",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "sponsored",
    "timestamp",
    "dateline",
    "toolbar",
    "pagination",
    "modal",
    "popup",
    "cookie",
    "consent",
    "gdpr",
    "paywall",
];

/// Prefixes of `class` / `id` tokens that name furniture (`relatedStories`, `share-buttons`).
const FURNITURE_PREFIXES: &[&str] = &[
    "related",
    "newsletter",
    "social",
    "share",
    "breadcrumb",
    "byline",
    "caption",
    "promo",
    "subscri",
    "recommend",
    "outbrain",
    "taboola",
    "sidebar",
    "advert",
    "mostread",
    "mostpopular",
];

/// Elements of running text (WHATWG HTML "phrasing content" that carries words): inside a
/// sentence they are part of it, whatever their class, id or `href`.
const INLINE_TEXT_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark", "q",
    "s", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// A `<p>` with more than this many bytes of text is article text when weighing: the same
/// bound as the container's scoring.
const LONG_PARAGRAPH: usize = super::article::PARAGRAPH_BYTES;

/// How an element came to be judged furniture, or kept as words of a sentence.
#[derive(Clone, Copy, PartialEq)]
enum Why {
    /// An inline element inside running text whose class or id would make it furniture here
    /// (`social-count`, `byline-link`): it stays, unnamed.
    InSentence,
    /// By its tag, role or class/id: it is page furniture.
    Furniture,
    /// Only hidden (`hidden`, `aria-hidden`, an invisible `style`): the page shows it later, as
    /// slideshows, tabs and overlays do.
    Hidden,
    /// A caption or photo credit.
    Caption,
}

/// Removes furniture from the tree, sparing any element that holds most of the page's text
/// (a class such as `article-body has-related` must not cost the article), and the words of
/// running text. Hidden elements that hold article text — a slideshow's slides, an article
/// behind an overlay — are shown instead of removed, so the article's text is read from them too.
/// A caption that swallowed article paragraphs (an unclosed `<figure>` or caption `<div>`)
/// loses its own lines but not the article's.
pub(super) fn remove_furniture(tree: &Tree) {
    let Some(body) = tree.body() else { return };
    // Weigh everything before changing anything, so nested candidates are judged on the page as
    // served. ASP.NET pages wrap the whole body in one <form>: hence the weight guard on tags too.
    let mut walk = Walk::default();
    let total = walk.visit(&body, false).weight.max(1);
    for (node, Sums { weight, paragraphs, .. }, why) in walk.candidates {
        let heavy = weight * 2 >= total;
        match why {
            Why::InSentence => node.remove_attrs(&["class", "id"]),
            Why::Caption if paragraphs >= 2 => keep_only_weighty_children(&node),
            _ if heavy => show(&node),
            Why::Hidden if weight > 0 => show(&node),
            _ => node.remove_from_parent(),
        }
    }
}

/// Sums over a subtree.
#[derive(Default, Clone, Copy)]
struct Sums {
    /// Bytes of text.
    text: usize,
    /// Bytes of text in long paragraphs: a cheap measure of "article text here".
    weight: usize,
    /// Long paragraphs.
    paragraphs: usize,
}

/// One recursive walk of the body (depth bounded by the pre-scan), recording every furniture
/// candidate with its weight; no per-node allocation.
#[derive(Default)]
struct Walk<'a> {
    candidates: Vec<(NodeRef<'a>, Sums, Why)>,
}

impl<'a> Walk<'a> {
    /// Visits `node`'s subtree. `in_running_text` is true when its parent is a `<p>` or holds
    /// words of its own beside it.
    fn visit(&mut self, node: &NodeRef<'a>, in_running_text: bool) -> Sums {
        let (judged, is_p) = node.query_or((None, false), |n| match &n.data {
            NodeData::Element(el) => (judge(el, in_running_text), &*el.name.local == "p"),
            _ => (None, false),
        });
        let own_words = is_p || has_own_words(node);
        let mut sums = Sums::default();
        let mut child = node.first_child();
        while let Some(c) = child {
            let text = c.query_or(None, |n| match &n.data {
                NodeData::Text { contents } => Some(contents.len()),
                _ => None,
            });
            match text {
                Some(len) => sums.text += len,
                None if c.is_element() => {
                    let s = self.visit(&c, own_words);
                    sums.text += s.text;
                    sums.weight += s.weight;
                    sums.paragraphs += s.paragraphs;
                }
                None => {}
            }
            child = c.next_sibling();
        }
        if is_p && sums.text > LONG_PARAGRAPH {
            sums.weight += sums.text;
            sums.paragraphs += 1;
        }
        if let Some(why) = judged {
            self.candidates.push((*node, sums, why));
        }
        sums
    }
}

/// True when the node has a text child with something other than whitespace.
fn has_own_words(node: &NodeRef) -> bool {
    node.children_it(false).any(|c| {
        c.query_or(false, |n| match &n.data {
            NodeData::Text { contents } => contents.chars().any(|ch| !ch.is_whitespace()),
            _ => false,
        })
    })
}

/// Whether an element is a furniture candidate, and why. `in_running_text`: see [`Walk::visit`].
fn judge(el: &Element, in_running_text: bool) -> Option<Why> {
    let name = &*el.name.local;
    let attr = |key: &str| el.attrs.iter().find(|a| &*a.name.local == key).map(|a| &*a.value);
    if matches!(
        name,
        "nav" | "footer" | "aside" | "form" | "button" | "dialog" | "select"
    ) {
        return Some(Why::Furniture);
    }
    if name == "figcaption" {
        return Some(Why::Caption);
    }
    if attr("role").is_some_and(|r| matches!(r, "navigation" | "contentinfo" | "complementary" | "banner")) {
        return Some(Why::Furniture);
    }
    if in_running_text && INLINE_TEXT_TAGS.contains(&name) {
        let named = el.attrs.iter().any(|a| matches!(&*a.name.local, "class" | "id"));
        return named.then_some(Why::InSentence);
    }
    if !matches!(name, "article" | "main" | "body" | "html") {
        // `<article>` and `<main>` are spared: WordPress gives them every tag and category of
        // the post as classes (`tag-review`).
        let named = ["class", "id"]
            .iter()
            .filter_map(|key| attr(key))
            .flat_map(str::split_whitespace)
            .find(|n| class_names_furniture(n));
        if let Some(n) = named {
            let caption = split_words(n).any(|w| CAPTION_WORDS.iter().any(|c| w.eq_ignore_ascii_case(c)));
            return Some(if caption { Why::Caption } else { Why::Furniture });
        }
    }
    let hidden = el.attrs.iter().any(|a| &*a.name.local == "hidden")
        || attr("aria-hidden") == Some("true")
        || attr("style").is_some_and(invisible_style);
    hidden.then_some(Why::Hidden)
}

/// Class words that name a caption or a photo credit.
const CAPTION_WORDS: &[&str] = &["caption", "captions", "credit", "credits", "figcaption"];

/// True for an inline style that hides the element (`display: none`, `visibility: hidden`).
fn invisible_style(style: &str) -> bool {
    let squashed: Vec<u8> = style
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let has = |needle: &[u8]| squashed.windows(needle.len()).any(|w| w == needle);
    has(b"display:none") || has(b"visibility:hidden")
}

/// Class and id words of overlays and pop-ups, which [`remove_furniture`] would remove.
const OVERLAY_WORDS: &[&str] = &["modal", "popup", "overlay", "lightbox", "dialog"];

/// Makes an element that holds article text visible: drops what hides it (`hidden`,
/// `aria-hidden`, an invisible `style`, a dialog role) and a class or id that names it an
/// overlay ([`OVERLAY_WORDS`]).
fn show(node: &NodeRef) {
    node.remove_attrs(&["hidden", "aria-hidden", "aria-modal"]);
    if node.attr("style").is_some_and(|s| invisible_style(&s)) {
        node.remove_attr("style");
    }
    if node
        .attr("role")
        .is_some_and(|r| matches!(&*r, "dialog" | "alertdialog" | "alert"))
    {
        node.remove_attr("role");
    }
    for key in ["class", "id"] {
        let overlay = node
            .attr(key)
            .is_some_and(|v| split_words(&v).any(|w| OVERLAY_WORDS.iter().any(|o| w.eq_ignore_ascii_case(o))));
        if overlay {
            node.remove_attr(key);
        }
    }
}

/// A caption element that swallowed article paragraphs (an unclosed `<figure>` or caption
/// `<div>`) keeps them, and whatever holds them, and loses the rest: its own lines, credit and
/// image.
fn keep_only_weighty_children(node: &NodeRef) {
    for child in node.children() {
        if child.is_element() {
            let mut walk = Walk::default();
            if walk.visit(&child, false).weight > 0 {
                continue;
            }
        }
        child.remove_from_parent();
    }
    node.remove_attrs(&["class", "id"]);
}

/// One class name or id, split into words at `-`, `_` and camelCase humps: furniture when its
/// last word is a furniture word (`article-tags`, `main-nav`), when its first word is one and
/// not a mere label prefix (`comments-area`, but not `tag-review`), or when a word starts with
/// an unambiguous prefix (`relatedStories`).
fn class_names_furniture(name: &str) -> bool {
    const LABEL_PREFIXES: &[&str] = &[
        "tag",
        "tags",
        "category",
        "ad",
        "ads",
        "nav",
        "menu",
        "credit",
        "timestamp",
    ];
    let is_token = |w: &str| {
        lower_head(w.bytes()).is_some_and(|(lower, len)| {
            len == w.len() && FURNITURE_TOKENS.iter().any(|t| t.as_bytes() == &lower[..len])
        })
    };
    let mut words = split_words(name);
    let Some(first) = words.next() else {
        return false;
    };
    let mut last = first;
    let mut prefixed = starts_with_prefix(first);
    for w in words {
        prefixed |= starts_with_prefix(w);
        last = w;
    }
    prefixed
        || is_token(last)
        || (is_token(first) && !LABEL_PREFIXES.iter().any(|l| first.eq_ignore_ascii_case(l)))
        || starts_with_prefix_ignoring_separators(name)
}

/// Which pairs of first letters (`a`–`z`, 26 × 26) start one of [`FURNITURE_TOKENS`] or
/// [`FURNITURE_PREFIXES`]: most class words start otherwise, and are passed over without
/// comparing them with every word in both lists.
const FIRST_PAIRS: [bool; 26 * 26] = {
    let mut pairs = [false; 26 * 26];
    let lists: [&[&str]; 2] = [FURNITURE_TOKENS, FURNITURE_PREFIXES];
    let mut l = 0;
    while l < lists.len() {
        let mut i = 0;
        while i < lists[l].len() {
            let w = lists[l][i].as_bytes();
            pairs[(w[0] - b'a') as usize * 26 + (w[1] - b'a') as usize] = true;
            i += 1;
        }
        l += 1;
    }
    pairs
};

/// Longest of [`FURNITURE_TOKENS`] and [`FURNITURE_PREFIXES`] (`recommendations`): words are
/// compared on a lower-cased copy of at most this many leading bytes, kept on the stack.
const LONGEST_WORD: usize = 16;

/// The first [`LONGEST_WORD`] bytes, lower-cased, and how many there were; `None` (without
/// reading further) when the first two are not letters that start a furniture word
/// ([`FIRST_PAIRS`]), so the word can be neither a token nor start with a prefix.
fn lower_head(mut bytes: impl Iterator<Item = u8>) -> Option<([u8; LONGEST_WORD], usize)> {
    let mut lower = [0u8; LONGEST_WORD];
    for slot in &mut lower[..2] {
        *slot = bytes.next().filter(u8::is_ascii_alphabetic)?.to_ascii_lowercase();
    }
    if !FIRST_PAIRS[(lower[0] - b'a') as usize * 26 + (lower[1] - b'a') as usize] {
        return None;
    }
    let mut len = 2;
    for (slot, b) in lower[2..].iter_mut().zip(bytes) {
        *slot = b.to_ascii_lowercase();
        len += 1;
    }
    Some((lower, len))
}

/// True when the bytes start with one of [`FURNITURE_PREFIXES`], in any case.
fn head_has_prefix(bytes: impl Iterator<Item = u8>) -> bool {
    lower_head(bytes).is_some_and(|(lower, len)| {
        FURNITURE_PREFIXES
            .iter()
            .any(|p| lower[..len].starts_with(p.as_bytes()))
    })
}

/// True when the word starts with one of [`FURNITURE_PREFIXES`], in any case.
fn starts_with_prefix(word: &str) -> bool {
    head_has_prefix(word.bytes())
}

/// The same, on the whole name with `-` and `_` left out (`sub_scribe-box`).
fn starts_with_prefix_ignoring_separators(name: &str) -> bool {
    head_has_prefix(name.bytes().filter(|b| *b != b'-' && *b != b'_'))
}

/// Words of a class name, split at non-alphanumerics and at camelCase humps:
/// `relatedStories__item` → `related`, `Stories`, `item`. Borrowed from the name, so compare
/// them ignoring ASCII case.
fn split_words(name: &str) -> impl Iterator<Item = &str> {
    let bytes = name.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        let mut prev_lower = false;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            let b = bytes[i];
            if b.is_ascii_uppercase() && prev_lower {
                break;
            }
            prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
            i += 1;
        }
        Some(&name[start..i])
    })
}

#[cfg(test)]
mod tests {
    use super::{FURNITURE_PREFIXES, FURNITURE_TOKENS, LONGEST_WORD, class_names_furniture, split_words};

    #[test]
    fn class_names() {
        // Words are compared lower-cased, on their first LONGEST_WORD bytes.
        for w in FURNITURE_TOKENS.iter().chain(FURNITURE_PREFIXES) {
            assert!(
                (2..=LONGEST_WORD).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_lowercase()),
                "{w}"
            );
        }
        assert_eq!(
            split_words("relatedStories__item").collect::<Vec<_>>(),
            ["related", "Stories", "item"]
        );
        assert_eq!(split_words("--").count(), 0);
        for furniture in [
            "article-tags",
            "main-nav",
            "comments-area",
            "relatedStories",
            "share-buttons",
            "sub_scribe",
        ] {
            assert!(class_names_furniture(furniture), "{furniture}");
        }
        for text in [
            "tag-review",
            "article-body",
            "entry-content",
            "credit-union-story",
            "headline",
            "",
        ] {
            assert!(!class_names_furniture(text), "{text}");
        }
    }
}
