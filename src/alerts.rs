//! Alerts: news of new placements, sent when a run finds them, to the channels of `[alerts]` —
//! a shell command (the records as a JSON array on standard input), a webhook (the same JSON,
//! POSTed) and e-mail through the local `sendmail -t`.
//!
//! Each channel keeps, in the store's `alerts` tree, the time it was configured (only
//! placements first seen since then are its news, so adding a channel does not replay the
//! archive) and the key of every placement it was sent. A run whose config leaves a channel out
//! forgets all of it ([`begin`]): set again later, the channel starts afresh, and the
//! placements found while it was out are archive to it too, not a burst of old news. After each
//! run every channel gets, in one delivery, the placements first seen since it was configured
//! that it has not been sent: that is the outbox. A delivery that fails (a command exiting non-zero, a webhook answering
//! other than 2xx, a timeout) is logged and kept for the next run with its error, shown by
//! `pickup status`; it never fails the run. A placement is marked sent only once its delivery
//! succeeded, and the marks are flushed at once, so a run killed during a delivery sends it
//! again next run. A receiver can drop such a repeat by the `Idempotency-Key` header (webhook)
//! or the `PICKUP_ALERT_ID` variable (command), the same for the same set of placements.

use crate::config::{AlertsConfig, Config};
use crate::report;
use crate::store::{HitRecord, Store, StoreError};
use chrono::{DateTime, Utc};
use std::io::Write;
use std::time::Duration;

/// The store tree alerts keep their state in.
pub(crate) const TREE: &str = "alerts";

/// A channel of `[alerts]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Channel {
    Command(String),
    Webhook(url::Url),
    Email(String),
}

impl Channel {
    /// The channel's name in status lines and store keys.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Channel::Command(_) => "command",
            Channel::Webhook(_) => "webhook",
            Channel::Email(_) => "email",
        }
    }
}

/// The channels a config sets, in a fixed order.
pub(crate) fn channels(alerts: &AlertsConfig) -> Vec<Channel> {
    let mut out = Vec::new();
    if let Some(c) = &alerts.command {
        out.push(Channel::Command(c.clone()));
    }
    if let Some(w) = &alerts.webhook {
        out.push(Channel::Webhook(w.clone()));
    }
    if let Some(e) = &alerts.email {
        out.push(Channel::Email(e.clone()));
    }
    out
}

/// What one channel's outbox holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outbox {
    pub channel: &'static str,
    /// Placements waiting to be sent.
    pub pending: usize,
    /// Why the last delivery failed, if it did.
    pub last_error: Option<String>,
}

/// What delivering did, for the run's summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Delivered {
    /// (channel, placements sent).
    pub sent: Vec<(&'static str, usize)>,
    /// (channel, placements kept for the next run, why).
    pub failed: Vec<(&'static str, usize, String)>,
}

impl std::fmt::Display for Delivered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (channel, n) in &self.sent {
            writeln!(f, "alert: {n} placements sent by {channel}")?;
        }
        for (channel, n, why) in &self.failed {
            writeln!(
                f,
                "alert: {channel} failed ({why}); {n} placements kept to send next run"
            )?;
        }
        Ok(())
    }
}

fn since_key(channel: &str) -> Vec<u8> {
    format!("since\0{channel}").into_bytes()
}

fn error_key(channel: &str) -> Vec<u8> {
    format!("error\0{channel}").into_bytes()
}

fn sent_key(channel: &str, hit: &[u8]) -> Vec<u8> {
    let mut k = format!("sent\0{channel}\0").into_bytes();
    k.extend_from_slice(hit);
    k
}

