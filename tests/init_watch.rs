//! `campaignc init` (a starter project that checks, builds and passes its
//! tests; never overwrites), the preview server of `watch --serve`, and
//! the watch loop rebuilding on save. Everything binds loopback only, and
//! every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use campaignc::cli::watch::{watch_project, Rebuild, WatchOptions};
use campaignc::serve::{self, Site, VERSION_PATH};

const PATIENCE: Duration = Duration::from_secs(10);

fn campaignc_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file under `dir` with its contents, sorted by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("readable"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read");
            (e.path().to_path_buf(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// Polls `done` until it holds or [`PATIENCE`] runs out.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------- init

#[test]
fn init_writes_a_project_that_checks_clean_builds_and_passes_its_tests() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = campaignc_in(tmp.path(), &["init", "starter"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("starter/schema.camp"), "{said}");
    assert!(said.contains("starter/tests/onboarding.camp"), "{said}");
    for next in [
        "campaignc check starter",
        "campaignc build starter",
        "campaignc test starter",
    ] {
        assert!(said.contains(next), "next steps name `{next}`:\n{said}");
    }

    let check = campaignc_in(tmp.path(), &["check", "starter", "--deny", "warnings"]);
    assert_eq!(code(&check), 0, "{}", text(&check.stderr));
    assert!(text(&check.stderr).ends_with("no errors or warnings\n"));

    let build = campaignc_in(tmp.path(), &["build", "starter", "--out", "out"]);
    assert_eq!(code(&build), 0, "{}", text(&build.stderr));
    assert!(tmp.path().join("out/plans/onboarding.json").is_file());
    assert!(tmp.path().join("out/previews/index.html").is_file());

    let test = campaignc_in(tmp.path(), &["test", "starter"]);
    assert_eq!(code(&test), 0, "{}", text(&test.stdout));
    assert!(
        text(&test.stdout).ends_with("2 passed, 0 failed\n"),
        "{}",
        text(&test.stdout)
    );
}

#[test]
fn init_writes_the_template_files_as_they_are() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = campaignc_in(tmp.path(), &["init", "p"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli/init_template");
    let relative = |files: Vec<(PathBuf, Vec<u8>)>, root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        files
            .into_iter()
            .map(|(p, b)| (p.strip_prefix(root).expect("under").to_path_buf(), b))
            .collect()
    };
    assert_eq!(
        relative(snapshot(&tmp.path().join("p")), &tmp.path().join("p")),
        relative(snapshot(&template), &template)
    );
}

#[test]
fn init_defaults_to_campaigns_and_accepts_an_empty_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(tmp.path().join("campaigns")).expect("mkdir");
    let out = campaignc_in(tmp.path(), &["init"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(tmp.path().join("campaigns/onboarding.camp").is_file());
}

#[test]
fn init_refuses_a_non_empty_directory_and_leaves_it_untouched() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("mine");
    std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
    std::fs::write(dir.join("schema.camp"), "// my own schema\n").expect("write");
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").expect("write");
    let before = snapshot(&dir);

    let out = campaignc_in(tmp.path(), &["init", "mine"]);
    assert_eq!(code(&out), 2);
    let err = text(&out.stderr);
    assert!(err.contains("mine is not empty"), "{err}");
    assert!(err.contains("never overwrites"), "{err}");
    assert!(text(&out.stdout).is_empty());
    assert_eq!(snapshot(&dir), before, "nothing written, nothing changed");

    // Only hidden entries still count: the directory is not empty.
    std::fs::remove_file(dir.join("schema.camp")).expect("rm");
    let out = campaignc_in(tmp.path(), &["init", "mine"]);
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(!dir.join("schema.camp").exists());
}

#[test]
fn init_refuses_a_path_that_is_a_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("taken"), "data").expect("write");
    let out = campaignc_in(tmp.path(), &["init", "taken"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("not a directory"));
    assert_eq!(
        std::fs::read(tmp.path().join("taken")).expect("read"),
        b"data"
    );
}

// -------------------------------------------------------------- server

/// One response: status code, headers (lower-case names) and body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn body_text(&self) -> String {
        text(&self.body)
    }
}

/// Sends one raw request and reads the whole response (the server closes
/// the connection after it).
fn request(addr: SocketAddr, method: &str, target: &str) -> Reply {
    let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).expect("connects");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: test\r\n\r\n"
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

