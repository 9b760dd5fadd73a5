//! Finding placements beyond the configured sources: an outlet's feeds and sitemaps discovered
//! from its homepage ([`feeds`]), pages from outlets nobody listed found by news search
//! ([`search`], [`gdelt`]), and the outlets made for such pages ("auto outlets", kept in the
//! store until the team adopts them into the config).

pub(crate) mod country;
pub(crate) mod feeds;
pub(crate) mod gdelt;
pub mod search;

pub use country::{country_code, country_of_site};

use crate::config::{Outlet, UNDETERMINED_LANGUAGE, UNKNOWN_COUNTRY};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// The id an outlet gets from its site when nobody gave it one: the registrable domain with
/// dots as dashes (`www.lemonde.fr` → `lemonde-fr`; `127.0.0.1:8080` → `127-0-0-1-8080`).
pub fn outlet_id(url: &Url) -> String {
    crate::canon::site(url)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

/// Where an auto outlet's country came from, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountrySource {
    /// Given by the person who added the page (`pickup add --country`).
    Given,
    /// The search service's source country.
    Search,
    /// The site's country-code domain.
    Domain,
    /// Nothing said: the country is [`UNKNOWN_COUNTRY`].
    Unknown,
}

/// An outlet made from a site no configured outlet owns, for a placement verified there. Kept
/// in the store; `pickup outlets adopt ID` prints it as config TOML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoOutlet {
    /// From the registrable domain ([`outlet_id`]).
    pub id: String,
    /// The registrable domain, or the name given with `pickup add --outlet-name`.
    pub name: String,
    /// The site's home page (scheme, host and port of the page).
    pub homepage: String,
    /// ISO 3166-1 alpha-2, or [`UNKNOWN_COUNTRY`].
    pub country: String,
    pub country_source: CountrySource,
    /// ISO 639-1 of the first placement's page, or `und`.
    pub language: String,
    pub first_seen: DateTime<Utc>,
}

impl AutoOutlet {
    /// The outlet for a page at `url`: country from `given`, else `service_country` (a search
    /// service's country name), else the domain, else unknown; language from the page.
    pub fn for_page(
        url: &Url,
        name: Option<&str>,
        given: Option<&str>,
        service_country: Option<&str>,
        language: Option<&str>,
        now: DateTime<Utc>,
    ) -> AutoOutlet {
        let (country, country_source) = if let Some(c) = given.and_then(country_code) {
            (c, CountrySource::Given)
        } else if let Some(c) = service_country.and_then(country_code) {
            (c, CountrySource::Search)
        } else if let Some(c) = country_of_site(url) {
            (c, CountrySource::Domain)
        } else {
            (UNKNOWN_COUNTRY.to_string(), CountrySource::Unknown)
        };
        let mut homepage = url.clone();
        homepage.set_path("/");
        homepage.set_query(None);
        homepage.set_fragment(None);
        AutoOutlet {
            id: outlet_id(url),
            name: name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| crate::canon::site(url)),
            homepage: homepage.to_string(),
            country,
            country_source,
            language: language
                .map(str::to_string)
                .unwrap_or_else(|| UNDETERMINED_LANGUAGE.to_string()),
            first_seen: now,
        }
    }

    /// As an [`Outlet`], to record placements under (its sources are discovered if adopted).
    pub fn to_outlet(&self) -> Outlet {
        Outlet {
            id: self.id.clone(),
            name: self.name.clone(),
            country: self.country.clone(),
            language: self.language.clone(),
            homepage: Url::parse(&self.homepage).ok(),
            feeds: Vec::new(),
            sitemaps: Vec::new(),
            listings: Vec::new(),
            audience: None,
        }
    }

    /// The `[[outlets]]` TOML to paste into the config. With no feeds, the adopted outlet's
    /// sources are discovered from its homepage; a country nothing told is left for the team.
    pub fn toml(&self) -> String {
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let mut out = String::from("[[outlets]]\n");
        out.push_str(&format!("id = {}\n", q(&self.id)));
        out.push_str(&format!("name = {}\n", q(&self.name)));
        if self.country == UNKNOWN_COUNTRY {
            out.push_str("# country = \"\"   # unknown: give its ISO 3166-1 alpha-2 code\n");
        } else {
            let from = match self.country_source {
                CountrySource::Given => "as given",
                CountrySource::Search => "from the search service",
                CountrySource::Domain => "from the domain",
                CountrySource::Unknown => "",
            };
            out.push_str(&format!("country = {}   # {from}\n", q(&self.country)));
        }
        if self.language != UNDETERMINED_LANGUAGE {
            out.push_str(&format!("language = {}\n", q(&self.language)));
        }
        out.push_str(&format!("homepage = {}\n", q(&self.homepage)));
        out.push_str("# feeds, sitemaps and listings are discovered from the homepage when none is given\n");
        out
    }
}

/// An outlet's sources as discovered from its homepage, kept in the store and re-checked after
/// [`feeds::REDISCOVER_AFTER`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiscoveredSources {
    /// The homepage they were discovered from: another homepage in the config means a new check.
    pub homepage: String,
    pub checked: Option<DateTime<Utc>>,
    pub feeds: Vec<String>,
    pub sitemaps: Vec<String>,
    pub listings: Vec<String>,
    /// Why nothing was found (the homepage failed), for `pickup status`.
    pub note: Option<String>,
}

impl DiscoveredSources {
    /// Every source with its kind, as URLs.
    pub fn sources(&self) -> Vec<(crate::config::SourceKind, Url)> {
        use crate::config::SourceKind;
        let kinds = [
            (SourceKind::Feed, &self.feeds),
            (SourceKind::Sitemap, &self.sitemaps),
            (SourceKind::Listing, &self.listings),
        ];
        kinds
            .into_iter()
            .flat_map(|(k, list)| list.iter().filter_map(move |u| Url::parse(u).ok().map(|u| (k, u))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_outlets_take_country_from_the_service_then_the_domain() {
        let now = Utc::now();
        let u = Url::parse("https://www.tagesblick.de/meinung/x?utm=1").unwrap();
        let o = AutoOutlet::for_page(&u, None, None, Some("Taiwan"), Some("de"), now);
        assert_eq!(
            (o.id.as_str(), o.name.as_str(), o.country.as_str()),
            ("tagesblick-de", "tagesblick.de", "TW")
        );
        assert_eq!(o.homepage, "https://www.tagesblick.de/");
        let o = AutoOutlet::for_page(&u, None, None, None, None, now);
        assert_eq!((o.country.as_str(), o.country_source), ("DE", CountrySource::Domain));
        let c = Url::parse("https://example.com/a").unwrap();
        let o = AutoOutlet::for_page(&c, Some("Example News"), None, Some("Atlantis"), None, now);
        assert_eq!((o.country.as_str(), o.name.as_str()), (UNKNOWN_COUNTRY, "Example News"));
        let o = AutoOutlet::for_page(&c, None, Some("jp"), Some("Taiwan"), None, now);
        assert_eq!(o.country, "JP", "what the team gives comes first");
        assert!(o.toml().contains("country = \"JP\""));
    }
}
