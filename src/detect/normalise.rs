//! Text → normalised tokens that survive what outlets do to a text.
//!
//! Outlets reformat: curly or straight quotes, dashes, non-breaking spaces, soft hyphens,
//! full-width characters, `1,247` / `1.247` / `1 247` / `١٬٢٤٧`, British or American spelling.
//! Every one of those must give the same tokens, or a verbatim republication would look edited.
//! Each token keeps its byte span in the original paragraph so evidence can quote the page
//! as published, not our normalised form.
//!
//! Words end at every change of script ("VMX는" is "VMX" and "는", "و2020" is "و" and 2020).
//! Thai, Lao, Khmer and Burmese, written without spaces between words, are cut into words with
//! ICU4X's dictionary segmenter; Japanese and Chinese are read one character at a time.

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What a token is; anchors for translations are drawn from numbers and capitalised words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Word,
    Number,
    /// One Han, Hiragana or Katakana character: such text has no spaces, so each character is
    /// a token and shingles become character n-grams.
    Cjk,
}

/// One normalised token and where it came from.
#[derive(Debug, Clone)]
pub(super) struct Token {
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
    /// Nothing at all separates it from the token before ("1천247", "2,350만"), in the same
    /// paragraph.
    pub attached: bool,
    /// Number of the sentence it is in, counted over the whole text (a new paragraph is a new
    /// sentence): figures may swap places inside a sentence in translation, not across.
    pub sentence: u32,
    /// A number written with a thousands separator ("2,568"): a count, never a year.
    pub grouped: bool,
}

/// The writing systems whose boundaries split words. Marks, digits and invisible characters
/// belong to the word around them (see `scan_word`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    /// One of the Brahmic blocks U+0900–U+0DFF (Devanagari, Bengali, Tamil...), by block.
    Indic(u8),
    Thai,
    Lao,
    Tibetan,
    Myanmar,
    Georgian,
    Hangul,
    Ethiopic,
    Khmer,
    /// Han, Hiragana, Katakana: one token per character (see [`is_cjk`]).
    Cjk,
    Other,
}

impl Script {
    /// The script of a letter, by Unicode block.
    pub(super) fn of(c: char) -> Script {
        match c as u32 {
            0..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFF21..=0xFF5A => Script::Latin,
            0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
            0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
            0x0530..=0x058F => Script::Armenian,
            0x0590..=0x05FF | 0xFB1D..=0xFB4F => Script::Hebrew,
            0x0600..=0x06FF | 0x0750..=0x077F | 0x0870..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
            b @ 0x0900..=0x0DFF => Script::Indic(((b - 0x0900) >> 7) as u8),
            0x0E00..=0x0E7F => Script::Thai,
            0x0E80..=0x0EFF => Script::Lao,
            0x0F00..=0x0FFF => Script::Tibetan,
            0x1000..=0x109F | 0xA9E0..=0xA9FF | 0xAA60..=0xAA7F => Script::Myanmar,
            0x10A0..=0x10FF | 0x2D00..=0x2D2F => Script::Georgian,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xFFA0..=0xFFDC => Script::Hangul,
            0x1200..=0x139F => Script::Ethiopic,
            0x1780..=0x17FF | 0x19E0..=0x19FF => Script::Khmer,
            _ if is_cjk(c) => Script::Cjk,
            _ => Script::Other,
        }
    }

    /// Scripts written without spaces between words, cut by a dictionary.
    fn unspaced(self) -> bool {
        matches!(self, Script::Thai | Script::Lao | Script::Myanmar | Script::Khmer)
    }
}

/// The script of a word token: that of its first letter.
pub(super) fn script_of(norm: &str) -> Script {
    norm.chars()
        .find(|c| c.is_alphabetic())
        .map_or(Script::Other, Script::of)
}

