//! Figures however they are written: digits, number words, scale words and CJK numerals → one value.
//!
//! Outlet translators write "11 billion" as "onze milliards", "once mil millones", "110億",
//! "110억", "11 млрд", "١١ مليار" or "1.1 หมื่นล้าน", and 23,752 as "2万3752", "二万三千七百五十二"
//! or "2만3752". Translation anchors compare figures by value, so each of those must read as the
//! same number; a Thai year of the Buddhist era (2563) reads as its common-era year (2020). Precision comes first: a word that is also
//! an article or an everyday word elsewhere ("a", "un", "ein", English "once", "seize", "per
//! cent", Portuguese "dos") never becomes a number on its own, and a figure that reads as one
//! digit is no evidence anyway (the caller drops it).

use super::normalise::{Class, Script, Token, script_of};
use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// A figure read from one or more tokens.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Figure {
    /// The value as the anchor key: digits as written when read from one plain number
    /// ("2021", "3.5"), else the value ("11000000000", "0.25").
    pub key: String,
    /// Tokens it took.
    pub tokens: usize,
}

/// What a number word does to the figure being read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum W {
    /// 0–9.
    Unit(f64),
    /// 10–19 in one word.
    Teen(f64),
    /// 20, 30, … 90.
    Tens(f64),
    /// A value in one word that adds like a tens word: "doscientos", "veinticinco", "seratus",
    /// a German compound such as "dreihundertfünfundsechzig".
    Value(f64),
    /// Multiplies what comes before it by 100: "hundred", "cent", "ratus".
    Hundred,
    /// 1000: "thousand", "mil", "mille", "Tausend", "ribu".
    Thousand,
    /// Million and up: multiplies all that comes before it ("mil millones" = 10⁹).
    Scale(f64),
    /// "quarter", "cuarto", "quart", "Viertel", "perempat": a fraction after a count.
    Quarter,
    /// "a", "un", "ein": one, but only before a multiplier ("un milliard", "ein Viertel").
    Article,
    /// "and", "y", "et", "e", "und" between parts of one number ("vingt et un").
    And,
    /// Indonesian: "belas" adds ten ("dua belas" = 12), "puluh" multiplies by ten.
    Belas,
    Puluh,
    /// A number written in digits, first in a figure only.
    Digits(f64),
}

