//! The crawl benchmark (not a test): generates a large local web on 127.0.0.1, runs pickup over
//! it twice, and reports pages per second, the crawler's CPU seconds per page and peak memory,
//! the run's wall time against its politeness bound, and what an unchanged second run costs:
//! the `pickup run --all` binary in a fresh process, as cron starts it, polling every source
//! whether or not it is due (its requests and peak memory).
//!
//! - `cargo bench --bench crawl` (or `-- OUTLETS ITEMS`; default 1000 × 8): every outlet one
//!   host with ITEMS pages, at 50 requests/s per host (bursts of 4), 64 requests at once.
//! - `cargo bench --bench crawl -- 10000 20`: the large world memory is measured on.
//! - `cargo bench --bench crawl -- mixed`: a few big hosts among many small ones, at 5 requests/s
//!   per host without bursts, so the busiest host's spacing sets the least wall time.
//!
//! The web is served by a child process (this benchmark run again with [`SERVE_ENV`] set), so
//! the CPU and peak memory reported are the crawler's own. The child prints its address map on
//! stdout, and on request its log (one line per request), from which the politeness bound is
//! computed: for each host, the requests beyond its burst × the spacing between them; the bound
//! is the busiest host's.

use pickup::config::Config;
use pickup::localweb::{LocalWeb, World, expand_hosts};
use pickup::store::Store;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// Set in the child process that serves the web.
const SERVE_ENV: &str = "PICKUP_BENCH_SERVE";

const ARTICLE: &str = include_str!("../config/articles/cybercrime-2021.en.txt");

const WORDS: &[&str] = &[
    "council",
    "minister",
    "budget",
    "river",
    "school",
    "market",
    "season",
    "health",
    "energy",
    "court",
    "harbour",
    "election",
    "report",
    "village",
    "festival",
    "railway",
    "farmers",
    "museum",
    "weather",
    "league",
    "vaccine",
    "tariff",
    "bridge",
    "police",
    "students",
    "coast",
    "housing",
    "airport",
    "factory",
    "orchestra",
    "the",
    "a",
    "of",
    "and",
    "in",
    "to",
    "with",
    "after",
    "before",
    "said",
    "will",
    "new",
    "old",
    "first",
    "last",
    "on",
    "for",
    "by",
];

/// A deterministic stream of filler text (an LCG: no dependency, same web every time).
struct Filler(u64);

impl Filler {
    fn word(&mut self) -> &'static str {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        WORDS[(self.0 >> 33) as usize % WORDS.len()]
    }

    fn paragraph(&mut self, words: usize) -> String {
        let mut p = String::new();
        for i in 0..words {
            if i > 0 {
                p.push(' ');
            }
            p.push_str(self.word());
        }
        p.push('.');
        p
    }
}

fn page(title: &str, paragraphs: &[String]) -> Vec<u8> {
    let mut body = String::new();
    for p in paragraphs {
        let _ = writeln!(body, "<p>{p}</p>");
    }
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><header><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav></header><main><article><h1>{title}</h1>{body}</article><aside class=\"related\"><a href=\"/x\">More stories</a></aside></main><footer>© Outlet</footer></body></html>"
    )
    .into_bytes()
}

/// The web to crawl: how many outlets, how many pages each, and the crawl settings.
#[derive(Debug, Clone, Copy)]
struct Shape {
    outlets: usize,
    /// Pages listed by an ordinary outlet's feed.
    items: usize,
    /// Every `big_every`-th outlet (from the first) lists `big_items` pages instead.
    big_every: usize,
    big_items: usize,
    per_host_rps: f64,
    per_host_burst: u32,
    max_concurrency: usize,
}

impl Shape {
    fn from_args(args: &[String]) -> Shape {
        if args.first().map(String::as_str) == Some("mixed") {
            // 200 outlets: 5 big hosts of 60 pages among 195 small ones of 4.
            return Shape {
                outlets: 200,
                items: 4,
                big_every: 40,
                big_items: 60,
                per_host_rps: 5.0,
                per_host_burst: 1,
                max_concurrency: 64,
            };
        }
        let numbers: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
        Shape {
            outlets: numbers.first().copied().unwrap_or(1000),
            items: numbers.get(1).copied().unwrap_or(8),
            big_every: 0,
            big_items: 0,
            per_host_rps: 50.0,
            per_host_burst: 4,
            max_concurrency: 64,
        }
    }

    fn items_of(&self, outlet: usize) -> usize {
        if self.big_every > 0 && outlet.is_multiple_of(self.big_every) {
            self.big_items
        } else {
            self.items
        }
    }

    fn name(outlet: usize) -> String {
        format!("outlet-{outlet:05}")
    }