/// How many English words of text a Hangul syllable stands for. Korean writes particles and
/// endings onto the word (eojeol), so a Korean text has about 0.6–0.75 space-separated words
/// per English word but about 1.6–2 syllables per English word (see README, "How detection
/// works"); Hangul is therefore counted by syllable.
pub(super) const WORDS_PER_HANGUL_SYLLABLE: f64 = 0.5;
/// How many English words of text a Han or kana character stands for.
pub(super) const WORDS_PER_CJK_CHAR: f64 = 0.5;
/// How many English words a dictionary word of Thai, Lao, Khmer or Burmese stands for: the
/// dictionary splits compounds ("ร้อย|ละ" for "per cent", "สำนัก|งาน" for "office"), and a
/// Thai translation has about 1.35 such words per English word.
pub(super) const WORDS_PER_UNSPACED_WORD: f64 = 0.75;

/// Length of a token in English words, for comparing lengths of texts across languages: one
/// for a word or number, [`WORDS_PER_CJK_CHAR`] for a CJK character, by syllable for a Korean
/// word ([`WORDS_PER_HANGUL_SYLLABLE`]), [`WORDS_PER_UNSPACED_WORD`] for a word the dictionary
/// segmenter cut from Thai, Lao, Khmer or Burmese. Measured on translations of one text, each
/// language then comes to 0.85–1.1 times the English word count.
pub(super) fn width(t: &Token) -> f64 {
    match t.class {
        Class::Cjk => WORDS_PER_CJK_CHAR,
        Class::Number => 1.0,
        Class::Word if script_of(&t.norm).unspaced() => WORDS_PER_UNSPACED_WORD,
        Class::Word => {
            let syllables = t
                .norm
                .chars()
                .filter(|&c| (0xAC00..=0xD7A3).contains(&(c as u32)))
                .count();
            if syllables == 0 {
                1.0
            } else {
                syllables as f64 * WORDS_PER_HANGUL_SYLLABLE
            }
        }
    }
}

/// Tokenises paragraphs, numbering them from 0. Stops after `max_tokens` so a huge page
/// costs bounded time and memory.
pub(super) fn tokenise_paragraphs<S: AsRef<str>>(paragraphs: &[S], max_tokens: usize) -> Vec<Token> {
    let mut out = Vec::new();
    let mut sentence = 0;
    for (i, p) in paragraphs.iter().enumerate() {
        tokenise_into(p.as_ref(), i, &mut sentence, &mut out, max_tokens);
        sentence += 1;
        if out.len() >= max_tokens {
            out.truncate(max_tokens);
            break;
        }
    }
    out
}

/// Paragraphs of a plain text: one splitter for the whole program.
pub(crate) use crate::text::split_paragraphs;

/// Han, Hiragana, Katakana (full and half width), the ideographic iteration and zero marks
/// 々〆〇 (〇 writes the zero of "二〇二五"), and CJK compatibility ideographs.
pub(super) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007 | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x2A6DF)
}

/// Characters that are invisible formatting: dropped inside words, never split them. Bidi
/// marks and isolates (LRM, RLM, ALM, U+202A–U+202E, U+2066–U+2069) sit around figures in
/// Arabic and Hebrew text.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
            | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Sentence ends, with the Arabic question mark and full stop and the Devanagari danda.
fn ends_sentence(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '…' | ':' | '。' | '！' | '？' | '¿' | '¡' | '؟' | '۔' | '।' | '॥'
    )
}

/// Zero of every decimal digit set pickup reads: ASCII, Arabic-Indic, Persian (Extended
/// Arabic-Indic), Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada,
/// Malayalam, Thai, Lao, Tibetan, Myanmar, Khmer, Mongolian and full-width. Each set runs
/// zero to nine in code-point order (Unicode General Category Nd).
const DIGIT_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xE50, 0xED0, 0xF20, 0x1040,
    0x17E0, 0x1810, 0xFF10,
];

/// ASCII value of a decimal digit in any of the [`DIGIT_ZEROS`] sets.
fn digit(c: char) -> Option<char> {
    let c = c as u32;
    DIGIT_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&c))
        .and_then(|&zero| char::from_u32(c - zero + '0' as u32))
}

/// Separators between groups of three digits, or before decimals (`,` `.`): the Arabic
/// thousands separator U+066C among them.
fn is_group_separator(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\'' | '’' | '\u{066C}'
    )
}

/// The Arabic decimal separator U+066B ("٢٣٫٥" is 23.5).
const ARABIC_DECIMAL: char = '\u{066B}';

