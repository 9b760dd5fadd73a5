//! Reading the last hop's answer: status and content-type checks, then the body streamed up to
//! its cap.

use super::{FetchError, Purpose, Validators, error::classify};
use reqwest::header;
use url::Url;

/// The last hop's answer: a 2xx with its body, or a 304 without one.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    pub(super) validators: Validators,
    pub(super) body: Vec<u8>,
    pub(super) truncated: bool,
}

/// Checks the status and content type of `url`'s response, then reads at most `cap` bytes of
/// its body.
pub(super) async fn read(resp: reqwest::Response, url: &Url, purpose: Purpose, cap: u64) -> Result<Answer, FetchError> {
    let status = resp.status().as_u16();
    let text = |name: header::HeaderName| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut answer = Answer {
        status,
        content_type: text(header::CONTENT_TYPE),
        validators: Validators {
            etag: text(header::ETAG),
            last_modified: text(header::LAST_MODIFIED),
        },
        body: Vec::new(),
        truncated: false,
    };
    if status == 304 {
        return Ok(answer);
    }
    if !resp.status().is_success() {
        return Err(FetchError::Status {
            url: url.clone(),
            status,
        });
    }
    let unwanted = answer.content_type.as_deref().filter(|ct| clearly_not_text(ct));
    if let (Some(ct), true) = (unwanted, purpose != Purpose::Robots) {
        // Dropping the response unread closes the connection: the body is never downloaded.
        return Err(FetchError::ContentType {
            url: url.clone(),
            wanted: purpose.wanted(),
            content_type: ct.to_string(),
        });
    }
    (answer.body, answer.truncated) = read_capped(resp, cap).await.map_err(|e| classify(e, url))?;
    Ok(answer)
}

/// Reads the body chunk by chunk (already decompressed, so the cap also stops compression bombs)
/// and drops the connection at the cap. True when the body was cut.
async fn read_capped(mut resp: reqwest::Response, cap: u64) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        let room = usize::try_from(cap.saturating_sub(body.len() as u64)).unwrap_or(usize::MAX);
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
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
