//! A small static web on 127.0.0.1: each host of a [`World`] is served on its own port, with
//! redirects, ETag/304, scripted misbehaviour and a log of every request. `pickup demo` and the
//! tests run on it.
//!
//! Hosts named like domains (`www.islandpost.com`) are also reachable by that name through the
//! web's HTTP proxy (`{{proxy}}` in the config, for `crawl.proxy`), which serves every host by the
//! name or `127.0.0.1:PORT` a request asks for: so a world can hold sites with real-looking
//! domains (for country-code domains and auto outlets) without any DNS.
//!
//! Two special files per host: `_redirects` (lines `FROM TO STATUS`) and `_script` (lines
//! `PATH STEP...`, each step a status code or `hang`: the first requests for PATH get those
//! answers in turn, later ones the file).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The files of a set of hosts, and the config template that points at them.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Host name → URL path (without leading slash) → file bytes.
    pub hosts: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    /// The config, with `{{host:NAME}}` where a host's address goes.
    pub config: String,
}

static EMBEDDED: include_dir::Dir = include_dir::include_dir!("$CARGO_MANIFEST_DIR/fixtures/world");

impl World {
    /// The demo world compiled into the binary (fixtures/world).
    pub fn embedded() -> World {
        let mut world = World::default();
        if let Some(f) = EMBEDDED.get_file("pickup.toml") {
            world.config = String::from_utf8_lossy(f.contents()).into_owned();
        }
        if let Some(hosts) = EMBEDDED.get_dir("hosts") {
            for host in hosts.dirs() {
                let name = host
                    .path()
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let mut files = BTreeMap::new();
                collect_embedded(host, host.path(), &mut files);
                world.hosts.insert(name, files);
            }
        }
        world
    }

    /// A world read from a folder laid out like fixtures/world (`pickup.toml`, `hosts/NAME/...`).
    pub fn from_dir(dir: &Path) -> std::io::Result<World> {
        let config = std::fs::read_to_string(dir.join("pickup.toml")).unwrap_or_default();
        let mut hosts = BTreeMap::new();
        for entry in std::fs::read_dir(dir.join("hosts"))? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                let mut files = BTreeMap::new();
                collect_dir(&entry.path(), &entry.path(), &mut files)?;
                hosts.insert(entry.file_name().to_string_lossy().into_owned(), files);
            }
        }
        Ok(World { hosts, config })
    }
}

fn collect_embedded(dir: &include_dir::Dir, root: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for f in dir.files() {
        if let Ok(rel) = f.path().strip_prefix(root) {
            out.insert(rel.to_string_lossy().replace('\\', "/"), f.contents().to_vec());
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, root, out);
    }
}

fn collect_dir(dir: &Path, root: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_dir(&path, root, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.insert(rel.to_string_lossy().replace('\\', "/"), std::fs::read(&path)?);
        }
    }
    Ok(())
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub host: String,
    /// Path and query, as requested.
    pub target: String,
    pub at: Instant,
    pub status: u16,
    pub user_agent: Option<String>,
}

struct HostState {
    name: String,
    files: BTreeMap<String, Vec<u8>>,
    /// Path → (status, Location).
    redirects: BTreeMap<String, (u16, String)>,
    /// Path → answers still to give before the file is served.
    script: Mutex<BTreeMap<String, std::collections::VecDeque<Step>>>,
    log: Arc<Mutex<Vec<Logged>>>,
}

/// One scripted answer.
#[derive(Debug, Clone, Copy)]
enum Step {
    Status(u16),
    /// Accept the request and never answer: a tar pit.
    Hang,
}

/// The running web. Servers stop when the runtime that started them ends.
pub struct LocalWeb {
    addrs: BTreeMap<String, SocketAddr>,
    /// The proxy that serves every host by name or address.
    proxy: SocketAddr,
    log: Arc<Mutex<Vec<Logged>>>,
}

/// The proxy's view: hosts by `127.0.0.1:PORT` and by name.
struct ProxyState {
    hosts: BTreeMap<String, Arc<HostState>>,
}

