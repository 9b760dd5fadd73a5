//! Countries of outlets pickup was not told about: from a country name (a search service's
//! `sourcecountry`, a spreadsheet cell) or from a site's country-code top-level domain.

use isocountry::CountryCode;
use url::Url;

/// Country-code domains sold to anyone as generic names (`.io`, `.tv`, `.co` …): they say
/// nothing about where an outlet is, so they give no country.
const GENERIC_CCTLDS: &[&str] = &[
    "ai", "am", "cc", "co", "fm", "gg", "io", "la", "ly", "me", "nu", "tk", "to", "tv", "ws",
];

/// Names that are not ISO 3166's own but are what news services and people write: GDELT's
/// `sourcecountry` uses FIPS 10-4 short names ("Taiwan", "South Korea", "Burma").
const ALIASES: &[(&str, &str)] = &[
    ("taiwan", "TW"),
    ("united states", "US"),
    ("usa", "US"),
    ("us", "US"),
    ("america", "US"),
    ("united kingdom", "GB"),
    ("uk", "GB"),
    ("great britain", "GB"),
    ("britain", "GB"),
    ("england", "GB"),
    ("scotland", "GB"),
    ("wales", "GB"),
    ("northern ireland", "GB"),
    ("south korea", "KR"),
    ("korea", "KR"),
    ("korea, south", "KR"),
    ("north korea", "KP"),
    ("korea, north", "KP"),
    ("russia", "RU"),
    ("iran", "IR"),
    ("syria", "SY"),
    ("vietnam", "VN"),
    ("laos", "LA"),
    ("bolivia", "BO"),
    ("venezuela", "VE"),
    ("tanzania", "TZ"),
    ("moldova", "MD"),
    ("czech republic", "CZ"),
    ("czechia", "CZ"),
    ("ivory coast", "CI"),
    ("cote d'ivoire", "CI"),
    ("burma", "MM"),
    ("myanmar", "MM"),
    ("macedonia", "MK"),
    ("north macedonia", "MK"),
    ("hong kong", "HK"),
    ("macau", "MO"),
    ("macao", "MO"),
    ("palestine", "PS"),
    ("west bank", "PS"),
    ("gaza strip", "PS"),
    ("brunei", "BN"),
    ("cape verde", "CV"),
    ("micronesia", "FM"),
    ("vatican city", "VA"),
    ("holy see", "VA"),
    ("swaziland", "SZ"),
    ("eswatini", "SZ"),
    ("east timor", "TL"),
    ("timor-leste", "TL"),
    ("congo", "CG"),
    ("republic of the congo", "CG"),
    ("democratic republic of the congo", "CD"),
    ("dr congo", "CD"),
    ("the bahamas", "BS"),
    ("bahamas, the", "BS"),
    ("the gambia", "GM"),
    ("gambia, the", "GM"),
    ("turkey", "TR"),
    ("turkiye", "TR"),
    ("netherlands", "NL"),
    ("the netherlands", "NL"),
    ("philippines", "PH"),
    ("the philippines", "PH"),
    ("united arab emirates", "AE"),
    ("uae", "AE"),
    ("kosovo", "XK"),
];

/// The ISO 3166-1 alpha-2 code (upper case) of a country given as an alpha-2 or alpha-3 code
/// or as a name, in English, as ISO writes it ("Germany", "Viet Nam") or as news services and
/// people do ("Vietnam", "Taiwan", "South Korea", "UK").
pub fn country_code(text: &str) -> Option<String> {
    let t = text.trim();
    if t.len() == 2
        && let Ok(c) = CountryCode::for_alpha2_caseless(t)
    {
        return Some(c.alpha2().to_string());
    }
    if t.len() == 3
        && let Ok(c) = CountryCode::for_alpha3_caseless(t)
    {
        return Some(c.alpha2().to_string());
    }
    let key = normalise_name(t);
    if key.is_empty() {
        return None;
    }
    if let Some((_, code)) = ALIASES.iter().find(|(name, _)| *name == key) {
        return Some((*code).to_string());
    }
    CountryCode::iter().find_map(|c| {
        let iso = normalise_name(c.name());
        // ISO's long forms: "Germany", "Bolivia (Plurinational State of)", "Korea, Republic of".
        let short = iso.split([',', '(']).next().unwrap_or("").trim().to_string();
        (iso == key || short == key).then(|| c.alpha2().to_string())
    })
}

fn normalise_name(name: &str) -> String {
    name.to_lowercase()
        .replace(['’', '`'], "'")
        .replace('ô', "o")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The country a site's domain names: its country-code top-level domain as an ISO 3166-1
/// alpha-2 code (`.de` → DE, `.co.uk` → GB, `.com.au` → AU), or `None` for generic domains
/// (`.com`, `.org`, `.eu`), ccTLDs sold as generic names ([`GENERIC_CCTLDS`]) and addresses.
pub fn country_of_site(url: &Url) -> Option<String> {
    let Some(url::Host::Domain(host)) = url.host() else {
        return None;
    };
    let tld = host.trim_end_matches('.').rsplit('.').next()?.to_ascii_lowercase();
    if tld.len() != 2 || GENERIC_CCTLDS.contains(&tld.as_str()) {
        return None;
    }
    // The one ccTLD that is not its country's ISO code.
    let code = if tld == "uk" { "gb" } else { tld.as_str() };
    CountryCode::for_alpha2_caseless(code)
        .ok()
        .map(|c| c.alpha2().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_news_services_write_them() {
        for (name, code) in [
            ("Taiwan", "TW"),
            ("United States", "US"),
            ("United Kingdom", "GB"),
            ("Germany", "DE"),
            ("South Korea", "KR"),
            ("Vietnam", "VN"),
            ("Viet Nam", "VN"),
            ("Bolivia", "BO"),
            ("Czech Republic", "CZ"),
            ("Indonesia", "ID"),
            ("de", "DE"),
            ("AUS", "AU"),
        ] {
            assert_eq!(country_code(name).as_deref(), Some(code), "{name}");
        }
        assert_eq!(country_code("Atlantis"), None);
        assert_eq!(country_code(""), None);
    }

    #[test]
    fn country_code_domains() {
        let c = |u: &str| country_of_site(&Url::parse(u).unwrap());
        assert_eq!(c("https://www.zeit.de/x").as_deref(), Some("DE"));
        assert_eq!(c("https://news.bbc.co.uk/").as_deref(), Some("GB"));
        assert_eq!(c("https://www.smh.com.au/").as_deref(), Some("AU"));
        assert_eq!(c("https://www.taipeitimes.com.tw./").as_deref(), Some("TW"));
        assert_eq!(c("https://example.com/"), None);
        assert_eq!(c("https://example.eu/"), None);
        assert_eq!(c("https://news.example.io/"), None, "sold as a generic name");
        assert_eq!(c("http://127.0.0.1:8080/"), None);
    }
}
