//! The schema.org article object in a page's JSON-LD blocks: headline, author, date, body.

use dom_query::Document as Tree;
use serde_json::Value;

/// What we read from the page's JSON-LD article object.
#[derive(Debug, Default)]
pub struct LdArticle {
    pub headline: Option<String>,
    pub author: Option<String>,
    pub date_published: Option<String>,
    pub body: Option<String>,
    pub url: Option<String>,
}

/// Finds the article object among every `<script type=application/ld+json>` on the page,
/// preferring one that carries an `articleBody`.
pub fn find_article(tree: &Tree) -> Option<LdArticle> {
    let mut best: Option<LdArticle> = None;
    for script in tree.select(r#"script[type="application/ld+json" i]"#).iter() {
        let Some(value) = parse_lenient(&script.text()) else {
            continue;
        };
        let mut objects = Vec::new();
        collect_articles(&value, &mut objects, 0);
        for object in objects {
            let article = read_article(object);
            let better = match &best {
                None => true,
                Some(b) => b.body.is_none() && article.body.is_some(),
            };
            if better {
                best = Some(article);
            }
        }
    }
    best
}

/// Parses a JSON-LD block, tolerating what sites commonly get wrong: CDATA or comment wrappers
/// and raw line breaks inside strings (frequent in `articleBody`).
fn parse_lenient(raw: &str) -> Option<Value> {
    let trimmed = raw
        .trim()
        .trim_start_matches("<![CDATA[")
        .trim_end_matches("]]>")
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim()
        .trim_end_matches(';');
    serde_json::from_str(trimmed)
        .ok()
        .or_else(|| serde_json::from_str(&escape_controls_in_strings(trimmed)).ok())
}

/// Escapes control characters that appear raw inside JSON string literals.
fn escape_controls_in_strings(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string && !escaped && (c as u32) < 0x20 {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                _ => out.push(' '),
            }
            continue;
        }
        if in_string && !escaped && c == '"' {
            in_string = false;
        } else if !in_string && c == '"' {
            in_string = true;
        }
        escaped = in_string && !escaped && c == '\\';
        out.push(c);
    }
    out
}

/// Collects article-typed objects, looking into arrays, `@graph` and `mainEntity`.
/// The depth cap guards against pathological nesting.
fn collect_articles<'a>(value: &'a Value, found: &mut Vec<&'a Value>, depth: usize) {
    if depth > 8 {
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

fn read_article(object: &Value) -> LdArticle {
    LdArticle {
        headline: string_at(object, "headline").or_else(|| string_at(object, "name")),
        author: author_names(object.get("author")),
        date_published: string_at(object, "datePublished").or_else(|| string_at(object, "dateCreated")),
        body: string_at(object, "articleBody"),
        url: string_at(object, "url").or_else(|| object.get("mainEntityOfPage").and_then(|m| string_at(m, "@id"))),
    }
}

/// A non-empty string field, trimmed.
fn string_at(object: &Value, key: &str) -> Option<String> {
    let s = object.get(key)?.as_str()?.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Author names joined by ", ": the field may be a string, an object with `name`, or a list.
fn author_names(author: Option<&Value>) -> Option<String> {
    let names: Vec<String> = match author? {
        Value::String(s) => vec![s.trim().to_string()],
        Value::Object(_) => author.and_then(|a| string_at(a, "name")).into_iter().collect(),
        Value::Array(items) => items.iter().filter_map(|a| author_names(Some(a))).collect(),
        _ => Vec::new(),
    };
    let names: Vec<String> = names
        .into_iter()
        .filter(|n| !n.is_empty() && !n.starts_with("http"))
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}
