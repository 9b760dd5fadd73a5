//! The crawl benchmark (not a test): generates a large local web on 127.0.0.1, runs pickup over
//! it twice, and reports pages per second, CPU seconds per page, peak memory, and the requests
//! an unchanged second run makes.
//!
//! `cargo bench --bench crawl` (or `-- OUTLETS ITEMS` to change the size; default 1000 × 8).
//! The web's servers run in the same process, so CPU and memory include serving the pages.

use pickup::config::Config;
use pickup::localweb::{LocalWeb, World};
use pickup::store::Store;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Instant;

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

fn generate(outlets: usize, items: usize) -> World {
    let mut world = World::default();
    let mut filler = Filler(7);
    let article: Vec<String> = ARTICLE.split("\n\n").map(str::to_string).collect();
    let mut config = String::from(
        "[store]\npath = \"data/pickup.sled\"\n[crawl]\nuser_agent = \"pickup-bench\"\nper_host_rps = 50.0\nper_host_burst = 4\nmax_concurrency = 64\ntimeout_secs = 10\n[[articles]]\nid = \"cybercrime-2021\"\ntitle = \"Taiwan Can Help\"\npublished = \"2021-11-10\"\nlanguage = \"en\"\ntext = \"articles/cybercrime-2021.en.txt\"\n",
    );
    for o in 0..outlets {
        let name = format!("outlet-{o:04}");
        let mut files = BTreeMap::new();
        let mut feed = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{name}</title>");
        for i in 0..items {
            let path = format!("news/2021/11/story-{i}.html");
            let paragraphs: Vec<String> = if i == 0 && o % 20 == 0 {
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
        world.hosts.insert(name.clone(), files);
        let _ = write!(
            config,
            "[[outlets]]\nid = \"{name}\"\nname = \"{name}\"\ncountry = \"US\"\nlanguage = \"en\"\nfeeds = [\"{{{{host:{name}}}}}/feed.xml\"]\n"
        );
    }
    world.config = config;
    world
}

/// CPU seconds (user + system) of this process so far, from /proc.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Peak resident memory of this process in MiB, from /proc.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let outlets = args.first().copied().unwrap_or(1000);
    let items = args.get(1).copied().unwrap_or(8);
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    rt.block_on(async {
        let world = generate(outlets, items);
        let web = LocalWeb::start(&world).await.expect("local web");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = pickup::demo::write_config(&web, &world, dir.path()).expect("config");
        let config = Config::load(&path).expect("config");
        let store = Store::open(&config.store.path).expect("store");

        let cpu0 = cpu_seconds().unwrap_or(0.0);
        let started = Instant::now();
        let first = pickup::run::run(&config, &store).await.expect("first run");
        let wall = started.elapsed().as_secs_f64();
        let cpu = cpu_seconds().unwrap_or(0.0) - cpu0;
        let pages = first.record.pages_fetched.max(1) as f64;
        println!("crawl benchmark: {outlets} outlets × {items} items on 127.0.0.1");
        println!(
            "first run:  {} pages fetched in {wall:.2} s = {:.0} pages/s; {:.2} ms CPU per page; {} requests; {} hits",
            first.record.pages_fetched,
            pages / wall,
            cpu / pages * 1000.0,
            first.record.requests,
            first.record.new_hits
        );
        web.clear_log();
        let started = Instant::now();
        let second = pickup::run::run(&config, &store).await.expect("second run");
        println!(
            "second run: {} requests ({} answered 304), {} pages fetched, {} new hits, {:.2} s",
            web.log().len(),
            web.log().iter().filter(|r| r.status == 304).count(),
            second.record.pages_fetched,
            second.record.new_hits,
            started.elapsed().as_secs_f64()
        );
        println!("peak memory: {:.0} MiB", peak_mib().unwrap_or(f64::NAN));
    });
}
