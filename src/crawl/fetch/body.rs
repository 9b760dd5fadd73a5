//! Reading the answer: status and content-type checks, then the body streamed up to its cap.

use super::{FetchError, Fetched, Fetcher, Purpose, Validators, error::classify};
use crate::crawl::robots;
use reqwest::header;
use std::time::{Duration, Instant};
use tokio::sync::OwnedSemaphorePermit;
use url::Url;

impl Fetcher {
    /// Turns the last hop's response into a [`Fetched`], reading at most the cap.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn finish(
        &self,
        requested: &Url,
        url: Url,
        redirects: Vec<Url>,
        mut resp: reqwest::Response,
        permit: OwnedSemaphorePermit,
        purpose: Purpose,
        started: Instant,
    ) -> Result<Fetched, FetchError> {
        let status = resp.status().as_u16();
        let text = |name: header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: text(header::ETAG),
            last_modified: text(header::LAST_MODIFIED),
        };
        let content_type = text(header::CONTENT_TYPE);
        let mut fetched = Fetched {
            requested: requested.clone(),
            url,
            redirects,
            status,
            not_modified: status == 304,
            content_type,
            validators,
            body: Vec::new(),
            truncated: false,
            elapsed: Duration::ZERO,
        };
        if status == 304 {
            fetched.elapsed = started.elapsed();
            return Ok(fetched);
        }
        if !resp.status().is_success() {
            return Err(FetchError::Status {
                url: fetched.url,
                status,
            });
        }
        let unwanted = fetched.content_type.as_deref().filter(|ct| clearly_not_text(ct));
        if let (Some(ct), true) = (unwanted, purpose != Purpose::Robots) {
            // Dropping the response unread closes the connection: the body is never downloaded.
            return Err(FetchError::ContentType {
                content_type: ct.to_string(),
                url: fetched.url,
                wanted: purpose.wanted(),
            });
        }
        let cap = match purpose {
            Purpose::Robots => robots::ROBOTS_MAX_BYTES,
            Purpose::Want(_) => self.inner.cfg.max_page_bytes,
        };
        // Bodies are read chunk by chunk (already decompressed, so the cap also stops compression
        // bombs) and the connection is dropped at the cap.
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = usize::try_from(cap.saturating_sub(body.len() as u64)).unwrap_or(usize::MAX);
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        fetched.truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(classify(e, &fetched.url)),
            }
        }
        drop(resp);
        drop(permit);
        fetched.body = body;
        fetched.elapsed = started.elapsed();
        Ok(fetched)
    }
}

/// Types that are never a feed, a sitemap or a page: media, documents, archives, binaries.
/// Anything else (and no Content-Type at all) is read, since servers mislabel text freely.
fn clearly_not_text(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let Some((top, sub)) = mime.split_once('/') else {
        return false;
    };
    match top {
        "image" | "video" | "audio" | "font" | "model" => true,
        "application" => {
            matches!(
                sub,
                "pdf"
                    | "octet-stream"
                    | "zip"
                    | "gzip"
                    | "x-gzip"
                    | "x-tar"
                    | "x-bzip2"
                    | "x-xz"
                    | "x-7z-compressed"
                    | "x-rar-compressed"
                    | "vnd.rar"
                    | "msword"
                    | "java-archive"
                    | "wasm"
                    | "x-shockwave-flash"
                    | "x-msdownload"
                    | "x-iso9660-image"
                    | "postscript"
            ) || sub.starts_with("vnd.ms-")
                || sub.starts_with("vnd.openxmlformats")
                || sub.starts_with("vnd.oasis.opendocument")
                || sub.starts_with("vnd.android")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_types_are_refused_text_is_not() {
        for ct in [
            "image/png",
            "video/mp4",
            "application/pdf",
            "application/octet-stream",
            "application/zip",
        ] {
            assert!(clearly_not_text(ct), "{ct}");
        }
        for ct in [
            "text/html; charset=utf-8",
            "application/rss+xml",
            "application/x-rss+xml",
            "application/json",
            "text/plain",
            "weird",
        ] {
            assert!(!clearly_not_text(ct), "{ct}");
        }
    }
}
