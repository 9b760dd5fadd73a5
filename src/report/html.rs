//! The briefing as one self-contained HTML page (`pickup report`, `export --format html`): title
//! block, headline figures, charts, top outlets, every placement with its link, and how to read
//! it. No scripts and no external assets: it opens offline, and its print rules lay it out on A4
//! or Letter with the title block, headline and charts on the first page.

use super::briefing::{ArticleSection, Briefing, Figures, long_date, plural, reach_words, short_day, thousands};
use super::{ExportRecord, chart, day};
use crate::pitch::PitchLists;
use base64::Engine as _;
use std::fmt::Write as _;

/// Characters of evidence shown under each headline: about two printed lines at table width.
pub const EVIDENCE_CHARS: usize = 120;

/// Escapes text for HTML content and attribute values (every scraped string goes through it).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Only http(s) links become clickable: a scraped `javascript:` URL stays text.
fn href(url: &str) -> Option<String> {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then(|| esc(url.trim()))
}

/// Screen and print styles. Print: the page's own margins on whatever paper the printer has (A4
/// or Letter; the content fits the narrower and shorter of the two), headings kept with what
/// follows, rows never split, the table header repeated on every page.
const CSS: &str = r#"
:root{--ink:#1f2933;--muted:#52606d;--rule:#d9dee3;--accent:#3b6ea8}
*{box-sizing:border-box}
body{font:14px/1.45 "Helvetica Neue",Helvetica,Arial,"Noto Sans","Noto Sans CJK JP","Noto Sans CJK SC",sans-serif;color:var(--ink);margin:2em auto;max-width:64em;padding:0 1em}
a{color:var(--accent)}
header.title{border-bottom:3px solid var(--ink);padding-bottom:.6em;margin-bottom:1em;overflow:hidden}
header.title img.logo{float:right;max-height:3.2em;max-width:12em;margin-left:1em}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.8em;color:var(--muted);margin:0}
h1{font-size:1.7em;line-height:1.2;margin:.15em 0 .2em}
.byline{margin:0 0 .5em;font-size:1.05em}
.articles{margin:.2em 0 .6em;padding-left:1.2em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:0;font-size:.9em}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
h2{font-size:1.2em;margin:1.2em 0 .4em;border-bottom:1px solid var(--rule);padding-bottom:.15em}
h3{font-size:1.05em;margin:1em 0 .3em}
.figures{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:.5em;margin:.4em 0}
.figure{border:1px solid var(--rule);border-radius:4px;padding:.35em .5em}
.figure b{display:block;font-size:1.5em;line-height:1.1;white-space:nowrap}
.figure span{color:var(--muted);font-size:.85em}
.rule{font-size:.85em;color:var(--muted);margin:.3em 0}
.splits{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start;font-size:.9em;margin:.3em 0}
.splits table{width:auto;min-width:13em}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:.6em 1.5em;margin-top:.6em}
.charts .wide{grid-column:1 / -1}
svg.chart{width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--rule);padding:.25em .4em;text-align:left;vertical-align:top}
th{font-size:.85em;color:var(--muted);border-bottom:1.5px solid var(--ink)}
.n{text-align:right;font-variant-numeric:tabular-nums}
td.d{white-space:nowrap}
table.placements{table-layout:fixed;font-size:.88em}
table.placements td{overflow-wrap:anywhere}
.ev{color:var(--muted);font-size:.92em;margin-top:.15em}
.tag{display:inline-block;font-size:.8em;border:1px solid var(--muted);border-radius:3px;padding:0 .25em;margin-top:.15em;white-space:nowrap}
.empty{font-style:italic}
.summary{margin:.2em 0 .5em;font-size:.92em}
.how p{margin:.3em 0}
footer{margin-top:2em;font-size:.8em;color:var(--muted)}
@page{margin:12mm 12mm 13mm}
@media print{
 body{font-size:9pt;margin:0;max-width:none;padding:0}
 table.placements{font-size:7.8pt}
 .ev{font-size:7.2pt}
 a{color:var(--ink);text-decoration:none}
 h1,h2,h3,.summary{break-after:avoid;page-break-after:avoid}
 table{break-before:avoid}
 tr,.figure,svg.chart,.splits table{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}
 footer{display:none}
}
"#;

