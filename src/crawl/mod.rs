//! Crawling: the one polite fetcher, and the sources (feeds, sitemaps, listing pages)
//! whose links become candidate article pages.

pub(crate) mod address;
pub mod charset;
pub mod feeds;
pub mod fetch;
pub(crate) mod gzip;
pub(crate) mod health;
pub mod listing;
pub(crate) mod retry;
pub mod robots;
pub mod sitemaps;
pub(crate) mod xmlfix;

pub use fetch::{FetchError, Fetched, Fetcher, Truncated, Validators, Want};
pub use health::{Failure, SourceStatus};

use chrono::{DateTime, Utc};
use url::Url;

/// A link found in a source that may be an article page worth fetching.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Absolute URL, as the source gave it (not yet canonicalised).
    pub url: Url,
    pub title: Option<String>,
    /// When the source says the item was published (or last updated, if that is all it gives).
    pub published: Option<DateTime<Utc>>,
}
