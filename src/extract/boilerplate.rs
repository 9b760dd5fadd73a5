//! Removes page furniture from the tree before readability scoring: navigation, footers,
//! captions, share bars, newsletter prompts, related-story boxes, comments.
//!
//! dom_smoothie already discards such blocks when they lose the scoring, but keeps those nested
//! inside the winning container; removing them first is where most of its lost precision is.

use dom_query::{Document as Tree, NodeId, NodeRef};
use std::collections::HashMap;

/// Elements that are never article text.
const FURNITURE_TAGS: &str = "nav, footer, aside, form, button, figcaption, dialog, select, \
    [role=navigation], [role=contentinfo], [role=complementary], [role=banner], [hidden], [aria-hidden=true]";

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

/// Removes furniture from the tree, sparing any element that holds most of the page's text
/// (a class such as `article-body has-related` must not cost the article).
pub fn remove_furniture(tree: &Tree) {
    let Some(body) = tree.body() else { return };
    let weights = text_weights(&body);
    let weight = |n: &NodeRef| weights.get(&n.id).copied().unwrap_or(0);
    let total = weight(&body).max(1);
    let by_tag = tree.select(FURNITURE_TAGS);
    let by_name = body.descendants_it().filter(|n| n.is_element() && names_furniture(n));
    // Weigh everything before removing anything, so nested candidates are judged on the page as
    // served. ASP.NET pages wrap the whole body in one <form>: hence the weight guard on tags too.
    let doomed: Vec<NodeRef> = by_tag
        .nodes()
        .iter()
        .cloned()
        .chain(by_name)
        .filter(|n| weight(n) * 2 < total)
        .collect();
    for node in doomed {
        node.remove_from_parent();
    }
}

/// True when the element's class or id names furniture. `<article>` and `<main>` are spared:
/// WordPress gives them every tag and category of the post as classes (`tag-review`).
fn names_furniture(node: &NodeRef) -> bool {
    if node
        .node_name()
        .is_some_and(|n| matches!(&*n, "article" | "main" | "body" | "html"))
    {
        return false;
    }
    ["class", "id"]
        .iter()
        .filter_map(|attr| node.attr(attr))
        .any(|value| value.split_whitespace().any(class_names_furniture))
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
    let words = split_words(name);
    let Some((first, last)) = words.first().zip(words.last()) else {
        return false;
    };
    FURNITURE_TOKENS.contains(&last.as_str())
        || (FURNITURE_TOKENS.contains(&first.as_str()) && !LABEL_PREFIXES.contains(&first.as_str()))
        || words
            .iter()
            .any(|w| FURNITURE_PREFIXES.iter().any(|p| w.starts_with(p)))
        || FURNITURE_PREFIXES
            .iter()
            .any(|p| name.to_ascii_lowercase().replace(['-', '_'], "").starts_with(p))
}

/// Lower-cased words of a class name: `relatedStories__item` → `related`, `stories`, `item`.
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            prev_lower = false;
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Per element, the characters of text in its long paragraphs: a cheap measure of "article text
/// here". Computed in one pass (each paragraph credits its ancestors) rather than per candidate.
fn text_weights(body: &NodeRef) -> HashMap<NodeId, usize> {
    let mut weights = HashMap::new();
    let paragraphs = body
        .descendants_it()
        .filter(|n| n.node_name().is_some_and(|name| &*name == "p"));
    for p in paragraphs {
        let len = p.text().len();
        if len <= 80 {
            continue;
        }
        *weights.entry(p.id).or_insert(0) += len;
        for ancestor in p.ancestors_it(None) {
            *weights.entry(ancestor.id).or_insert(0) += len;
        }
    }
    weights
}