fn tokenise_into(text: &str, para: usize, sentence: &mut u32, out: &mut Vec<Token>, max_tokens: usize) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut sentence_start = true;
    let first = out.len();
    // Whether only spaces and hyphens lie between the last token and the next one, and whether
    // nothing does.
    let mut clean_gap = true;
    let mut no_gap = true;
    let mut i = 0;
    while i < chars.len() && out.len() < max_tokens {
        let c = chars[i].1;
        let pushed = out.len();
        if digit(c).is_some() {
            let (norm, next, grouped) = scan_number(&chars, i);
            let mut t = token(norm, Class::Number, para, byte_at(i), byte_at(next), sentence_start);
            t.grouped = grouped;
            out.push(t);
            sentence_start = false;
            i = next;
        } else if is_cjk(c) {
            let norm: String = c.to_string().nfkc().collect();
            out.push(token(norm, Class::Cjk, para, byte_at(i), byte_at(i + 1), false));
            i += 1;
        } else if c.is_alphanumeric() {
            let next = scan_word(&chars, i);
            let (from, to) = (byte_at(i), byte_at(next));
            if Script::of(c).unspaced() {
                // One run of Thai (Lao, Khmer, Burmese) letters is a phrase: cut it into words.
                let run = &text[from..to];
                let breaks: Vec<usize> = SEGMENTER.segment_str(run).collect();
                for w in breaks.windows(2) {
                    let piece = &run[w[0]..w[1]];
                    if !piece.chars().any(char::is_alphanumeric) || out.len() >= max_tokens {
                        continue;
                    }
                    let start = out.len() == pushed;
                    out.push(word_token(
                        piece,
                        para,
                        from + w[0],
                        from + w[1],
                        sentence_start && start,
                    ));
                }
            } else {
                out.push(word_token(&text[from..to], para, from, to, sentence_start));
            }
            sentence_start = false;
            i = next;
        } else {
            if ends_sentence(c) {
                sentence_start = true;
                *sentence += 1;
            } else if matches!(c, ',' | ';') {
                sentence_start = false;
            }
            if !(c.is_whitespace() || is_invisible(c) || matches!(c, '-' | '\u{2010}' | '\u{2011}')) {
                clean_gap = false;
            }
            if !is_invisible(c) {
                no_gap = false;
            }
            i += 1;
        }
        for (n, t) in out.iter_mut().enumerate().skip(pushed) {
            // The words of one segmented run follow each other with nothing between.
            let first_of_run = n == pushed;
            t.joined = n > first && (clean_gap || !first_of_run);
            t.attached = n > first && (no_gap || !first_of_run);
            t.sentence = *sentence;
        }
        if out.len() > pushed {
            clean_gap = true;
            no_gap = true;
        }
    }
}

/// ICU4X's word segmenter with its built-in dictionaries (UAX #29 plus dictionary breaking for
/// Thai, Lao, Khmer and Burmese).
static SEGMENTER: std::sync::LazyLock<icu_segmenter::WordSegmenterBorrowed<'static>> =
    std::sync::LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// A word token from its original text (invisible characters still in it).
fn word_token(raw: &str, para: usize, start: usize, end: usize, sentence_start: bool) -> Token {
    let raw: String = raw.chars().filter(|&c| !is_invisible(c)).collect();
    let mut t = token(word_norm(&raw), Class::Word, para, start, end, sentence_start);
    let letters = || raw.chars().filter(|c| c.is_alphabetic());
    t.capitalised = letters().next().is_some_and(char::is_uppercase);
    t.all_caps = letters().count() >= 2 && letters().all(char::is_uppercase);
    t
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
        attached: false,
        sentence: 0,
        grouped: false,
    }
}

/// A word runs over letters of one script, combining marks and invisible characters (a soft
/// hyphen inside "inter\u{AD}national" must not split it), and digits in Latin script
/// ("H7N9", "G20"). A change of script or a CJK character stops it, and so does a digit after
/// letters of another script ("و2020" is "and 2020").
fn scan_word(chars: &[(usize, char)], mut i: usize) -> usize {
    let script = Script::of(chars[i].1);
    while let Some(&(_, c)) = chars.get(i) {
        let continues = if is_combining_mark(c) || is_invisible(c) {
            true
        } else if digit(c).is_some() {
            script == Script::Latin && c.is_ascii_digit()
        } else {
            c.is_alphanumeric() && !is_cjk(c) && Script::of(c) == script
        };
        if !continues {
            break;
        }
        i += 1;
    }
    i
}

