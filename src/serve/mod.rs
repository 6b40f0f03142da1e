//! A tiny static file server for `campaignc watch --serve`: the build's
//! output directory over HTTP/1.1, with live reload.
//!
//! Deliberately small and std-only: one thread accepts connections and
//! answers each in turn (`Connection: close`, one request per connection),
//! which is plenty for one person looking at previews on their own
//! machine. It answers `GET` and `HEAD`; serves `previews/index.html` at
//! `/`; refuses any path that would leave the output directory; and
//! injects into every HTML page a script that polls
//! `/__campaignc/version` (a counter `watch` bumps after each successful
//! rebuild) and reloads the page when it changes.
//!
//! Only this machine's browser may read the pages: a request whose `Host`
//! is not the address the server is bound to (a DNS rebinding attack from
//! some web page) is refused with 421, redirects never leave the server,
//! and every response carries [`CONTENT_SECURITY_POLICY`].

mod addr;
mod http;
mod live_reload;
mod routes;

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use http::{read_request_head, Response};
use routes::respond;

pub use addr::{parse_serve_addr, ServeAddr};
pub use live_reload::{inject_live_reload, SCRIPT as LIVE_RELOAD_SCRIPT};
pub use routes::content_type;

/// The path of the live-reload counter.
pub const VERSION_PATH: &str = "/__campaignc/version";

/// The path of the live-reload script every HTML page loads.
pub const SCRIPT_PATH: &str = "/__campaignc/live-reload.js";

/// The Content-Security-Policy sent with every response, the tightest the
/// pages work with: scripts only from this server (the live-reload file:
/// no inline script, no `eval`), `fetch` only to this server (the version
/// endpoint), inline styles (the previews and the emails are styled
/// inline, as emails must be), images from this server, `data:` and
/// `https:` (an email's images), nothing else loaded, no plugins, no
/// forms, not framed, and `<base>` only to this server.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data: https:; \
base-uri 'self'; form-action 'none'; frame-ancestors 'none'";

/// What the server serves: a directory and the live-reload counter.
/// Shared between the server thread and the watcher loop.
#[derive(Debug)]
pub struct Site {
    root: PathBuf,
    version: AtomicU64,
}

impl Site {
    /// A site serving `root` (usually the build's `--out`), version 0.
    pub fn new(root: impl Into<PathBuf>) -> Site {
        Site {
            root: root.into(),
            version: AtomicU64::new(0),
        }
    }

    /// The directory served.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The live-reload counter.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// Bumps the counter: every open page reloads within a second.
    pub fn bump_version(&self) -> u64 {
        self.version.fetch_add(1, Ordering::SeqCst) + 1
    }
}

/// A running server; [`Server::shutdown`] stops it.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// The address the server listens on (with the real port when it was
    /// bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and waits for the server thread to end.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept with a connection of our own.
        let _ = TcpStream::connect_timeout(&wake_addr(self.addr), Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop_and_join();
        }
    }
}

/// An unspecified address (0.0.0.0) cannot be connected to; its loopback
/// can.
fn wake_addr(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

/// Serves `site` on an already bound listener, on one background thread.
/// Tests bind `127.0.0.1:0` and read the port from [`Server::addr`].
pub fn start(listener: TcpListener, site: Arc<Site>) -> io::Result<Server> {
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("campaignc-serve".into())
        .spawn(move || accept_loop(&listener, addr, &site, &thread_stop))?;
    Ok(Server {
        addr,
        stop,
        thread: Some(thread),
    })
}

fn accept_loop(listener: &TcpListener, addr: SocketAddr, site: &Site, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        // A failed accept or a client that goes away is that client's
        // problem, not the server's.
        if let Ok(stream) = stream {
            let _ = handle_connection(stream, addr, site);
        }
    }
}

/// How long a client may take to send its request or read the answer.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// One request, one response, then the connection closes.
fn handle_connection(mut stream: TcpStream, addr: SocketAddr, site: &Site) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    let response = match read_request_head(&stream) {
        Ok(Some(head)) => respond(&head, addr, site),
        Ok(None) => return Ok(()),
        Err(_) => Response::text(400, "Bad Request", "bad request\n"),
    };
    response.write_to(&mut stream)
}
