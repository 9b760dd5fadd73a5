//! Language codes and language detection. Every language tag pickup reads — the config's
//! `language` fields, `<html lang>`, `Content-Language`, `og:locale`, whatlang's ISO 639-3 codes —
//! becomes one ISO 639-1 code here, so codes from different sources compare equal.

/// Every ISO 639-1 code, with its ISO 639-2/T code (the ISO 639-3 code too) and its ISO 639-2/B
/// code: `(639-1, 639-2/T, 639-2/B)`, B equal to T where ISO 639-2 has no bibliographic variant.
/// Source: the ISO 639-2 Registration Authority's code list (Library of Congress).
#[rustfmt::skip] // A table reads best as a table.
const CODES: &[(&str, &str, &str)] = &[
    ("aa", "aar", "aar"), ("ab", "abk", "abk"), ("ae", "ave", "ave"), ("af", "afr", "afr"),
    ("ak", "aka", "aka"), ("am", "amh", "amh"), ("an", "arg", "arg"), ("ar", "ara", "ara"),
    ("as", "asm", "asm"), ("av", "ava", "ava"), ("ay", "aym", "aym"), ("az", "aze", "aze"),
    ("ba", "bak", "bak"), ("be", "bel", "bel"), ("bg", "bul", "bul"), ("bi", "bis", "bis"),
    ("bm", "bam", "bam"), ("bn", "ben", "ben"), ("bo", "bod", "tib"), ("br", "bre", "bre"),
    ("bs", "bos", "bos"), ("ca", "cat", "cat"), ("ce", "che", "che"), ("ch", "cha", "cha"),
    ("co", "cos", "cos"), ("cr", "cre", "cre"), ("cs", "ces", "cze"), ("cu", "chu", "chu"),
    ("cv", "chv", "chv"), ("cy", "cym", "wel"), ("da", "dan", "dan"), ("de", "deu", "ger"),
    ("dv", "div", "div"), ("dz", "dzo", "dzo"), ("ee", "ewe", "ewe"), ("el", "ell", "gre"),
    ("en", "eng", "eng"), ("eo", "epo", "epo"), ("es", "spa", "spa"), ("et", "est", "est"),
    ("eu", "eus", "baq"), ("fa", "fas", "per"), ("ff", "ful", "ful"), ("fi", "fin", "fin"),
    ("fj", "fij", "fij"), ("fo", "fao", "fao"), ("fr", "fra", "fre"), ("fy", "fry", "fry"),
    ("ga", "gle", "gle"), ("gd", "gla", "gla"), ("gl", "glg", "glg"), ("gn", "grn", "grn"),
    ("gu", "guj", "guj"), ("gv", "glv", "glv"), ("ha", "hau", "hau"), ("he", "heb", "heb"),
    ("hi", "hin", "hin"), ("ho", "hmo", "hmo"), ("hr", "hrv", "hrv"), ("ht", "hat", "hat"),
    ("hu", "hun", "hun"), ("hy", "hye", "arm"), ("hz", "her", "her"), ("ia", "ina", "ina"),
    ("id", "ind", "ind"), ("ie", "ile", "ile"), ("ig", "ibo", "ibo"), ("ii", "iii", "iii"),
    ("ik", "ipk", "ipk"), ("io", "ido", "ido"), ("is", "isl", "ice"), ("it", "ita", "ita"),
    ("iu", "iku", "iku"), ("ja", "jpn", "jpn"), ("jv", "jav", "jav"), ("ka", "kat", "geo"),
    ("kg", "kon", "kon"), ("ki", "kik", "kik"), ("kj", "kua", "kua"), ("kk", "kaz", "kaz"),
    ("kl", "kal", "kal"), ("km", "khm", "khm"), ("kn", "kan", "kan"), ("ko", "kor", "kor"),
    ("kr", "kau", "kau"), ("ks", "kas", "kas"), ("ku", "kur", "kur"), ("kv", "kom", "kom"),
    ("kw", "cor", "cor"), ("ky", "kir", "kir"), ("la", "lat", "lat"), ("lb", "ltz", "ltz"),
    ("lg", "lug", "lug"), ("li", "lim", "lim"), ("ln", "lin", "lin"), ("lo", "lao", "lao"),
    ("lt", "lit", "lit"), ("lu", "lub", "lub"), ("lv", "lav", "lav"), ("mg", "mlg", "mlg"),
    ("mh", "mah", "mah"), ("mi", "mri", "mao"), ("mk", "mkd", "mac"), ("ml", "mal", "mal"),
    ("mn", "mon", "mon"), ("mr", "mar", "mar"), ("ms", "msa", "may"), ("mt", "mlt", "mlt"),
    ("my", "mya", "bur"), ("na", "nau", "nau"), ("nb", "nob", "nob"), ("nd", "nde", "nde"),
    ("ne", "nep", "nep"), ("ng", "ndo", "ndo"), ("nl", "nld", "dut"), ("nn", "nno", "nno"),
    ("no", "nor", "nor"), ("nr", "nbl", "nbl"), ("nv", "nav", "nav"), ("ny", "nya", "nya"),
    ("oc", "oci", "oci"), ("oj", "oji", "oji"), ("om", "orm", "orm"), ("or", "ori", "ori"),
    ("os", "oss", "oss"), ("pa", "pan", "pan"), ("pi", "pli", "pli"), ("pl", "pol", "pol"),
    ("ps", "pus", "pus"), ("pt", "por", "por"), ("qu", "que", "que"), ("rm", "roh", "roh"),
    ("rn", "run", "run"), ("ro", "ron", "rum"), ("ru", "rus", "rus"), ("rw", "kin", "kin"),
    ("sa", "san", "san"), ("sc", "srd", "srd"), ("sd", "snd", "snd"), ("se", "sme", "sme"),
    ("sg", "sag", "sag"), ("si", "sin", "sin"), ("sk", "slk", "slo"), ("sl", "slv", "slv"),
    ("sm", "smo", "smo"), ("sn", "sna", "sna"), ("so", "som", "som"), ("sq", "sqi", "alb"),
    ("sr", "srp", "srp"), ("ss", "ssw", "ssw"), ("st", "sot", "sot"), ("su", "sun", "sun"),
    ("sv", "swe", "swe"), ("sw", "swa", "swa"), ("ta", "tam", "tam"), ("te", "tel", "tel"),
    ("tg", "tgk", "tgk"), ("th", "tha", "tha"), ("ti", "tir", "tir"), ("tk", "tuk", "tuk"),
    ("tl", "tgl", "tgl"), ("tn", "tsn", "tsn"), ("to", "ton", "ton"), ("tr", "tur", "tur"),
    ("ts", "tso", "tso"), ("tt", "tat", "tat"), ("tw", "twi", "twi"), ("ty", "tah", "tah"),
    ("ug", "uig", "uig"), ("uk", "ukr", "ukr"), ("ur", "urd", "urd"), ("uz", "uzb", "uzb"),
    ("ve", "ven", "ven"), ("vi", "vie", "vie"), ("vo", "vol", "vol"), ("wa", "wln", "wln"),
    ("wo", "wol", "wol"), ("xh", "xho", "xho"), ("yi", "yid", "yid"), ("yo", "yor", "yor"),
    ("za", "zha", "zha"), ("zh", "zho", "chi"), ("zu", "zul", "zul"),
];

