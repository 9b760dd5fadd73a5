//! Shortening a passage for display, shared by detection (evidence) and the commands' output.

/// Shortens a passage to at most `max` characters, on a word boundary, with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn shortens_on_a_word_boundary_and_keeps_short_text() {
        assert_eq!(shorten("  one\n two  ", 20), "one two");
        assert_eq!(shorten("alpha beta gamma delta", 14), "alpha beta…");
        let cjk = "台湾は国際社会に貢献できる".repeat(10);
        assert_eq!(shorten(&cjk, 20).chars().count(), 20);
    }
}
