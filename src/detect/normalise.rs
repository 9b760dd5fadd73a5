//! Text → normalised tokens that survive what outlets do to a text.
//!
//! Outlets reformat: curly or straight quotes, dashes, non-breaking spaces, soft hyphens,
//! full-width characters, `1,247` / `1.247` / `1 247`, British or American spelling. Every
//! one of those must give the same tokens, or a verbatim republication would look edited.
//! Each token keeps its byte span in the original paragraph so evidence can quote the page
//! as published, not our normalised form.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What a token is; anchors for translations are drawn from numbers and capitalised words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Word,
    Number,
    /// One Han, Hiragana or Katakana character: such text has no spaces, so each character is
    /// a token and shingles become character n-grams.
    Cjk,
}

/// One normalised token and where it came from.
#[derive(Debug, Clone)]
pub struct Token {
    /// Normalised form: NFKC, lower case, American spelling, plain digits.
    pub norm: String,
    pub class: Class,
    /// Index of the paragraph the token is in.
    pub para: usize,
    /// Byte span in that paragraph's original text.
    pub start: usize,
    pub end: usize,
    /// First letter upper case in the original (a name, or a German noun).
    pub capitalised: bool,
    /// Every letter upper case and at least two of them (an acronym).
    pub all_caps: bool,
    /// First word of a sentence, where capitals say nothing about names.
    pub sentence_start: bool,
    /// Only spaces or hyphens (or nothing) separate it from the token before, in the same
    /// paragraph: "dix-sept", "eleven billion" and "2万3752" are one figure, "seven, eight" two.
    pub joined: bool,
}

/// Tokenises paragraphs, numbering them from 0. Stops after `max_tokens` so a huge page
/// costs bounded time and memory.
pub fn tokenise_paragraphs<S: AsRef<str>>(paragraphs: &[S], max_tokens: usize) -> Vec<Token> {
    let mut out = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        tokenise_into(p.as_ref(), i, &mut out, max_tokens);
        if out.len() >= max_tokens {
            out.truncate(max_tokens);
            break;
        }
    }
    out
}

/// Paragraphs of a plain text: one splitter for the whole program.
pub(crate) use crate::text::split_paragraphs;

/// Han, Hiragana, Katakana (full and half width) and CJK punctuation-free ideographs.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x2A6DF)
}

/// Characters that are invisible formatting: dropped inside words, never split them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | ':' | '。' | '！' | '？' | '¿' | '¡')
}

/// ASCII value of a digit, full-width digits included (NFKC would fold them too).
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

fn is_group_separator(c: char) -> bool {
    matches!(c, ',' | '.' | ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\'' | '’')
}

fn tokenise_into(text: &str, para: usize, out: &mut Vec<Token>, max_tokens: usize) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut sentence_start = true;
    let first = out.len();
    // Whether only spaces and hyphens lie between the last token and the next one.
    let mut clean_gap = true;
    let mut i = 0;
    while i < chars.len() && out.len() < max_tokens {
        let c = chars[i].1;
        let pushed = out.len();
        if digit(c).is_some() {
            let (norm, next) = scan_number(&chars, i);
            out.push(token(
                norm,
                Class::Number,
                para,
                byte_at(i),
                byte_at(next),
                sentence_start,
            ));
            sentence_start = false;
            i = next;
        } else if is_cjk(c) {
            let norm: String = c.to_string().nfkc().collect();
            out.push(token(norm, Class::Cjk, para, byte_at(i), byte_at(i + 1), false));
            i += 1;
        } else if c.is_alphanumeric() {
            let next = scan_word(&chars, i);
            let raw: String = chars[i..next]
                .iter()
                .map(|&(_, c)| c)
                .filter(|&c| !is_invisible(c))
                .collect();
            let mut t = token(
                word_norm(&raw),
                Class::Word,
                para,
                byte_at(i),
                byte_at(next),
                sentence_start,
            );
            let letters = || raw.chars().filter(|c| c.is_alphabetic());
            t.capitalised = letters().next().is_some_and(char::is_uppercase);
            t.all_caps = letters().count() >= 2 && letters().all(char::is_uppercase);
            out.push(t);
            sentence_start = false;
            i = next;
        } else {
            if ends_sentence(c) {
                sentence_start = true;
            } else if matches!(c, ',' | ';') {
                sentence_start = false;
            }
            if !(c.is_whitespace() || is_invisible(c) || matches!(c, '-' | '\u{2010}' | '\u{2011}')) {
                clean_gap = false;
            }
            i += 1;
        }
        if out.len() > pushed {
            let t = &mut out[pushed];
            t.joined = pushed > first && clean_gap;
            clean_gap = true;
        }
    }
}

