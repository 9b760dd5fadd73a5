//! The schema.org article object in a page's JSON-LD blocks: headline, author, dates, body.
//!
//! Blocks are read leniently, the way search engines read them: after strict JSON fails, comments
//! (`//`, `/* */`), trailing commas, raw control characters in strings, HTML-escaped quotes
//! (`&quot;`) and several top-level objects in one script (`{…}{…}` or `{…},{…}`) are all
//! accepted. Authors given as `{"@id": …}` are looked up among the page's nodes (Yoast's
//! `@graph` Person), and author lists are joined.

use super::elements::{Elements, Tag};
use super::{decode_entities, selector};
use dom_query::{Document as Tree, Matcher};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;

static LD_SCRIPT: LazyLock<Matcher> = LazyLock::new(|| selector(r#"script[type="application/ld+json" i]"#));

/// What we read from the page's JSON-LD article object.
#[derive(Debug, Default)]
pub(super) struct LdArticle {
    pub headline: Option<String>,
    pub author: Option<String>,
    /// `datePublished`, else `dateCreated`, as written.
    pub date_published: Option<String>,
    /// `dateModified`, as written: a last resort for the date.
    pub date_modified: Option<String>,
    pub body: Option<String>,
    pub url: Option<String>,
}

/// Nesting deeper than this is not an article worth reading (and guards the recursion).
const MAX_DEPTH: usize = 8;

/// Finds the article object among every `<script type=application/ld+json>` on the page,
/// preferring one that carries an `articleBody`. Without any article-typed object, a page-level
/// object's `datePublished` (a `WebPage`'s) still gives the dates, with no other field.
pub(super) fn find_article(elements: &Elements) -> Option<LdArticle> {
    let values: Vec<Value> = elements
        .tagged_matching(Tag::Script, &LD_SCRIPT)
        .flat_map(|script| parse_lenient(&script.text()))
        .collect();
    let mut names = HashMap::new();
    for v in &values {
        index_names(v, &mut names, 0);
    }
    let mut objects = Vec::new();
    for v in &values {
        collect_articles(v, &mut objects, 0);
    }
    let articles: Vec<LdArticle> = objects.into_iter().map(|o| read_article(o, &names)).collect();
    let pick = articles
        .iter()
        .position(|a| a.body.is_some())
        .or((!articles.is_empty()).then_some(0));
    let Some(pick) = pick else {
        return page_dates(&values);
    };
    let mut articles = articles;
    let mut best = articles.swap_remove(pick);
    // The main article without a date: another article object on the page rarely differs.
    if best.date_published.is_none() {
        best.date_published = articles.iter().find_map(|a| a.date_published.clone());
    }
    if best.date_published.is_none() {
        best.date_published = page_dates(&values).and_then(|p| p.date_published);
    }
    Some(best)
}

/// The dates of the first object anywhere in the blocks that has a `datePublished`.
fn page_dates(values: &[Value]) -> Option<LdArticle> {
    fn walk(v: &Value, depth: usize) -> Option<&Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        match v {
            Value::Array(items) => items.iter().find_map(|i| walk(i, depth + 1)),
            Value::Object(map) if map.contains_key("datePublished") => Some(v),
            Value::Object(map) => ["@graph", "mainEntity"]
                .iter()
                .filter_map(|k| map.get(*k))
                .find_map(|i| walk(i, depth + 1)),
            _ => None,
        }
    }
    let object = values.iter().find_map(|v| walk(v, 0))?;
    Some(LdArticle {
        date_published: string_at(object, "datePublished"),
        date_modified: string_at(object, "dateModified"),
        ..LdArticle::default()
    })
}

/// True when some object in the page's JSON-LD says `"isAccessibleForFree": false` (or
/// `"False"`, `"false"`): schema.org's mark for content behind a paywall, the one Google's
/// "subscription and paywalled content" structured data asks publishers for.
pub(crate) fn marks_paywalled(tree: &Tree) -> bool {
    fn walk(v: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match v {
            Value::Array(items) => items.iter().any(|i| walk(i, depth + 1)),
            Value::Object(map) => {
                let locked = match map.get("isAccessibleForFree") {
                    Some(Value::Bool(free)) => !free,
                    Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("false"),
                    _ => false,
                };
                locked || map.values().any(|i| walk(i, depth + 1))
            }
            _ => false,
        }
    }
    tree.select_matcher(&LD_SCRIPT)
        .iter()
        .flat_map(|script| parse_lenient(&script.text()))
        .any(|v| walk(&v, 0))
}

/// Parses a JSON-LD block: strict JSON first, then leniently (see the module notes). Gives one
/// value per top-level object.
fn parse_lenient(raw: &str) -> Vec<Value> {
    let trimmed = raw
        .trim()
        .trim_start_matches("<![CDATA[")
        .trim_end_matches("]]>")
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim()
        .trim_start_matches("//<![CDATA[")
        .trim_end_matches("//]]>")
        .trim()
        .trim_end_matches(';');
    if let Ok(v) = serde_json::from_str(trimmed) {
        return vec![v];
    }
    // A whole block HTML-escaped (`{&quot;@type&quot;: …}`): unescape before finding strings.
    let cleaned = if trimmed.contains("&quot;") && !trimmed.contains('"') {
        clean(&decode_entities(trimmed))
    } else {
        clean(trimmed)
    };
    let mut stream = Vec::new();
    for value in serde_json::Deserializer::from_str(&cleaned).into_iter::<Value>() {
        match value {
            Ok(v) => stream.push(v),
            // `{…},{…}`: a list without its brackets.
            Err(_) => {
                return serde_json::from_str::<Value>(&format!("[{cleaned}]")).map_or(stream, |v| vec![v]);
            }
        }
    }
    stream
}

/// Rewrites what strict JSON refuses and sites commonly write: drops comments and trailing
/// commas (a comma followed only by whitespace or comments and then `}` or `]`), escapes raw
/// control characters inside strings.
fn clean(json: &str) -> String {
    let chars: Vec<char> = json.chars().collect();
    let mut out = String::with_capacity(json.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    let mut i = 0;
    // Index just past whitespace and comments from `j`.
    let skip_blank = |mut j: usize| {
        loop {
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if chars.get(j) == Some(&'/') && chars.get(j + 1) == Some(&'/') {
                while j < chars.len() && chars[j] != '\n' {
                    j += 1;
                }
            } else if chars.get(j) == Some(&'/') && chars.get(j + 1) == Some(&'*') {
                j += 2;
                while j + 1 < chars.len() && !(chars[j] == '*' && chars[j + 1] == '/') {
                    j += 1;
                }
                j = (j + 2).min(chars.len());
            } else {
                return j;
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            if !escaped && (c as u32) < 0x20 {
                out.push_str(match c {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => " ",
                });
            } else {
                out.push(c);
            }
            if !escaped && c == '"' {
                in_string = false;
            }
            escaped = !escaped && c == '\\';
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
                i += 1;
            }
            '/' if matches!(chars.get(i + 1), Some('/' | '*')) => i = skip_blank(i),
            ',' if matches!(chars.get(skip_blank(i + 1)), Some('}' | ']')) => i += 1,
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Names of every node that has both an `@id` and a `name`, by `@id`: the targets of author
/// references.
fn index_names(value: &Value, names: &mut HashMap<String, String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| index_names(v, names, depth + 1)),
        Value::Object(map) => {
            if let (Some(id), Some(name)) = (string_at(value, "@id"), person_name(value)) {
                names.entry(id).or_insert(name);
            }
            map.values().for_each(|v| index_names(v, names, depth + 1));
        }
        _ => {}
    }
}

/// Collects article-typed objects, looking into arrays, `@graph` and `mainEntity`.
fn collect_articles<'a>(value: &'a Value, found: &mut Vec<&'a Value>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect_articles(v, found, depth + 1)),
        Value::Object(map) => {
            if is_article_type(map.get("@type")) {
                found.push(value);
            }
            for key in ["@graph", "mainEntity", "mainEntityOfPage"] {
                if let Some(inner) = map.get(key) {
                    collect_articles(inner, found, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// `NewsArticle`, `OpinionNewsArticle`, `BlogPosting`, `Report`…: the types that hold an article.
fn is_article_type(ty: Option<&Value>) -> bool {
    let matches = |s: &str| {
        let s = s.rsplit('/').next().unwrap_or(s);
        s.ends_with("Article") || s == "BlogPosting" || s == "Report" || s == "LiveBlogPosting"
    };
    match ty {
        Some(Value::String(s)) => matches(s),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).any(matches),
        _ => false,
    }
}

fn read_article(object: &Value, names: &HashMap<String, String>) -> LdArticle {
    LdArticle {
        headline: string_at(object, "headline").or_else(|| string_at(object, "name")),
        author: author_names(object.get("author"), names),
        date_published: string_at(object, "datePublished").or_else(|| string_at(object, "dateCreated")),
        date_modified: string_at(object, "dateModified"),
        body: string_at(object, "articleBody"),
        url: string_at(object, "url").or_else(|| object.get("mainEntityOfPage").and_then(|m| string_at(m, "@id"))),
    }
}

/// A non-empty string field, trimmed, HTML entities decoded (some generators escape twice).
/// A one-element list of strings counts as its string.
fn string_at(object: &Value, key: &str) -> Option<String> {
    let field = object.get(key)?;
    let s = match field {
        Value::Array(items) => items.first()?.as_str()?,
        other => other.as_str()?,
    }
    .trim();
    (!s.is_empty()).then(|| decode_entities(s).trim().to_string())
}

/// A Person's (or Organization's) name: `name`, else `givenName familyName`.
fn person_name(object: &Value) -> Option<String> {
    string_at(object, "name").or_else(|| {
        let parts: Vec<String> = ["givenName", "familyName"]
            .iter()
            .filter_map(|k| string_at(object, k))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })
}

/// Author names joined by ", ": the field may be a string, an object with a name, a reference
/// `{"@id": …}` to a node elsewhere on the page, or a list of these.
fn author_names(author: Option<&Value>, names: &HashMap<String, String>) -> Option<String> {
    let found: Vec<String> = match author? {
        // A plain string is a name, or the `@id` of a node elsewhere on the page.
        Value::String(s) => vec![
            names
                .get(s.trim())
                .cloned()
                .unwrap_or_else(|| decode_entities(s.trim())),
        ],
        object @ Value::Object(_) => person_name(object)
            .or_else(|| string_at(object, "@id").and_then(|id| names.get(&id).cloned()))
            .into_iter()
            .collect(),
        Value::Array(items) => items.iter().filter_map(|a| author_names(Some(a), names)).collect(),
        _ => Vec::new(),
    };
    let mut unique: Vec<String> = Vec::new();
    for n in found {
        let n = n.trim().to_string();
        if !n.is_empty() && !n.starts_with("http") && !unique.contains(&n) {
            unique.push(n);
        }
    }
    (!unique.is_empty()).then(|| unique.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(raw: &str) -> Value {
        parse_lenient(raw).into_iter().next().unwrap_or(Value::Null)
    }

    #[test]
    fn reads_json_as_sites_write_it() {
        let expected = serde_json::json!({"a": 1, "b": [1, 2]});
        for raw in [
            r#"{"a": 1, "b": [1, 2]}"#,
            r#"{"a": 1, "b": [1, 2,],}"#,
            "{\"a\": 1, // the count\n \"b\": [1, /* two */ 2]}",
            r#"<!--{"a": 1, "b": [1, 2]}-->"#,
            r#"{&quot;a&quot;: 1, &quot;b&quot;: [1, 2]}"#,
        ] {
            assert_eq!(first(raw), expected, "{raw}");
        }
        let raw_newline = "{\"t\": \"line one\nline two\", }";
        assert_eq!(first(raw_newline)["t"], "line one\nline two");
        let escaped = r#"{&quot;u&quot;: &quot;https://x.example&quot;,}"#;
        assert_eq!(first(escaped)["u"], "https://x.example");
        // A URL's "//" inside a string is not a comment.
        assert_eq!(first(r#"{"u": "https://a.example/x",}"#)["u"], "https://a.example/x");
        assert_eq!(parse_lenient(r#"{"a": 1}{"a": 2}"#).len(), 2);
        assert_eq!(parse_lenient(r#"{"a": 1},{"a": 2}"#).len(), 1, "one list of two");
        assert!(parse_lenient("{broken").is_empty());
    }

    #[test]
    fn resolves_author_references_and_lists() {
        let values = parse_lenient(
            r##"{"@graph": [
                {"@type": "NewsArticle", "author": [{"@id": "#p1"}, {"@id": "#p2"}, "Ann &amp; Co"]},
                {"@type": "Person", "@id": "#p1", "name": "Mara Ellison"},
                {"@type": "Person", "@id": "#p2", "givenName": "Jon", "familyName": "Roe"}
            ]}"##,
        );
        let mut names = HashMap::new();
        index_names(&values[0], &mut names, 0);
        let article = &values[0]["@graph"][0];
        assert_eq!(
            author_names(article.get("author"), &names).as_deref(),
            Some("Mara Ellison, Jon Roe, Ann & Co")
        );
    }
}