/// Number words of en, es, fr, de, id, pt and it, as the tokeniser normalises them, with the one language a word is a number
/// in when it is an everyday word in another ("once" is 11 only in Spanish).
const WORDS: &[(&str, W, Option<&str>)] = &[
    // English
    ("one", W::Unit(1.0), None),
    ("two", W::Unit(2.0), None),
    ("three", W::Unit(3.0), None),
    ("four", W::Unit(4.0), None),
    ("five", W::Unit(5.0), None),
    ("six", W::Unit(6.0), None),
    ("seven", W::Unit(7.0), None),
    ("eight", W::Unit(8.0), None),
    ("nine", W::Unit(9.0), None),
    ("ten", W::Teen(10.0), None),
    ("eleven", W::Teen(11.0), None),
    ("twelve", W::Teen(12.0), None),
    ("thirteen", W::Teen(13.0), None),
    ("fourteen", W::Teen(14.0), None),
    ("fifteen", W::Teen(15.0), None),
    ("sixteen", W::Teen(16.0), None),
    ("seventeen", W::Teen(17.0), None),
    ("eighteen", W::Teen(18.0), None),
    ("nineteen", W::Teen(19.0), None),
    ("twenty", W::Tens(20.0), None),
    ("thirty", W::Tens(30.0), None),
    ("forty", W::Tens(40.0), None),
    ("fifty", W::Tens(50.0), None),
    ("sixty", W::Tens(60.0), None),
    ("seventy", W::Tens(70.0), None),
    ("eighty", W::Tens(80.0), None),
    ("ninety", W::Tens(90.0), None),
    ("hundred", W::Hundred, None),
    ("thousand", W::Thousand, None),
    ("million", W::Scale(1e6), None),
    ("millions", W::Scale(1e6), None),
    ("billion", W::Scale(1e9), None),
    ("billions", W::Scale(1e9), None),
    ("trillion", W::Scale(1e12), None),
    ("quarter", W::Quarter, None),
    ("quarters", W::Quarter, None),
    // Spanish "a millones de" is "to millions of".
    ("a", W::Article, Some("en")),
    ("an", W::Article, Some("en")),
    ("and", W::And, None),
    // Spanish
    ("uno", W::Article, None),
    ("una", W::Article, None),
    ("dos", W::Unit(2.0), Some("es")), // Portuguese "of the"
    ("tres", W::Unit(3.0), None),
    ("cuatro", W::Unit(4.0), None),
    ("cinco", W::Unit(5.0), None),
    ("seis", W::Unit(6.0), None),
    ("siete", W::Unit(7.0), None),
    ("ocho", W::Unit(8.0), None),
    ("nueve", W::Unit(9.0), None),
    ("diez", W::Teen(10.0), None),
    ("once", W::Teen(11.0), Some("es")), // English "once"
    ("doce", W::Teen(12.0), None),
    ("trece", W::Teen(13.0), None),
    ("catorce", W::Teen(14.0), None),
    ("quince", W::Teen(15.0), None),
    ("dieciséis", W::Teen(16.0), None),
    ("diecisiete", W::Teen(17.0), None),
    ("dieciocho", W::Teen(18.0), None),
    ("diecinueve", W::Teen(19.0), None),
    ("veinte", W::Tens(20.0), None),
    ("treinta", W::Tens(30.0), None),
    ("cuarenta", W::Tens(40.0), None),
    ("cincuenta", W::Tens(50.0), None),
    ("sesenta", W::Tens(60.0), None),
    ("setenta", W::Tens(70.0), None),
    ("ochenta", W::Tens(80.0), None),
    ("noventa", W::Tens(90.0), None),
    ("cien", W::Hundred, None),
    ("ciento", W::Hundred, None),
    ("veintiuno", W::Value(21.0), None),
    ("veintiún", W::Value(21.0), None),
    ("veintidós", W::Value(22.0), None),
    ("veintitrés", W::Value(23.0), None),
    ("veinticuatro", W::Value(24.0), None),
    ("veinticinco", W::Value(25.0), None),
    ("veintiséis", W::Value(26.0), None),
    ("veintisiete", W::Value(27.0), None),
    ("veintiocho", W::Value(28.0), None),
    ("veintinueve", W::Value(29.0), None),
    ("doscientos", W::Value(200.0), None),
    ("doscientas", W::Value(200.0), None),
    ("trescientos", W::Value(300.0), None),
    ("trescientas", W::Value(300.0), None),
    ("cuatrocientos", W::Value(400.0), None),
    ("cuatrocientas", W::Value(400.0), None),
    ("quinientos", W::Value(500.0), None),
    ("quinientas", W::Value(500.0), None),
    ("seiscientos", W::Value(600.0), None),
    ("seiscientas", W::Value(600.0), None),
    ("setecientos", W::Value(700.0), None),
    ("setecientas", W::Value(700.0), None),
    ("ochocientos", W::Value(800.0), None),
    ("ochocientas", W::Value(800.0), None),
    ("novecientos", W::Value(900.0), None),
    ("novecientas", W::Value(900.0), None),
    ("mil", W::Thousand, None),
    ("millón", W::Scale(1e6), None),
    ("millones", W::Scale(1e6), None),
    ("billón", W::Scale(1e12), None),
    ("billones", W::Scale(1e12), None),
    ("cuarto", W::Quarter, None),
    ("cuartos", W::Quarter, None),
    ("y", W::And, None),
    // French
    ("un", W::Article, None),
    ("une", W::Article, None),
    ("deux", W::Unit(2.0), None),
    ("trois", W::Unit(3.0), None),
    ("quater", W::Unit(4.0), None), // "quatre", after the tokeniser's "-tre" → "-ter" spelling rule
    ("cinq", W::Unit(5.0), None),
    ("sept", W::Unit(7.0), None),
    ("huit", W::Unit(8.0), None),
    ("neuf", W::Unit(9.0), None),
    ("dix", W::Teen(10.0), None),
    ("onze", W::Teen(11.0), None),
    ("douze", W::Teen(12.0), None),
    ("treize", W::Teen(13.0), None),
    ("quatorze", W::Teen(14.0), None),
    ("quinze", W::Teen(15.0), None),
    ("seize", W::Teen(16.0), Some("fr")), // English "seize"
    ("vingt", W::Tens(20.0), None),
    ("vingts", W::Tens(20.0), None),
    ("trente", W::Tens(30.0), None),
    ("quarante", W::Tens(40.0), None),
    ("cinquante", W::Tens(50.0), None),
    ("soixante", W::Tens(60.0), None),
    ("cent", W::Hundred, Some("fr")), // "per cent", "50 cents"
    ("cents", W::Hundred, Some("fr")),
    ("mille", W::Thousand, None),
    ("milliard", W::Scale(1e9), None),
    ("milliards", W::Scale(1e9), None),
    ("quart", W::Quarter, None),
    ("quarts", W::Quarter, None),
    ("et", W::And, None),
    // German (compounds such as "einundzwanzig" are read morpheme by morpheme)
    ("ein", W::Article, None),
    ("eine", W::Article, None),
    ("einen", W::Article, None),
    ("einem", W::Article, None),
    ("einer", W::Article, None),
    ("eins", W::Unit(1.0), None),
    ("zwei", W::Unit(2.0), None),
    ("drei", W::Unit(3.0), None),
    ("vier", W::Unit(4.0), None),
    ("fünf", W::Unit(5.0), None),
    ("sechs", W::Unit(6.0), None),
    ("sieben", W::Unit(7.0), None),
    ("acht", W::Unit(8.0), None),
    ("neun", W::Unit(9.0), None),
    ("zehn", W::Teen(10.0), None),
    ("elf", W::Teen(11.0), None),
    ("zwölf", W::Teen(12.0), None),
    ("dreizehn", W::Teen(13.0), None),
    ("vierzehn", W::Teen(14.0), None),
    ("fünfzehn", W::Teen(15.0), None),
    ("sechzehn", W::Teen(16.0), None),
    ("siebzehn", W::Teen(17.0), None),
    ("achtzehn", W::Teen(18.0), None),
    ("neunzehn", W::Teen(19.0), None),
    ("zwanzig", W::Tens(20.0), None),
    ("dreißig", W::Tens(30.0), None),
    ("vierzig", W::Tens(40.0), None),
    ("fünfzig", W::Tens(50.0), None),
    ("sechzig", W::Tens(60.0), None),
    ("siebzig", W::Tens(70.0), None),
    ("achtzig", W::Tens(80.0), None),
    ("neunzig", W::Tens(90.0), None),
    ("hundert", W::Hundred, None),
    ("tausend", W::Thousand, None),
    ("millionen", W::Scale(1e6), None),
    ("mio", W::Scale(1e6), None),
    ("milliarde", W::Scale(1e9), None),
    ("milliarden", W::Scale(1e9), None),
    ("mrd", W::Scale(1e9), None),
    ("viertel", W::Quarter, None),
    ("und", W::And, None),
    // Indonesian ("se-" is "one": sebelas, seratus, seribu, sejuta, seperempat)
    ("satu", W::Unit(1.0), None),
    ("dua", W::Unit(2.0), None),
    ("tiga", W::Unit(3.0), None),
    ("empat", W::Unit(4.0), None),
    ("lima", W::Unit(5.0), None),
    ("enam", W::Unit(6.0), None),
    ("tujuh", W::Unit(7.0), None),
    ("delapan", W::Unit(8.0), None),
    ("sembilan", W::Unit(9.0), None),
    ("sepuluh", W::Teen(10.0), None),
    ("sebelas", W::Teen(11.0), None),
    ("belas", W::Belas, None),
    ("puluh", W::Puluh, None),
    ("seratus", W::Value(100.0), None),
    ("ratus", W::Hundred, None),
    ("seribu", W::Value(1000.0), None),
    ("ribu", W::Thousand, None),
    ("sejuta", W::Value(1e6), None),
    ("juta", W::Scale(1e6), None),
    ("miliar", W::Scale(1e9), None),
    ("semiliar", W::Value(1e9), None),
    ("triliun", W::Scale(1e12), None),
    ("seperempat", W::Value(0.25), None),
    ("perempat", W::Quarter, None),
    // Portuguese
    ("um", W::Article, None),
    ("uma", W::Article, None),
    ("dois", W::Unit(2.0), None),
    ("quatro", W::Unit(4.0), None),
    ("duas", W::Unit(2.0), None),
    ("três", W::Unit(3.0), None),
    ("sete", W::Unit(7.0), None),
    ("oito", W::Unit(8.0), None),
    ("nove", W::Unit(9.0), None),
    ("dez", W::Teen(10.0), None),
    ("doze", W::Teen(12.0), Some("pt")), // English "doze"
    ("treze", W::Teen(13.0), None),
    ("catorze", W::Teen(14.0), None),
    ("dezesseis", W::Teen(16.0), None),
    ("dezessete", W::Teen(17.0), None),
    ("dezoito", W::Teen(18.0), None),
    ("dezenove", W::Teen(19.0), None),
    ("vinte", W::Tens(20.0), None),
    ("trinta", W::Tens(30.0), None),
    ("quarenta", W::Tens(40.0), None),
    ("cinquenta", W::Tens(50.0), None),
    ("sessenta", W::Tens(60.0), None),
    ("oitenta", W::Tens(80.0), None),
    ("cem", W::Hundred, None),
    ("cento", W::Hundred, None),
    ("milhão", W::Scale(1e6), None),
    ("milhões", W::Scale(1e6), None),
    ("bilhão", W::Scale(1e9), None),
    ("bilhões", W::Scale(1e9), None),
    ("e", W::And, None),
    // Italian
    ("due", W::Unit(2.0), Some("it")), // English "due"
    ("tre", W::Unit(3.0), None),
    ("quattro", W::Unit(4.0), None),
    ("cinque", W::Unit(5.0), None),
    ("sei", W::Unit(6.0), None),
    ("sette", W::Unit(7.0), None),
    ("otto", W::Unit(8.0), None),
    ("dieci", W::Teen(10.0), None),
    ("undici", W::Teen(11.0), None),
    ("dodici", W::Teen(12.0), None),
    ("tredici", W::Teen(13.0), None),
    ("quindici", W::Teen(15.0), None),
    ("sedici", W::Teen(16.0), None),
    ("venti", W::Tens(20.0), None),
    ("trenta", W::Tens(30.0), None),
    ("quaranta", W::Tens(40.0), None),
    ("cinquanta", W::Tens(50.0), None),
    ("mila", W::Thousand, None),
    ("milione", W::Scale(1e6), None),
    ("milioni", W::Scale(1e6), None),
    ("miliardo", W::Scale(1e9), None),
    ("miliardi", W::Scale(1e9), None),
];