fn token(norm: String, class: Class, para: usize, start: usize, end: usize, sentence_start: bool) -> Token {
    Token {
        norm,
        class,
        para,
        start,
        end,
        capitalised: false,
        all_caps: false,
        sentence_start,
        joined: false,
    }
}

/// A word runs over letters, digits, combining marks and invisible characters (a soft hyphen
/// inside "inter\u{AD}national" must not split it). CJK characters stop it.
fn scan_word(chars: &[(usize, char)], mut i: usize) -> usize {
    while let Some(&(_, c)) = chars.get(i) {
        if is_cjk(c) || !(c.is_alphanumeric() || is_combining_mark(c) || is_invisible(c)) {
            break;
        }
        i += 1;
    }
    i
}

/// Reads a number written any common way and returns it in one form: thousands separators
/// dropped (`1,247`, `1.247`, `1 247` → `1247`), decimal comma or point → `.` (`3,5` → `3.5`).
/// A separator followed by exactly three digits is a thousands separator, as long as the
/// first group has at most three digits (so "2021 247" stays two numbers).
fn scan_number(chars: &[(usize, char)], start: usize) -> (String, usize) {
    let digits_from = |mut i: usize, s: &mut String| {
        while let Some(d) = chars.get(i).and_then(|&(_, c)| digit(c)) {
            s.push(d);
            i += 1;
        }
        i
    };
    let mut norm = String::new();
    let mut i = digits_from(start, &mut norm);
    let grouped_ok = norm.len() <= 3;
    while let Some(&(_, sep)) = chars.get(i) {
        if !is_group_separator(sep) {
            break;
        }
        let mut group = String::new();
        let after = digits_from(i + 1, &mut group);
        if group.is_empty() {
            break;
        }
        if group.len() == 3 && grouped_ok {
            norm.push_str(&group);
            i = after;
        } else if matches!(sep, ',' | '.') && !norm.contains('.') {
            norm.push('.');
            norm.push_str(&group);
            i = after;
            break;
        } else {
            break;
        }
    }
    (norm, i)
}

/// NFKC, lower case, invisible characters gone, British spelling folded to American.
fn word_norm(raw: &str) -> String {
    // NFKC leaves ASCII alone: skip it for the common case.
    let lower: String = if raw.is_ascii() {
        raw.to_ascii_lowercase()
    } else {
        raw.nfkc().flat_map(char::to_lowercase).collect()
    };
    american(&lower)
}

/// Whole words that suffix rules cannot catch.
const SPELLING: &[(&str, &str)] = &[
    ("programme", "program"),
    ("programmes", "programs"),
    ("defence", "defense"),
    ("offence", "offense"),
    ("offences", "offenses"),
    ("licence", "license"),
    ("licences", "licenses"),
    ("practise", "practice"),
    ("ageing", "aging"),
    ("enrolment", "enrollment"),
    ("fulfil", "fulfill"),
    ("judgement", "judgment"),
    ("grey", "gray"),
    ("cheque", "check"),
    ("tyre", "tire"),
    ("mould", "mold"),
    ("travelled", "traveled"),
    ("travelling", "traveling"),
    ("cancelled", "canceled"),
    ("labelled", "labeled"),
    ("modelling", "modeling"),
    ("fuelled", "fueled"),
    ("catalogue", "catalog"),
    ("dialogue", "dialog"),
    ("analogue", "analog"),
];

