//! The preview server on a loopback listener with a free port: the home
//! page, content types, HEAD, 404, traversal, the version endpoint, the
//! event stream, pages rendered on demand, and many clients at once.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use campaignc::serve::{
    self, Pages, Site, CONTENT_SECURITY_POLICY, EVENTS_PATH, LIVE_RELOAD_SCRIPT, SCRIPT_PATH,
    VERSION_PATH,
};

use super::{text, PATIENCE};

/// One response: status code, headers (lower-case names) and body.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn body_text(&self) -> String {
        text(&self.body)
    }
}

/// Sends one raw request and reads the whole response (it asks the server
/// to close the connection after it).
fn request(addr: SocketAddr, method: &str, target: &str) -> Reply {
    request_for_host(addr, method, target, Some(&addr.to_string()))
}

/// Sends one raw request with the given `Host` header (none for `None`).
fn request_for_host(addr: SocketAddr, method: &str, target: &str, host: Option<&str>) -> Reply {
    let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).expect("connects");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let host = host.map_or_else(String::new, |h| format!("Host: {h}\r\n"));
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\n{host}User-Agent: test\r\nConnection: close\r\n\r\n"
    )
    .expect("sends");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("reads the response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a blank line ends the head");
    let head = text(&raw[..split]);
    let body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
    let status = status_line[9..12].parse().expect("status code");
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').expect("header");
            (n.trim().to_ascii_lowercase(), v.trim().to_string())
        })
        .collect();
    Reply {
        status,
        headers,
        body,
    }
}

pub(super) fn get(addr: SocketAddr, target: &str) -> Reply {
    request(addr, "GET", target)
}

/// An output directory like `build` writes, next to a secret file that
/// must never be served.
fn site_fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let write = |path: &str, bytes: &[u8]| {
        let path = out.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    };
    write(
        "previews/index.html",
        b"<!DOCTYPE html><html><head><title>i</title></head><body><a href=\"a.md\">home page</a></body></html>",
    );
    write("previews/a.md", b"# Campaign `a`\n");
    write(
        "previews/a/welcome.en.html",
        b"<html><body>hello</body></html>",
    );
    write("plans/a.json", b"{\"format\":\"campaignc.plan/v1\"}");
    write("style.css", b"body{}");
    write("app.js", b"1;");
    write("logo.png", b"\x89PNG\r\n");
    std::fs::write(tmp.path().join("secret.txt"), b"TOP SECRET").expect("write");
    (tmp, out)
}

fn start_server(root: &Path) -> (serve::Server, Arc<Site>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds a free loopback port");
    let site = Arc::new(Site::new(root));
    let server = serve::start(listener, Arc::clone(&site)).expect("starts");
    (server, site)
}

#[test]
fn the_home_page_is_the_previews_index_with_live_reload() {
    let (_tmp, out) = site_fixture();
    let (server, _site) = start_server(&out);
    let home = get(server.addr(), "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let body = home.body_text();
    assert!(body.contains("home page"), "{body}");
    assert!(body.contains("<base href=\"/previews/\">"), "{body}");
    assert!(body.contains(SCRIPT_PATH), "live reload is loaded");
    assert!(
        body.find("<script src=").expect("script") < body.find("</body>").expect("end"),
        "{body}"
    );
    assert!(!body.contains("<script>"), "no inline script: {body}");
    let script = get(server.addr(), SCRIPT_PATH);
    assert_eq!(script.status, 200);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(script.body_text(), LIVE_RELOAD_SCRIPT);
    assert!(
        LIVE_RELOAD_SCRIPT.contains(EVENTS_PATH),
        "it listens to the event stream"
    );
    assert_eq!(
        home.header("content-length"),
        Some(home.body.len().to_string().as_str())
    );
    // Its real place serves the same page, without the base.
    let index = get(server.addr(), "/previews/");
    assert_eq!(index.status, 200);
    assert!(index.body_text().contains("home page"));
    assert!(!index.body_text().contains("<base"));
    server.shutdown();
}

#[test]
fn files_are_served_with_their_content_types() {
    let (_tmp, out) = site_fixture();
    let (server, _site) = start_server(&out);
    let addr = server.addr();
    let md = get(addr, "/previews/a.md");
    assert_eq!(md.status, 200);
    assert_eq!(md.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(md.body, b"# Campaign `a`\n", "Markdown is served as is");
    for (path, kind) in [
        ("/plans/a.json", "application/json"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/logo.png", "image/png"),
        (
            "/previews/a/welcome.en.html?x=1",
            "text/html; charset=utf-8",
        ),
    ] {
        let reply = get(addr, path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(kind), "{path}");
    }
    let email = get(addr, "/previews/a/welcome.en.html").body_text();
    assert!(
        email.contains("hello") && email.contains(SCRIPT_PATH),
        "{email}"
    );

    let head = request(addr, "HEAD", "/previews/a.md");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("15"));
    assert!(head.body.is_empty(), "HEAD has no body");

    let post = request(addr, "POST", "/previews/a.md");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));

    let dir = get(addr, "/previews");
    assert_eq!(dir.status, 301);
    assert_eq!(dir.header("location"), Some("/previews/"));
    server.shutdown();
}

