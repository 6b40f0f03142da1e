//! From a request to a response: the status endpoints, the home page,
//! pages rendered on demand, files under the served directory (never
//! outside it), and the 404 page.

use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};

use super::http::{RequestHead, Response};
use super::live_reload::{inject_live_reload, SCRIPT};
use super::{Site, EVENTS_PATH, SCRIPT_PATH, VERSION_PATH};

/// The page served at `/`, relative to the served directory.
const HOME_PAGE: &str = "previews/index.html";

/// What to answer: a response sent whole, or the event stream.
#[derive(Debug)]
pub(super) enum Reply {
    Whole(Response),
    Events,
}

pub(super) fn respond(head: &RequestHead, addr: SocketAddr, site: &Site) -> Reply {
    if !host_allowed(head.host.as_deref(), addr) {
        // A page on another site whose name was made to resolve to this
        // machine (DNS rebinding) sends its own name: it gets nothing.
        return Reply::Whole(Response::text(
            421,
            "misdirected request: this server only answers requests addressed to it by IP \
             address or as localhost, with its port\n",
        ));
    }
    let head_only = match head.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => {
            let mut r = Response::text(405, "only GET and HEAD\n");
            r.headers.push(("Allow", "GET, HEAD".to_string()));
            return Reply::Whole(r);
        }
    };
    let path = head.target.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS_PATH && !head_only {
        return Reply::Events;
    }
    let mut response = route(&head.target, site);
    response.head_only = head_only;
    Reply::Whole(response)
}

fn route(target: &str, site: &Site) -> Response {
    // The query and fragment do not name a file.
    let (path, query) = split_target(target);
    if path == VERSION_PATH {
        return Response::text(200, &site.version().to_string());
    }
    if path == SCRIPT_PATH {
        return Response::new(
            200,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().to_vec(),
        );
    }
    let Some(decoded) = percent_decode(path) else {
        return Response::text(400, "bad request: malformed path\n");
    };
    let Some(relative) = safe_relative_path(&decoded) else {
        return Response::text(403, "forbidden: the path leaves the served directory\n");
    };
    if let Some(page) = site.pages().and_then(|p| p.page(&decoded, query)) {
        let page = inject_live_reload(&page, site.version(), None);
        return Response::new(200, "text/html; charset=utf-8", page.into_bytes());
    }
    if relative.as_os_str().is_empty() {
        return serve_home(site);
    }
    let file = site.root.join(&relative);
    if file.is_dir() {
        if !decoded.ends_with('/') {
            // Relative links inside the directory's index need the slash.
            // One leading slash only: `//previews/` would be another host.
            let mut r = Response::text(301, "moved\n");
            r.headers
                .push(("Location", format!("/{}/", path.trim_start_matches('/'))));
            return r;
        }
        return serve_file(site, &file.join("index.html"), None);
    }
    serve_file(site, &file, None)
}

/// Whether a request's `Host` names this server: `localhost` or an IP
/// address the server listens on (any, when bound to `0.0.0.0` or `::`),
/// with the server's port (80 when the header has none). Any other name
/// is refused: it is how a DNS rebinding attack would reach the server.
fn host_allowed(host: Option<&str>, addr: SocketAddr) -> bool {
    let Some(host) = host else {
        return false;
    };
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, "")) => (ip, None),
            Some((ip, port)) => match port.strip_prefix(':') {
                Some(port) => (ip, Some(port)),
                None => return false,
            },
            None => return false,
        },
        None => match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let port = match port {
        None => 80,
        Some(p) => match p.parse::<u16>() {
            Ok(p) => p,
            Err(_) => return false,
        },
    };
    if port != addr.port() {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip == addr.ip() || addr.ip().is_unspecified(),
        Err(_) => false,
    }
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
        return Response::new(200, content_type, page.into_bytes());
    }
    Response::new(200, content_type, bytes)
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
        "text/html; charset=utf-8",
        inject_live_reload(page, site.version(), None).into_bytes(),
    )
}

/// The path of a request target and its query (without `?`; empty when
/// there is none). The fragment is dropped.
fn split_target(target: &str) -> (&str, &str) {
    let target = target.split('#').next().unwrap_or("");
    target.split_once('?').unwrap_or((target, ""))
}

/// The value of `name` in a query string (`a=1&b=x%20y`), decoded (`+`
/// is a space); the first when it is given twice.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8()
                .ok()
                .map(|v| v.into_owned())
        };
        (decode(key)? == name).then(|| decode(value)).flatten()
    })
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
        Some("woff2") => "font/woff2",
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
    fn only_this_servers_own_names_are_allowed_hosts() {
        let v4: SocketAddr = "127.0.0.1:8000".parse().expect("addr");
        let v6: SocketAddr = "[::1]:8000".parse().expect("addr");
        let any: SocketAddr = "0.0.0.0:8000".parse().expect("addr");
        for ok in ["127.0.0.1:8000", "localhost:8000", "LOCALHOST:8000"] {
            assert!(host_allowed(Some(ok), v4), "{ok}");
        }
        assert!(host_allowed(Some("[::1]:8000"), v6));
        assert!(host_allowed(Some("localhost:8000"), v6));
        assert!(host_allowed(Some("192.168.1.5:8000"), any));
        for bad in [
            "attacker.example",
            "attacker.example:8000",
            "localhost.attacker.example:8000",
            "127.0.0.1:8001",
            "127.0.0.1",
            "localhost",
            "[::1]:8000",
            "127.0.0.1:8000:1",
            "[127.0.0.1]x",
            "",
        ] {
            assert!(!host_allowed(Some(bad), v4), "{bad}");
        }
        assert!(!host_allowed(None, v4));
        assert!(!host_allowed(Some("attacker.example:8000"), any));
        let port80: SocketAddr = "127.0.0.1:80".parse().expect("addr");
        assert!(host_allowed(Some("localhost"), port80));
    }

    #[test]
    fn query_parameters_are_decoded() {
        assert_eq!(
            split_target("/a.html?persona=x#top"),
            ("/a.html", "persona=x")
        );
        assert_eq!(split_target("/a.html#x?y"), ("/a.html", ""));
        let q = "persona=Ng%E1%BB%8Dc+Anh&persona=second&empty=&flag";
        assert_eq!(query_param(q, "persona").as_deref(), Some("Ngọc Anh"));
        assert_eq!(query_param(q, "empty").as_deref(), Some(""));
        assert_eq!(query_param(q, "flag").as_deref(), Some(""));
        assert_eq!(query_param(q, "missing"), None);
        assert_eq!(query_param("p=%ff", "p"), None);
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
}