/// Notes `now` as the start of every configured channel that has none yet, and forgets every
/// channel the config no longer sets (its start, its last error, its sent marks). Called before
/// a run, so the placements that run finds are news for a channel configured just before it.
///
/// # Errors
/// Store errors.
pub(crate) fn begin(config: &Config, store: &Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    let tree = store.tree(TREE)?;
    let configured = channels(&config.alerts);
    let known: Vec<String> = tree
        .scan_prefix(since_key(""))
        .keys()
        .map(|k| k.map(|k| String::from_utf8_lossy(&k[since_key("").len()..]).into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| store.engine_error(e))?;
    for name in known
        .iter()
        .filter(|n| !configured.iter().any(|c| c.name() == n.as_str()))
    {
        forget(&tree, name).map_err(|e| store.engine_error(e))?;
    }
    for c in configured {
        let key = since_key(c.name());
        let absent = tree.get(&key).map_err(|e| store.engine_error(e))?.is_none();
        if absent {
            tree.insert(key, now.to_rfc3339().as_bytes())
                .map_err(|e| store.engine_error(e))?;
        }
    }
    store.flush()
}

/// Removes everything `channel` keeps: its start, its last error and its sent marks.
fn forget(tree: &sled::Tree, channel: &str) -> Result<(), sled::Error> {
    tracing::info!("alerts by {channel} are no longer configured: forgotten, to start afresh if set again");
    tree.remove(since_key(channel))?;
    tree.remove(error_key(channel))?;
    for key in tree.scan_prefix(sent_key(channel, b"")).keys() {
        tree.remove(key?)?;
    }
    Ok(())
}

/// The placements waiting for `channel`, with their keys.
fn pending(store: &Store, channel: &str) -> Result<Vec<(Vec<u8>, HitRecord)>, StoreError> {
    let tree = store.tree(TREE)?;
    let since = tree
        .get(since_key(channel))
        .map_err(|e| store.engine_error(e))?
        .and_then(|v| DateTime::parse_from_rfc3339(&String::from_utf8_lossy(&v)).ok())
        .map(|t| t.with_timezone(&Utc));
    let Some(since) = since else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for (key, hit) in store.hit_entries()? {
        let sent = tree
            .contains_key(sent_key(channel, &key))
            .map_err(|e| store.engine_error(e))?;
        if hit.first_seen >= since && !sent {
            out.push((key, hit));
        }
    }
    Ok(out)
}

/// Every configured channel's outbox, for `pickup status`.
///
/// # Errors
/// Store errors.
pub(crate) fn outboxes(config: &Config, store: &Store) -> Result<Vec<Outbox>, StoreError> {
    let tree = store.tree(TREE)?;
    channels(&config.alerts)
        .iter()
        .map(|c| {
            let last_error = tree
                .get(error_key(c.name()))
                .map_err(|e| store.engine_error(e))?
                .map(|v| String::from_utf8_lossy(&v).into_owned());
            Ok(Outbox {
                channel: c.name(),
                pending: pending(store, c.name())?.len(),
                last_error,
            })
        })
        .collect()
}

/// Sends every channel its pending placements, one delivery per channel. Failures are kept
/// for the next run and reported, never returned.
///
/// # Errors
/// Store errors only.
pub(crate) async fn deliver(config: &Config, store: &Store) -> Result<Delivered, StoreError> {
    let tree = store.tree(TREE)?;
    let mut done = Delivered::default();
    for channel in channels(&config.alerts) {
        let name = channel.name();
        let waiting = pending(store, name)?;
        if waiting.is_empty() {
            continue;
        }
        let hits: Vec<HitRecord> = waiting.iter().map(|(_, h)| h.clone()).collect();
        let records = report::records(&hits, &report::Filter::default());
        let json = serde_json::to_vec_pretty(&records).expect("export records always serialise");
        let id = delivery_id(waiting.iter().map(|(k, _)| k.as_slice()));
        match send(&channel, &json, &records, &id, config).await {
            Ok(()) => {
                for (key, _) in &waiting {
                    tree.insert(sent_key(name, key), &[])
                        .map_err(|e| store.engine_error(e))?;
                }
                tree.remove(error_key(name)).map_err(|e| store.engine_error(e))?;
                done.sent.push((name, waiting.len()));
            }
            Err(why) => {
                tracing::warn!("alert by {name} failed: {why}; kept for the next run");
                tree.insert(error_key(name), why.as_bytes())
                    .map_err(|e| store.engine_error(e))?;
                done.failed.push((name, waiting.len(), why));
            }
        }
        store.flush()?;
    }
    Ok(done)
}

/// The same 16 hex digits for the same set of placements (xxh3 of their keys).
fn delivery_id<'a>(keys: impl Iterator<Item = &'a [u8]>) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for k in keys {
        h.update(k);
        h.update(&[0xff]);
    }
    format!("{:016x}", h.digest())
}

async fn send(
    channel: &Channel,
    json: &[u8],
    records: &[report::ExportRecord],
    id: &str,
    config: &Config,
) -> Result<(), String> {
    let timeout = config.alerts.timeout;
    match channel {
        Channel::Webhook(url) => post(url, json, id, config).await,
        Channel::Command(cmd) => {
            let mut c = std::process::Command::new("sh");
            c.arg("-c")
                .arg(cmd)
                .env("PICKUP_ALERT_ID", id)
                .env("PICKUP_NEW_PLACEMENTS", records.len().to_string());
            pipe(c, json.to_vec(), timeout, "the command").await
        }
        Channel::Email(to) => {
            let mut c = std::process::Command::new("sendmail");
            c.args(["-t", "-oi"]);
            pipe(c, mail(to, records, json), timeout, "sendmail").await
        }
    }
}

/// POSTs the alert to the team's own webhook with the crawl's user agent. Not through the
/// crawl's fetcher or `crawl.proxy`: the politeness and address rules are for outlets, and a
/// webhook is usually inside the team's network (the environment's `HTTPS_PROXY` and `NO_PROXY`
/// still apply).
async fn post(url: &url::Url, json: &[u8], id: &str, config: &Config) -> Result<(), String> {
    // reqwest is built without a TLS provider; installing it twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(config.alerts.timeout)
        .user_agent(&config.crawl.user_agent)
        .build()
        .map_err(|e| format!("cannot build HTTP client: {e}"))?;
    let resp = client
        .post(url.as_str())
        .header("content-type", "application/json")
        .header("idempotency-key", id)
        .body(json.to_vec())
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(format!("{url}: HTTP {}", resp.status().as_u16()))
    }
}

