//! Whether a page shows a paywall: the signals publishers and paywall vendors put in the markup,
//! read for liveness re-checks ([`crate::recheck`]), which call a placement `paywalled` only when
//! the article's text is also gone from the page (many free pages carry a dormant paywall).

use super::selector;
use dom_query::{Document as Tree, Matcher};
use std::sync::LazyLock;

static CONTENT_TIER: LazyLock<Matcher> =
    LazyLock::new(|| selector(r#"meta[property="article:content_tier" i], meta[name="article:content_tier" i]"#));
static NAMED: LazyLock<Matcher> = LazyLock::new(|| selector("[class], [id]"));

/// `<meta property="article:content_tier">` values that mean the text is not free (the Open
/// Graph article extension, as WordPress, Piano and others write it).
const LOCKED_TIERS: [&str; 2] = ["locked", "metered"];

/// Parts of a `class` or `id` token that name a paywall or a registration wall, as CMSs and
/// paywall vendors name their containers (`paywall`, `c-regwall`, `tp-modal` of Piano,
/// `subscriber-only`). Matched inside tokens, case-insensitively.
const WALL_TOKENS: [&str; 5] = ["paywall", "regwall", "subscriber-only", "subscribers-only", "tp-modal"];

/// The first paywall signal the page shows, named for the re-check's note: JSON-LD
/// `isAccessibleForFree: false`, a locked `article:content_tier`, or an element whose class or
/// id names a paywall. `None` when it shows none. Reads the tree extraction parsed
/// ([`super::extract_reading`]).
pub fn signal(tree: &Tree) -> Option<&'static str> {
    if super::jsonld::marks_paywalled(tree) {
        return Some("isAccessibleForFree is false");
    }
    let tier_locked = tree
        .select_matcher(&CONTENT_TIER)
        .iter()
        .filter_map(|m| m.attr("content"))
        .any(|c| LOCKED_TIERS.iter().any(|t| c.trim().eq_ignore_ascii_case(t)));
    if tier_locked {
        return Some("article:content_tier is locked");
    }
    let walled = tree.select_matcher(&NAMED).iter().any(|el| {
        ["class", "id"].iter().filter_map(|key| el.attr(key)).any(|names| {
            names.split_ascii_whitespace().any(|token| {
                let token = token.to_ascii_lowercase();
                WALL_TOKENS.iter().any(|w| token.contains(w))
            })
        })
    });
    walled.then_some("a paywall element")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(html: &str) -> Option<&'static str> {
        super::signal(&Tree::from(html))
    }

    #[test]
    fn each_signal_is_seen_and_a_plain_page_shows_none() {
        let ld = r#"<script type="application/ld+json">{"@type":"NewsArticle","hasPart":{"@type":"WebPageElement","isAccessibleForFree":"False","cssSelector":".body"}}</script>"#;
        assert_eq!(signal(ld), Some("isAccessibleForFree is false"));
        let free = r#"<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":true}</script><p>Text about a paywall debate.</p>"#;
        assert_eq!(signal(free), None, "the word in the text is no signal");
        let tier = r#"<meta property="article:content_tier" content="Locked">"#;
        assert_eq!(signal(tier), Some("article:content_tier is locked"));
        assert_eq!(signal(r#"<meta property="article:content_tier" content="free">"#), None);
        for markup in [
            r#"<div class="article-paywall">Subscribe</div>"#,
            r#"<div id="regwall-modal"></div>"#,
            r#"<section class="x TP-MODAL"></section>"#,
            r#"<div class="subscriber-only"></div>"#,
        ] {
            assert_eq!(signal(markup), Some("a paywall element"), "{markup}");
        }
    }
}
