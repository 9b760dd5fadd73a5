//! Feeds (RSS, Atom, JSON Feed) → candidates. Placeholder; replaced by the full parser.

use super::Candidate;
use url::Url;

#[derive(Debug, Clone, thiserror::Error)]
pub enum FeedError {
    #[error("malformed feed: {0}")]
    Malformed(String),
    #[error("not a feed: {0}")]
    NotAFeed(String),
}

pub fn parse(body: &[u8], content_type: Option<&str>, base: &Url) -> Result<Vec<Candidate>, FeedError> {
    let text = super::charset::decode_xml(body, content_type);
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .build()
        .parse(text.as_bytes())
        .map_err(|e| FeedError::Malformed(e.to_string()))?;
    Ok(feed
        .entries
        .into_iter()
        .filter_map(|e| {
            let url = e.links.first().and_then(|l| base.join(&l.href).ok())?;
            Some(Candidate {
                url,
                title: e.title.map(|t| t.content),
                published: e.published.or(e.updated),
            })
        })
        .collect())
}
