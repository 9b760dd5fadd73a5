//! Syndication: whether a page says it first ran elsewhere, and where.
//!
//! Two signs are read. A `rel=canonical` or `og:url` on another site (the partner credits the
//! original in its metadata) is read by [`crate::placement::JudgedPage::syndicated_from`]; a
//! credit line in the text ("This article first appeared in …", "Republished with permission
//! from …", "Publicado originalmente en …") is read here, in the languages the outlets write in,
//! with the link it carries if any.

use crate::canon;
use dom_query::Document as Tree;
use url::Url;

/// A credit line is short: a longer paragraph that happens to say "first appeared in" is a news
/// report telling a story, not an outlet crediting its source.
pub(crate) const CREDIT_LINE_MAX_WORDS: usize = 40;

/// How many ancestors of a link are searched for the credit phrase: the link sits in an
/// `<em>`, `<i>` or `<a>` inside the credit paragraph, rarely deeper.
const LINK_ANCESTORS: usize = 3;

/// Phrases with which a page credits another publication, lower case, by language. Each is
/// followed by the publication's name (or link).
const PHRASES: &[&str] = &[
    // English
    "first appeared in",
    "first appeared on",
    "first appeared at",
    "first published in",
    "first published on",
    "first published by",
    "originally published in",
    "originally published on",
    "originally published by",
    "originally published at",
    "originally appeared in",
    "originally appeared on",
    "republished with permission from",
    "republished with permission of",
    "republished from",
    "reprinted with permission from",
    "reprinted from",
    "published with permission from",
    "reproduced with permission from",
    // Spanish
    "publicado originalmente en",
    "publicado originalmente por",
    "publicada originalmente en",
    "originalmente publicado en",
    "originalmente publicada en",
    "apareció originalmente en",
    "apareció por primera vez en",
    "se publicó originalmente en",
    "publicado por primera vez en",
    "reproducido con permiso de",
    "reproducido con autorización de",
    // French
    "publié initialement dans",
    "publié initialement sur",
    "publié initialement par",
    "initialement publié dans",
    "initialement publié sur",
    "initialement publié par",
    "publié à l'origine dans",
    "publié à l’origine dans",
    "publié à l'origine sur",
    "publié à l’origine sur",
    "paru initialement dans",
    "paru d'abord dans",
    "paru d’abord dans",
    "republié avec l'autorisation de",
    "republié avec l’autorisation de",
    "reproduit avec l'autorisation de",
    "reproduit avec l’autorisation de",
    // German
    "zuerst erschienen in",
    "zuerst erschienen bei",
    "zuerst erschienen auf",
    "erschien zuerst in",
    "erschien zuerst bei",
    "erschien zuerst auf",
    "ursprünglich erschienen in",
    "ursprünglich erschienen bei",
    "erstmals erschienen in",
    "erstmals veröffentlicht in",
    "erstmals veröffentlicht bei",
    "nachdruck mit freundlicher genehmigung",
    // Portuguese
    "publicado originalmente em",
    "publicado originalmente no",
    "publicado originalmente na",
    "publicado originalmente pelo",
    "publicado originalmente pela",
    // Italian
    "pubblicato originariamente su",
    "pubblicato originariamente da",
    "originariamente pubblicato su",
    "apparso per la prima volta su",
    "pubblicato per la prima volta su",
];

/// The phrase a text credits another publication with, and where the credited name starts.
fn find_phrase(lower: &str) -> Option<usize> {
    PHRASES.iter().filter_map(|p| lower.find(p).map(|i| i + p.len())).min()
}

/// True when a paragraph is a credit line: short, and saying the text first ran elsewhere.
pub(crate) fn is_credit_line(paragraph: &str) -> bool {
    paragraph.split_whitespace().count() <= CREDIT_LINE_MAX_WORDS && find_phrase(&paragraph.to_lowercase()).is_some()
}

