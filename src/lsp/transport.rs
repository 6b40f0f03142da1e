//! The wire: LSP base-protocol framing (`Content-Length` headers and a
//! JSON body) over any reader and writer.
//!
//! Unlike `lsp_server::Message::read`, a malformed message does not end
//! the connection: the reader reports it and goes on with the next one, so
//! the server can answer with a JSON-RPC error and keep serving. Only the
//! end of the input, or an unreadable stream, ends it. A `Content-Length`
//! larger than its body makes the reader take the start of the next frame
//! as part of the body; [`Reader`] notices (a whole JSON value followed by
//! a header), answers that message with an error and reads the bytes again
//! as the next frame, so the client's mistake costs one message.

use std::io::{self, BufRead, Write};

use lsp_server::{Message, RequestId};
use serde_json::json;

/// The largest body accepted (64 MiB): a bigger `Content-Length` is
/// answered as malformed and its bytes skipped, never allocated at once.
const MAX_BODY: usize = 64 << 20;

/// What the reader got from one frame.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame whose body is not a JSON-RPC message. `id` is the request
    /// id when one could be read, so the error can name the request.
    Malformed {
        id: Option<RequestId>,
        why: String,
    },
}

/// The server's input: a buffered reader that can take back bytes read
/// too far (the start of the next frame, after a `Content-Length` larger
/// than its body).
pub struct Reader<R> {
    input: R,
    /// Bytes given back, read before `input`; `at` is how many were used.
    pending: Vec<u8>,
    at: usize,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Reader<R> {
        Reader {
            input,
            pending: Vec::new(),
            at: 0,
        }
    }

    /// Puts `bytes` back in front of what is left to read.
    fn unread(&mut self, bytes: &[u8]) {
        let mut pending = bytes.to_vec();
        pending.extend_from_slice(&self.pending[self.at..]);
        self.pending = pending;
        self.at = 0;
    }

    /// Reads one frame. `Ok(None)` is the end of the input.
    pub fn read(&mut self) -> io::Result<Option<Incoming>> {
        let Some((size, body)) = read_body(self)? else {
            return Ok(None);
        };
        if let Some((id, used, rest)) = overlong(&body) {
            self.unread(rest);
            return Ok(Some(Incoming::Malformed {
                id,
                why: format!(
                    "Content-Length {size} is larger than the message ({used} bytes); \
                     the bytes after it were read as the next message"
                ),
            }));
        }
        Ok(Some(body.map_or_else(
            |why| Incoming::Malformed { id: None, why },
            |b| parse(&b),
        )))
    }
}

impl<R: BufRead> io::Read for Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Reader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.at < self.pending.len() {
            Ok(&self.pending[self.at..])
        } else {
            self.input.fill_buf()
        }
    }

    fn consume(&mut self, amount: usize) {
        if self.at < self.pending.len() {
            self.at = (self.at + amount).min(self.pending.len());
            if self.at == self.pending.len() {
                self.pending.clear();
                self.at = 0;
            }
        } else {
            self.input.consume(amount);
        }
    }
}

/// When a body that is not a message starts with a whole JSON value
/// followed by the start of a header (`Content-…`, or a prefix of
/// `Content-Length`): the value's request id, its length, and the bytes
/// after it, which belong to the next frame.
fn overlong(body: &Result<Vec<u8>, String>) -> Option<(Option<RequestId>, usize, &[u8])> {
    let body = body.as_ref().ok()?;
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        return None;
    }
    let mut values = serde_json::Deserializer::from_slice(body).into_iter::<serde_json::Value>();
    let value = values.next()?.ok()?;
    let used = values.byte_offset();
    let rest = &body[used..];
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let header = rest[start..].to_ascii_lowercase();
    let next_frame = header.starts_with(b"content-") || b"content-length".starts_with(&header);
    if !next_frame {
        return None;
    }
    let id = serde_json::from_value::<RequestId>(value.get("id")?.clone()).ok();
    Some((id, used, rest))
}

/// Reads one frame's header and body: the declared size, and the body or
/// why there is none. `Ok(None)` is the end of the input.
#[allow(clippy::type_complexity)]
fn read_body(input: &mut impl BufRead) -> io::Result<Option<(usize, Result<Vec<u8>, String>)>> {
    let mut size: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are tolerated.
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                size = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("bad Content-Length `{}`", value.trim())),
                );
            }
        }
    }
    let size = match size {
        Some(Ok(size)) => size,
        Some(Err(why)) => return Ok(Some((0, Err(why)))),
        None => {
            return Ok(Some((
                0,
                Err("a frame without a Content-Length header".to_string()),
            )))
        }
    };
    if size > MAX_BODY {
        io::copy(
            &mut io::Read::take(&mut *input, size as u64),
            &mut io::sink(),
        )?;
        return Ok(Some((
            size,
            Err(format!(
                "a message of {size} bytes (the limit is {MAX_BODY})"
            )),
        )));
    }
    let mut body = vec![0; size];
    input.read_exact(&mut body)?;
    Ok(Some((size, Ok(body))))
}