static TABLE: LazyLock<HashMap<&'static str, (W, Option<&'static str>)>> =
    LazyLock::new(|| WORDS.iter().map(|&(w, k, l)| (w, (k, l))).collect());

/// Scale words of Russian, Ukrainian, Arabic, Persian, Thai and Hindi, read only after a figure
/// in digits ("11 млрд", "٥٤ مليون", "8.9 พันล้าน", "2 करोड़"): alone they are everyday words
/// ("พัน" is also "to wrap", "ألف" "to compose"), and outlets in these languages write the
/// count in digits. Thai "ร้อย" (hundred) is left out: "ร้อยละ 97" is "97 per cent".
const AFTER_DIGITS: &[(&str, W)] = &[
    // Russian
    ("тыс", W::Thousand),
    ("тысяча", W::Thousand),
    ("тысячи", W::Thousand),
    ("тысяч", W::Thousand),
    ("млн", W::Scale(1e6)),
    ("миллион", W::Scale(1e6)),
    ("миллиона", W::Scale(1e6)),
    ("миллионов", W::Scale(1e6)),
    ("млрд", W::Scale(1e9)),
    ("миллиард", W::Scale(1e9)),
    ("миллиарда", W::Scale(1e9)),
    ("миллиардов", W::Scale(1e9)),
    ("трлн", W::Scale(1e12)),
    ("триллион", W::Scale(1e12)),
    ("триллиона", W::Scale(1e12)),
    ("триллионов", W::Scale(1e12)),
    // Ukrainian
    ("тис", W::Thousand),
    ("тисяча", W::Thousand),
    ("тисячі", W::Thousand),
    ("мільйон", W::Scale(1e6)),
    ("мільйона", W::Scale(1e6)),
    ("мільйонів", W::Scale(1e6)),
    ("мільярд", W::Scale(1e9)),
    ("мільярда", W::Scale(1e9)),
    ("мільярдів", W::Scale(1e9)),
    // Arabic
    ("ألف", W::Thousand),
    ("الف", W::Thousand),
    ("آلاف", W::Thousand),
    ("مليون", W::Scale(1e6)),
    ("مليونا", W::Scale(1e6)),
    ("ملايين", W::Scale(1e6)),
    ("مليار", W::Scale(1e9)),
    ("مليارا", W::Scale(1e9)),
    ("مليارات", W::Scale(1e9)),
    ("بليون", W::Scale(1e9)),
    ("تريليون", W::Scale(1e12)),
    // Persian
    ("هزار", W::Thousand),
    ("میلیون", W::Scale(1e6)),
    ("میلیارد", W::Scale(1e9)),
    // Thai: หมื่น 10⁴ and แสน 10⁵ scale what came before, and a larger scale after them
    // multiplies the whole ("1.1 หมื่นล้าน" = 1.1 × 10⁴ × 10⁶).
    ("พัน", W::Thousand),
    ("หมื่น", W::Scale(1e4)),
    ("แสน", W::Scale(1e5)),
    ("ล้าน", W::Scale(1e6)),
    // Hindi: lakh 10⁵, crore 10⁷, arab 10⁹.
    ("हज़ार", W::Thousand),
    ("हजार", W::Thousand),
    ("लाख", W::Scale(1e5)),
    ("करोड़", W::Scale(1e7)),
    ("अरब", W::Scale(1e9)),
];

