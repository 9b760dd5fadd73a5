//! The article's main text: dom_smoothie's readability pass on the parsed tree, split into
//! paragraphs and cleaned of leftover boilerplate; JSON-LD `articleBody` when it is clearly longer.

use dom_query::Document as Tree;
use dom_smoothie::{Config, Readability, TextMode};
use url::Url;

/// Main-text paragraphs of the page. `ld_body` is the JSON-LD `articleBody`, if any.
pub fn main_text(tree: Tree, page_url: Option<&Url>, ld_body: Option<&str>) -> Vec<String> {
    let visible = readability_text(tree, page_url);
    let visible = split_paragraphs(&visible);
    match ld_body.map(split_paragraphs) {
        Some(body) if clearly_longer(&body, &visible) => body,
        _ => visible,
    }
}

fn readability_text(tree: Tree, page_url: Option<&Url>) -> String {
    super::boilerplate::remove_furniture(&tree);
    let config = Config {
        text_mode: TextMode::Formatted,
        // We read JSON-LD ourselves (jsonld.rs); dom_smoothie would parse it a second time.
        disable_json_ld: true,
        ..Config::default()
    };
    // An unusable page URL only costs link resolution inside dom_smoothie, which we do not use.
    let url = page_url.map(Url::as_str);
    let readability = Readability::with_document(tree, url, Some(config));
    let mut readability = match readability {
        Ok(r) => r,
        Err(_) => return String::new(),
    };
    readability
        .parse()
        .map(|a| a.text_content.to_string())
        .unwrap_or_default()
}

/// Splits text on line breaks into trimmed, whitespace-collapsed, non-empty paragraphs.
pub(super) fn split_paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(super::meta::collapse_spaces)
        .filter(|p| !p.is_empty())
        .collect()
}

/// True when `candidate` has clearly more words than `visible` (a quarter more): the JSON-LD
/// body then holds text the page hides behind scripts, pagination or a paywall.
fn clearly_longer(candidate: &[String], visible: &[String]) -> bool {
    let words = |ps: &[String]| ps.iter().map(|p| p.split_whitespace().count()).sum::<usize>();
    let (c, v) = (words(candidate), words(visible));
    c >= 30 && c * 4 > v * 5
}