/// Codes that are not in [`CODES`] but name one of its languages: ISO 639-1 codes withdrawn in
/// 1989 and still found in `<html lang>` (`iw`, `in`, `ji`, `jw`, `mo`), and the ISO 639-3 codes
/// of the main member of a macrolanguage, which whatlang reports (`cmn` for Chinese, `pes` for
/// Persian).
#[rustfmt::skip]
const ALIASES: &[(&str, &str)] = &[
    ("iw", "he"), ("in", "id"), ("ji", "yi"), ("jw", "jv"), ("mo", "ro"),
    ("cmn", "zh"), ("pes", "fa"), ("arb", "ar"), ("zsm", "ms"), ("ekk", "et"), ("lvs", "lv"),
    ("swh", "sw"), ("uzn", "uz"), ("azj", "az"), ("npi", "ne"), ("ory", "or"), ("pnb", "pa"),
    ("khk", "mn"), ("plt", "mg"), ("ydd", "yi"), ("als", "sq"), ("quz", "qu"), ("gaz", "om"),
];

/// The ISO 639-1 code of a language tag: a BCP 47 tag (`en-US`, `zh-Hant-TW`, `es-419`), a POSIX
/// locale (`pt_BR`, `og:locale`'s form), or a bare ISO 639-1, 639-2/T, 639-2/B or 639-3 code, in
/// any case. `None` for anything else: unknown or unassigned codes (`xx`), `und`, private-use
/// tags (`x-klingon`), empty strings, and languages without a two-letter code.
pub(crate) fn iso639_1(tag: &str) -> Option<&'static str> {
    let primary = tag.trim().split(['-', '_', '.', '@']).next()?;
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut lower = [0u8; 3];
    for (slot, b) in lower.iter_mut().zip(primary.bytes()) {
        *slot = b.to_ascii_lowercase();
    }
    let code = std::str::from_utf8(&lower[..primary.len()]).ok()?;
    let found = if code.len() == 2 {
        CODES.iter().find(|(one, _, _)| *one == code).map(|(one, _, _)| *one)
    } else {
        CODES
            .iter()
            .find(|(_, t, b)| *t == code || *b == code)
            .map(|(one, _, _)| *one)
    };
    found.or_else(|| ALIASES.iter().find(|(alias, _)| *alias == code).map(|(_, one)| *one))
}