#[test]
fn a_missing_file_is_a_404_page() {
    let (_tmp, out) = site_fixture();
    let (server, _site) = start_server(&out);
    let missing = get(server.addr(), "/previews/nope.md");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(missing.body_text().contains("Not found"));
    // A directory without an index is missing too.
    assert_eq!(get(server.addr(), "/plans/").status, 404);
    server.shutdown();
}

#[test]
fn paths_that_leave_the_output_directory_are_refused() {
    let (_tmp, out) = site_fixture();
    let (server, _site) = start_server(&out);
    for target in [
        "/../secret.txt",
        "/previews/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/previews/..%2f..%2fsecret.txt",
        "/previews/%2E%2E/%2E%2E/secret.txt",
        "/..\\secret.txt",
    ] {
        let reply = get(server.addr(), target);
        assert!(
            reply.status == 403 || reply.status == 404,
            "{target}: {}",
            reply.status
        );
        assert!(!reply.body_text().contains("TOP SECRET"), "{target}");
    }
    assert_eq!(get(server.addr(), "/../secret.txt").status, 403);
    server.shutdown();
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_output_directory_is_not_followed() {
    let (tmp, out) = site_fixture();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("link.txt"))
        .expect("symlink");
    let (server, _site) = start_server(&out);
    let reply = get(server.addr(), "/link.txt");
    assert_eq!(reply.status, 404);
    assert!(!reply.body_text().contains("TOP SECRET"));
    server.shutdown();
}

#[test]
fn the_version_endpoint_counts_successful_rebuilds() {
    let (_tmp, out) = site_fixture();
    let (server, site) = start_server(&out);
    let version = get(server.addr(), VERSION_PATH);
    assert_eq!(version.status, 200);
    assert_eq!(version.header("cache-control"), Some("no-store"));
    assert_eq!(version.body_text(), "0");
    site.bump_version();
    site.bump_version();
    assert_eq!(get(server.addr(), VERSION_PATH).body_text(), "2");
    // Pages carry the version they were served at.
    assert!(get(server.addr(), "/")
        .body_text()
        .contains("data-version=\"2\""));
    server.shutdown();
}

#[test]
fn a_request_for_another_host_name_is_refused() {
    let (_tmp, out) = site_fixture();
    let (server, _site) = start_server(&out);
    let addr = server.addr();
    let port = addr.port();
    // DNS rebinding: a page on attacker.example whose name now resolves to
    // 127.0.0.1 sends its own name as the Host.
    for host in [
        Some("attacker.example".to_string()),
        Some(format!("attacker.example:{port}")),
        Some(format!("localhost.attacker.example:{port}")),
        Some(format!("127.0.0.1:{}", port.wrapping_add(1))),
        None,
    ] {
        for target in ["/", "/previews/a.md", VERSION_PATH] {
            let reply = request_for_host(addr, "GET", target, host.as_deref());
            assert_eq!(reply.status, 421, "{host:?} {target}");
            assert!(!reply.body_text().contains("home page"), "{host:?}");
            assert!(!reply.body_text().contains("Campaign"), "{host:?}");
        }
    }
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let reply = request_for_host(addr, "GET", "/", Some(&host));
        assert_eq!(reply.status, 200, "{host}");
    }
    server.shutdown();
}

#[test]
fn redirects_never_leave_the_server() {
    let (_tmp, out) = site_fixture();
    let (server, _site) = start_server(&out);
    for (target, location) in [
        ("/previews", "/previews/"),
        ("//previews", "/previews/"),
        ("///previews", "/previews/"),
        ("//previews?x=1", "/previews/"),
    ] {
        let reply = get(server.addr(), target);
        assert_eq!(reply.status, 301, "{target}");
        assert_eq!(reply.header("location"), Some(location), "{target}");
    }
    server.shutdown();
}

#[test]
fn every_response_has_the_content_security_policy() {
    let (_tmp, out) = site_fixture();
    let (server, _site) = start_server(&out);
    let addr = server.addr();
    let replies = [
        get(addr, "/"),
        get(addr, "/previews/a/welcome.en.html"),
        get(addr, "/previews/a.md"),
        get(addr, "/previews"),
        get(addr, "/nope"),
        get(addr, "/../secret.txt"),
        get(addr, VERSION_PATH),
        get(addr, SCRIPT_PATH),
        request(addr, "POST", "/"),
        request_for_host(addr, "GET", "/", Some("attacker.example")),
    ];
    for reply in &replies {
        assert_eq!(
            reply.header("content-security-policy"),
            Some(CONTENT_SECURITY_POLICY),
            "status {}",
            reply.status
        );
    }
    // No inline script may run; the live-reload file and its poll may.
    assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
    assert!(!CONTENT_SECURITY_POLICY.contains("script-src 'self' 'unsafe-inline'"));
    assert!(CONTENT_SECURITY_POLICY.contains("connect-src 'self'"));
    assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors 'self'"));
    assert!(CONTENT_SECURITY_POLICY.contains("frame-src 'self'"));
    server.shutdown();
}