    /// The config, with `{{host:NAME}}` placeholders (the crawler's side needs no pages).
    fn config(&self) -> String {
        let mut config = format!(
            "[store]\npath = \"data/pickup.sled\"\n[crawl]\nuser_agent = \"pickup-bench\"\nper_host_rps = {:?}\nper_host_burst = {}\nmax_concurrency = {}\ntimeout_secs = 10\n[[articles]]\nid = \"cybercrime-2021\"\ntitle = \"Taiwan Can Help\"\npublished = \"2021-11-10\"\nlanguage = \"en\"\ntext = \"articles/cybercrime-2021.en.txt\"\n",
            self.per_host_rps, self.per_host_burst, self.max_concurrency
        );
        for o in 0..self.outlets {
            let name = Shape::name(o);
            let _ = write!(
                config,
                "[[outlets]]\nid = \"{name}\"\nname = \"{name}\"\ncountry = \"US\"\nlanguage = \"en\"\nfeeds = [\"{{{{host:{name}}}}}/feed.xml\"]\n"
            );
        }
        config
    }

    /// Every host's files: a feed and its pages; the first page of every 20th outlet is the
    /// tracked article, the rest filler.
    fn hosts(&self) -> World {
        let mut world = World::default();
        let mut filler = Filler(7);
        let article: Vec<String> = ARTICLE.split("\n\n").map(str::to_string).collect();
        for o in 0..self.outlets {
            let name = Shape::name(o);
            let mut files = BTreeMap::new();
            let mut feed = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{name}</title>");
            for i in 0..self.items_of(o) {
                let path = format!("news/2021/11/story-{i}.html");
                let paragraphs: Vec<String> = if i == 0 && o.is_multiple_of(20) {
                    article.clone()
                } else {
                    (0..8).map(|_| filler.paragraph(70)).collect()
                };
                files.insert(path.clone(), page(&format!("Story {i} of {name}"), &paragraphs));
                let _ = write!(
                    feed,
                    "<item><title>Story {i}</title><link>/{path}</link><pubDate>Sat, 13 Nov 2021 10:00:00 GMT</pubDate></item>"
                );
            }
            feed.push_str("</channel></rss>");
            files.insert("feed.xml".into(), feed.into_bytes());
            world.hosts.insert(name, files);
        }
        world
    }
}

/// The child process: serves the web, prints `addr NAME ADDRESS` per host and `ready`, then
/// answers `log` (one `req HOST STATUS` line per request since the last `clear`, then `end`)
/// and `clear` (then `ok`) read from stdin, until stdin closes.
fn serve(shape: Shape) {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let world = shape.hosts();
    let web = rt.block_on(LocalWeb::start(&world)).expect("local web");
    drop(world);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for o in 0..shape.outlets {
        let name = Shape::name(o);
        let _ = writeln!(out, "addr {name} {}", web.base(&name));
    }
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    for line in std::io::stdin().lock().lines() {
        match line.as_deref().map(str::trim) {
            Ok("log") => {
                for r in web.log() {
                    let _ = writeln!(out, "req {} {}", r.host, r.status);
                }
                let _ = writeln!(out, "end");
            }
            Ok("clear") => {
                web.clear_log();
                let _ = writeln!(out, "ok");
            }
            _ => break,
        }
        let _ = out.flush();
    }
}

/// The serving child, seen from the crawler.
struct Server {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Server {
    /// Starts the child and returns it with the address of each host (`http://127.0.0.1:PORT`).
    fn start(args: &[String]) -> (Server, HashMap<String, String>) {
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .args(args)
            .env(SERVE_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the serving child");
        let input = child.stdin.take().expect("child stdin");
        let output = BufReader::new(child.stdout.take().expect("child stdout"));
        let mut server = Server { child, input, output };
        let mut addrs = HashMap::new();
        for line in server.lines() {
            if line == "ready" {
                break;
            }
            if let Some(("addr", rest)) = line.split_once(' ')
                && let Some((name, base)) = rest.split_once(' ')
            {
                addrs.insert(name.to_string(), base.to_string());
            }
        }
        (server, addrs)
    }

    fn lines(&mut self) -> impl Iterator<Item = String> + '_ {
        (&mut self.output)
            .lines()
            .map(|l| l.expect("the serving child's output"))
    }

    fn ask(&mut self, command: &str) {
        writeln!(self.input, "{command}").expect("the serving child's input");
        self.input.flush().expect("the serving child's input");
    }

    /// Requests per host and how many were answered 304, since the last `clear`.
    fn log(&mut self) -> (HashMap<String, usize>, usize) {
        self.ask("log");
        let mut per_host: HashMap<String, usize> = HashMap::new();
        let mut not_modified = 0;
        for line in self.lines() {
            if line == "end" {
                break;
            }
            let mut parts = line.split(' ').skip(1);
            if let (Some(host), Some(status)) = (parts.next(), parts.next()) {
                *per_host.entry(host.to_string()).or_default() += 1;
                not_modified += usize::from(status == "304");
            }
        }
        (per_host, not_modified)
    }