/// The briefing page.
pub fn render(b: &Briefing) -> String {
    let mut h = String::with_capacity(16_384 + 1_024 * b.figures.placements);
    let single = b.article_filter.is_some() || b.sections.len() == 1;
    let page_title = match (single, b.sections.first()) {
        (true, Some(s)) => format!("{} — {}", s.title, b.title),
        _ => b.title.clone(),
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"pickup {}\"><title>{}</title><style>{CSS}{}</style></head><body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&page_title),
        b.paper
            .map(|p| format!("@page{{size:{}}}", p.css()))
            .unwrap_or_default()
    );
    h.push_str("<div class=\"first\">\n");
    title_block(&mut h, b, single);
    headline(&mut h, b, &b.figures, b.sections.len());
    if b.figures.placements > 0 {
        charts(&mut h, b);
    }
    h.push_str("</div>\n");
    if b.figures.placements > 0 {
        top_outlets(&mut h, b);
    }
    pitch(&mut h, b, single);
    placements(&mut h, b, single);
    country_unknown(&mut h, b);
    how_to_read(&mut h);
    let _ = writeln!(
        h,
        "<footer>Made by pickup {} on {}.</footer>\n</body></html>",
        env!("CARGO_PKG_VERSION"),
        esc(&b.generated_text())
    );
    h
}

fn title_block(h: &mut String, b: &Briefing, single: bool) {
    h.push_str("<header class=\"title\">");
    if let Some(logo) = &b.logo {
        let data = base64::engine::general_purpose::STANDARD.encode(&logo.bytes);
        let _ = write!(
            h,
            "<img class=\"logo\" src=\"data:{};base64,{data}\" alt=\"\">",
            logo.mime
        );
    }
    match (single, b.sections.first()) {
        (true, Some(s)) => {
            let _ = write!(
                h,
                "<p class=\"kicker\">{}</p><h1>{}</h1><p class=\"byline\">{}</p>",
                esc(&b.title),
                esc(&s.title),
                esc(&byline(s))
            );
        }
        _ => {
            let _ = write!(
                h,
                "<p class=\"kicker\">{}</p><h1>{}</h1><ul class=\"articles\">",
                esc(&plural(b.sections.len(), "tracked article", "tracked articles")),
                esc(&b.title)
            );
            for s in &b.sections {
                let _ = write!(h, "<li><b>{}</b> — {}</li>", esc(&s.title), esc(&byline(s)));
            }
            h.push_str("</ul>");
        }
    }
    let _ = writeln!(
        h,
        "<dl class=\"meta\"><dt>Period covered</dt><dd>{}</dd><dt>Filters</dt><dd>{}</dd>\
         <dt>Generated</dt><dd>{}</dd></dl></header>",
        esc(&b.period_text()),
        esc(&b.filters_text()),
        esc(&b.generated_text())
    );
}

/// "By Jane Doe · published 12 November 2021".
pub fn byline(s: &ArticleSection) -> String {
    let mut parts = Vec::new();
    if let Some(a) = &s.author {
        parts.push(format!("By {a}"));
    }
    if let Some(d) = s.published {
        parts.push(format!("published {}", long_date(d)));
    }
    if parts.is_empty() {
        parts.push(format!("article {} (no longer in the config)", s.id));
    }
    parts.join(" · ")
}

fn headline(h: &mut String, b: &Briefing, f: &Figures, articles: usize) {
    h.push_str("<section class=\"headline\">");
    if articles > 1 {
        let _ = write!(h, "<h2>Headline: {}</h2>", plural(articles, "article", "articles"));
    } else {
        h.push_str("<h2>Headline</h2>");
    }
    if f.placements == 0 {
        let _ = writeln!(h, "<p class=\"empty\">{}</p></section>", esc(&b.nothing_found()));
        return;
    }
    h.push_str("<div class=\"figures\">");
    let figure = |h: &mut String, value: String, label: &str| {
        let _ = write!(
            h,
            "<div class=\"figure\"><b>{}</b><span>{}</span></div>",
            esc(&value),
            esc(label)
        );
    };
    let word = |n: usize, one: &str, many: &str| if n == 1 { one.to_string() } else { many.to_string() };
    figure(
        h,
        thousands(f.placements as u64),
        &word(f.placements, "placement", "placements"),
    );
    figure(h, thousands(f.outlets as u64), &word(f.outlets, "outlet", "outlets"));
    figure(
        h,
        thousands(f.countries as u64),
        &word(f.countries, "country", "countries"),
    );
    figure(
        h,
        thousands(f.languages as u64),
        &word(f.languages, "language", "languages"),
    );
    if f.audience_unknown == f.outlets {
        figure(h, "unknown".into(), "estimated reach");
    } else {
        figure(h, reach_words(f.reach), "est. monthly reach");
    }
    h.push_str("</div>");
    let _ = write!(h, "<p class=\"rule\">{}</p>", esc(&super::briefing::reach_rule(f)));
    h.push_str(
        "<div class=\"splits\"><table><thead><tr><th>Kind</th><th class=\"n\">Placements</th></tr></thead><tbody>",
    );
    for (kind, n) in &f.by_kind {
        let _ = write!(h, "<tr><td>{kind}</td><td class=\"n\">{n}</td></tr>");
    }
    let _ = writeln!(
        h,
        "</tbody></table><table><thead><tr><th>Source</th><th class=\"n\">Placements</th></tr></thead><tbody>\
         <tr><td>direct (run by the outlet itself)</td><td class=\"n\">{}</td></tr>\
         <tr><td>syndicated (credits another site)</td><td class=\"n\">{}</td></tr></tbody></table></div></section>",
        f.direct, f.syndicated
    );
}

