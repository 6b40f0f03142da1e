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

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// The path of the live-reload counter.
pub const VERSION_PATH: &str = "/__campaignc/version";

/// The page served at `/`, relative to the served directory.
const HOME_PAGE: &str = "previews/index.html";

/// The longest request head read; anything longer is refused.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

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
        .spawn(move || accept_loop(&listener, &site, &thread_stop))?;
    Ok(Server {
        addr,
        stop,
        thread: Some(thread),
    })
}

fn accept_loop(listener: &TcpListener, site: &Site, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        // A failed accept or a client that goes away is that client's
        // problem, not the server's.
        if let Ok(stream) = stream {
            let _ = handle_connection(stream, site);
        }
    }
}

/// Where `--serve` binds, and whether the user should be warned that
/// the address is reachable from other machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeAddr {
    pub addr: SocketAddr,
    pub loopback: bool,
}

/// Reads `--serve`'s value: `PORT`, `IP:PORT` or `localhost:PORT`.
/// Loopback addresses are the normal case; a non-loopback address is
/// accepted only when written as an IP address (an explicit choice), and
/// the caller warns. A host name other than `localhost` is refused: it
/// could resolve to an address reachable from the network by accident.
pub fn parse_serve_addr(text: &str) -> Result<ServeAddr, String> {
    let text = text.trim();
    if let Ok(port) = text.parse::<u16>() {
        let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        return Ok(ServeAddr {
            addr,
            loopback: true,
        });
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(ServeAddr {
            addr,
            loopback: addr.ip().is_loopback(),
        });
    }
    if let Some(port) = text.strip_prefix("localhost:") {
        let addrs: Vec<SocketAddr> = (
            "localhost",
            port.parse::<u16>().map_err(|_| bad_addr(text))?,
        )
            .to_socket_addrs()
            .map_err(|_| bad_addr(text))?
            .filter(|a| a.ip().is_loopback())
            .collect();
        // Prefer IPv4: it is what `127.0.0.1` users and most browsers try.
        let addr = addrs
            .iter()
            .find(|a| a.is_ipv4())
            .or(addrs.first())
            .copied()
            .ok_or_else(|| bad_addr(text))?;
        return Ok(ServeAddr {
            addr,
            loopback: true,
        });
    }
    Err(bad_addr(text))
}

fn bad_addr(text: &str) -> String {
    format!(
        "`{text}` is not an address to serve on; write `127.0.0.1:PORT`, `localhost:PORT` or \
         just `PORT` (a non-loopback address must be written as an IP address)"
    )
}

/// One request, one response, then the connection closes.
fn handle_connection(mut stream: TcpStream, site: &Site) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    let response = match read_request_head(&stream) {
        Ok(Some(head)) => respond(&head, site),
        Ok(None) => return Ok(()),
        Err(_) => Response::text(400, "Bad Request", "bad request\n"),
    };
    response.write_to(&mut stream)
}

/// The request line of a request, once its head has been read whole.
#[derive(Debug)]
struct RequestHead {
    method: String,
    target: String,
}

/// Reads up to the blank line that ends the head. `None` for a client
/// that connected and sent nothing (like the shutdown wake-up).
fn read_request_head(stream: &TcpStream) -> io::Result<Option<RequestHead>> {
    let mut reader = BufReader::new(stream).take(MAX_HEAD_BYTES as u64);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(None);
    }
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line)?;
        if n == 0 && !line.ends_with('\n') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too long or cut short",
            ));
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some(version)) if version.starts_with("HTTP/1.") => {
            Ok(Some(RequestHead {
                method: method.to_string(),
                target: target.to_string(),
            }))
        }
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        )),
    }
}

/// A response about to be written.
#[derive(Debug)]
struct Response {
    status: u16,
    reason: &'static str,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// `HEAD`: headers (with the real length) but no body.
    head_only: bool,
}

impl Response {
    fn new(status: u16, reason: &'static str, content_type: &'static str, body: Vec<u8>) -> Self {
        Response {
            status,
            reason,
            content_type,
            headers: Vec::new(),
            body,
            head_only: false,
        }
    }

