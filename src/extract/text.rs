//! The article's main text: furniture removed, the container found and read ([`super::article`]),
//! or JSON-LD `articleBody` when it is clearly longer.

use crate::text::split_lines;
use dom_query::Document as Tree;

/// Main-text paragraphs of the page. `tree` is the parsed page (furniture is removed from it);
/// `ld_body` is the JSON-LD `articleBody`, if any.
pub(super) fn main_text(tree: &Tree, ld_body: Option<&str>) -> Vec<String> {
    super::boilerplate::remove_furniture(tree);
    let visible = super::article::read(tree);
    match ld_body.map(split_lines) {
        Some(body) if clearly_longer(&body, &visible) => body,
        _ => visible,
    }
}

/// True when `candidate` has clearly more words than `visible` (a quarter more): the JSON-LD
/// body then holds text the page hides behind scripts, pagination or a paywall.
fn clearly_longer(candidate: &[String], visible: &[String]) -> bool {
    let words = |ps: &[String]| ps.iter().map(|p| p.split_whitespace().count()).sum::<usize>();
    let (c, v) = (words(candidate), words(visible));
    c >= 30 && c * 4 > v * 5
}
