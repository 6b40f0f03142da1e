//! The HTTP/1.1 this server needs: the request line of one request, and
//! a response with a length, written whole.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// The longest request head read; anything longer is refused.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// The request line and `Host` header of a request, once its head has
/// been read whole.
#[derive(Debug)]
pub(super) struct RequestHead {
    pub(super) method: String,
    pub(super) target: String,
    /// The `Host` header's value, trimmed; `None` when there is none.
    pub(super) host: Option<String>,
}

/// Reads up to the blank line that ends the head. `None` for a client
/// that connected and sent nothing (like the shutdown wake-up).
pub(super) fn read_request_head(stream: &TcpStream) -> io::Result<Option<RequestHead>> {
    let mut reader = BufReader::new(stream).take(MAX_HEAD_BYTES as u64);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(None);
    }
    let mut host = None;
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
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("host") {
                host = Some(value.trim().to_string());
            }
        }
    }
    let mut parts = request_line.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some(version)) if version.starts_with("HTTP/1.") => {
            Ok(Some(RequestHead {
                method: method.to_string(),
                target: target.to_string(),
                host,
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
pub(super) struct Response {
    pub(super) status: u16,
    pub(super) reason: &'static str,
    pub(super) content_type: &'static str,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: Vec<u8>,
    /// `HEAD`: headers (with the real length) but no body.
    pub(super) head_only: bool,
}

impl Response {
    pub(super) fn new(
        status: u16,
        reason: &'static str,
        content_type: &'static str,
        body: Vec<u8>,
    ) -> Self {
        Response {
            status,
            reason,
            content_type,
            headers: Vec::new(),
            body,
            head_only: false,
        }
    }

    pub(super) fn text(status: u16, reason: &'static str, body: &str) -> Self {
        Response::new(
            status,
            reason,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    pub(super) fn write_to(&self, stream: &mut impl Write) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
             Content-Security-Policy: {}\r\nConnection: close\r\n",
            self.status,
            self.reason,
            self.content_type,
            self.body.len(),
            super::CONTENT_SECURITY_POLICY,
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
