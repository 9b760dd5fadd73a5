//! Alerts under cron: a local webhook receiver and shell commands get each new placement once,
//! a failed delivery waits in the outbox (shown by status) for the next run, a run killed during
//! a delivery sends it next run, and `export --new --mark` gives scripts what arrived since.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod cli_support;

use cli_support::{HANG_BOUND, Served, fixture_world, pickup, served};

/// The fixture world on 127.0.0.1, its config ending with `alerts` (TOML lines).
fn world(alerts: &str) -> Served {
    served(&fixture_world(), &format!("[alerts]\n{alerts}"))
}

/// How many placements the store holds, as `export` says.
fn placements(w: &Served) -> usize {
    outlets_in(w.ok(&["export", "--format", "json"]).as_bytes()).len()
}

fn file(w: &Served, name: &str) -> String {
    std::fs::read_to_string(w.dir.path().join(name)).unwrap_or_default()
}

/// One request received: its head (request line and headers) and body.
type Post = (String, Vec<u8>);

/// A webhook receiver on 127.0.0.1: keeps every POST's headers and body, answers `status`.
struct Receiver {
    url: String,
    posts: Arc<Mutex<Vec<Post>>>,
    status: Arc<AtomicU16>,
}

fn receiver(status: u16) -> Receiver {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let posts = Arc::new(Mutex::new(Vec::new()));
    let status = Arc::new(AtomicU16::new(status));
    let (p, s) = (posts.clone(), status.clone());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            p.lock().unwrap().push((head, body));
            let code = s.load(Ordering::SeqCst);
            let _ = write!(
                conn,
                "HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    Receiver { url, posts, status }
}

fn outlets_in(json: &[u8]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(json).unwrap();
    let mut o: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outlet"].as_str().unwrap().to_string())
        .collect();
    o.sort();
    o
}

#[test]
fn a_webhook_and_a_command_get_each_new_placement_once() {
    let hook = receiver(200);
    let w = world(&format!(
        "webhook = \"{}\"\ncommand = 'cat >> DIR/alerts.json; echo \"$PICKUP_NEW_PLACEMENTS\" >> DIR/calls'",
        hook.url
    ));
    let out = w.ok(&["run"]);
    let placements = placements(&w);
    assert!(placements > 1, "the world has placements");
    assert!(
        out.contains(&format!("alert: {placements} placements sent by webhook")),
        "{out}"
    );
    {
        let posts = hook.posts.lock().unwrap();
        assert_eq!(posts.len(), 1);
        assert!(
            posts[0].0.to_ascii_lowercase().contains("idempotency-key:"),
            "{}",
            posts[0].0
        );
        assert!(posts[0].0.contains("application/json"), "{}", posts[0].0);
        assert!(
            posts[0].0.to_ascii_lowercase().contains("user-agent: pickup-demo/0.1"),
            "the crawl's user agent: {}",
            posts[0].0
        );
        assert_eq!(outlets_in(&posts[0].1).len(), placements);
    }
    assert_eq!(outlets_in(file(&w, "alerts.json").as_bytes()).len(), placements);
    assert_eq!(file(&w, "calls"), format!("{placements}\n"));

    // Nothing new: no delivery at all.
    let out = w.ok(&["run"]);
    assert!(!out.contains("alert:"), "{out}");
    assert_eq!(hook.posts.lock().unwrap().len(), 1);
    assert_eq!(file(&w, "calls").lines().count(), 1);
    assert!(w.ok(&["status"]).contains("alerts by webhook: 0 placements waiting"));
}

#[test]
fn a_failed_webhook_waits_in_the_outbox_and_is_sent_next_run() {
    let hook = receiver(503);
    let w = world(&format!("webhook = \"{}\"\ntimeout_secs = 5", hook.url));
    let out = w.ok(&["run"]);
    let placements = placements(&w);
    assert!(
        out.contains("alert: webhook failed") && out.contains("HTTP 503"),
        "{out}"
    );
    let status = w.ok(&["status"]);
    assert!(
        status.contains(&format!(
            "alerts by webhook: {placements} placements waiting (last try failed:"
        )),
        "{status}"
    );
    hook.status.store(200, Ordering::SeqCst);
    w.ok(&["run"]);
    w.ok(&["run"]);
    let posts = hook.posts.lock().unwrap();
    assert_eq!(posts.len(), 2, "one failed try, one delivery, nothing after");
    assert_eq!(outlets_in(&posts[1].1).len(), placements);
    drop(posts);
    assert!(w.ok(&["status"]).contains("alerts by webhook: 0 placements waiting\n"));
}

#[test]
fn a_run_killed_during_an_alert_sends_it_next_run_and_only_then() {
    // The first call hangs (its shell's pid noted, to end it); later calls keep what they get.
    let w = world(
        "command = 'cd DIR && echo call >> calls && if [ -e armed ]; then cat > got.json; else touch armed; echo $$ > pid; exec sleep 600; fi'",
    );
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("pickup"))
        .args(["run", "--quiet", "--config"])
        .arg(&w.config)
        .spawn()
        .unwrap();
    let pid = w.dir.path().join("pid");
    let deadline = std::time::Instant::now() + HANG_BOUND;
    while std::fs::read_to_string(&pid).map_or(true, |p| p.trim().is_empty()) {
        assert!(std::time::Instant::now() < deadline, "the alert never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let sleeper = std::fs::read_to_string(&pid).unwrap();
    let _ = std::process::Command::new("kill").arg(sleeper.trim()).status();

    w.ok(&["run"]);
    assert_eq!(outlets_in(file(&w, "got.json").as_bytes()).len(), placements(&w));
    w.ok(&["run"]);
    assert_eq!(
        file(&w, "calls").lines().count(),
        2,
        "the killed call and its redelivery only"
    );
}

#[test]
fn export_new_prints_what_arrived_since_the_last_marked_export() {
    let w = world("");
    w.ok(&["run"]);
    let placements = placements(&w);
    let export = |args: &[&str]| outlets_in(w.ok(&[&["export", "--format", "json"], args].concat()).as_bytes());
    assert_eq!(export(&["--new"]).len(), placements, "nothing marked yet");
    assert_eq!(
        export(&["--new"]).len(),
        placements,
        "without --mark nothing is remembered"
    );
    assert_eq!(export(&["--new", "--mark"]).len(), placements);
    assert!(export(&["--new"]).is_empty(), "everything was marked");
    assert_eq!(export(&[]).len(), placements, "a plain export still has everything");
}

#[test]
fn email_goes_through_the_local_sendmail() {
    let w = world("email = \"press@example.org\"");
    let bin = w.dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let fake = bin.join("sendmail");
    let mailbox = w.dir.path().join("mail.txt");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$@\" > {0}.args\ncat > {0}\n", mailbox.display()),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    pickup()
        .env("PATH", path)
        .args(["run", "--config"])
        .arg(&w.config)
        .assert()
        .success();
    let mail = file(&w, "mail.txt");
    assert!(
        mail.starts_with(&format!(
            "To: press@example.org\nSubject: pickup: {} new placements\n",
            placements(&w)
        )),
        "{mail}"
    );
    assert!(
        mail.contains("Capital Tribune (US, verbatim) cybercrime-2021: http://"),
        "{mail}"
    );
    assert_eq!(file(&w, "mail.txt.args").trim(), "-t -oi");
}
