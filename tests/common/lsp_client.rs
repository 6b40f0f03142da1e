//! A minimal LSP client over pipes, for driving `campaignc lsp` from Rust:
//! `tests/lsp_protocol.rs` (robustness, with raw frames) and
//! `benches/lsp.rs` (latencies on the generated project).
//!
//! It frames and reads messages itself (`Content-Length` + JSON) so that a
//! test can also send bytes no real client would. Every read has a
//! timeout: a server that stops answering fails the test, never hangs it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any one wait for the server lasts before the caller gives up.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// One message from the server, with when it arrived.
pub struct Received {
    pub at: Instant,
    pub message: Value,
}

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Received>,
    next_id: i64,
    /// The last diagnostics published per URI.
    pub diagnostics: HashMap<String, Vec<Value>>,
    /// Every `publishDiagnostics` received, in order: (arrival, URI, count).
    pub published: Vec<(Instant, String, usize)>,
    /// Notifications other than diagnostics (log messages …).
    pub notifications: Vec<Value>,
}

impl Client {
    /// Starts `BINARY lsp` in `cwd`.
    pub fn spawn(binary: &Path, cwd: &Path) -> Client {
        let mut child = Command::new(binary)
            .arg("lsp")
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let stdin = child.stdin.take();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                let received = Received {
                    at: Instant::now(),
                    message,
                };
                if tx.send(received).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 1000,
            diagnostics: HashMap::new(),
            published: Vec::new(),
            notifications: Vec::new(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes bytes as they are: a frame, half a frame, garbage.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        stdin.write_all(bytes).expect("the server reads its input");
        stdin.flush().expect("the server reads its input");
    }

    /// Sends one message, framed.
    pub fn send(&mut self, message: &Value) {
        self.send_raw(&frame(message.to_string().as_bytes()));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its id (see [`Client::response`]).
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// A request and its whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(&json!(id)).message
    }

    /// The result of a request that must succeed.
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The next message (notifications are recorded on the way), or
    /// `None` after `timeout` or when the server closed its output.
    pub fn next(&mut self, timeout: Duration) -> Option<Received> {
        let received = match self.rx.recv_timeout(timeout) {
            Ok(received) => received,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        let message = &received.message;
        if message.get("id").is_none() {
            if message["method"] == "textDocument/publishDiagnostics" {
                let uri = message["params"]["uri"].as_str().unwrap_or("").to_string();
                let list = message["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                self.published.push((received.at, uri.clone(), list.len()));
                self.diagnostics.insert(uri, list);
            } else {
                self.notifications.push(message.clone());
            }
        }
        Some(received)
    }

    /// Waits for the response with this id (`null` for the answer to a
    /// message whose id could not be read).
    pub fn response(&mut self, id: &Value) -> Received {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(received) = self.next(left) else {
                panic!("no response with id {id} within {TIMEOUT:?}");
            };
            let message = &received.message;
            let is_response = message.get("result").is_some() || message.get("error").is_some();
            if is_response && message.get("id") == Some(id) {
                return received;
            }
        }
    }

    /// Waits until the diagnostics of `uri` satisfy `want`; returns them
    /// with the arrival of the publication that satisfied them.
    pub fn wait_diagnostics(
        &mut self,
        uri: &str,
        want: impl Fn(&[Value]) -> bool,
    ) -> (Instant, Vec<Value>) {
        if let Some(list) = self.diagnostics.get(uri) {
            if want(list) {
                return (Instant::now(), list.clone());
            }
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(received) = self.next(left) else {
                panic!(
                    "no matching diagnostics for {uri} within {TIMEOUT:?}; last: {:?}",
                    self.diagnostics.get(uri)
                );
            };
            if received.message["method"] == "textDocument/publishDiagnostics"
                && received.message["params"]["uri"] == uri
            {
                let list = &self.diagnostics[uri];
                if want(list) {
                    return (received.at, list.clone());
                }
            }
        }
    }

    /// `initialize` with no capabilities beyond the defaults (UTF-16
    /// positions, no dynamic registration), then `initialized`.
    pub fn initialize(&mut self, root: &Path) -> Value {
        let root_uri = uri_of(root);
        let result = self.result(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "project"}],
                "capabilities": {},
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "camp", "version": 1, "text": text}}),
        );
    }

    /// Closes the server's input and waits for it to exit.
    pub fn close_input(&mut self) {
        self.stdin = None;
    }

    /// Waits (at most [`TIMEOUT`]) for the server to exit.
    pub fn wait_exit(&mut self) -> ExitStatus {
        self.close_input();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("the server's status") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {TIMEOUT:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Peak resident memory of the server so far, in KiB (Linux).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A body with its `Content-Length` header.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Reads one frame of the server's output; `None` at its end. The server
/// must only ever write well-formed frames of JSON.
fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut size = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            size = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .expect("a numeric Content-Length"),
            );
        }
    }
    let mut body = vec![0; size.expect("the server sends Content-Length")];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server writes JSON"))
}

/// The `file://` URI of an absolute path.
pub fn uri_of(path: &Path) -> String {
    let path = path.to_str().expect("a UTF-8 path");
    let mut uri = String::from("file://");
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(byte as char)
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// The (line, UTF-16 character) position of the `nth` occurrence of
/// `needle` in `text`, plus `offset` bytes.
pub fn position_of(text: &str, needle: &str, nth: usize, offset: usize) -> Value {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1))
        .0
        + offset;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..start].matches('\n').count();
    let character: usize = text[line_start..start].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// Copies a directory tree (the example project into a scratch place).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("read the directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}