/// [`AFTER_DIGITS`] keyed as the tokeniser normalises words (NFKC, lower case).
static AFTER_DIGITS_TABLE: LazyLock<HashMap<String, W>> = LazyLock::new(|| {
    AFTER_DIGITS
        .iter()
        .map(|&(w, k)| (w.nfkc().flat_map(char::to_lowercase).collect(), k))
        .collect()
});

/// Thai years count from the Buddhist era, 543 years before the common era: พ.ศ. 2563 is 2020.
const BUDDHIST_ERA_OFFSET: u32 = 543;
/// Buddhist-era years read as years: 1900–2100 in the common era.
const BUDDHIST_YEARS: RangeInclusive<u32> = 2443..=2643;

/// The common-era year of a Thai year: a four-digit number written without a thousands
/// separator, in [`BUDDHIST_YEARS`], next to a Thai word (so "2,568 คน" stays a count and a
/// common-era "2025" stays itself).
fn buddhist_era(tokens: &[Token], i: usize) -> Option<String> {
    let t = &tokens[i];
    if t.grouped || t.norm.len() != 4 {
        return None;
    }
    let year: u32 = t.norm.parse().ok()?;
    if !BUDDHIST_YEARS.contains(&year) {
        return None;
    }
    let thai = |k: Option<&Token>| {
        k.is_some_and(|k| k.para == t.para && k.class == Class::Word && script_of(&k.norm) == Script::Thai)
    };
    let before = i.checked_sub(1).and_then(|p| tokens.get(p));
    (thai(before) || thai(tokens.get(i + 1))).then(|| (year - BUDDHIST_ERA_OFFSET).to_string())
}

/// Which first two bytes a number word or German number part can start with: most words of a
/// page are rejected with one array read instead of a hash and 31 prefix tests.
static PREFIXES: LazyLock<Vec<bool>> = LazyLock::new(|| {
    let mut set = vec![false; 1 << 16];
    for w in WORDS.iter().map(|(w, _, _)| *w).chain(GERMAN_PARTS.iter().copied()) {
        set[prefix(w)] = true;
    }
    set
});

fn prefix(word: &str) -> usize {
    let b = word.as_bytes();
    (usize::from(b.first().copied().unwrap_or(0)) << 8) | usize::from(b.get(1).copied().unwrap_or(0))
}

/// True for "million", "Milliarden", "juta": words that scale a figure, never names.
pub(super) fn is_scale_word(norm: &str) -> bool {
    matches!(TABLE.get(norm), Some((W::Scale(_), _)))
}

/// German writes numbers under a million as one word; these are its parts, longest first so
/// "sechzehn" is not read as "sechs" + "zehn"... which would not parse anyway.
const GERMAN_PARTS: &[&str] = &[
    "dreißig",
    "zwanzig",
    "vierzig",
    "fünfzig",
    "sechzig",
    "siebzig",
    "achtzig",
    "neunzig",
    "dreizehn",
    "vierzehn",
    "fünfzehn",
    "sechzehn",
    "siebzehn",
    "achtzehn",
    "neunzehn",
    "hundert",
    "tausend",
    "sieben",
    "zwölf",
    "zwei",
    "drei",
    "vier",
    "fünf",
    "sechs",
    "acht",
    "neun",
    "zehn",
    "eins",
    "elf",
    "ein",
    "und",
];

/// Reads the figure starting at `tokens[i]`, if one starts there. `language` is the text's
/// ISO 639-1 code when known; words that are numbers in one language only need it.
pub(super) fn figure(tokens: &[Token], i: usize, language: Option<&str>) -> Option<Figure> {
    let t = tokens.get(i)?;
    match t.class {
        Class::Number if tokens.get(i + 1).is_some_and(continues_cjk) => cjk_figure(tokens, i),
        Class::Cjk => cjk_figure(tokens, i),
        Class::Number => match buddhist_era(tokens, i) {
            Some(key) => Some(Figure { key, tokens: 1 }),
            None => word_figure(tokens, i, language),
        },
        Class::Word => word_figure(tokens, i, language),
    }
}

/// A CJK numeral after a number ("2万"), or Korean units written onto it ("2만", "110억회").
fn continues_cjk(next: &Token) -> bool {
    (next.joined && cjk_numeral(&next.norm).is_some()) || (next.attached && !korean_units(&next.norm).0.is_empty())
}