fn get(addr: SocketAddr, target: &str) -> Reply {
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
    assert!(body.contains(VERSION_PATH), "live reload polls the version");
    assert!(
        body.find("<script>").expect("script") < body.find("</body>").expect("end"),
        "{body}"
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
        email.contains("hello") && email.contains(VERSION_PATH),
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
    assert!(get(server.addr(), "/").body_text().contains("var v=\"2\""));
    server.shutdown();
}

// --------------------------------------------------------------- watch

fn write_starter(parent: &Path) -> PathBuf {
    let out = campaignc_in(parent, &["init", "project"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    parent.join("project")
}

/// Replaces `from` with `to` in `file` (and checks it was there).
fn edit(file: &Path, from: &str, to: &str) {
    let before = std::fs::read_to_string(file).expect("read");
    assert!(before.contains(from), "{from} in {}", file.display());
    std::fs::write(file, before.replace(from, to)).expect("write");
}

#[test]
fn watch_rebuilds_on_save_and_keeps_the_output_when_a_save_breaks_the_build() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = write_starter(tmp.path());
    let options = WatchOptions {
        dir: project.clone(),
        // Inside the project, as people do: its changes must not rebuild.
        out: project.join("out"),
        deny_warnings: false,
        debounce: Duration::from_millis(100),
    };
    let page = project.join("out/previews/onboarding.md");
    let reports: Mutex<Vec<Rebuild>> = Mutex::new(Vec::new());
    let count = || reports.lock().expect("lock").len();
    let last = || {
        reports
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .expect("a build")
    };
    let stop = AtomicBool::new(false);

    std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            watch_project(&options, &stop, |r| {
                reports.lock().expect("lock").push(r.clone());
            })
        });

        wait_until("the first build", || count() >= 1);
        assert_eq!(last().built, Some(1), "{}", last().text);
        assert!(last().text.contains("built 1 plan"), "{}", last().text);
        let first_page = std::fs::read_to_string(&page).expect("preview written");
        assert!(first_page.contains("Your first project takes two minutes"));

        // A save: rebuilt, the page shows the new text.
        edit(
            &project.join("onboarding.camp"),
            "Your first project takes two minutes",
            "Your first project takes just two minutes",
        );
        wait_until("a rebuild after the save", || count() >= 2);
        assert_eq!(last().built, Some(1), "{}", last().text);
        assert!(
            last().text.contains("onboarding.camp changed"),
            "{}",
            last().text
        );
        let second_page = std::fs::read_to_string(&page).expect("preview");
        assert!(second_page.contains("takes just two minutes"));

        // A save that breaks the project: errors reported, output kept.
        edit(
            &project.join("segments.camp"),
            "plan == trial",
            "plan == trail",
        );
        wait_until("a failed rebuild", || count() >= 3);
        let failed = last();
        assert_eq!(failed.built, None);
        assert!(failed.errors >= 1, "{}", failed.text);
        assert!(
            failed.text.contains("previous output kept"),
            "{}",
            failed.text
        );
        assert!(failed.text.contains("segments.camp"), "{}", failed.text);
        assert_eq!(
            std::fs::read_to_string(&page).expect("preview"),
            second_page
        );

        // Changes that are not sources rebuild nothing: the output
        // directory, other files, editor swap files.
        std::fs::write(project.join("out/stray.camp"), "// not a source").expect("write");
        std::fs::write(project.join("NOTES.md"), "notes").expect("write");
        std::fs::write(project.join(".onboarding.camp.swp"), "swap").expect("write");
        std::thread::sleep(Duration::from_millis(800));
        assert_eq!(count(), 3, "{:#?}", reports.lock().expect("lock"));

        // Fixed: built again.
        edit(
            &project.join("segments.camp"),
            "plan == trail",
            "plan == trial",
        );
        wait_until("the rebuild after the fix", || count() >= 4);
        assert_eq!(last().built, Some(1), "{}", last().text);

        stop.store(true, Ordering::SeqCst);
        let result = watcher.join().expect("the watcher does not panic");
        assert!(result.is_ok(), "{result:?}");
    });
}

#[test]
fn watch_of_a_missing_directory_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let options = WatchOptions {
        dir: tmp.path().join("nope"),
        out: tmp.path().join("out"),
        deny_warnings: false,
        debounce: Duration::from_millis(100),
    };
    let stop = AtomicBool::new(false);
    let result = watch_project(&options, &stop, |_| panic!("nothing to build"));
    assert!(result.is_err());
    let out = campaignc_in(tmp.path(), &["watch", "nope"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("nope"), "{}", text(&out.stderr));
}

#[test]
fn watch_refuses_a_serve_address_that_is_a_host_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = write_starter(tmp.path());
    let out = campaignc_in(
        tmp.path(),
        &["watch", "project", "--serve", "example.com:80"],
    );
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("example.com:80"));
    assert!(
        project.exists() && !tmp.path().join("out").exists(),
        "nothing built"
    );
}

/// The binary end to end: `watch --serve 127.0.0.1:0` prints where it
/// serves, serves the first build, and is stopped by killing it.
#[test]
fn watch_serve_serves_the_build_until_killed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_starter(tmp.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(["watch", "project", "--out", "out", "--serve", "127.0.0.1:0"])
        .current_dir(tmp.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let stderr = child.stderr.take().expect("piped");
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut addr = None;
    let mut built = false;
    let deadline = Instant::now() + PATIENCE;
    while !(addr.is_some() && built) && Instant::now() < deadline {
        let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        if let Some(url) = line.split("http://").nth(1) {
            addr = url.trim_end_matches('/').parse::<SocketAddr>().ok();
        }
        built |= line.contains("built 1 plan");
    }
    let result = addr.filter(|_| built).map(|addr| {
        assert!(addr.ip().is_loopback());
        (get(addr, "/"), get(addr, VERSION_PATH))
    });
    child.kill().expect("kills the child it started");
    let _ = child.wait();
    let (home, version) = result.expect("served and built within the time limit");
    assert_eq!(home.status, 200);
    assert!(home.body_text().contains("onboarding"));
    assert_eq!(version.body_text(), "1");
}
