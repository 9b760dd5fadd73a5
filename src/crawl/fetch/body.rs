//! Reading the last hop's answer: the status checked, then the body streamed up to its cap,
//! its first bytes sniffed (the Content-Type is only a hint).

use super::sniff::{self, Sniffed};
use super::{FetchError, Purpose, Truncated, Validators, error::classify};
use reqwest::header;
use url::Url;

/// The last hop's answer: a 2xx with its body, or a 304 without one.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    pub(super) validators: Validators,
    pub(super) body: Vec<u8>,
    pub(super) truncated: Option<Truncated>,
}

/// Checks the status of `url`'s response, then reads at most `cap` bytes of its body, sniffing
/// the first bytes: a body that is clearly not text is refused unread past them.
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
        truncated: None,
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
    let declared_not_text = answer.content_type.as_deref().is_some_and(sniff::declared_not_text);
    let check = |head: &[u8]| -> Result<(), FetchError> {
        if purpose == Purpose::Robots {
            return Ok(());
        }
        let refused = |detected: &str| FetchError::NotText {
            url: url.clone(),
            wanted: purpose.wanted(),
            content_type: answer.content_type.clone(),
            detected: detected.to_string(),
        };
        match sniff::sniff(head) {
            // Dropping the response closes the connection: the rest is never downloaded.
            Sniffed::Binary(what) => Err(refused(what)),
            sniffed if declared_not_text && !sniffed.is_document() => Err(refused("no markup")),
            _ => Ok(()),
        }
    };
    (answer.body, answer.truncated) = read_capped(resp, cap, check).await.map_err(|e| match e {
        ReadError::Refused(e) => e,
        ReadError::Http(e) => classify(e, url),
    })?;
    Ok(answer)
}

enum ReadError {
    Refused(FetchError),
    Http(reqwest::Error),
}

/// Reads the body chunk by chunk (already decompressed, so the cap also stops compression bombs)
/// and drops the connection at the cap. Once [`sniff::SNIFF_BYTES`] are in (or the whole body,
/// if shorter), `check` sees them and may refuse the rest. A connection that drops after some
/// of the body came gives that part, marked [`Truncated::Dropped`].
async fn read_capped(
    mut resp: reqwest::Response,
    cap: u64,
    check: impl FnOnce(&[u8]) -> Result<(), FetchError>,
) -> Result<(Vec<u8>, Option<Truncated>), ReadError> {
    let mut body = Vec::new();
    let mut check = Some(check);
    let mut cut = None;
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            // A tar pit that trickles is a timeout, not a document cut short.
            Err(e) if body.is_empty() || e.is_timeout() => return Err(ReadError::Http(e)),
            Err(e) => {
                cut = Some(Truncated::Dropped { reason: e.to_string() });
                break;
            }
        };
        let room = usize::try_from(cap.saturating_sub(body.len() as u64)).unwrap_or(usize::MAX);
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            cut = Some(Truncated::AtCap { cap });
            break;
        }
        body.extend_from_slice(&chunk);
        if body.len() >= sniff::SNIFF_BYTES
            && let Some(check) = check.take()
        {
            check(&body).map_err(ReadError::Refused)?;
        }
    }
    if let Some(check) = check.take() {
        check(&body).map_err(ReadError::Refused)?;
    }
    Ok((body, cut))
}