/// Korean numeral units: 십 10, 백 100, 천 1000, 만 10⁴, 억 10⁸, 조 10¹², written onto digits
/// ("1천247", "4백", "3만", "2억", "2,350만"): the units a word starts with, as multipliers, and
/// whether anything follows them in the word (a counter such as 명, 회, 원 ends the figure).
fn korean_units(word: &str) -> (Vec<f64>, bool) {
    let mut units = Vec::new();
    let mut chars = word.chars().peekable();
    while let Some(m) = chars.peek().and_then(|c| match c {
        '십' => Some(10.0),
        '백' => Some(100.0),
        '천' => Some(1e3),
        '만' => Some(1e4),
        '억' => Some(1e8),
        '조' => Some(1e12),
        _ => None,
    }) {
        units.push(m);
        chars.next();
    }
    (units, chars.next().is_some())
}

/// The reading of one word token, if it is a number word here.
fn word_of(tokens: &[Token], j: usize, language: Option<&str>) -> Option<Vec<W>> {
    let t = &tokens[j];
    if t.class == Class::Number {
        return t.norm.parse().ok().map(|v| vec![W::Digits(v)]);
    }
    if t.class != Class::Word || t.all_caps || t.norm.len() > 40 || !PREFIXES[prefix(&t.norm)] {
        return None; // "DOS" and "ONCE" in a headline are acronyms or shouting
    }
    let Some(&(w, only)) = TABLE.get(t.norm.as_str()) else {
        return german_compound(&t.norm);
    };
    if only.is_some() && only != language {
        return None;
    }
    // A capitalised small number word inside a sentence is a name ("Lima", "Otto"); German
    // capitalises its nouns, so "Viertel", "Milliarde", "Hundert" keep their meaning.
    let small = matches!(
        w,
        W::Unit(_) | W::Teen(_) | W::Tens(_) | W::Value(_) | W::Article | W::And
    );
    if small && t.capitalised && !t.sentence_start {
        return None;
    }
    // "per cent", "pour cent", "por ciento", "per cento" are "percent", not a hundred.
    let percent = j > 0 && matches!(tokens[j - 1].norm.as_str(), "per" | "pour" | "por" | "pro");
    if w == W::Hundred && percent {
        return None;
    }
    // French and German "billion" is 10¹², as Spanish "billón" is.
    // Italian "un mio amico" is "a friend of mine": the abbreviations only follow digits.
    if matches!(t.norm.as_str(), "mio" | "mrd") && !(j > 0 && tokens[j - 1].class == Class::Number) {
        return None;
    }
    let w = match (w, language) {
        (W::Scale(s), Some("fr" | "de")) if s == 1e9 && t.norm.starts_with("billion") => W::Scale(1e12),
        _ => w,
    };
    Some(vec![w])
}

/// "dreihundertfünfundsechzig" → drei, hundert, fünf, und, sechzig; None unless the whole
/// word is made of at least two such parts.
fn german_compound(word: &str) -> Option<Vec<W>> {
    if word.len() < 7 || !word.is_char_boundary(0) {
        return None;
    }
    let mut rest = word;
    let mut parts = Vec::new();
    while !rest.is_empty() {
        let part = GERMAN_PARTS.iter().find(|p| rest.starts_with(**p))?;
        // "ein" inside a compound is the unit, not the article.
        parts.push(match TABLE.get(part).map(|&(w, _)| w)? {
            W::Article => W::Unit(1.0),
            w => w,
        });
        rest = &rest[part.len()..];
    }
    (parts.len() >= 2).then_some(parts)
}

/// The state of a figure being read from number words.
#[derive(Default, Clone)]
struct Reader {
    /// Millions and up, the thousands, and what is under a thousand.
    total: f64,
    thousands: f64,
    small: f64,
    /// The unit word just read, for "quatre-vingts" and "dua puluh".
    unit: f64,
    last: Option<W>,
    /// What came before an "and": "vingt et un" and "fünfundsechzig" join, "seven and eight" do not.
    before_and: Option<W>,
    /// Read anything besides articles and "and".
    numeric: bool,
}

impl Reader {
    /// Takes the next word if it can continue the figure; false (and no change) if not.
    fn push(&mut self, w: W) -> bool {
        use W::*;
        // "vingt et un", "cento e um": after "and" the article is the unit one.
        let w = if self.last == Some(And) && w == Article {
            Unit(1.0)
        } else {
            w
        };
        let ok = match (self.last, w) {
            (None, Scale(_) | Quarter | And | Belas | Puluh) => false,
            (None, _) => true,
            (Some(Article), Hundred | Thousand | Scale(_) | Quarter) => true,
            (Some(Digits(_)), Thousand | Scale(_)) => true,
            (Some(Unit(_)), Hundred | Thousand | Scale(_) | Quarter | Belas | Puluh) => true,
            (Some(Unit(_)), And) => true,
            // "quatre-vingts" is four twenties.
            (Some(Unit(u)), Tens(t)) => u == 4.0 && t == 20.0,
            (Some(Teen(t)), Unit(_)) => t == 10.0, // "dix-sept"
            (Some(Teen(_)), Hundred | Thousand | Scale(_)) => true,
            (Some(Tens(_)), Unit(_)) => self.small % 10.0 == 0.0,
            // "soixante-dix", "quatre-vingt-douze"
            (Some(Tens(_)), Teen(_)) => matches!(self.small % 100.0, 60.0 | 80.0),
            (Some(Tens(_)), Thousand | Scale(_) | And) => true,
            (Some(Value(_) | Hundred), Unit(_) | Teen(_) | Tens(_) | And | Thousand | Scale(_)) => true,
            (Some(Thousand), Unit(_) | Teen(_) | Tens(_) | Value(_) | Hundred | And | Scale(_)) => true,
            (Some(Scale(_)), Unit(_) | Teen(_) | Tens(_) | Value(_) | Hundred) => true,
            // "1.1 หมื่นล้าน": a larger scale after a smaller one multiplies the whole.
            (Some(Scale(a)), Scale(b)) => b > a,
            (Some(And), _) => match (self.before_and, w) {
                (Some(Tens(_)), Unit(_)) => true,
                (Some(Tens(_)), Teen(_)) => self.small % 100.0 == 60.0, // "soixante et onze"
                (Some(Unit(_)), Tens(_)) => true,                       // "fünfundsechzig"
                (Some(Hundred | Value(_) | Thousand), Unit(_) | Teen(_) | Tens(_) | Value(_)) => true,
                _ => false,
            },
            (Some(Belas | Puluh), Thousand | Scale(_)) => true,
            (Some(Puluh), Unit(_)) => true,
            _ => false,
        };
        if !ok {
            return false;
        }
        match w {
            Unit(v) => {
                self.small += v;
                self.unit = v;
            }
            Teen(v) | Value(v) => self.small += v,
            Tens(v) if self.last == Some(Unit(4.0)) => self.small += 4.0 * v - 4.0,
            Tens(v) => self.small += v,
            Digits(v) => self.small = v,
            Article => self.small = 1.0,
            Hundred => {
                // The hundreds count is the unit just read ("deux cents", "seribu tiga ratus"),
                // or the whole small part ("fifteen hundred", "a hundred"), or one ("cent").
                self.small = match self.last {
                    Some(Unit(_)) => self.small + self.unit * 99.0,
                    _ if self.small == 0.0 => 100.0,
                    _ => self.small * 100.0,
                };
            }
            Thousand => {
                self.thousands += if self.small == 0.0 { 1.0 } else { self.small } * 1e3;
                self.small = 0.0;
            }
            Scale(s) if matches!(self.last, Some(Scale(_))) => self.total *= s,
            Scale(s) => {
                self.total += (self.thousands + self.small) * s;
                self.thousands = 0.0;
                self.small = 0.0;
            }
            Quarter => self.small *= 0.25,
            Belas => self.small += 10.0,
            Puluh => self.small += self.unit * 9.0,
            And => self.before_and = self.last,
        }
        if !matches!(w, Article | And) {
            self.numeric = true;
        }
        self.last = Some(w);
        true
    }