/// Suffix rules, British → American. Applied to both sides of every comparison, so when a rule
/// also rewrites a word it was not meant for ("exercise" → "exercize") nothing is lost: the
/// only requirement is that both spellings of a word end up the same.
const SUFFIXES: &[(&str, &str)] = &[
    ("isation", "ization"),
    ("isations", "izations"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ising", "izing"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("ysing", "yzing"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("bre", "ber"),
    ("our", "or"),
    ("ours", "ors"),
    ("oured", "ored"),
];

fn american(word: &str) -> String {
    if let Some(&(_, us)) = SPELLING.iter().find(|(uk, _)| *uk == word) {
        return us.to_string();
    }
    // Short words are left alone: "our", "four", "rise" are not spelling variants.
    if word.len() < 6 || !word.is_ascii() {
        return word.to_string();
    }
    for (uk, us) in SUFFIXES {
        if let Some(stem) = word.strip_suffix(uk) {
            return format!("{stem}{us}");
        }
    }
    word.to_string()
}

/// Lower case without diacritics: `Taïwan`, `Taiwán` and `Taiwan` are one name across languages.
pub fn fold_diacritics(s: &str) -> String {
    s.nfkd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        tokenise_paragraphs(&[text], usize::MAX)
            .into_iter()
            .map(|t| t.norm)
            .collect()
    }

    #[test]
    fn number_formats_agree() {
        for s in [
            "1,247 cases",
            "1.247 cases",
            "1 247 cases",
            "1\u{202F}247 cases",
            "１２４７ cases",
        ] {
            assert_eq!(norms(s), ["1247", "cases"], "{s}");
        }
        assert_eq!(norms("3,5 %"), ["3.5"]);
        assert_eq!(norms("3.5%"), ["3.5"]);
        assert_eq!(norms("in 2021 247 cases"), ["in", "2021", "247", "cases"]);
        assert_eq!(norms("2,300,000"), ["2300000"]);
        assert_eq!(norms("up 12.5."), ["up", "12.5"]);
    }

    #[test]
    fn quotes_dashes_soft_hyphens_and_spelling_vanish() {
        let a = norms("“Organised crime” — the centre\u{AD}piece of our defence, colour");
        let b = norms("\"organized CRIME\" - the centrepiece of our defense, color");
        assert_eq!(a, b);
        assert_eq!(norms("analysed labour"), norms("analyzed labor"));
    }

    #[test]
    fn cjk_is_one_token_per_character() {
        let t = tokenise_paragraphs(&["台湾は2021年に協力"], usize::MAX);
        let n: Vec<_> = t.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(n, ["台", "湾", "は", "2021", "年", "に", "協", "力"]);
        assert_eq!(t[1].class, Class::Cjk);
    }

    #[test]
    fn capitals_and_sentence_starts() {
        let t = tokenise_paragraphs(&["The NATO summit. Taiwan and Interpol met"], usize::MAX);
        assert!(t[0].sentence_start && t[0].capitalised);
        assert!(t[1].all_caps && !t[1].sentence_start);
        assert!(t[3].sentence_start);
        assert!(t[5].capitalised && !t[5].sentence_start);
    }

    #[test]
    fn joined_says_only_spaces_or_hyphens_came_between() {
        let t = tokenise_paragraphs(&["dix-sept, huit 2万3752 (nine)"], usize::MAX);
        let joined: Vec<_> = t.iter().map(|t| t.joined).collect();
        assert_eq!(joined, [false, true, false, true, true, true, false]);
        let t = tokenise_paragraphs(&["one", "two"], usize::MAX);
        assert!(!t[1].joined, "a new paragraph is never joined");
    }

    #[test]
    fn spans_point_into_the_original() {
        let text = "“Cyber\u{AD}crime” rose";
        let t = tokenise_paragraphs(&[text], usize::MAX);
        assert_eq!(t[0].norm, "cybercrime");
        assert_eq!(&text[t[0].start..t[0].end], "Cyber\u{AD}crime");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        assert!(norms("").is_empty());
        assert!(norms("...,,, 1, . 2 ,").len() == 2);
        let huge = "word ".repeat(10_000);
        assert_eq!(tokenise_paragraphs(&[huge.as_str()], 100).len(), 100);
        assert_eq!(split_paragraphs("a\nb\n\n\n c \n"), ["a b", "c"]);
    }
}