#[test]
fn the_documented_content_security_policy_is_the_one_sent() {
    let cli = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md"),
    )
    .expect("docs/cli.md");
    assert!(
        cli.contains(&format!("```text\n{CONTENT_SECURITY_POLICY}\n```")),
        "docs/cli.md shows the policy"
    );
}

/// Issue 12's check: with 50 idle connections and one client sending its
/// request a byte at a time open, 100 ordinary requests all succeed, each
/// within 200 ms. (The time limit is the issue's own: before the server
/// ran a task per connection, one idle socket delayed every request by
/// 5 s. 200 ms is generous for a loopback request on a loaded machine.)
#[test]
fn idle_and_slow_clients_do_not_hold_up_others() {
    let (_tmp, out) = site_fixture();
    let (server, _site) = start_server(&out);
    let addr = server.addr();
    let idle: Vec<TcpStream> = (0..50)
        .map(|_| TcpStream::connect_timeout(&addr, PATIENCE).expect("connects"))
        .collect();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let drip = {
        let stop = Arc::clone(&stop);
        let mut slow = TcpStream::connect_timeout(&addr, PATIENCE).expect("connects");
        std::thread::spawn(move || {
            let request = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ");
            for byte in request.bytes().chain(std::iter::repeat(b'a')) {
                if stop.load(std::sync::atomic::Ordering::SeqCst)
                    || slow.write_all(&[byte]).is_err()
                {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
        })
    };
    let mut slowest = std::time::Duration::ZERO;
    for i in 0..100 {
        let started = std::time::Instant::now();
        let target = if i % 2 == 0 { "/" } else { "/previews/a.md" };
        let reply = get(addr, target);
        let took = started.elapsed();
        assert_eq!(reply.status, 200, "request {i}");
        assert!(
            took < std::time::Duration::from_millis(200),
            "request {i} took {took:?}"
        );
        slowest = slowest.max(took);
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    drip.join().expect("the slow client ends");
    drop(idle);
    eprintln!("slowest of 100 requests: {slowest:?}");
    server.shutdown();
}

/// Reads the event stream's messages until `done` is satisfied by one.
fn next_event(reader: &mut impl std::io::BufRead, done: impl Fn(&serde_json::Value) -> bool) {
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("reads the stream");
        assert!(n > 0, "the stream ended");
        if let Some(data) = line.strip_prefix("data: ") {
            let status: serde_json::Value = serde_json::from_str(data).expect("JSON");
            if done(&status) {
                return;
            }
        }
    }
}

#[test]
fn the_event_stream_pushes_every_build() {
    let (_tmp, out) = site_fixture();
    let (server, site) = start_server(&out);
    let addr = server.addr();
    let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).expect("connects");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    write!(
        stream,
        "GET {EVENTS_PATH} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("sends");
    let mut reader = std::io::BufReader::new(stream.try_clone().expect("clone"));
    let mut head = String::new();
    while !head.ends_with("\r\n\r\n") {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut reader, &mut line).expect("head");
        head.push_str(&line);
    }
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/event-stream"),
        "{head}"
    );
    // The current status at once, then each change as it happens.
    next_event(&mut reader, |s| s["version"] == 0 && s["ok"] == true);
    site.failed(
        "1 error".into(),
        serde_json::json!({"diagnostics": [{"code": "E0101", "message": "<b>x</b>"}]}),
    );
    next_event(&mut reader, |s| {
        s["ok"] == false
            && s["summary"] == "1 error"
            && s["diagnostics"]["diagnostics"][0]["message"] == "<b>x</b>"
    });
    site.built("built 1 plan at 10:00:00".into());
    next_event(&mut reader, |s| {
        s["ok"] == true && s["version"] == 1 && s["diagnostics"].is_null()
    });
    // Plain requests still go through while the stream is open.
    assert_eq!(get(addr, VERSION_PATH).body_text(), "1");
    server.shutdown();
}

struct Review;

impl Pages for Review {
    fn page(&self, path: &str, query: &str) -> Option<String> {
        let persona = serve::query_param(query, "persona")?;
        Some(format!("<html><body>{path} for {persona}</body></html>"))
    }
}

#[test]
fn pages_rendered_on_demand_come_before_files_and_get_live_reload() {
    let (_tmp, out) = site_fixture();
    let (server, site) = start_server(&out);
    site.set_pages(Arc::new(Review));
    let addr = server.addr();
    let page = get(addr, "/previews/a.html?persona=Ng%E1%BB%8Dc");
    assert_eq!(page.status, 200);
    let body = page.body_text();
    assert!(body.contains("/previews/a.html for Ngọc"), "{body}");
    assert!(body.contains(SCRIPT_PATH), "{body}");
    // Without the query, the handler declines and the file is served.
    assert_eq!(get(addr, "/previews/a.md").body, b"# Campaign `a`\n");
    // The traversal check comes first.
    assert_eq!(get(addr, "/../secret.txt?persona=x").status, 403);
    server.shutdown();
}
