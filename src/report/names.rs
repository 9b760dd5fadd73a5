//! Display names of countries and languages: the common English short names people use
//! ("Taiwan", "South Korea", "Japanese"), not ISO's long forms, unless the `[report]` config
//! table names them otherwise.

use crate::config::ReportConfig;
use std::collections::BTreeMap;

/// ISO 3166-1 names (as isocountry spells them) that no press office would send: the short
/// names below follow the usage of the BBC and Reuters style guides.
const COUNTRY_SHORT_NAMES: &[(&str, &str)] = &[
    ("BN", "Brunei"),
    ("BO", "Bolivia"),
    ("CC", "Cocos Islands"),
    ("CD", "DR Congo"),
    ("CV", "Cape Verde"),
    ("FK", "Falkland Islands"),
    ("FM", "Micronesia"),
    ("GB", "United Kingdom"),
    ("IR", "Iran"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("LA", "Laos"),
    ("MD", "Moldova"),
    ("MF", "Saint Martin"),
    ("MK", "North Macedonia"),
    ("MO", "Macau"),
    ("PS", "Palestine"),
    ("RU", "Russia"),
    ("SH", "Saint Helena"),
    ("SX", "Sint Maarten"),
    ("SY", "Syria"),
    ("TR", "Turkey"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("US", "United States"),
    ("VA", "Vatican City"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "US Virgin Islands"),
    ("VN", "Vietnam"),
];

/// ISO 639 reference names (as isolang spells them) that differ from everyday English.
const LANGUAGE_SHORT_NAMES: &[(&str, &str)] = &[
    ("el", "Greek"),
    ("fy", "Frisian"),
    ("ht", "Haitian Creole"),
    ("ky", "Kyrgyz"),
    ("pa", "Punjabi"),
    ("ps", "Pashto"),
    ("ug", "Uyghur"),
];

/// Turns codes into the names a report shows.
#[derive(Debug, Clone, Default)]
pub struct Names {
    countries: BTreeMap<String, String>,
    languages: BTreeMap<String, String>,
}

impl Names {
    /// The built-in names, overridden by the config's `report.country_names` and
    /// `report.language_names`.
    pub fn new(config: &ReportConfig) -> Names {
        Names {
            countries: config.country_names.clone(),
            languages: config.language_names.clone(),
        }
    }

    /// "Taiwan" for `TW`; an unknown code is shown as given.
    pub fn country(&self, code: &str) -> String {
        if let Some(name) = self.countries.get(&code.to_ascii_uppercase()) {
            return name.clone();
        }
        let upper = code.to_ascii_uppercase();
        if let Some((_, name)) = COUNTRY_SHORT_NAMES.iter().find(|(c, _)| *c == upper) {
            return (*name).to_string();
        }
        match isocountry::CountryCode::for_alpha2(&upper) {
            Ok(country) => country.name().to_string(),
            Err(_) => code.to_string(),
        }
    }

    /// "Japanese" for `ja` (ISO 639-1) or `jpn` (639-3); an unknown code is shown as given.
    pub fn language(&self, code: &str) -> String {
        let lower = code.to_ascii_lowercase();
        if let Some(name) = self.languages.get(&lower) {
            return name.clone();
        }
        if let Some((_, name)) = LANGUAGE_SHORT_NAMES.iter().find(|(c, _)| *c == lower) {
            return (*name).to_string();
        }
        let language = match lower.len() {
            2 => isolang::Language::from_639_1(&lower),
            3 => isolang::Language::from_639_3(&lower),
            _ => None,
        };
        match language {
            Some(l) if !l.to_name().is_empty() => l.to_name().to_string(),
            _ => code.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_short_names_and_overrides() {
        let names = Names::default();
        assert_eq!(names.country("TW"), "Taiwan");
        assert_eq!(names.country("GB"), "United Kingdom");
        assert_eq!(names.country("KR"), "South Korea");
        assert_eq!(names.country("AR"), "Argentina");
        assert_eq!(names.country("XX"), "XX");
        assert_eq!(names.language("es"), "Spanish");
        assert_eq!(names.language("ja"), "Japanese");
        assert_eq!(names.language("el"), "Greek");
        assert_eq!(names.language("zh"), "Chinese");
        assert_eq!(names.language("fil"), "Filipino");
        assert_eq!(names.language("q1"), "q1");
        let config = ReportConfig {
            country_names: BTreeMap::from([("TW".to_string(), "Taiwan (ROC)".to_string())]),
            language_names: BTreeMap::from([("zh".to_string(), "Mandarin".to_string())]),
            ..ReportConfig::default()
        };
        let names = Names::new(&config);
        assert_eq!(names.country("tw"), "Taiwan (ROC)");
        assert_eq!(names.language("zh"), "Mandarin");
    }
}
