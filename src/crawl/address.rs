//! Where pickup may connect: http and https only, and never to a private, loopback, link-local or
//! otherwise non-public address unless the caller allowed that origin (an outlet configured
//! there). The exemption covers the origin only — scheme, host and port (RFC 6454) — so a feed
//! item of an outlet on 127.0.0.1:8080 cannot reach another local service on 127.0.0.1:6379.
//!
//! Names are checked inside the HTTP client's own DNS resolver (`GuardedResolver`), so the
//! addresses that were checked are exactly the ones connected to: there is no gap between a check
//! and a second lookup that a rebinding DNS server could exploit. Literal IP hosts never reach a
//! resolver and are checked by `check_url`. Through a proxy the client only resolves the proxy's
//! own name (which is always allowed), so only literal addresses are checked, as the proxy
//! resolves everything else.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use url::{Host, Url};

/// The hosts and origins that may be at non-public addresses. Cheap to share.
#[derive(Debug, Clone, Default)]
pub(crate) struct AddressPolicy {
    /// Normalised host names or IP literals the caller vouched for, every port of them.
    allowed: HashSet<String>,
    /// Origins (scheme, normalised host, port) the caller vouched for: only these.
    origins: HashSet<(String, String, u16)>,
}

impl AddressPolicy {
    /// Each item is an origin (`http://127.0.0.1:8080`, anything that parses as an http(s) URL:
    /// only its scheme, host and port count) or a bare host name or IP literal (every port).
    pub(crate) fn new<I, S>(items: I) -> AddressPolicy
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut policy = AddressPolicy::default();
        for item in items {
            let item = item.as_ref();
            match Url::parse(item).ok().and_then(|u| origin(&u)) {
                Some(o) if item.contains("://") => {
                    policy.origins.insert(o);
                }
                _ => {
                    policy.allowed.insert(normalise_host(item));
                }
            }
        }
        policy
    }

    /// True when some URL on `host` may be at a non-public address (the resolver then keeps
    /// such addresses; [`check_target`] decides per origin).
    pub(crate) fn allows_host(&self, host: &str) -> bool {
        let host = normalise_host(host);
        self.allowed.contains(&host) || self.origins.iter().any(|(_, h, _)| *h == host)
    }

    /// True when `url` may be at a non-public address: its host is allowed on every port, or
    /// its origin is one of the allowed origins.
    pub(crate) fn allows_origin(&self, url: &Url) -> bool {
        match origin(url) {
            Some(o) => self.allowed.contains(&o.1) || self.origins.contains(&o),
            None => false,
        }
    }

    /// True when `url`'s host is allowed only for other origins than `url`'s: its addresses
    /// must then be public.
    fn host_allowed_elsewhere(&self, url: &Url) -> bool {
        url.host_str()
            .is_some_and(|h| self.allows_host(h) && !self.allows_origin(url))
    }
}

/// (scheme, normalised host, port or the scheme's default) of an http(s) URL.
fn origin(url: &Url) -> Option<(String, String, u16)> {
    Some((
        url.scheme().to_string(),
        normalise_host(url.host_str()?),
        url.port_or_known_default()?,
    ))
}

/// Lower case, without IPv6 brackets or a trailing root dot, so "LocalHost." and "localhost" match.
fn normalise_host(host: &str) -> String {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    h.trim_end_matches('.').to_ascii_lowercase()
}

/// Why a URL was refused before any request. `reason` is for people.
pub(crate) enum Refusal {
    Scheme,
    Address(String),
}

/// Checks what can be checked without DNS: the scheme, and a host that is a literal address.
pub(crate) fn check_url(url: &Url, policy: &AddressPolicy) -> Result<(), Refusal> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal::Scheme);
    }
    let ip = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
        Some(Host::Domain(_)) => return Ok(()),
        None => return Err(Refusal::Address("no host".into())),
    };
    if is_public(ip) || policy.allows_origin(url) {
        Ok(())
    } else {
        Err(Refusal::Address(format!("{ip} is not a public address")))
    }
}

/// [`check_url`], and for a named host allowed only for other origins (an outlet's host on
/// another port or scheme), a lookup: every address it resolves to must be public, since the
/// resolver lets that name reach private ones. A name that does not resolve passes here and
/// fails in the client, which reports it.
pub(crate) async fn check_target(url: &Url, policy: &AddressPolicy) -> Result<(), Refusal> {
    check_url(url, policy)?;
    if let Some(Host::Domain(host)) = url.host()
        && policy.host_allowed_elsewhere(url)
    {
        let port = url.port_or_known_default().unwrap_or(80);
        if let Ok(addrs) = tokio::net::lookup_host((host, port)).await {
            for a in addrs {
                if !is_public(a.ip()) {
                    return Err(Refusal::Address(format!(
                        "{host} resolves to {}, which is not a public address, and only other origins of {host} are configured",
                        a.ip()
                    )));
                }
            }
        }
    }
    Ok(())
}

/// True for addresses on the public internet. Everything that reaches the machine itself, its
/// local networks or a carrier's internal range is not.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_is_public(v4),
        IpAddr::V6(v6) => v6_is_public(v6),
    }
}

fn v4_is_public(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    let internal = o[0] == 0 // "this network", includes 0.0.0.0
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16: cloud metadata services live here
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // CGNAT 100.64/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || ip.is_multicast()
        || o[0] >= 240; // reserved and broadcast
    !internal
}