    fn value(&self) -> f64 {
        self.total + self.thousands + self.small
    }
}

/// A figure of number words and digits ("onze milliards", "11 mil millones", "vingt et un").
fn word_figure(tokens: &[Token], i: usize, language: Option<&str>) -> Option<Figure> {
    let first = word_of(tokens, i, language)?;
    let mut reader = Reader::default();
    if !first.iter().all(|&w| reader.push(w)) {
        return None;
    }
    // Tokens read up to the last one that left a whole figure (not a dangling "and").
    let mut end = i + 1;
    let mut complete = reader.last != Some(W::Article);
    let mut j = i + 1;
    let digits_first = matches!(first.first(), Some(W::Digits(_)));
    while tokens.get(j).is_some_and(|t| t.joined) {
        let words = match word_of(tokens, j, language) {
            Some(words) => words,
            None if digits_first => match AFTER_DIGITS_TABLE.get(tokens[j].norm.as_str()) {
                Some(&w) => vec![w],
                None => break,
            },
            None => break,
        };
        if words.iter().any(|w| matches!(w, W::Digits(_))) {
            break; // "2020 2021", "seven 11": two figures
        }
        // A compound word joins only as a whole.
        let before = reader.clone();
        if !words.iter().all(|&w| reader.push(w)) {
            reader = before;
            break;
        }
        j += 1;
        if !matches!(reader.last, Some(W::And | W::Article)) {
            end = j;
            complete = true;
        }
    }
    if !complete || !reader.numeric {
        return None; // an article alone is a word
    }
    let single_plain = end == i + 1 && tokens[i].class == Class::Number;
    let key = if single_plain {
        tokens[i].norm.clone()
    } else {
        key_of(reader.value())?
    };
    Some(Figure { key, tokens: end - i })
}

/// Value of a CJK numeral character: digits, the small multipliers 十百千 and the large 万億兆.
fn cjk_numeral(c: &str) -> Option<(f64, bool)> {
    let v = match c {
        "〇" | "零" => 0.0,
        "一" => 1.0,
        "二" | "两" | "兩" => 2.0,
        "三" => 3.0,
        "四" => 4.0,
        "五" => 5.0,
        "六" => 6.0,
        "七" => 7.0,
        "八" => 8.0,
        "九" => 9.0,
        "十" => return Some((10.0, true)),
        "百" => return Some((100.0, true)),
        "千" => return Some((1e3, true)),
        "万" | "萬" => return Some((1e4, true)),
        "億" | "亿" => return Some((1e8, true)),
        "兆" => return Some((1e12, true)),
        _ => return None,
    };
    Some((v, false))
}

/// A CJK (or Korean) figure being read: sections of up to 万 (10⁴) and the total above them.
struct CjkReader {
    total: f64,
    section: f64,
    num: f64,
    last_big: f64,
    had_digit: bool,
}

impl CjkReader {
    /// Applies a multiplier (十百千 or 万億兆); false if it cannot follow ("万万").
    fn multiply(&mut self, m: f64) -> bool {
        if m >= 1e4 {
            if m >= self.last_big {
                return false;
            }
            let count = self.section + self.num;
            self.total += if count == 0.0 { 1.0 } else { count } * m;
            self.section = 0.0;
            self.last_big = m;
        } else {
            self.section += if self.num == 0.0 { 1.0 } else { self.num } * m;
        }
        self.num = 0.0;
        self.had_digit = false;
        true
    }
}