/// [`iso639_1`] as an owned string, for the `Option<String>` fields that carry languages.
pub(crate) fn normalize(tag: &str) -> Option<String> {
    iso639_1(tag).map(str::to_string)
}

/// What whatlang makes of the main text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Detected {
    /// ISO 639-1 code of the best guess.
    pub code: &'static str,
    /// whatlang's own judgement that the guess is safe (long enough text, clear margin).
    pub reliable: bool,
    /// whatlang's confidence, 0–1.
    pub confidence: f64,
}

/// Bytes of text handed to whatlang: a few paragraphs, so one quoted foreign sentence cannot
/// decide. whatlang's cost grows with the text: at 2 KB it was a tenth of all extraction time,
/// and 1 KB is still several sentences, where its trigram model is sure of a language.
const SAMPLE_BYTES: usize = 1_000;

/// Detects the language of the main text with whatlang, from its first [`SAMPLE_BYTES`] bytes.
/// `None` when whatlang cannot tell at all (no letters) or guesses a language without an
/// ISO 639-1 code.
pub(crate) fn detect<S: AsRef<str>>(paragraphs: &[S]) -> Option<Detected> {
    let mut sample = String::with_capacity(SAMPLE_BYTES + 256);
    for p in paragraphs {
        if sample.len() >= SAMPLE_BYTES {
            break;
        }
        let p = p.as_ref();
        let room = SAMPLE_BYTES - sample.len();
        let mut cut = p.len().min(room);
        while !p.is_char_boundary(cut) {
            cut -= 1;
        }
        sample.push_str(&p[..cut]);
        sample.push('\n');
    }
    let info = whatlang::detect(&sample)?;
    Some(Detected {
        code: iso639_1(info.lang().code())?,
        reliable: info.is_reliable(),
        confidence: info.confidence(),
    })
}

/// whatlang's best guess for the text, reliable or not, with its ISO 639-1 code.
pub(crate) fn guess_code<S: AsRef<str>>(paragraphs: &[S]) -> Option<&'static str> {
    detect(paragraphs).map(|d| d.code)
}

/// Least whatlang confidence for the text to overrule the page's declared language. whatlang
/// reaches 1.0 on a few sentences of one language; pages that mix two languages, or a language
/// and its close relative, stay well below.
const OVERRULE_CONFIDENCE: f64 = 0.9;

/// Least bytes of main text for the text to overrule the declared language: about two
/// sentences, below which a caption or a quote could decide.
const OVERRULE_MIN_BYTES: usize = 200;

/// Pairs of languages too close for a trigram model to tell apart reliably on a page; between
/// them the declaration stands.
#[rustfmt::skip]
const CLOSE_RELATIVES: &[(&str, &str)] = &[
    ("da", "nb"), ("da", "no"), ("nb", "no"), ("nb", "nn"), ("no", "nn"), ("hr", "sr"),
    ("bs", "hr"), ("bs", "sr"), ("id", "ms"), ("cs", "sk"),
];