/// Reads a number written any common way and returns it in one form: thousands separators
/// dropped (`1,247`, `1.247`, `1 247`, `١٬٢٤٧` → `1247`), decimal comma or point → `.`
/// (`3,5`, `٣٫٥` → `3.5`), native digits as ASCII. A separator followed by exactly three digits
/// is a thousands separator, as long as the first group has at most three digits (so "2021 247"
/// stays two numbers). Also says whether a thousands separator was read.
fn scan_number(chars: &[(usize, char)], start: usize) -> (String, usize, bool) {
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
    let mut grouped = false;
    while let Some(&(_, sep)) = chars.get(i) {
        if !is_group_separator(sep) && sep != ARABIC_DECIMAL {
            break;
        }
        let mut group = String::new();
        let after = digits_from(i + 1, &mut group);
        if group.is_empty() {
            break;
        }
        if group.len() == 3 && grouped_ok && sep != ARABIC_DECIMAL {
            norm.push_str(&group);
            grouped = true;
            i = after;
        } else if matches!(sep, ',' | '.' | ARABIC_DECIMAL) && !norm.contains('.') {
            norm.push('.');
            norm.push_str(&group);
            i = after;
            break;
        } else {
            break;
        }
    }
    (norm, i, grouped)
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
pub(super) fn fold_diacritics(s: &str) -> String {
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
        assert_eq!(tokenise_paragraphs(&["二〇二五"], usize::MAX)[1].class, Class::Cjk);
    }

    #[test]
    fn words_end_at_every_change_of_script() {
        assert_eq!(norms("VMX는 VMX에 VMXの"), ["vmx", "는", "vmx", "에", "vmx", "の"]);
        assert_eq!(norms("و2020 بـ٥٤"), ["و", "2020", "بـ", "54"]);
        assert_eq!(norms("H7N9 G20 COVID-19"), ["h7n9", "g20", "covid", "19"]);
        assert_eq!(norms("1천247건"), ["1", "천", "247", "건"]);
        let t = tokenise_paragraphs(&["1천247 건"], usize::MAX);
        assert!(t[1].attached && t[2].attached && !t[3].attached && t[3].joined);
    }

    #[test]
    fn thai_is_cut_into_words() {
        let t = tokenise_paragraphs(&["ไต้หวันนำเข้าพลังงาน 8.9 พันล้านดอลลาร์"], usize::MAX);
        let n: Vec<_> = t.iter().map(|t| t.norm.clone()).collect();
        let want = ["ไต้หวัน", "นำ", "เข้า", "พลังงาน", "8.9", "พัน", "ล้าน", "ดอลลาร์"].map(word_norm);
        assert_eq!(n, want);
        assert!(t[1].joined && t[1].attached && t[5].joined && !t[5].attached);
        assert_eq!(width(&t[0]), WORDS_PER_UNSPACED_WORD);
    }

    #[test]
    fn digits_of_every_script_read_as_ascii() {
        assert_eq!(norms("١٬٢٤٧ ٢٣٫٥ ۱۲ ๒๕๖๖ २०२५"), ["1247", "23.5", "12", "2566", "2025"]);
        let t = tokenise_paragraphs(&["١٬٢٤٧ 1247"], usize::MAX);
        assert!(t[0].grouped && !t[1].grouped);
    }

    #[test]
    fn korean_counts_by_syllable() {
        let t = tokenise_paragraphs(&["대만은 준비가 되어 있다"], usize::MAX);
        let words: f64 = t.iter().map(width).sum();
        assert_eq!(words, 10.0 * WORDS_PER_HANGUL_SYLLABLE);
    }

    #[test]
    fn sentences_are_numbered_across_paragraphs() {
        let t = tokenise_paragraphs(&["One. Two three", "Four"], usize::MAX);
        let s: Vec<_> = t.iter().map(|t| t.sentence).collect();
        assert_eq!(s, [0, 1, 1, 2]);
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