impl LocalWeb {
    /// Binds one port per host, fills in every `{{host:NAME}}`, and starts serving.
    pub async fn start(world: &World) -> std::io::Result<LocalWeb> {
        let mut listeners = Vec::new();
        let mut addrs = BTreeMap::new();
        for name in world.hosts.keys() {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            addrs.insert(name.clone(), l.local_addr()?);
            listeners.push((name.clone(), l));
        }
        let proxy_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let web = LocalWeb {
            addrs,
            proxy: proxy_listener.local_addr()?,
            log: Arc::new(Mutex::new(Vec::new())),
        };
        let mut proxied = BTreeMap::new();
        for (name, listener) in listeners {
            let mut files = BTreeMap::new();
            let mut redirects = BTreeMap::new();
            let mut script = BTreeMap::new();
            for (path, bytes) in &world.hosts[&name] {
                let bytes = match std::str::from_utf8(bytes) {
                    Ok(text) => web.expand(text).into_bytes(),
                    Err(_) => bytes.clone(),
                };
                if path == "_redirects" {
                    for line in String::from_utf8_lossy(&bytes).lines() {
                        let parts: Vec<&str> = line.split_whitespace().collect();
                        if let [from, to, status] = parts[..] {
                            redirects.insert(from.to_string(), (status.parse().unwrap_or(301), to.to_string()));
                        }
                    }
                } else if path == "_script" {
                    for line in String::from_utf8_lossy(&bytes).lines() {
                        let mut parts = line.split_whitespace();
                        if let Some(target) = parts.next() {
                            let steps = parts
                                .map(|p| p.parse().map(Step::Status).unwrap_or(Step::Hang))
                                .collect::<std::collections::VecDeque<_>>();
                            script.insert(target.to_string(), steps);
                        }
                    }
                } else {
                    files.insert(path.clone(), bytes);
                }
            }
            let state = Arc::new(HostState {
                name: name.clone(),
                files,
                redirects,
                script: Mutex::new(script),
                log: web.log.clone(),
            });
            proxied.insert(web.addrs[&name].to_string(), state.clone());
            proxied.insert(name.to_ascii_lowercase(), state.clone());
            let app = axum::Router::new().fallback(serve).with_state(state);
            tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
        }
        let app = axum::Router::new()
            .fallback(proxy)
            .with_state(Arc::new(ProxyState { hosts: proxied }));
        tokio::spawn(async move {
            let _ = axum::serve(proxy_listener, app).await;
        });
        Ok(web)
    }

    /// `http://127.0.0.1:PORT` of the proxy that serves every host by name.
    pub fn proxy(&self) -> String {
        format!("http://{}", self.proxy)
    }

    /// `http://127.0.0.1:PORT` of a host.
    pub fn base(&self, host: &str) -> String {
        self.addrs.get(host).map(|a| format!("http://{a}")).unwrap_or_default()
    }

    /// Replaces every `{{host:NAME}}` with that host's base URL.
    pub fn expand(&self, text: &str) -> String {
        expand_hosts(text, |name| self.addrs.get(name).map(|a| format!("http://{a}")))
            .replace("{{proxy}}", &self.proxy())
    }

    /// Every request served so far, in order.
    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Forgets the requests served so far.
    pub fn clear_log(&self) {
        if let Ok(mut l) = self.log.lock() {
            l.clear();
        }
    }
}