/// The page's language: the declared one, unless the text clearly says otherwise.
///
/// The text wins when whatlang is reliable and confident ([`OVERRULE_CONFIDENCE`]) on at least
/// [`OVERRULE_MIN_BYTES`] bytes of text, the declared language is one whatlang knows (else it
/// could not have recognised it), and the two are not close relatives. Site templates that
/// hard-code `lang="en-US"` on every page are the reason: the text, not the template, is what a
/// translation check must read. Without a declaration, a reliable detection is the language.
pub(crate) fn decide(
    declared: Option<&'static str>,
    detected: Option<Detected>,
    text_bytes: usize,
) -> Option<&'static str> {
    let reliable = detected.filter(|d| d.reliable);
    let Some(declared) = declared else {
        return reliable.map(|d| d.code);
    };
    match reliable {
        Some(d)
            if d.code != declared
                && d.confidence >= OVERRULE_CONFIDENCE
                && text_bytes >= OVERRULE_MIN_BYTES
                && whatlang_knows(declared)
                && !close_relatives(d.code, declared) =>
        {
            Some(d.code)
        }
        _ => Some(declared),
    }
}

fn close_relatives(a: &str, b: &str) -> bool {
    CLOSE_RELATIVES
        .iter()
        .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

/// True when whatlang can recognise the language with that ISO 639-1 code.
fn whatlang_knows(code: &str) -> bool {
    whatlang::Lang::all().iter().any(|l| iso639_1(l.code()) == Some(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_tag_gives_one_code() {
        #[rustfmt::skip]
        let cases: &[(&str, Option<&str>)] = &[
            // BCP 47 tags and POSIX locales: the primary subtag decides.
            ("en", Some("en")), ("en-US", Some("en")), ("EN-gb", Some("en")), ("pt_BR", Some("pt")),
            ("zh-Hant-TW", Some("zh")), ("es-419", Some("es")), (" de ", Some("de")),
            ("fr_FR.UTF-8", Some("fr")), ("sr-Latn", Some("sr")),
            // ISO 639-2/T and 639-3, 639-2/B, and whatlang's individual-language codes.
            ("spa", Some("es")), ("deu", Some("de")), ("ger", Some("de")), ("fre", Some("fr")),
            ("chi", Some("zh")), ("cmn", Some("zh")), ("pes", Some("fa")), ("nob", Some("nb")),
            ("SPA", Some("es")), ("zho-Hans", Some("zh")),
            // Withdrawn codes still found in the wild.
            ("iw", Some("he")), ("in", Some("id")), ("ji", Some("yi")),
            // Not a language, or no two-letter code.
            ("", None), ("x-klingon", None), ("und", None), ("xx", None), ("english", None),
            ("e", None), ("haw", None), ("12", None), ("é", None),
        ];
        for (tag, want) in cases {
            assert_eq!(iso639_1(tag), *want, "{tag:?}");
        }
    }

    #[test]
    fn every_table_code_is_unique_and_round_trips() {
        for (one, t, b) in CODES {
            assert_eq!(iso639_1(one), Some(*one));
            assert_eq!(iso639_1(t), Some(*one), "{t}");
            assert_eq!(iso639_1(b), Some(*one), "{b}");
            assert_eq!(CODES.iter().filter(|(o, ..)| o == one).count(), 1, "{one}");
        }
        // Every language whatlang can report has a code, so detection never loses one.
        for l in whatlang::Lang::all() {
            assert!(iso639_1(l.code()).is_some(), "{}", l.code());
        }
    }

    const ES: &str = "La policía de Yakarta incautó treinta servidores de la red y millones de dólares \
        en efectivo durante la operación, según informaron las autoridades el martes por la tarde. \
        Los investigadores creen que la organización operaba desde hace varios años en la región.";

    #[test]
    fn the_text_overrules_a_clearly_wrong_declaration() {
        let detected = detect(&[ES]);
        assert_eq!(detected.map(|d| d.code), Some("es"));
        assert_eq!(decide(Some("en"), detected, ES.len()), Some("es"));
        assert_eq!(decide(Some("es"), detected, ES.len()), Some("es"));
        assert_eq!(decide(None, detected, ES.len()), Some("es"));
        // Too little text, or a declared language whatlang cannot recognise: the page is believed.
        assert_eq!(decide(Some("en"), detected, 120), Some("en"));
        assert_eq!(decide(Some("gl"), detected, ES.len()), Some("gl"));
        // An unsure guess never overrules.
        let unsure = Detected {
            code: "pt",
            reliable: false,
            confidence: 0.2,
        };
        assert_eq!(decide(Some("es"), Some(unsure), 5_000), Some("es"));
        assert_eq!(decide(None, Some(unsure), 5_000), None);
        // Close relatives: the declaration stands.
        let danish = Detected {
            code: "da",
            reliable: true,
            confidence: 1.0,
        };
        assert_eq!(decide(Some("nb"), Some(danish), 5_000), Some("nb"));
    }
}
