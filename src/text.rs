//! Plain text shared by extraction, detection and the commands: splitting it into paragraphs
//! (two kinds of input, two functions) and shortening a passage for display.

/// Paragraphs of a plain text written by people — a tracked article's text file, a translation:
/// paragraphs are separated by blank lines, and the lines inside one are joined with a space.
/// Each is trimmed; empty ones are dropped.
pub(crate) fn split_paragraphs(text: &str) -> Vec<String> {
    let mut paras = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paras.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        paras.push(current);
    }
    paras
}

/// Paragraphs of text laid out by a program — a JSON-LD
/// `articleBody`: every line is a paragraph (a `<br>` or block boundary put it there), with its
/// whitespace collapsed; empty lines are dropped.
pub(crate) fn split_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Shortens a passage to at most `max` characters, on a word boundary, with an ellipsis.
pub(crate) fn shorten(text: &str, max: usize) -> String {
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
    use super::{shorten, split_lines, split_paragraphs};

    #[test]
    fn splits_written_text_at_blank_lines_and_laid_out_text_at_every_line() {
        #[rustfmt::skip]
        let cases: &[(&str, &[&str], &[&str])] = &[
            // input, split_paragraphs, split_lines
            ("", &[], &[]),
            ("one line", &["one line"], &["one line"]),
            ("a\nb\n\n\n c \n", &["a b", "c"], &["a", "b", "c"]),
            ("  first  para \r\n still first\r\n\r\nsecond", &["first  para still first", "second"],
                &["first para", "still first", "second"]),
            ("\n\n  \n\t\n", &[], &[]),
            ("台湾\n\n日本", &["台湾", "日本"], &["台湾", "日本"]),
        ];
        for (input, paragraphs, lines) in cases {
            assert_eq!(split_paragraphs(input), *paragraphs, "{input:?}");
            assert_eq!(split_lines(input), *lines, "{input:?}");
        }
    }

    #[test]
    fn shortens_on_a_word_boundary_and_keeps_short_text() {
        assert_eq!(shorten("  one\n two  ", 20), "one two");
        assert_eq!(shorten("alpha beta gamma delta", 14), "alpha beta…");
        let cjk = "台湾は国際社会に貢献できる".repeat(10);
        assert_eq!(shorten(&cjk, 20).chars().count(), 20);
    }
}