/// "2万3752", "1.2億", "二万三千七百五十二", "二〇二一", "十一", "十亿", and Korean "1천247", "2,350만",
/// "110억회": digits and numerals, then multipliers. A run of numeral characters must start
/// with a digit, or with 十 before a digit or 万亿兆 ("十一" is 11; "十分" is "enough", "万一" "just in
/// case"), and be two characters or more ("一部" is "a part"). Korean units count only when
/// written onto the digits; a counter after them ("억회") ends the figure.
fn cjk_figure(tokens: &[Token], i: usize) -> Option<Figure> {
    let mut r = CjkReader {
        total: 0.0,
        section: 0.0,
        num: 0.0,
        last_big: f64::INFINITY,
        had_digit: false,
    };
    let mut j = i;
    while let Some(t) = tokens.get(j) {
        if j > i && !t.joined {
            break;
        }
        match (t.class, cjk_numeral(&t.norm)) {
            (Class::Number, _) => {
                if r.had_digit {
                    break; // two numbers in a row are two figures
                }
                r.num = t.norm.parse().ok()?;
                r.had_digit = true;
            }
            (Class::Cjk, Some((d, false))) => {
                r.num = if r.had_digit { r.num * 10.0 + d } else { d };
                r.had_digit = true;
            }
            (Class::Cjk, Some((m, true))) if j > i || (m == 10.0 && tokens.get(i + 1).is_some_and(cjk_digit_after)) => {
                if !r.multiply(m) {
                    break;
                }
            }
            (Class::Word, _) if j > i && t.attached => {
                let (units, rest) = korean_units(&t.norm);
                if units.is_empty() || !units.iter().all(|&m| r.multiply(m)) {
                    break;
                }
                if rest {
                    j += 1;
                    break;
                }
            }
            _ => break,
        }
        j += 1;
    }
    if j - i < 2 {
        return None;
    }
    Some(Figure {
        key: key_of(r.total + r.section + r.num)?,
        tokens: j - i,
    })
}

/// A CJK digit or large multiplier joined to what comes before ("十一", "十亿").
fn cjk_digit_after(t: &Token) -> bool {
    t.joined && t.class == Class::Cjk && matches!(cjk_numeral(&t.norm), Some((m, big)) if !big || m >= 1e4)
}

