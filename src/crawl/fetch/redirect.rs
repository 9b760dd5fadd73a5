//! Redirects, which pickup follows itself so every hop waits its turn at its host: where a
//! redirect points, and when two URLs are the same resource.

use reqwest::header;
use url::Url;

/// Where a redirect response points, resolved against the URL that answered.
pub(super) fn redirect_target(resp: &reqwest::Response, current: &Url) -> Option<Url> {
    if !matches!(resp.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = resp.headers().get(header::LOCATION)?.to_str().ok()?;
    let mut next = current.join(location.trim()).ok()?;
    // RFC 9110: a Location without a fragment inherits the original one; we never send
    // fragments, so drop them.
    next.set_fragment(None);
    Some(next)
}

/// Same URL apart from the fragment (which never reaches the server).
pub(super) fn same_resource(a: &Url, b: &Url) -> bool {
    a[..url::Position::AfterQuery] == b[..url::Position::AfterQuery]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_resource_ignores_fragments() {
        let a = Url::parse("http://e.com/a?b#c").expect("url");
        let b = Url::parse("http://e.com/a?b").expect("url");
        assert!(same_resource(&a, &b));
    }
}