fn v6_is_public(ip: Ipv6Addr) -> bool {
    // An IPv4 address in IPv6 clothing is judged as IPv4 (::ffff:127.0.0.1 is loopback).
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_is_public(v4);
    }
    let s = ip.segments();
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        // NAT64 well-known prefix: the last 32 bits are the IPv4 address reached.
        let o = ip.octets();
        return v4_is_public(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    let internal = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // old site-local fec0::/10
        || (s[0..6] == [0, 0, 0, 0, 0, 0]); // IPv4-compatible ::a.b.c.d (deprecated) and ::/96
    !internal
}

/// A name resolved only to addresses pickup may not connect to.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to {addr}, which is not a public address")]
pub(crate) struct RefusedAddress {
    pub host: String,
    pub addr: IpAddr,
}

/// A name that could not be resolved.
#[derive(Debug, thiserror::Error)]
#[error("cannot resolve {host}: {reason}")]
pub(crate) struct DnsFailure {
    pub host: String,
    pub reason: String,
}

/// The HTTP client's resolver: the system resolver, with non-public addresses removed unless the
/// name is allowed. Errors are typed so the fetcher can tell "refused" from "dns" in the error
/// chain reqwest hands back.
pub(crate) struct GuardedResolver {
    pub policy: Arc<AddressPolicy>,
    /// Proxies' own names: resolving them is the client's job even when they are private.
    pub proxy_hosts: HashSet<String>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = normalise_host(name.as_str());
        let unrestricted = self.policy.allows_host(&host) || self.proxy_hosts.contains(&host);
        Box::pin(async move {
            let lookup: Result<Vec<SocketAddr>, String> = match tokio::net::lookup_host((host.as_str(), 0)).await {
                Ok(addrs) => Ok(addrs.collect()),
                Err(e) => Err(e.to_string()),
            };
            let found = match lookup {
                Ok(found) => found,
                Err(reason) => {
                    return Err(Box::new(DnsFailure { host, reason }) as Box<dyn std::error::Error + Send + Sync>);
                }
            };
            let Some(first) = found.first().copied() else {
                return Err(Box::new(DnsFailure {
                    host,
                    reason: "no addresses".into(),
                }) as Box<dyn std::error::Error + Send + Sync>);
            };
            let usable: Vec<SocketAddr> = if unrestricted {
                found
            } else {
                found.into_iter().filter(|a| is_public(a.ip())).collect()
            };
            if usable.is_empty() {
                return Err(Box::new(RefusedAddress { host, addr: first.ip() }));
            }
            Ok(Box::new(usable.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Hosts of the proxies the client will use: `crawl.proxy` and the usual environment variables.
pub(crate) fn proxy_hosts(configured: Option<&Url>) -> HashSet<String> {
    let mut hosts = HashSet::new();
    if let Some(h) = configured.and_then(Url::host_str) {
        hosts.insert(normalise_host(h));
    }
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        let Ok(value) = std::env::var(var) else { continue };
        // Env proxies are often written without a scheme ("proxy:3128").
        let parsed = Url::parse(&value).or_else(|_| Url::parse(&format!("http://{value}")));
        if let Some(h) = parsed.ok().as_ref().and_then(Url::host_str) {
            hosts.insert(normalise_host(h));
        }
    }
    hosts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn classifies_addresses() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(ip(private)), "{private} must not be public");
        }
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "172.32.0.1",
        ] {
            assert!(is_public(ip(public)), "{public} must be public");
        }
    }

    #[test]
    fn checks_literal_hosts_and_schemes() {
        let none = AddressPolicy::default();
        let local = AddressPolicy::new(["127.0.0.1", "[::1]"]);
        let u = |s: &str| Url::parse(s).expect("test url");
        assert!(check_url(&u("http://127.0.0.1:8080/"), &none).is_err());
        assert!(check_url(&u("http://2130706433/"), &none).is_err()); // 127.0.0.1 in decimal
        assert!(check_url(&u("http://127.0.0.1:8080/"), &local).is_ok());
        assert!(check_url(&u("http://[::1]/"), &local).is_ok());
        assert!(check_url(&u("ftp://example.com/"), &local).is_err());
        assert!(check_url(&u("https://example.com/"), &none).is_ok());
    }

    #[tokio::test]
    async fn an_outlet_origin_on_a_private_host_exempts_that_origin_only() {
        let policy = AddressPolicy::new(["http://127.0.0.1:8080/feed.xml", "http://localhost:9000"]);
        let u = |s: &str| Url::parse(s).expect("test url");
        assert!(check_target(&u("http://127.0.0.1:8080/article"), &policy).await.is_ok());
        for refused in [
            "http://127.0.0.1:6379/",
            "https://127.0.0.1:8080/",
            "http://127.0.0.1/",
            "http://localhost:9001/",
            "http://localhost/admin",
            "http://127.0.0.2:8080/",
        ] {
            assert!(
                check_target(&u(refused), &policy).await.is_err(),
                "{refused} is another origin"
            );
        }
        assert!(check_target(&u("http://localhost:9000/x"), &policy).await.is_ok());
        assert!(
            policy.allows_host("LOCALHOST."),
            "the resolver lets the outlet's own name resolve"
        );
        // A bare host (no scheme) still exempts every port, for callers that mean that.
        let host = AddressPolicy::new(["127.0.0.1"]);
        assert!(check_target(&u("http://127.0.0.1:6379/"), &host).await.is_ok());
    }
}