/// Runs a program with `input` on standard input (its output goes to standard error), and
/// waits at most `timeout` for it to exit 0; one still running then is killed.
async fn pipe(
    mut cmd: std::process::Command,
    input: Vec<u8>,
    timeout: Duration,
    what: &'static str,
) -> Result<(), String> {
    tokio::task::spawn_blocking(move || {
        use std::process::Stdio;
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {what}: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A program that does not read its input is its own business: not an error.
            let _ = stdin.write_all(&input);
        }
        let deadline = std::time::Instant::now() + timeout;
        loop {
            match child.try_wait().map_err(|e| format!("{what}: {e}"))? {
                Some(status) if status.success() => return Ok(()),
                Some(status) => return Err(format!("{what} exited with {status}")),
                None if std::time::Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("{what} did not finish within {} s", timeout.as_secs()));
                }
                None => std::thread::sleep(POLL_EXIT),
            }
        }
    })
    .await
    .map_err(|e| format!("{what}: {e}"))?
}

/// How often a running alert program is checked for its exit.
const POLL_EXIT: Duration = Duration::from_millis(20);

/// A plain-text mail for `sendmail -t`: a line per placement, then the JSON.
fn mail(to: &str, records: &[report::ExportRecord], json: &[u8]) -> Vec<u8> {
    let mut m = format!(
        "To: {to}\nSubject: pickup: {} new placement{}\nContent-Type: text/plain; charset=utf-8\n\n",
        records.len(),
        if records.len() == 1 { "" } else { "s" }
    );
    for r in records {
        m.push_str(&format!(
            "{} ({}, {}) {}: {}\n",
            r.outlet_name, r.country, r.kind, r.article, r.url
        ));
    }
    m.push('\n');
    let mut bytes = m.into_bytes();
    bytes.extend_from_slice(json);
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placement(page: &str, first_seen: &str) -> HitRecord {
        serde_json::from_value(serde_json::json!({
            "article": "a", "kind": "verbatim", "score": 1.0, "coverage": 0.9,
            "url": page, "canonical_url": page,
            "outlet": "o", "outlet_name": "O", "country": "US", "language": "en",
            "title": null, "published": null, "first_seen": first_seen,
            "evidence": "", "variants": []
        }))
        .unwrap()
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn waiting(store: &Store, channel: &str) -> Vec<String> {
        pending(store, channel)
            .unwrap()
            .into_iter()
            .map(|(_, h)| h.url)
            .collect()
    }

    #[test]
    fn a_channel_set_again_after_it_was_left_out_does_not_replay_what_was_found_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let with = Config::for_test("[alerts]\ncommand = \"true\"\nwebhook = \"http://127.0.0.1:9/hook\"\n").unwrap();
        let without_command = Config::for_test("[alerts]\nwebhook = \"http://127.0.0.1:9/hook\"\n").unwrap();

        begin(&with, &store, t("2026-01-01T00:00:00Z")).unwrap();
        store
            .record_hit(&placement("https://x.example/1", "2026-01-02T00:00:00Z"))
            .unwrap();
        assert_eq!(waiting(&store, "command"), ["https://x.example/1"]);
        // Sent to the command, as a delivery marks it.
        let tree = store.tree(TREE).unwrap();
        for (key, _) in pending(&store, "command").unwrap() {
            tree.insert(sent_key("command", &key), &[]).unwrap();
        }
        tree.insert(error_key("command"), "exited with 1".as_bytes()).unwrap();

        // Left out for a while, placements are found meanwhile.
        begin(&without_command, &store, t("2026-02-01T00:00:00Z")).unwrap();
        store
            .record_hit(&placement("https://x.example/2", "2026-02-02T00:00:00Z"))
            .unwrap();
        assert!(
            tree.scan_prefix(b"sent\0command\0").next().is_none(),
            "its marks are forgotten"
        );
        assert!(tree.get(error_key("command")).unwrap().is_none());

        // Set again: only what is found from now on is its news.
        begin(&with, &store, t("2026-03-01T00:00:00Z")).unwrap();
        assert!(
            waiting(&store, "command").is_empty(),
            "{:?}",
            waiting(&store, "command")
        );
        store
            .record_hit(&placement("https://x.example/3", "2026-03-02T00:00:00Z"))
            .unwrap();
        assert_eq!(waiting(&store, "command"), ["https://x.example/3"]);
        // The channel that stayed keeps its outbox: nothing was sent to it.
        assert_eq!(
            waiting(&store, "webhook"),
            ["https://x.example/1", "https://x.example/2", "https://x.example/3"]
        );
    }
}