/// Replaces every `{{host:NAME}}` in `text` with `base(NAME)`, in one pass (a world of
/// thousands of hosts is expanded file by file); a name `base` does not know is left as it is.
pub fn expand_hosts(text: &str, base: impl Fn(&str) -> Option<String>) -> String {
    const OPEN: &str = "{{host:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len()..];
        match after.find("}}").and_then(|end| Some((base(&after[..end])?, end))) {
            Some((url, end)) => {
                out.push_str(&url);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn content_type(path: &str, bytes: &[u8]) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or("");
    if !name.contains('.') && bytes.first() == Some(&b'{') {
        // An API answer at an extension-less path (a search service's endpoint).
        return "application/json";
    }
    match path.rsplit('.').next().unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "xml" | "rdf" | "rss" => "application/xml",
        "atom" => "application/atom+xml",
        "json" => "application/feed+json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Finds the file for a URL path: itself, with `.html`, or its `index.html` / `index.xml`.
fn lookup<'a>(files: &'a BTreeMap<String, Vec<u8>>, path: &str) -> Option<(String, &'a Vec<u8>)> {
    let p = path.trim_start_matches('/');
    let dir = p.trim_end_matches('/');
    let sep = if dir.is_empty() { "" } else { "/" };
    [
        p.to_string(),
        format!("{p}.html"),
        format!("{dir}{sep}index.html"),
        format!("{dir}{sep}index.xml"),
    ]
    .into_iter()
    .find_map(|k| files.get(&k).map(|v| (k, v)))
}

async fn serve(State(host): State<Arc<HostState>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_else(|| path.clone());
    // Read the headers now: a borrow of the request must not live across the tar pit's await
    // (a body is Send but not Sync).
    let (if_none_match, user_agent) = {
        let header_of = |name| {
            req.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        (header_of(header::IF_NONE_MATCH), header_of(header::USER_AGENT))
    };
    if let Some(step) = next_step(&host, &path) {
        log(&host, &target, 0, user_agent);
        return match step {
            Step::Hang => std::future::pending::<Response>().await,
            Step::Status(code) => Response::builder()
                .status(code)
                .body(Body::from("scripted"))
                .unwrap_or_else(|_| Response::new(Body::empty())),
        };
    }
    let response = if let Some((status, to)) = host.redirects.get(&path) {
        Response::builder()
            .status(*status)
            .header(header::LOCATION, to.as_str())
            .body(Body::empty())
    } else if let Some((file, bytes)) = lookup(&host.files, &path) {
        let etag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(bytes));
        if if_none_match.as_deref() == Some(etag.as_str()) {
            Response::builder()
                .status(StatusCode::NOT_MODIFIED)
                .header(header::ETAG, etag)
                .body(Body::empty())
        } else {
            Response::builder()
                .header(header::CONTENT_TYPE, content_type(&file, bytes))
                .header(header::ETAG, etag)
                .body(Body::from(bytes.clone()))
        }
    } else {
        Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::from("not found"))
    };
    let response = response.unwrap_or_else(|_| Response::new(Body::empty()));
    log(&host, &target, response.status().as_u16(), user_agent);
    response
}

/// The proxy: a request in absolute form (`GET http://www.islandpost.com/x`) is served by the
/// host it names, by address or by name; an unknown host gets 502, as from a real proxy.
async fn proxy(State(proxy): State<Arc<ProxyState>>, req: Request) -> Response {
    let authority = req
        .uri()
        .authority()
        .map(|a| a.as_str().to_string())
        .or_else(|| {
            req.headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_default()
        .to_ascii_lowercase();
    let by_name = authority.strip_suffix(":80").unwrap_or(&authority);
    match proxy.hosts.get(&authority).or_else(|| proxy.hosts.get(by_name)) {
        Some(host) => serve(State(host.clone()), req).await,
        None => Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .body(Body::from("no such host in the local web"))
            .unwrap_or_else(|_| Response::new(Body::empty())),
    }
}

/// The scripted answer still due for a path, if any.
fn next_step(host: &HostState, path: &str) -> Option<Step> {
    let mut script = host.script.lock().ok()?;
    script.get_mut(path)?.pop_front()
}

/// Notes a request; a scripted answer is logged with status 0 (its code is in the script).
fn log(host: &HostState, target: &str, status: u16, user_agent: Option<String>) {
    if let Ok(mut log) = host.log.lock() {
        log.push(Logged {
            host: host.name.clone(),
            target: target.to_string(),
            at: Instant::now(),
            status,
            user_agent,
        });
    }
}
