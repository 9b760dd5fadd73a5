//! The article's main text: dom_smoothie's readability pass on the parsed tree, split into
//! paragraphs and cleaned of leftover boilerplate; JSON-LD `articleBody` when it is clearly longer.

use crate::text::split_lines;
use dom_query::Document as Tree;
use dom_smoothie::{Config, ParsePolicy, Readability, TextMode};
use url::Url;

/// Main-text paragraphs of the page. `tree` is `html` parsed (it is changed); `ld_body` is the
/// JSON-LD `articleBody`, if any.
pub(super) fn main_text(tree: Tree, html: &str, page_url: Option<&Url>, ld_body: Option<&str>) -> Vec<String> {
    let visible = readability_text(tree, html, page_url);
    let visible = split_lines(&visible);
    match ld_body.map(split_lines) {
        Some(body) if clearly_longer(&body, &visible) => body,
        _ => visible,
    }
}

/// Text shorter than this (characters, whitespace collapsed) sends readability through its
/// looser policies; dom_smoothie's own `char_threshold` default, the same as readability.js's.
const ENOUGH_TEXT_CHARS: usize = 500;

/// dom_smoothie's readability pass. Its `parse` tries policies from strict to raw, cloning the
/// tree before every try; most pages are settled by the first, so that one runs on the tree
/// itself, and only pages it leaves short are parsed again for the full sequence.
fn readability_text(tree: Tree, html: &str, page_url: Option<&Url>) -> String {
    let strict = readability(tree, page_url, Some(ParsePolicy::Strict));
    if strict.as_ref().is_some_and(|t| collapsed_chars(t) >= ENOUGH_TEXT_CHARS) {
        return strict.unwrap_or_default();
    }
    readability(Tree::from(html), page_url, None)
        .or(strict)
        .unwrap_or_default()
}

/// One readability pass with furniture removed first: one policy, or all in turn (`None`).
fn readability(tree: Tree, page_url: Option<&Url>, policy: Option<ParsePolicy>) -> Option<String> {
    super::boilerplate::remove_furniture(&tree);
    let config = Config {
        text_mode: TextMode::Formatted,
        // We read JSON-LD ourselves (jsonld.rs); dom_smoothie would parse it a second time.
        disable_json_ld: true,
        char_threshold: ENOUGH_TEXT_CHARS,
        ..Config::default()
    };
    // An unusable page URL only costs link resolution inside dom_smoothie, which we do not use.
    let url = page_url.map(Url::as_str);
    let mut readability = Readability::with_document(tree, url, Some(config)).ok()?;
    let article = match policy {
        Some(policy) => readability.parse_with_policy(policy),
        None => readability.parse(),
    };
    article.ok().map(|a| a.text_content.to_string())
}

/// Characters of the text with runs of whitespace counted as one.
fn collapsed_chars(text: &str) -> usize {
    text.split_whitespace().map(|w| w.chars().count() + 1).sum()
}

/// True when `candidate` has clearly more words than `visible` (a quarter more): the JSON-LD
/// body then holds text the page hides behind scripts, pagination or a paywall.
fn clearly_longer(candidate: &[String], visible: &[String]) -> bool {
    let words = |ps: &[String]| ps.iter().map(|p| p.split_whitespace().count()).sum::<usize>();
    let (c, v) = (words(candidate), words(visible));
    c >= 30 && c * 4 > v * 5
}