/// What a page's text credits as the original: the link in its credit line (resolved against
/// `page_url`, on another site), else the name that follows the phrase ("The Diplomat").
/// `None` when the page has no credit line. `paragraphs` is the extracted main text; the HTML
/// is parsed only when the text or the raw page has a credit phrase (most pages have none).
pub(crate) fn credit(html: &str, paragraphs: &[String], page_url: Option<&Url>) -> Option<String> {
    let line = paragraphs.iter().find(|p| is_credit_line(p));
    if line.is_none() && find_phrase(&html.to_lowercase()).is_none() {
        return None;
    }
    credited_link(html, page_url)
        .map(String::from)
        .or_else(|| line.and_then(|l| credited_name(l)))
}

/// The first link that sits in a short element carrying a credit phrase, on another site.
fn credited_link(html: &str, page_url: Option<&Url>) -> Option<Url> {
    let tree = Tree::from(html);
    for a in tree.select("a[href]").nodes() {
        let Some(href) = a.attr("href") else { continue };
        let Some(link) = resolve(&href, page_url) else { continue };
        if page_url.is_some_and(|p| canon::site(p) == canon::site(&link)) {
            continue;
        }
        let mut node = a.parent();
        for _ in 0..LINK_ANCESTORS {
            let Some(n) = node else { break };
            let text = n.text();
            if text.split_whitespace().count() > CREDIT_LINE_MAX_WORDS {
                break;
            }
            if find_phrase(&text.to_lowercase()).is_some() {
                return Some(link);
            }
            node = n.parent();
        }
    }
    None
}

fn resolve(href: &str, base: Option<&Url>) -> Option<Url> {
    let url = match base {
        Some(b) => b.join(href.trim()).ok()?,
        None => Url::parse(href.trim()).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The name after the credit phrase, up to the end of its sentence: "This article first
/// appeared in The Diplomat." → "The Diplomat".
fn credited_name(line: &str) -> Option<String> {
    let lower = line.to_lowercase();
    // Lower-casing can change byte lengths (rarely: `İ`); then the name is not cut out.
    if lower.len() != line.len() {
        return None;
    }
    let start = find_phrase(&lower)?;
    let rest = line.get(start..)?.trim_start();
    for (open, close) in [('«', '»'), ('“', '”'), ('"', '"'), ('‘', '’'), ('„', '“')] {
        if let Some(quoted) = rest.strip_prefix(open) {
            let name = quoted.split(close).next().unwrap_or("").trim();
            return (!name.is_empty()).then(|| name.to_string());
        }
    }
    let end = rest
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '!' | '?' | ';' | '(' | '\n')
                || (c == '.' && rest[i + 1..].chars().next().is_none_or(char::is_whitespace))
                || (c == ',' && rest[i + 1..].trim_start().starts_with(|ch: char| ch.is_lowercase()))
        })
        .map_or(rest.len(), |(i, _)| i);
    let name = rest[..end]
        .trim()
        .trim_matches(|c: char| matches!(c, '"' | '“' | '”' | '«' | '»' | '\'' | ':' | ','));
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_lines_in_the_outlets_languages() {
        for line in [
            "This article first appeared in The Diplomat.",
            "Republished with permission from Capital Tribune.",
            "Originally published by the Lowy Institute.",
            "Este artículo fue publicado originalmente en Diario del Sur.",
            "Cet article a été publié initialement dans Le Courrier.",
            "Dieser Beitrag erschien zuerst bei Berliner Blatt.",
        ] {
            assert!(is_credit_line(line), "{line}");
        }
        assert!(!is_credit_line("Taiwan can help fight cybercrime."));
        let long = format!(
            "The op-ed, which first appeared in the Tribune, {}",
            "argues more. ".repeat(20)
        );
        assert!(
            !is_credit_line(&long),
            "a news report telling the story is no credit line"
        );
    }

    #[test]
    fn the_credited_name_ends_with_its_sentence() {
        let name = |l: &str| credited_name(l);
        assert_eq!(
            name("This article first appeared in The Diplomat.").as_deref(),
            Some("The Diplomat")
        );
        assert_eq!(
            name("Republished with permission from Capital Tribune (Washington).").as_deref(),
            Some("Capital Tribune")
        );
        assert_eq!(
            name("Publicado originalmente en «Diario del Sur», Buenos Aires.").as_deref(),
            Some("Diario del Sur"),
            "a quoted name is the quote"
        );
        assert_eq!(name("First published in"), None);
    }
}