    fn text(status: u16, reason: &'static str, body: &str) -> Self {
        Response::new(
            status,
            reason,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    fn write_to(&self, stream: &mut impl Write) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status,
            self.reason,
            self.content_type,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        if !self.head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()
    }
}

fn respond(head: &RequestHead, site: &Site) -> Response {
    let head_only = match head.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => {
            let mut r = Response::text(405, "Method Not Allowed", "only GET and HEAD\n");
            r.headers.push(("Allow", "GET, HEAD".to_string()));
            return r;
        }
    };
    let mut response = route(&head.target, site);
    response.head_only = head_only;
    response
}

fn route(target: &str, site: &Site) -> Response {
    // The query and fragment do not name a file.
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == VERSION_PATH {
        return Response::text(200, "OK", &site.version().to_string());
    }
    let Some(decoded) = percent_decode(path) else {
        return Response::text(400, "Bad Request", "bad request: malformed path\n");
    };
    let Some(relative) = safe_relative_path(&decoded) else {
        return Response::text(
            403,
            "Forbidden",
            "forbidden: the path leaves the served directory\n",
        );
    };
    if relative.as_os_str().is_empty() {
        return serve_home(site);
    }
    let file = site.root.join(&relative);
    if file.is_dir() {
        if !decoded.ends_with('/') {
            // Relative links inside the directory's index need the slash.
            let mut r = Response::text(301, "Moved Permanently", "moved\n");
            r.headers.push(("Location", format!("{path}/")));
            return r;
        }
        return serve_file(site, &file.join("index.html"), None);
    }
    serve_file(site, &file, None)
}

/// `/` is `previews/index.html`; a `<base>` makes its relative links
/// (`onboarding.md`, `../coverage.md`) resolve as they do at its real place.
fn serve_home(site: &Site) -> Response {
    serve_file(site, &site.root.join(HOME_PAGE), Some("/previews/"))
}

fn serve_file(site: &Site, file: &Path, base: Option<&str>) -> Response {
    if !stays_inside(&site.root, file) {
        return not_found(site);
    }
    let Ok(bytes) = std::fs::read(file) else {
        return not_found(site);
    };
    let content_type = content_type(file);
    if content_type.starts_with("text/html") {
        let page = String::from_utf8_lossy(&bytes);
        let page = inject_live_reload(&page, site.version(), base);
        return Response::new(200, "OK", content_type, page.into_bytes());
    }
    Response::new(200, "OK", content_type, bytes)
}

/// Symbolic links could lead out of the served directory even when the
/// path has no `..`: compare where the file really is.
fn stays_inside(root: &Path, file: &Path) -> bool {
    match (root.canonicalize(), file.canonicalize()) {
        (Ok(root), Ok(file)) => file.starts_with(root),
        _ => false,
    }
}

/// The 404 page reloads itself too: a page missing because the first
/// build failed appears once a rebuild succeeds.
fn not_found(site: &Site) -> Response {
    let page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Not found</title></head>\n<body><h1>Not found</h1>\
<p>No such file in the build output. <a href=\"/\">Back to the previews</a></p>\
</body></html>\n";
    Response::new(
        404,
        "Not Found",
        "text/html; charset=utf-8",
        inject_live_reload(page, site.version(), None).into_bytes(),
    )
}