/// The anchor key of a value: whole numbers without a fraction ("11000000000"), others as
/// Rust prints them ("0.25"), so "23.5 million" and "2,350万" agree.
fn key_of(v: f64) -> Option<String> {
    if !(0.0..1e18).contains(&v) {
        return None;
    }
    let rounded = v.round();
    Some(if (v - rounded).abs() < 1e-6 * v.max(1.0) {
        format!("{}", rounded as i64)
    } else {
        format!("{v}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::normalise::tokenise_paragraphs;

    /// Every figure in the text, as keys.
    fn figures(text: &str, language: Option<&str>) -> Vec<String> {
        let tokens = tokenise_paragraphs(&[text], 10_000);
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            match figure(&tokens, i, language) {
                Some(f) => {
                    out.push(f.key);
                    i += f.tokens.max(1);
                }
                None => i += 1,
            }
        }
        out
    }

    #[test]
    fn eleven_billion_in_every_language() {
        for (text, lang) in [
            ("eleven billion doses", "en"),
            ("11 billion doses", "en"),
            ("onze milliards de doses", "fr"),
            ("once mil millones de dosis", "es"),
            ("11 mil millones de dosis", "es"),
            ("11.000 millones de dosis", "es"),
            ("elf Milliarden Dosen", "de"),
            ("sebelas miliar dosis", "id"),
            ("onze bilhões de doses", "pt"),
            ("undici miliardi di dosi", "it"),
            ("110億回", "ja"),
        ] {
            assert_eq!(figures(text, Some(lang)), ["11000000000"], "{text}");
        }
    }

    #[test]
    fn small_numbers_and_compounds() {
        let one = |text: &str, lang: &str| figures(text, Some(lang)).join(" ");
        assert_eq!(one("cent jours", "fr"), "100");
        assert_eq!(one("dix-sept pays", "fr"), "17");
        assert_eq!(one("soixante-dix-sept", "fr"), "77");
        assert_eq!(one("quatre-vingt-douze", "fr"), "92");
        assert_eq!(one("vingt et un États", "fr"), "21");
        assert_eq!(one("deux cents millions", "fr"), "200000000");
        assert_eq!(one("treinta y cinco servidores", "es"), "35");
        assert_eq!(one("doscientos cincuenta mil", "es"), "250000");
        assert_eq!(one("dreihundertfünfundsechzig Tage", "de"), "365");
        assert_eq!(one("einundzwanzig Länder", "de"), "21");
        assert_eq!(one("zweitausend Masken", "de"), "2000");
        assert_eq!(one("dua puluh lima negara", "id"), "25");
        assert_eq!(one("dua belas hari", "id"), "12");
        assert_eq!(one("seratus hari", "id"), "100");
        assert_eq!(one("tiga ratus ribu", "id"), "300000");
        assert_eq!(one("one hundred and twenty experts", "en"), "120");
        assert_eq!(one("fifteen hundred", "en"), "1500");
        assert_eq!(one("a million people", "en"), "1000000");
        assert_eq!(one("un milliard de dollars", "fr"), "1000000000");
        assert_eq!(one("um milhão", "pt"), "1000000");
        assert_eq!(one("soixante et onze", "fr"), "71");
        assert_eq!(one("cento e um", "pt"), "101");
        assert_eq!(one("seribu tiga ratus", "id"), "1300");
    }

    #[test]
    fn a_quarter_in_every_language() {
        for (text, lang) in [
            ("a quarter of them", "en"),
            ("un cuarto de ellos", "es"),
            ("un quart d'entre eux", "fr"),
            ("ein Viertel davon", "de"),
            ("seperempat dari mereka", "id"),
        ] {
            assert_eq!(figures(text, Some(lang)), ["0.25"], "{text}");
        }
        assert_eq!(figures("three quarters", Some("en")), ["0.75"]);
        assert!(figures("the first quarter", Some("en")).is_empty());
    }

    #[test]
    fn articles_and_everyday_words_are_not_numbers() {
        for (text, lang) in [
            ("un pays, une ville et un homme", Some("fr")),
            ("ein Land und eine Stadt", Some("de")),
            ("a country and an idea", Some("en")),
            ("once a year the police seize servers", Some("en")),
            ("once a year", None),
            ("97 per cent", Some("en")),
            ("97 pour cent", Some("fr")),
            ("97 por ciento", Some("es")),
            ("50 cents", Some("en")),
            ("a millones de personas", Some("es")),
            ("dos milhões de pessoas", Some("pt")),
            ("due to millions", Some("en")),
            ("millions of people", Some("en")),
            ("in Lima and Otto", Some("en")),
            ("一部の十分な万一", Some("ja")),
            ("tendue", Some("fr")),
        ] {
            let got = figures(text, lang);
            assert!(got.iter().all(|k| k == "97" || k == "50"), "{text}: {got:?}");
        }
        // A list is several figures, not their sum.
        assert_eq!(figures("deux, trois, quatre", Some("fr")), ["2", "3", "4"]);
        assert_eq!(figures("seven eight", Some("en")), ["7", "8"]);
        assert_eq!(figures("seven and eight", Some("en")), ["7", "8"]);
        assert!(figures("un mio amico", Some("it")).is_empty());
        assert_eq!(figures("2,5 Mio", Some("de")), ["2500000"]);
    }

    #[test]
    fn cjk_figures() {
        for text in ["2万3752人", "2万3,752人", "23,752人", "二万三千七百五十二人"] {
            assert_eq!(figures(text, Some("ja")), ["23752"], "{text}");
        }
        assert_eq!(figures("1.2億円", Some("ja")), ["120000000"]);
        assert_eq!(figures("12億", Some("ja")), ["1200000000"]);
        assert_eq!(figures("1億2000万", Some("ja")), ["120000000"]);
        assert_eq!(figures("2,350万人", Some("ja")), ["23500000"]);
        assert_eq!(figures("31パーセント", Some("ja")), ["31"]);
        assert_eq!(figures("3千万", Some("ja")), ["30000000"]);
    }

    #[test]
    fn digits_of_every_script() {
        for text in ["٢٣٫٥ مليون", "۲۳٫۵ میلیون", "23.5 ล้านคน", "๒๓.๕ ล้าน", "२३.५ लाख"]
        {
            let got = figures(text, None);
            assert!(got == ["23500000"] || got == ["2350000"], "{text}: {got:?}");
        }
        assert_eq!(figures("١٬٢٤٧ حساباً", None), ["1247"]);
        assert_eq!(figures("١١ مليار جرعة", Some("ar")), ["11000000000"]);
        assert_eq!(
            figures("11 млрд доз и 3,4 тыс. звонков", Some("ru")),
            ["11000000000", "3400"]
        );
        assert_eq!(figures("8.9 พันล้านดอลลาร์", Some("th")), ["8900000000"]);
        assert_eq!(figures("1.1 หมื่นล้านโดส", Some("th")), ["11000000000"]);
        // "ร้อยละ 97" is 97 per cent, not a hundred; scale words alone are words.
        assert_eq!(figures("ร้อยละ 97", Some("th")), ["97"]);
        assert!(figures("มิลลิออน ล้าน พัน", Some("th")).is_empty());
        assert!(figures("ألف مليون", Some("ar")).is_empty());
    }

    #[test]
    fn korean_units_written_onto_digits() {
        for (text, want) in [
            ("1천247건", "1247"),
            ("4백 명", "400"),
            ("3만 명", "30000"),
            ("2억 원", "200000000"),
            ("2,350만 명", "23500000"),
            ("110억회분", "11000000000"),
            ("1억2천만", "120000000"),
            ("1만2천 대", "12000"),
        ] {
            assert_eq!(figures(text, Some("ko")), [want], "{text}");
        }
        // A unit after a space, and a word that only starts like one, are not figures.
        assert_eq!(figures("2020년 만 명", Some("ko")), ["2020"]);
        assert_eq!(figures("80여 개국", Some("ko")), ["80"]);
    }

    #[test]
    fn chinese_numerals_with_zero_and_ten() {
        assert_eq!(figures("二〇一九年十二月三十一日", Some("zh")), ["2019", "12", "31"]);
        assert_eq!(figures("一百一十亿剂", Some("zh")), ["11000000000"]);
        assert_eq!(figures("十亿美元", Some("zh")), ["1000000000"]);
        assert_eq!(figures("两千三百五十万人", Some("zh")), ["23500000"]);
        assert_eq!(figures("第七十五届", Some("zh")), ["75"]);
        assert!(figures("十分重要", Some("zh")).is_empty());
    }

    #[test]
    fn thai_years_of_the_buddhist_era() {
        assert_eq!(figures("ปี 2563", Some("th")), ["2020"]);
        assert_eq!(figures("พ.ศ. ๒๕๖๗", Some("th")), ["2024"]);
        // With a thousands separator it is a count; a common-era year stays itself; so does a
        // number outside Thai text.
        assert_eq!(figures("2,563 คน", Some("th")), ["2563"]);
        assert_eq!(figures("ค.ศ. 2025", Some("th")), ["2025"]);
        assert_eq!(figures("in 2563 cases", Some("en")), ["2563"]);
    }

    #[test]
    fn every_word_is_in_the_table_once() {
        let mut seen = std::collections::HashSet::new();
        for (w, _, _) in WORDS {
            assert!(seen.insert(w), "{w} twice");
        }
    }

    #[test]
    fn hostile_figures_do_not_panic() {
        let long = "9".repeat(400);
        for text in [
            long.as_str(),
            "万万万億億",
            "million million billion",
            "9e999 billion",
            "一二三四五六七八九〇一二三四五六七八九〇一二三四五六七八九億兆",
        ] {
            let _ = figures(text, Some("ja"));
            let _ = figures(text, None);
        }
    }
}
