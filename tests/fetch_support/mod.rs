//! Local HTTP servers on 127.0.0.1 for the fetcher tests: each answers by path through a closure
//! and logs every request it sees with its arrival time, so politeness is measured where it
//! matters, at the server.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Request, Response};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// How long the server waits before answering, and the answer.
pub type Reply = (Duration, Response<Body>);

type Handler = Arc<dyn Fn(&str, usize) -> Reply + Send + Sync>;

#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub at: Instant,
    pub headers: HeaderMap,
}

/// Requests in flight, counted across every server that shares it.
#[derive(Debug, Default)]
pub struct Gauge {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl Gauge {
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }
}

struct ServerState {
    handler: Handler,
    log: Mutex<Vec<Hit>>,
    gauge: Arc<Gauge>,
}

pub struct Server {
    pub addr: SocketAddr,
    state: Arc<ServerState>,
}

impl Server {
    /// Serves `handler(path, n)`, where `n` counts earlier requests for the same path.
    pub async fn start(handler: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_with_gauge(Arc::new(Gauge::default()), handler).await
    }

    pub async fn start_with_gauge(
        gauge: Arc<Gauge>,
        handler: impl Fn(&str, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let state = Arc::new(ServerState {
            handler: Arc::new(handler),
            log: Mutex::new(Vec::new()),
            gauge,
        });
        let app = axum::Router::new().fallback(handle).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server { addr, state }
    }

    pub fn url(&self, path: &str) -> Url {
        Url::parse(&format!("http://{}{path}", self.addr)).expect("test url")
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.state.log.lock().expect("log").clone()
    }

    pub fn hits_for(&self, path: &str) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.path == path).collect()
    }

    pub fn count(&self, path: &str) -> usize {
        self.hits_for(path).len()
    }
}

async fn handle(State(state): State<Arc<ServerState>>, req: Request<Body>) -> Response<Body> {
    let path = req.uri().path().to_string();
    let n = {
        let mut log = state.log.lock().expect("log");
        let n = log.iter().filter(|h| h.path == path).count();
        log.push(Hit {
            path: path.clone(),
            at: Instant::now(),
            headers: req.headers().clone(),
        });
        n
    };
    let now = state.gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
    state.gauge.max.fetch_max(now, Ordering::SeqCst);
    let (delay, resp) = (state.handler)(&path, n);
    tokio::time::sleep(delay).await;
    state.gauge.now.fetch_sub(1, Ordering::SeqCst);
    resp
}

pub fn respond(status: u16, content_type: &str, body: impl Into<Body>) -> Response<Body> {
    let mut b = Response::builder().status(status);
    if !content_type.is_empty() {
        b = b.header("content-type", content_type);
    }
    b.body(body.into()).expect("response")
}

/// An immediate answer.
pub fn now(resp: Response<Body>) -> Reply {
    (Duration::ZERO, resp)
}

pub fn html(body: &str) -> Reply {
    now(respond(200, "text/html; charset=utf-8", body.to_string()))
}

pub fn status(code: u16) -> Reply {
    now(respond(code, "text/plain", format!("status {code}")))
}

pub fn robots(body: &str) -> Reply {
    now(respond(200, "text/plain", body.to_string()))
}

pub fn redirect(code: u16, location: &str) -> Reply {
    let resp = Response::builder()
        .status(code)
        .header("location", location)
        .body(Body::empty())
        .expect("response");
    now(resp)
}

pub fn with_header(mut reply: Reply, name: &'static str, value: &str) -> Reply {
    reply.1.headers_mut().insert(name, value.parse().expect("header value"));
    reply
}

/// What a streamed body reports: bytes the server produced, and whether the stream was dropped
/// (the client went away) or ran to its end.
#[derive(Debug, Default)]
pub struct StreamProbe {
    pub produced: AtomicU64,
    pub dropped: AtomicBool,
    pub finished: AtomicBool,
}

struct DropFlag(Arc<StreamProbe>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.dropped.store(true, Ordering::SeqCst);
    }
}

/// A body of `total` bytes sent in 64 KiB chunks as the client reads them.
pub fn streamed_body(total: u64, probe: Arc<StreamProbe>) -> Body {
    const CHUNK: u64 = 64 * 1024;
    let guard = DropFlag(probe.clone());
    let chunks = total.div_ceil(CHUNK);
    let stream = futures_util::stream::iter(0..chunks).map(move |i| {
        let _keep = &guard; // dropped with the stream
        let len = CHUNK.min(total - i * CHUNK);
        guard.0.produced.fetch_add(len, Ordering::SeqCst);
        if i + 1 == chunks {
            guard.0.finished.store(true, Ordering::SeqCst);
        }
        Ok::<_, std::io::Error>(vec![b'a'; len as usize])
    });
    Body::from_stream(stream)
}

use futures_util::StreamExt as _;

/// A body that sends one byte every `every`, forever: a tar pit that does answer.
pub fn trickle_body(every: Duration) -> Body {
    let stream = futures_util::stream::unfold((), move |()| async move {
        tokio::time::sleep(every).await;
        Some((Ok::<_, std::io::Error>(vec![b'<']), ()))
    });
    Body::from_stream(stream)
}

/// A "tar pit": accepts connections and never answers. Returns its address and how many
/// connections it accepted.
pub async fn hanging_server() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(socket); // kept open, never read or written
        }
    });
    (addr, accepted)
}

/// Gaps between consecutive hits, in arrival order.
pub fn gaps(hits: &[Hit]) -> Vec<Duration> {
    hits.windows(2)
        .map(|w| w[1].at.saturating_duration_since(w[0].at))
        .collect()
}