fn charts(h: &mut String, b: &Briefing) {
    let names = |rows: &[(String, usize)], name: &dyn Fn(&str) -> String| -> Vec<(String, usize)> {
        rows.iter().map(|(code, n)| (name(code), *n)).collect()
    };
    let countries = names(&b.figures.by_country, &|c| b.names.country(c));
    let languages = names(&b.figures.by_language, &|l| b.names.language(l));
    let _ = writeln!(
        h,
        "<section class=\"charts\"><div class=\"wide\">{}</div><div>{}</div><div>{}</div></section>",
        chart::over_time(&b.figures.by_day),
        chart::bars("By country", &countries),
        chart::bars("By language", &languages)
    );
}

fn top_outlets(h: &mut String, b: &Briefing) {
    h.push_str(
        "<section class=\"top\"><h2>Top outlets by audience</h2><table><thead><tr><th>Outlet</th><th>Country</th>\
         <th>Language</th><th class=\"n\">Monthly readers</th><th>First placed</th><th>Kind</th></tr></thead><tbody>\n",
    );
    for o in &b.top_outlets {
        let readers = o.audience.map(thousands).unwrap_or_else(|| "unknown".into());
        let more = if o.placements > 1 {
            format!(" ({} placements)", o.placements)
        } else {
            String::new()
        };
        let _ = writeln!(
            h,
            "<tr><td>{}{}{}</td><td>{}</td><td>{}</td><td class=\"n\">{readers}</td><td class=\"d\">{}</td><td>{}</td></tr>",
            esc(&o.outlet_name),
            esc(&more),
            auto_tag(o.auto),
            esc(&b.names.country(&o.country)),
            esc(&b.names.language(&o.language)),
            esc(&short_day(o.first_day)),
            o.kinds.join(", ")
        );
    }
    h.push_str("</tbody></table></section>\n");
}

