//! pickup finds where an op-ed has been republished.
//!
//! One run flows through these modules:
//!
//! - [`config`]: the TOML config, validated into typed values;
//! - [`store`]: the sled store (hits, seen URLs, source state, robots.txt copies, run records),
//!   opened by commands through [`store_guard`], which bounds the open and detects damage;
//! - [`crawl`]: the polite fetcher, and feeds, sitemaps and listing pages turned into candidates;
//! - [`canon`]: URL canonicalisation, so one placement is one record;
//! - [`date`]: the one date parser feeds, sitemaps and pages share;
//! - [`extract`]: HTML → metadata and main text;
//! - [`detect`]: main text → verdict per tracked article;
//! - [`placement`]: a judged page → the outlet it belongs to and its hit records;
//! - [`syndication`]: whether a page credits another publication as the original;
//! - [`run`]: one polling pass, wiring the stages together, then the liveness re-checks
//!   ([`recheck`]: when a placement is due and what its page says now; [`proof`]: the evidence
//!   kept so proof outlives a takedown).
//!
//! [`backup`] dumps, restores and checks the store. After a run, [`alerts`] sends new placements to the `[alerts]` channels.
//!
//! The commands live in [`cmd`], one file each; `main.rs` only parses arguments and maps
//! outcomes to exit codes. Around the run: [`report`] (JSON and CSV exports, and the briefing in HTML, PDF, XLSX and Markdown), [`check`] and [`status`] (the commands of those
//! names), [`demo`] and [`localweb`] (the built-in world on 127.0.0.1 the demo and the tests use),
//! [`error`] (the error type and exit codes) and [`text`] (shortening passages for display).

#![warn(unreachable_pub)]

pub mod add;
mod alerts;
pub mod backup;
pub mod canon;
mod check;
pub mod cmd;
pub mod config;
pub mod crawl;
pub mod date;
pub mod demo;
pub mod detect;
pub mod discover;
pub mod error;
pub mod extract;
pub mod localweb;
pub mod pitch;
mod placement;
pub mod proof;
pub mod recheck;
pub mod report;
pub mod run;
pub mod status;
pub mod store;
pub mod store_guard;
mod syndication;
mod text;
