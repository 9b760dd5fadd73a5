//! The briefing in Markdown (`pickup report --format md`), for pasting into an email or a chat:
//! the title block, the headline, the pitch lists, the table of placements (auto outlets marked
//! `auto`) and the placements of unknown country. Scraped text is escaped so a title
//! cannot become a link, an image, markup or a broken table.

use super::briefing::{Briefing, long_date, plural, reach_words, short_day};
use super::day;
use super::html::byline;
use std::fmt::Write as _;

/// Escapes text for a Markdown table cell (CommonMark: any ASCII punctuation may be escaped with
/// a backslash; line breaks would end the row).
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '(' | ')' | '&' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A link target inside `<…>` (CommonMark's form for URLs with spaces or parentheses); only
/// http(s) URLs are linked.
fn link(text: &str, url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://")) && !url.contains(['<', '>', '\n', ' ']) {
        format!("[{}](<{url}>)", md(text))
    } else {
        md(text)
    }
}

/// The briefing as Markdown.
pub fn render(b: &Briefing) -> String {
    let mut m = String::new();
    let single = b.article_filter.is_some() || b.sections.len() == 1;
    match (single, b.sections.first()) {
        (true, Some(s)) => {
            let _ = writeln!(m, "# {}\n\n{} · {}\n", md(&s.title), md(&b.title), md(&byline(s)));
        }
        _ => {
            let _ = writeln!(m, "# {}\n", md(&b.title));
            for s in &b.sections {
                let _ = writeln!(m, "- **{}** — {}", md(&s.title), md(&byline(s)));
            }
            m.push('\n');
        }
    }
    let _ = writeln!(
        m,
        "- **Period covered:** {}\n- **Filters:** {}\n- **Generated:** {}\n",
        md(&b.period_text()),
        md(&b.filters_text()),
        md(&b.generated_text())
    );
    m.push_str("## Headline\n\n");
    let f = &b.figures;
    if f.placements == 0 {
        let _ = writeln!(m, "{}", md(&b.nothing_found()));
        return m;
    }
    let reach = if f.audience_unknown == f.outlets {
        "estimated reach unknown".to_string()
    } else {
        format!("estimated reach **{}** monthly readers", reach_words(f.reach))
    };
    let _ = writeln!(
        m,
        "**{}** on **{}** in **{}** and **{}**; {reach}. {}\n",
        plural(f.placements, "placement", "placements"),
        plural(f.outlets, "outlet", "outlets"),
        plural(f.countries, "country", "countries"),
        plural(f.languages, "language", "languages"),
        md(&b.reach_rule())
    );
    let kinds: Vec<String> = f.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = writeln!(
        m,
        "By kind: {}. Direct {}, syndicated {}.\n",
        kinds.join(", "),
        f.direct,
        f.syndicated
    );
    pitch(&mut m, b, single);
    m.push_str("## Every placement\n");
    for s in &b.sections {
        if !single {
            let _ = writeln!(m, "\n### {}", md(&s.title));
        }
        if s.records.is_empty() {
            let _ = writeln!(
                m,
                "
{}",
                md(&b.nothing_found_for(s))
            );
            continue;
        }
        m.push_str(
            "\n| Date | Outlet | Country | Language | Kind | Coverage | Headline |\n|---|---|---|---|---|--:|---|\n",
        );
        for r in &s.records {
            let headline = r.title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or(&r.url);
            let notes: Vec<String> = r
                .syndicated_from
                .as_ref()
                .map(|_| "syndicated".to_string())
                .into_iter()
                .chain(super::status_mark(r).map(|(mark, day)| format!("{mark} {day}")))
                .collect();
            let kind = if notes.is_empty() {
                r.kind.to_string()
            } else {
                format!("{} ({})", r.kind, notes.join("; "))
            };
            let _ = writeln!(
                m,
                "| {} | {}{} | {} | {} | {kind} | {:.0}% | {} |",
                short_day(day(r)),
                md(&r.outlet_name),
                auto_mark(b.is_auto(&r.outlet)),
                md(&b.names.country(&r.country)),
                md(&b.names.language(&r.language)),
                r.coverage * 100.0,
                link(headline, &r.url)
            );
        }
    }
    let unknown: Vec<_> = b.country_unknown().collect();
    if !unknown.is_empty() {
        let _ = writeln!(m, "\n## Country unknown\n");
        for r in unknown {
            let _ = writeln!(
                m,
                "- {} — {}{}: {}",
                short_day(day(r)),
                md(&r.outlet_name),
                auto_mark(b.is_auto(&r.outlet)),
                link(&r.url, &r.url)
            );
        }
    }
    m
}

/// The `auto` mark of an outlet pickup made from a site nobody configured.
fn auto_mark(auto: bool) -> &'static str {
    if auto { " `auto`" } else { "" }
}

/// Per article with a pitch list: its three lists, each outlet with the day it first ran it.
fn pitch(m: &mut String, b: &Briefing, single: bool) {
    let pitched: Vec<_> = b.sections.iter().filter(|s| s.pitch.is_some()).collect();
    if pitched.is_empty() {
        return;
    }
    m.push_str("## Pitch list\n");
    for s in pitched {
        if !single {
            let _ = writeln!(m, "\n### {}", md(&s.title));
        }
        for (title, list) in s.pitch.iter().flat_map(|p| p.titled()) {
            let names: Vec<String> = list
                .iter()
                .map(|e| {
                    let when = e.first_ran.map(|d| format!(" ({})", long_date(d))).unwrap_or_default();
                    format!("{}{}{}", md(&e.outlet_name), md(&when), auto_mark(b.is_auto(&e.outlet)))
                })
                .collect();
            let names = if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            };
            let _ = writeln!(m, "\n**{title}** ({}): {names}", list.len());
        }
    }
    m.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scraped_text_cannot_make_links_or_break_the_table() {
        assert_eq!(md("[x](javascript:y) | *b*"), "\\[x\\]\\(javascript:y\\) \\| \\*b\\*");
        assert_eq!(md("a\nb"), "a b");
        assert_eq!(link("T", "javascript:alert(1)"), "T");
        assert_eq!(
            link("T]", "https://a.example/x_(y)"),
            "[T\\]](<https://a.example/x_(y)>)"
        );
    }
}
