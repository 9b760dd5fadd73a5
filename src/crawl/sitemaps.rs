//! XML sitemaps → candidates. Placeholder; replaced by the full parser.

use super::Candidate;
use super::feeds::FeedError;
use url::Url;

pub struct Sitemap {
    pub pages: Vec<Candidate>,
    pub children: Vec<Url>,
}

pub fn parse(body: &[u8], content_type: Option<&str>, base: &Url) -> Result<Sitemap, FeedError> {
    let text = super::charset::decode_xml(body, content_type);
    let mut pages = Vec::new();
    for part in text.split("<loc>").skip(1) {
        if let Some(end) = part.find("</loc>")
            && let Ok(url) = base.join(part[..end].trim())
        {
            pages.push(Candidate {
                url,
                title: None,
                published: None,
            });
        }
    }
    Ok(Sitemap {
        pages,
        children: Vec::new(),
    })
}
