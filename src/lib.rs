//! pickup finds where an op-ed has been republished.
//!
//! One run flows through these modules:
//!
//! - [`config`]: the TOML config, validated into typed values;
//! - [`store`]: the sled store (hits, seen URLs, source state, run summaries);
//! - [`crawl`]: the polite fetcher, and feeds, sitemaps and listing pages turned into candidates;
//! - [`canon`]: URL canonicalisation, so one placement is one record;
//! - [`extract`]: HTML → metadata and main text;
//! - [`detect`]: main text → verdict per tracked article;
//! - [`report`]: exports (JSON, CSV);
//! - [`run`]: one polling pass, wiring the stages together.

pub mod config;
pub mod crawl;
pub mod detect;
pub mod extract;
