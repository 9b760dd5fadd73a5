//! Redirects, which pickup follows itself so every hop waits its turn at its host: where a
//! redirect points, and which chains are refused (loops, too many hops).

use super::FetchError;
use reqwest::header;
use url::Url;

/// The redirect chain of one fetch: the URL asked for and every hop after it.
pub(super) struct Hops {
    requested: Url,
    hops: Vec<Url>,
    max: usize,
}

impl Hops {
    pub(super) fn new(requested: &Url, max: usize) -> Hops {
        Hops {
            requested: requested.clone(),
            hops: Vec::new(),
            max,
        }
    }

    /// Adds the hop from `current` to `next`, unless it leads back into the chain or past `max`.
    pub(super) fn push(&mut self, current: &Url, next: &Url) -> Result<(), FetchError> {
        if same_resource(next, &self.requested) || self.hops.iter().any(|u| same_resource(u, next)) {
            return Err(FetchError::RedirectLoop {
                url: current.clone(),
                target: next.clone(),
            });
        }
        if self.hops.len() >= self.max {
            return Err(FetchError::TooManyRedirects {
                url: current.clone(),
                max: self.max,
            });
        }
        self.hops.push(next.clone());
        Ok(())
    }

    pub(super) fn into_vec(self) -> Vec<Url> {
        self.hops
    }
}

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
fn same_resource(a: &Url, b: &Url) -> bool {
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