/// The content type for a file name's extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        // Markdown is shown as text: browsers do not render it.
        Some("md" | "txt") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` for a malformed escape or bytes that are
/// not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The request path as a path relative to the served directory, or `None`
/// when it tries to leave it (`..`, a drive or root inside, a backslash, a
/// NUL). Empty segments and `.` are skipped.
fn safe_relative_path(decoded: &str) -> Option<PathBuf> {
    let rest = decoded.strip_prefix('/')?;
    let mut relative = PathBuf::new();
    for segment in rest.split('/') {
        if segment.is_empty() || segment == "." {
            continue;
        }
        if segment == ".." || segment.contains(['\\', '\0', ':']) {
            return None;
        }
        // Belt and braces: a segment must be one plain path component.
        let mut components = Path::new(segment).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(_)), None) => relative.push(segment),
            _ => return None,
        }
    }
    Some(relative)
}

/// Adds the live-reload script (and, for the home page, a `<base>`) to an
/// HTML page. The page remembers the version it was served at, so a
/// rebuild that lands before its first poll still reloads it.
pub fn inject_live_reload(page: &str, version: u64, base: Option<&str>) -> String {
    let script = format!(
        "<script>/* campaignc watch: live reload */(function(){{var v=\"{version}\";\
function poll(){{fetch(\"{VERSION_PATH}\",{{cache:\"no-store\"}})\
.then(function(r){{return r.text();}})\
.then(function(t){{if(t!==v){{location.reload();}}else{{setTimeout(poll,1000);}}}})\
.catch(function(){{setTimeout(poll,1000);}});}}\
setTimeout(poll,1000);}})();</script>\n"
    );
    let mut page = page.to_string();
    if let Some(base) = base {
        let tag = format!("<base href=\"{base}\">");
        match find_ascii_case_insensitive(&page, "<head>") {
            Some(at) => page.insert_str(at + "<head>".len(), &format!("\n{tag}")),
            None => page.insert_str(0, &format!("{tag}\n")),
        }
    }
    match rfind_ascii_case_insensitive(&page, "</body>") {
        Some(at) => page.insert_str(at, &script),
        None => page.push_str(&script),
    }
    page
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().find(needle)
}

fn rfind_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().rfind(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_odd_segments_are_refused() {
        assert_eq!(safe_relative_path("/"), Some(PathBuf::new()));
        assert_eq!(
            safe_relative_path("/previews//./a.md"),
            Some(PathBuf::from("previews/a.md"))
        );
        for bad in [
            "/../x",
            "/a/../../x",
            "/a\\..\\x",
            "/c:/x",
            "/a\0b",
            "relative",
        ] {
            assert_eq!(safe_relative_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn percent_escapes_decode_before_the_traversal_check() {
        let decoded = percent_decode("/%2e%2e/secret").expect("decodes");
        assert_eq!(decoded, "/../secret");
        assert_eq!(safe_relative_path(&decoded), None);
        assert_eq!(percent_decode("/a%2"), None);
        assert_eq!(percent_decode("/a%zz"), None);
        assert_eq!(percent_decode("/%C3%A1").as_deref(), Some("/á"));
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(
            content_type(Path::new("a.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a.md")), "text/plain; charset=utf-8");
        assert_eq!(content_type(Path::new("a.json")), "application/json");
        assert_eq!(content_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert_eq!(
            content_type(Path::new("a.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a.png")), "image/png");
        assert_eq!(content_type(Path::new("a")), "application/octet-stream");
    }

    #[test]
    fn the_script_goes_before_the_last_body_end_and_the_base_after_head() {
        let page = inject_live_reload("<html><HEAD></HEAD><body>x</BODY></html>", 7, Some("/p/"));
        let base = page.find("<base href=\"/p/\">").expect("base");
        let script = page.find("<script>").expect("script");
        assert!(page.find("<HEAD>").expect("head") < base);
        assert!(script < page.find("</BODY>").expect("body end"));
        assert!(page.contains("var v=\"7\""));
        assert!(page.contains(VERSION_PATH));
        let bare = inject_live_reload("text", 0, None);
        assert!(bare.starts_with("text<script>"));
    }

    #[test]
    fn serve_addresses() {
        let local = parse_serve_addr("127.0.0.1:8000").expect("ok");
        assert!(local.loopback);
        assert_eq!(local.addr.port(), 8000);
        assert_eq!(
            parse_serve_addr("8001").expect("port").addr,
            "127.0.0.1:8001".parse().expect("addr")
        );
        assert!(parse_serve_addr("[::1]:8000").expect("v6").loopback);
        assert!(!parse_serve_addr("0.0.0.0:8000").expect("explicit").loopback);
        assert!(parse_serve_addr("example.com:80").is_err());
        assert!(parse_serve_addr("127.0.0.1").is_err());
        assert!(parse_serve_addr("localhost:x").is_err());
    }
}
