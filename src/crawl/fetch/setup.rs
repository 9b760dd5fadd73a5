//! Building a [`Fetcher`]: the HTTP client, the rate limiter, and the hosts a config vouches for.

use super::host::HostGate;
use super::robots_gate::RobotsVerdicts;
use super::{Fetcher, Inner};
use crate::config::CrawlConfig;
use crate::crawl::address::{self, AddressPolicy, GuardedResolver};
use crate::crawl::robots::{MemoryRobotsCache, RobotsCache};
use std::sync::Arc;

/// What a run gives the fetcher besides the config.
#[derive(Clone)]
pub struct FetcherOptions {
    /// robots.txt copies kept between runs (the store, in a run).
    pub robots_cache: Arc<dyn RobotsCache>,
    /// What may be at private, loopback or link-local addresses: the origins of outlets that
    /// are configured there (`http://127.0.0.1:8080`: that scheme, host and port only), or bare
    /// host names and IP literals (every port). See [`AddressPolicy::new`].
    pub allowed_private_hosts: Vec<String>,
}

impl Default for FetcherOptions {
    fn default() -> Self {
        FetcherOptions {
            robots_cache: Arc::new(MemoryRobotsCache::new()),
            allowed_private_hosts: Vec::new(),
        }
    }
}

/// How long an idle connection is kept for the host's next request. reqwest's default (90 s)
/// kept one open connection, with its buffers, for every host a run had finished with: memory
/// grew with the number of outlets. At the default rate (1 request/s per host) a host's
/// connection is still reused; a host that asks for a longer Crawl-delay gets a new connection
/// per request, which costs it nothing it would notice.
const POOL_IDLE: std::time::Duration = std::time::Duration::from_secs(2);

/// Installs the TLS crypto provider once per process (reqwest is built without one).
fn install_crypto() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Fetcher {
    /// A fetcher with an in-memory robots cache and no private hosts allowed.
    pub fn new(cfg: &CrawlConfig) -> Result<Fetcher, String> {
        Fetcher::with_options(cfg, FetcherOptions::default())
    }

    pub fn with_options(cfg: &CrawlConfig, options: FetcherOptions) -> Result<Fetcher, String> {
        install_crypto();
        let policy = Arc::new(AddressPolicy::new(&options.allowed_private_hosts));
        let resolver = GuardedResolver {
            policy: policy.clone(),
            proxy_hosts: address::proxy_hosts(cfg.proxy.as_ref()),
        };
        let mut builder = reqwest::Client::builder()
            .user_agent(&cfg.user_agent)
            .timeout(cfg.timeout)
            .connect_timeout(cfg.connect_timeout)
            // Hops and retries are ours, so each one passes the per-host gate.
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .pool_idle_timeout(POOL_IDLE)
            .dns_resolver(resolver);
        if let Some(p) = &cfg.proxy {
            builder = builder.proxy(reqwest::Proxy::all(p.as_str()).map_err(|e| format!("proxy {p}: {e}"))?);
        }
        let client = builder.build().map_err(|e| format!("cannot build HTTP client: {e}"))?;
        let gate = HostGate::new(cfg)?;
        Ok(Fetcher {
            inner: Arc::new(Inner {
                client,
                cfg: cfg.clone(),
                gate,
                robots: RobotsVerdicts::new(&cfg.user_agent, options.robots_cache),
                policy,
                requests: Default::default(),
            }),
        })
    }
}

/// The fetcher for a run over `config`: the hosts of configured outlets (homepages and sources)
/// may be at private or loopback addresses, since someone configured them there, each on its own
/// origin (scheme, host, port) only; links found in their feeds that lead to other private
/// addresses, other ports of the same host included, are still refused.
pub fn for_config(
    config: &crate::config::Config,
    robots_cache: Arc<dyn RobotsCache>,
) -> Result<Fetcher, crate::error::Error> {
    // AddressPolicy normalises and dedups them (IPv6 brackets, case, trailing dot).
    let origins: Vec<String> = config
        .outlets
        .iter()
        .flat_map(|o| o.homepage.iter().chain(o.sources().map(|(_, u)| u)))
        .chain(&config.crawl.private_origins)
        .map(|u| u.origin().ascii_serialization())
        .collect();
    let options = FetcherOptions {
        robots_cache,
        allowed_private_hosts: origins,
    };
    Fetcher::with_options(&config.crawl, options).map_err(crate::error::Error::Other)
}
