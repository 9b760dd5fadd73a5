//! Page language as an ISO 639-1 code: from `<html lang>` when given, else detected from the text.

/// Normalises a language tag (`en-US`, `pt_BR`, `EN`) to its ISO 639-1 code.
pub fn normalize(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    let code = match primary.as_str() {
        // Withdrawn codes still found in the wild.
        "iw" => "he",
        "in" => "id",
        "ji" => "yi",
        other if other.len() == 2 && other.chars().all(|c| c.is_ascii_lowercase()) => other,
        other => from_639_3(other)?,
    };
    Some(code.to_string())
}

/// Detects the language of the main text with whatlang, when it is confident.
pub fn detect(paragraphs: &[String]) -> Option<String> {
    let info = guess(paragraphs)?;
    if !info.is_reliable() {
        return None;
    }
    from_639_3(info.lang().code()).map(str::to_string)
}

/// whatlang's best guess for the text, reliable or not, with its ISO 639-1 code.
pub fn guess_code(paragraphs: &[String]) -> Option<&'static str> {
    from_639_3(guess(paragraphs)?.lang().code())
}

fn guess(paragraphs: &[String]) -> Option<whatlang::Info> {
    // A few kilobytes are plenty for a trigram model, and keep detection at a fraction of a ms.
    let mut sample = String::new();
    for p in paragraphs {
        if sample.len() > 4_000 {
            break;
        }
        sample.push_str(p);
        sample.push('\n');
    }
    whatlang::detect(&sample)
}

/// ISO 639-3 (whatlang's codes) to ISO 639-1; `None` for languages without a two-letter code.
fn from_639_3(code: &str) -> Option<&'static str> {
    #[rustfmt::skip] // A table reads best as a table.
    const TABLE: &[(&str, &str)] = &[
        ("afr", "af"), ("aka", "ak"), ("amh", "am"), ("ara", "ar"), ("aze", "az"), ("bel", "be"),
        ("ben", "bn"), ("bul", "bg"), ("cat", "ca"), ("ces", "cs"), ("cmn", "zh"), ("zho", "zh"),
        ("cym", "cy"), ("dan", "da"), ("deu", "de"), ("ell", "el"), ("eng", "en"), ("epo", "eo"),
        ("est", "et"), ("fin", "fi"), ("fra", "fr"), ("guj", "gu"), ("heb", "he"), ("hin", "hi"),
        ("hrv", "hr"), ("hun", "hu"), ("hye", "hy"), ("ind", "id"), ("ita", "it"), ("jav", "jv"),
        ("jpn", "ja"), ("kan", "kn"), ("kat", "ka"), ("khm", "km"), ("kor", "ko"), ("lat", "la"),
        ("lav", "lv"), ("lit", "lt"), ("mal", "ml"), ("mar", "mr"), ("mkd", "mk"), ("mya", "my"),
        ("nep", "ne"), ("nld", "nl"), ("nob", "nb"), ("ori", "or"), ("pan", "pa"), ("pes", "fa"),
        ("fas", "fa"), ("pol", "pl"), ("por", "pt"), ("ron", "ro"), ("rus", "ru"), ("sin", "si"),
        ("slk", "sk"), ("slv", "sl"), ("sna", "sn"), ("spa", "es"), ("srp", "sr"), ("swe", "sv"),
        ("tam", "ta"), ("tel", "te"), ("tgl", "tl"), ("tha", "th"), ("tuk", "tk"), ("tur", "tr"),
        ("ukr", "uk"), ("urd", "ur"), ("uzb", "uz"), ("vie", "vi"), ("yid", "yi"), ("zul", "zu"),
    ];
    TABLE.iter().find(|(three, _)| *three == code).map(|(_, two)| *two)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalises_tags() {
        assert_eq!(normalize("en-US").as_deref(), Some("en"));
        assert_eq!(normalize("pt_BR").as_deref(), Some("pt"));
        assert_eq!(normalize("DE").as_deref(), Some("de"));
        assert_eq!(normalize("iw").as_deref(), Some("he"));
        assert_eq!(normalize("deu").as_deref(), Some("de"));
        assert_eq!(normalize("").as_deref(), None);
        assert_eq!(normalize("x-klingon").as_deref(), None);
    }
}
