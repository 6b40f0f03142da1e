//! The preview server of `campaignc watch --serve`: the build's output
//! directory over HTTP/1.1, with pushed reloads, the build status and
//! pages rendered on demand.
//!
//! The HTTP side is `hyper` on a small `tokio` runtime of its own thread:
//! every connection is a task, so idle keep-alive sockets (browsers open
//! them ahead of time) and clients that send a byte now and then never
//! hold up anyone else. Requests are answered on the runtime's blocking
//! pool (reading files, rendering pages). It answers `GET` and `HEAD`;
//! serves `previews/index.html` at `/`; refuses any path that would leave
//! the output directory; and injects into every HTML page a script that
//! listens to [`EVENTS_PATH`] (Server-Sent Events: the [`Status`] of the
//! last build, pushed when it changes) to reload the page after a good
//! build and to lay the diagnostics of a failed one over it.
//!
//! The server knows nothing of campaigns: it serves a directory, a
//! [`Status`] the watch loop sets, and whatever pages the [`Pages`] handed
//! to [`Site::set_pages`] renders (the review tools, from the layers
//! above).
//!
//! Only this machine's browser may read the pages: a request whose `Host`
//! is not the address the server is bound to (a DNS rebinding attack from
//! some web page) is refused with 421, redirects never leave the server,
//! and every response carries [`CONTENT_SECURITY_POLICY`].

mod addr;
mod events;
mod http;
mod live_reload;
mod routes;

use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};

pub use addr::{parse_serve_addr, ServeAddr};
pub use live_reload::{inject_live_reload, SCRIPT as LIVE_RELOAD_SCRIPT};
pub use routes::{content_type, query_param};

/// The path of the successful-build counter (plain text).
pub const VERSION_PATH: &str = "/__campaignc/version";

/// The path of the live-reload script every HTML page loads.
pub const SCRIPT_PATH: &str = "/__campaignc/live-reload.js";

/// The Server-Sent Events stream: one `data:` message with the [`Status`]
/// as JSON on connecting and after every build.
pub const EVENTS_PATH: &str = "/__campaignc/events";

/// The Content-Security-Policy sent with every response, the tightest the
/// pages work with: scripts only from this server (the live-reload file,
/// the pages' own script and the vendored Mermaid: no inline script, no
/// `eval`), connections only to this server (the event stream), inline
/// styles (the previews and the emails are styled inline, as emails must
/// be; Mermaid styles its drawings), images from this server, `data:` and
/// `https:` (an email's images), frames only from this server (the emails
/// embedded in a campaign page), nothing else loaded, no plugins, no forms,
/// framed only by this server's own pages, and `<base>` only to this server.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data: https:; \
frame-src 'self'; base-uri 'self'; form-action 'none'; frame-ancestors 'self'";

/// The state of the last build, as the pages show it.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    /// Successful builds so far: a page reloads when it was served at
    /// another version.
    pub version: u64,
    /// Whether the last build succeeded (or none has run yet).
    pub ok: bool,
    /// One line for the index page: `built 7 plans at 10:32:05`,
    /// `3 errors at 10:32:05`. Empty before the first build.
    pub summary: String,
    /// When the last build failed: its diagnostics, as the JSON document
    /// of `check --format json`, each with an `excerpt` of its source
    /// lines; `null` otherwise. The overlay is drawn from it.
    pub diagnostics: serde_json::Value,
}

impl Default for Status {
    fn default() -> Status {
        Status {
            version: 0,
            ok: true,
            summary: String::new(),
            diagnostics: serde_json::Value::Null,
        }
    }
}

impl Status {
    /// The event stream's message: the status as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "version": self.version,
            "ok": self.ok,
            "summary": self.summary,
            "diagnostics": self.diagnostics,
        })
        .to_string()
    }
}

/// Pages the server renders on request rather than reads from disk (the
/// review tools). Implemented above this layer and handed to
/// [`Site::set_pages`].
pub trait Pages: Send + Sync {
    /// The HTML page for the request `path` (percent-decoded, starting
    /// with `/`) and its raw `query` (without `?`, possibly empty), or
    /// `None` to serve the file at `path` as usual.
    fn page(&self, path: &str, query: &str) -> Option<String>;
}

/// What the server serves: a directory, the build status and the pages
/// rendered on demand. Shared between the server and the watch loop.
pub struct Site {
    root: PathBuf,
    status: tokio::sync::watch::Sender<Status>,
    pages: RwLock<Option<Arc<dyn Pages>>>,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site")
            .field("root", &self.root)
            .field("status", &*self.status.borrow())
            .finish_non_exhaustive()
    }
}

impl Site {
    /// A site serving `root` (usually the build's `--out`), version 0.
    pub fn new(root: impl Into<PathBuf>) -> Site {
        Site {
            root: root.into(),
            status: tokio::sync::watch::Sender::new(Status::default()),
            pages: RwLock::new(None),
        }
    }

    /// The directory served.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The successful-build counter.
    pub fn version(&self) -> u64 {
        self.status.borrow().version
    }

    /// The status every page is told about.
    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// A successful build: the counter goes up and every open page
    /// reloads (and drops its error overlay).
    pub fn built(&self, summary: String) -> u64 {
        let mut version = 0;
        self.status.send_modify(|s| {
            s.version += 1;
            s.ok = true;
            s.summary = summary;
            s.diagnostics = serde_json::Value::Null;
            version = s.version;
        });
        version
    }

    /// [`Site::built`] without a summary.
    pub fn bump_version(&self) -> u64 {
        self.built(String::new())
    }

    /// A failed build: every open page shows `diagnostics` over the last
    /// good output until a build succeeds.
    pub fn failed(&self, summary: String, diagnostics: serde_json::Value) {
        self.status.send_modify(|s| {
            s.ok = false;
            s.summary = summary;
            s.diagnostics = diagnostics;
        });
    }

    /// Sets what renders pages on demand.
    pub fn set_pages(&self, pages: Arc<dyn Pages>) {
        if let Ok(mut slot) = self.pages.write() {
            *slot = Some(pages);
        }
    }

    fn pages(&self) -> Option<Arc<dyn Pages>> {
        self.pages.read().ok().and_then(|p| p.clone())
    }

    fn subscribe(&self) -> tokio::sync::watch::Receiver<Status> {
        self.status.subscribe()
    }
}

/// A running server; [`Server::shutdown`] (or dropping it) stops it.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// The address the server listens on (with the real port when it was
    /// bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes every connection and waits for the server
    /// thread to end.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// How long a client may take to send a request's head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `site` on an already bound listener, from a thread of its own.
/// Tests bind `127.0.0.1:0` and read the port from [`Server::addr`].
pub fn start(listener: TcpListener, site: Arc<Site>) -> io::Result<Server> {
    let addr = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("campaignc-serve")
        .enable_all()
        .build()?;
    let listener = {
        let _entered = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("campaignc-serve".into())
        .spawn(move || {
            runtime.block_on(accept_loop(listener, addr, site, stopped));
            // Open event streams never end by themselves.
            runtime.shutdown_timeout(Duration::from_millis(200));
        })?;
    Ok(Server {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    site: Arc<Site>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // Out of file descriptors, say: try again shortly
                        // rather than spin.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let site = Arc::clone(&site);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let site = Arc::clone(&site);
                        async move { Ok::<_, Infallible>(http::answer(request, addr, site).await) }
                    });
                    // A client that goes away is that client's problem.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEAD_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}
