//! Paragraph-level clean-up of the extracted text: the furniture that survives inside the
//! article container as plain text (photo credits, "Updated …" stamps, "Read more" teasers,
//! copyright lines).

/// Lower-cased openings of lines that are furniture when the line is short.
const JUNK_OPENINGS: &[&str] = &[
    "photo:",
    "photos:",
    "image:",
    "(image credit",
    "image credit",
    "credit:",
    "published:",
    "| updated",
    "updated:",
    "updated ",
    "posted ",
    "published ",
    "last updated",
    "advertisement",
    "continue reading",
    "see more:",
    "read more",
    "related:",
    "related articles",
    "you may also like",
    "don't miss",
    "don’t miss",
    "click here",
    "sign up",
    "subscribe",
    "follow us",
    "get the latest",
    "share this",
    "have a tip?",
    "recommended:",
    "more:",
    "watch:",
];

/// Lines above this many characters are prose, whatever they start with.
const SHORT_LINE: usize = 200;

/// Drops furniture lines and the headline repeated as the first line.
pub(super) fn clean(paragraphs: Vec<String>, title: Option<&str>) -> Vec<String> {
    paragraphs
        .into_iter()
        .enumerate()
        .filter(|(i, p)| !(*i == 0 && title.is_some_and(|t| t.eq_ignore_ascii_case(p))))
        .map(|(_, p)| p)
        // Repeated paragraphs stay: recipes and lists legitimately repeat lines.
        .filter(|p| !is_junk(p))
        .collect()
}

fn is_junk(line: &str) -> bool {
    if line.len() > SHORT_LINE {
        return false;
    }
    let lower = line.to_lowercase();
    JUNK_OPENINGS.iter().any(|o| lower.starts_with(o))
        || is_image_counter(&lower)
        || is_shouted(line)
        || ends_with_bracket_label(line)
        || (lower.contains('©') || lower.starts_with("copyright"))
}

/// "Image 3 of 8", "Photo 2 / 12", a slideshow's bare "1 / 4".
fn is_image_counter(lower: &str) -> bool {
    let rest = ["image ", "photo ", "slide "]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(lower);
    let counter_chars = |r: &str| {
        r.chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '/' || c == 'o' || c == 'f')
    };
    let has_digit = rest.chars().any(|c| c.is_ascii_digit());
    let counts = rest.contains('/') || rest.contains(" of ");
    (rest.len() < lower.len() || counts) && has_digit && counter_chars(rest)
}

/// A whole line in capitals: promo headlines ("GET FOX BUSINESS ON THE GO").
fn is_shouted(line: &str) -> bool {
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 12 && line.split_whitespace().count() >= 3 && letters.iter().all(|c| !c.is_lowercase())
}

/// Teasers labelled like "… jibe [INSIGHT]" or "… [VIDEO]|".
fn ends_with_bracket_label(line: &str) -> bool {
    let trimmed = line.trim_end_matches(['|', ' ']);
    let Some(inner) = trimmed
        .strip_suffix(']')
        .and_then(|t| t.rsplit_once('['))
        .map(|(_, l)| l)
    else {
        return false;
    };
    !inner.is_empty() && inner.chars().all(|c| c.is_uppercase() || c == ' ')
}

#[cfg(test)]
mod tests {
    use super::clean;

    fn v(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn drops_furniture_lines() {
        let input = v(&[
            "Storm hits coast",
            "Image 1 of 8",
            "3 / 12",
            "The storm reached the coast on Monday night, flooding streets.",
            "Photo: Jane Doe, AP",
            "GET OUR NEWS ON THE GO BY CLICKING HERE",
            "China furious at Macron for protest jibe [INSIGHT]|",
            "Residents said the water rose within an hour.",
            "© 2019 Example News Corp.",
        ]);
        let out = clean(input, Some("Storm hits coast"));
        assert_eq!(
            out,
            v(&[
                "The storm reached the coast on Monday night, flooding streets.",
                "Residents said the water rose within an hour.",
            ])
        );
    }

    #[test]
    fn keeps_prose_and_repeats() {
        let long = "Read more about it: this sentence is prose that happens to open like a teaser, and it goes on for long enough to be more than a label, well past two hundred characters, which no teaser or credit line ever reaches in practice.";
        let caption = "A man walks past the flooded market in the old town on Tuesday.";
        let out = clean(v(&[long, caption, caption, "Yes.", "Yes."]), None);
        assert_eq!(out, v(&[long, caption, caption, "Yes.", "Yes."]));
    }
}