/// A body as a message, or why it is not one.
fn parse(body: &[u8]) -> Incoming {
    match serde_json::from_slice::<Message>(body) {
        // A request whose `method` is not a string would otherwise pass
        // for a response (its other fields are optional) and be ignored.
        Ok(Message::Response(response)) if has_method(body) => Incoming::Malformed {
            id: Some(response.id),
            why: "not a JSON-RPC message: `method` must be a string".to_string(),
        },
        Ok(message) => Incoming::Message(message),
        Err(error) => {
            // Name the request when the id at least can be read.
            let id = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| serde_json::from_value::<RequestId>(v.get("id")?.clone()).ok());
            let why = if std::str::from_utf8(body).is_err() {
                "the message is not UTF-8".to_string()
            } else {
                format!("not a JSON-RPC message: {error}")
            };
            Incoming::Malformed { id, why }
        }
    }
}

fn has_method(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| v.get("method").is_some())
}

/// Writes one message.
pub fn write(output: &mut impl Write, message: Message) -> io::Result<()> {
    message.write(output)
}

/// Writes the error answer to a malformed frame: `ParseError` (-32700)
/// with the request's id, or with `null` when there was none.
pub fn write_malformed(
    output: &mut impl Write,
    id: Option<RequestId>,
    why: &str,
) -> io::Result<()> {
    let body = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": lsp_server::ErrorCode::ParseError as i32, "message": why },
    })
    .to_string();
    write!(output, "Content-Length: {}\r\n\r\n{}", body.len(), body)?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[test]
    fn a_malformed_frame_is_reported_and_the_next_one_read() {
        let mut bytes = frame("{not json");
        bytes.extend(frame(r#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#));
        let mut input = Reader::new(&bytes[..]);
        assert!(matches!(
            input.read().unwrap(),
            Some(Incoming::Malformed { id: None, .. })
        ));
        assert!(matches!(
            input.read().unwrap(),
            Some(Incoming::Message(Message::Request(_)))
        ));
        assert!(input.read().unwrap().is_none());
    }

    #[test]
    fn a_huge_length_is_skipped_not_allocated() {
        let bytes = b"Content-Length: 99999999999\r\n\r\n".to_vec();
        let mut input = Reader::new(&bytes[..]);
        assert!(matches!(
            input.read().unwrap(),
            Some(Incoming::Malformed { .. })
        ));
    }

    #[test]
    fn a_length_past_the_body_costs_one_message_and_the_next_is_read() {
        let first = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let second = r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;
        for extra in [1, 2, 15, 20, 30, 60] {
            let mut bytes =
                format!("Content-Length: {}\r\n\r\n{first}", first.len() + extra).into_bytes();
            bytes.extend(frame(second));
            let mut input = Reader::new(&bytes[..]);
            match input.read().unwrap() {
                Some(Incoming::Malformed { id, why }) => {
                    assert_eq!(id, Some(RequestId::from(1)), "{extra}");
                    assert!(why.contains("Content-Length"), "{why}");
                }
                other => panic!("{extra}: {other:?}"),
            }
            match input.read().unwrap() {
                Some(Incoming::Message(Message::Request(r))) => {
                    assert_eq!(r.id, RequestId::from(2))
                }
                other => panic!("{extra}: {other:?}"),
            }
            assert!(input.read().unwrap().is_none());
        }
    }

    #[test]
    fn trailing_words_after_a_body_are_not_taken_for_a_frame() {
        let bytes = frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"} and more"#);
        let mut input = Reader::new(&bytes[..]);
        assert!(matches!(
            input.read().unwrap(),
            Some(Incoming::Malformed { id: None, .. })
        ));
        assert!(input.read().unwrap().is_none());
    }

    #[test]
    fn a_request_with_a_method_that_is_not_a_string_is_malformed() {
        let bytes = frame(r#"{"jsonrpc":"2.0","id":9,"method":5}"#);
        let mut input = Reader::new(&bytes[..]);
        match input.read().unwrap() {
            Some(Incoming::Malformed { id, .. }) => assert_eq!(id, Some(RequestId::from(9))),
            other => panic!("{other:?}"),
        }
    }
}