    fn clear(&mut self) {
        self.ask("clear");
        let _ = self.lines().next();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The least time the requests logged could take: for each host, the requests beyond its burst
/// spaced by the limiter's period (the benchmark's robots.txt has no Crawl-delay and its
/// servers send no Retry-After); the busiest host's. Also names that host and its count.
fn politeness_bound(shape: &Shape, per_host: &HashMap<String, usize>) -> (Duration, String, usize) {
    let period = Duration::from_secs_f64(1.0 / shape.per_host_rps);
    let (host, count) = per_host
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(h, n)| (h.clone(), *n))
        .unwrap_or_default();
    let spaced = count.saturating_sub(shape.per_host_burst as usize) as u32;
    (period * spaced, host, count)
}

/// CPU seconds (user + system) of this process so far, from /proc.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Peak resident memory of this process in MiB (VmHWM), from /proc.
fn peak_mib() -> Option<f64> {
    peak_mib_of("/proc/self/status")
}

/// The peak resident set (VmHWM) a `/proc/PID/status` file gives, in MiB.
fn peak_mib_of(status: &str) -> Option<f64> {
    let status = std::fs::read_to_string(status).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let shape = Shape::from_args(&args);
    if std::env::var_os(SERVE_ENV).is_some() {
        serve(shape);
        return;
    }
    let (mut server, addrs) = Server::start(&args);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("articles")).expect("articles dir");
    std::fs::write(dir.path().join("articles/cybercrime-2021.en.txt"), ARTICLE).expect("article");
    let path = dir.path().join("pickup.toml");
    std::fs::write(&path, expand_hosts(&shape.config(), |name| addrs.get(name).cloned())).expect("config");
    drop(addrs);
    let config = Config::load(&path).expect("config");
    let store = Store::open(&config.store.path).expect("store");
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");

    let cpu0 = cpu_seconds().unwrap_or(0.0);
    let started = Instant::now();
    let first = rt.block_on(pickup::run::run(&config, &store)).expect("first run");
    let wall = started.elapsed();
    let cpu = cpu_seconds().unwrap_or(0.0) - cpu0;
    let peak_first = peak_mib().unwrap_or(f64::NAN);
    let (per_host, _) = server.log();
    let (bound, busiest, busiest_requests) = politeness_bound(&shape, &per_host);
    drop(per_host);
    let pages = first.record.pages_fetched.max(1) as f64;
    println!(
        "crawl benchmark: {} outlets × {} items{} on 127.0.0.1; {} requests/s per host, bursts of {}, {} at once; servers in a child process",
        shape.outlets,
        shape.items,
        if shape.big_every > 0 {
            format!(" (every {}th outlet × {})", shape.big_every, shape.big_items)
        } else {
            String::new()
        },
        shape.per_host_rps,
        shape.per_host_burst,
        shape.max_concurrency
    );
    println!(
        "first run:  {} pages fetched in {:.2} s = {:.0} pages/s; {:.2} ms CPU per page ({cpu:.1} s); {} requests; {} hits",
        first.record.pages_fetched,
        wall.as_secs_f64(),
        pages / wall.as_secs_f64(),
        cpu / pages * 1000.0,
        first.record.requests,
        first.record.new_hits
    );
    println!(
        "politeness bound: {:.2} s ({busiest}: {busiest_requests} requests); wall / bound = {:.2}",
        bound.as_secs_f64(),
        wall.as_secs_f64() / bound.as_secs_f64()
    );
    println!("crawler peak memory after the first run: {peak_first:.0} MiB");
    drop(first);
    drop(store);
    drop(rt);
    server.clear();
    // The second run is the `pickup` binary itself, as cron starts it: a fresh process over the
    // same store, polling every source (`--all`) of the now unchanged web.
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pickup"))
        .args(["run", "--all", "--quiet", "--config"])
        .arg(&path)
        .spawn()
        .expect("pickup run");
    let mut peak_second = 0.0f64;
    while child.try_wait().expect("wait").is_none() {
        peak_second = peak_second.max(peak_mib_of(&format!("/proc/{}/status", child.id())).unwrap_or(0.0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let second_wall = started.elapsed().as_secs_f64();
    let store = Store::open(&config.store.path).expect("store");
    let second = store.last_run().expect("runs").expect("second run recorded");
    let (per_host, not_modified) = server.log();
    println!(
        "second run (`pickup run --all`, a fresh process): {} requests ({not_modified} answered 304), {} pages fetched, {} new hits, {second_wall:.2} s; peak memory {peak_second:.0} MiB",
        per_host.values().sum::<usize>(),
        second.pages_fetched,
        second.new_hits,
    );
}