fn placements(h: &mut String, b: &Briefing, single: bool) {
    if b.figures.placements == 0 && single {
        return;
    }
    h.push_str("<section class=\"every\"><h2>Every placement</h2>\n");
    for s in &b.sections {
        if !single {
            let _ = write!(h, "<h3>{}</h3>", esc(&s.title));
            let _ = write!(h, "<p class=\"summary\">{}</p>", esc(&section_summary(b, s)));
        }
        if s.records.is_empty() {
            continue;
        }
        h.push_str(
            "<table class=\"placements\"><colgroup><col style=\"width:9%\"><col style=\"width:16%\">\
             <col style=\"width:10%\"><col style=\"width:9%\"><col style=\"width:9%\"><col style=\"width:8%\">\
             <col style=\"width:39%\"></colgroup><thead><tr><th>Date</th><th>Outlet</th><th>Country</th>\
             <th>Language</th><th>Kind</th><th class=\"n\">Coverage</th><th>Headline and evidence</th></tr></thead><tbody>\n",
        );
        for r in &s.records {
            row(h, b, r);
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");
}

/// "31 placements on 20 outlets in 12 countries and 5 languages; est. reach 3.2 million", or why
/// there are none.
fn section_summary(b: &Briefing, s: &ArticleSection) -> String {
    let f = &s.figures;
    if f.placements == 0 {
        return b.nothing_found_for(s);
    }
    let reach = if f.audience_unknown == f.outlets {
        "reach unknown".to_string()
    } else {
        format!("est. reach {}", reach_words(f.reach))
    };
    format!(
        "{} on {} in {} and {}; {reach}. {}",
        plural(f.placements, "placement", "placements"),
        plural(f.outlets, "outlet", "outlets"),
        plural(f.countries, "country", "countries"),
        plural(f.languages, "language", "languages"),
        byline(s)
    )
}

fn row(h: &mut String, b: &Briefing, r: &ExportRecord) {
    let headline = r.title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or(&r.url);
    let link = match href(&r.url) {
        Some(url) => format!("<a href=\"{url}\">{}</a>", esc(headline)),
        None => esc(headline),
    };
    let mut syndicated = match &r.syndicated_from {
        Some(from) => format!("<br><span class=\"tag\" title=\"{}\">syndicated</span>", esc(from)),
        None => String::new(),
    };
    if let Some((mark, day)) = super::status_mark(r) {
        let _ = write!(
            syndicated,
            "<br><span class=\"tag now\" title=\"re-checked {}\">{}</span> <small>{}</small>",
            esc(&day),
            esc(&mark),
            // One line in the narrow column.
            esc(&day).replace(' ', "&nbsp;")
        );
    }
    let _ = writeln!(
        h,
        "<tr><td class=\"d\">{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}{syndicated}</td><td class=\"n\">{:.0}%</td>\
         <td>{link}<div class=\"ev\">{}</div></td></tr>",
        esc(&short_day(day(r))),
        esc(&r.outlet_name),
        auto_tag(b.is_auto(&r.outlet)),
        esc(&b.names.country(&r.country)),
        esc(&b.names.language(&r.language)),
        esc(r.kind),
        r.coverage * 100.0,
        esc(&crate::text::shorten(&r.evidence, EVIDENCE_CHARS))
    );
}

/// The `auto` badge of an outlet pickup made from a site nobody configured.
fn auto_tag(auto: bool) -> &'static str {
    if auto {
        " <span class=\"tag\" title=\"made by pickup from a site no configured outlet owns\">auto</span>"
    } else {
        ""
    }
}

/// Per article with a pitch list: pitched and ran (with the day), pitched and not yet, ran
/// without a pitch.
fn pitch(h: &mut String, b: &Briefing, single: bool) {
    let pitched: Vec<(&ArticleSection, &PitchLists)> =
        b.sections.iter().filter_map(|s| Some((s, s.pitch.as_ref()?))).collect();
    if pitched.is_empty() {
        return;
    }
    h.push_str("<section class=\"pitch\"><h2>Pitch list</h2>\n");
    for (s, lists) in pitched {
        if !single {
            let _ = write!(h, "<h3>{}</h3>", esc(&s.title));
        }
        h.push_str("<div class=\"splits\">");
        for (title, list) in lists.titled() {
            let _ = write!(
                h,
                "<table><thead><tr><th>{} ({})</th></tr></thead><tbody>",
                esc(title),
                list.len()
            );
            if list.is_empty() {
                h.push_str("<tr><td class=\"empty\">none</td></tr>");
            }
            for e in list {
                let when = e.first_ran.map(|d| format!(", {}", long_date(d))).unwrap_or_default();
                let _ = write!(
                    h,
                    "<tr><td>{}{}{}</td></tr>",
                    esc(&e.outlet_name),
                    esc(&when),
                    auto_tag(b.is_auto(&e.outlet))
                );
            }
            h.push_str("</tbody></table>");
        }
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");
}

/// The placements whose country is unknown, listed apart (under the table).
fn country_unknown(h: &mut String, b: &Briefing) {
    let unknown: Vec<&ExportRecord> = b.country_unknown().collect();
    if unknown.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section class=\"unknown\"><h2>Country unknown</h2><p class=\"summary\">{} on outlets no config, \
         search service or country-code domain places in a country.</p><ul>",
        esc(&plural(unknown.len(), "placement", "placements"))
    );
    for r in unknown {
        let link = match href(&r.url) {
            Some(url) => format!("<a href=\"{url}\">{url}</a>"),
            None => esc(&r.url),
        };
        let _ = write!(
            h,
            "<li>{} — {}{}: {link}</li>",
            esc(&short_day(day(r))),
            esc(&r.outlet_name),
            auto_tag(b.is_auto(&r.outlet))
        );
    }
    h.push_str("</ul></section>\n");
}

fn how_to_read(h: &mut String) {
    h.push_str(
        "<section class=\"how\"><h2>How to read this</h2>\
         <p>A <b>placement</b> is one page of an outlet that ran the article: <b>verbatim</b> is the whole \
         text word for word, <b>edited</b> most of it with cuts or rewording, <b>excerpt</b> several whole \
         paragraphs, and <b>translation</b> the article in another language. <b>Coverage</b> is the share of \
         the article's text found on the page; <b>syndicated</b> pages credit another site as their source. \
         A mark such as <b>now gone</b>, with its day, gives what pickup's last re-check of the page found: <b>live</b>, \
         <b>gone</b> (removed), <b>moved</b> (redirected elsewhere), <b>paywalled</b> or <b>changed</b> \
         (most of the text cut); a placement that is gone is still listed and counted.</p>\
         <p><b>Estimated reach</b> adds the monthly readers of every outlet that ran an article, each outlet \
         once per article however many pages it ran; outlets whose audience is unknown add nothing, and \
         the headline says how many there are. Dates are the pages' own publication dates (the day pickup \
         first saw the page, where a page gives none).</p></section>\n",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_refuses_script_links() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(href("javascript:alert(1)"), None);
        assert_eq!(
            href("https://a.example/?x=1&y=2").as_deref(),
            Some("https://a.example/?x=1&amp;y=2")
        );
    }
}
