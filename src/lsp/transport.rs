//! The wire: LSP base-protocol framing (`Content-Length` headers and a
//! JSON body) over any reader and writer.
//!
//! Unlike `lsp_server::Message::read`, a malformed message does not end
//! the connection: the reader reports it and goes on with the next one, so
//! the server can answer with a JSON-RPC error and keep serving. Only the
//! end of the input, or an unreadable stream, ends it.

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

/// Reads one frame. `Ok(None)` is the end of the input.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
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
        Some(Err(why)) => return Ok(Some(Incoming::Malformed { id: None, why })),
        None => {
            return Ok(Some(Incoming::Malformed {
                id: None,
                why: "a frame without a Content-Length header".to_string(),
            }))
        }
    };
    if size > MAX_BODY {
        io::copy(
            &mut io::Read::take(&mut *input, size as u64),
            &mut io::sink(),
        )?;
        return Ok(Some(Incoming::Malformed {
            id: None,
            why: format!("a message of {size} bytes (the limit is {MAX_BODY})"),
        }));
    }
    let mut body = vec![0; size];
    input.read_exact(&mut body)?;
    Ok(Some(parse(&body)))
}

/// A body as a message, or why it is not one.
fn parse(body: &[u8]) -> Incoming {
    match serde_json::from_slice::<Message>(body) {
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
        let mut input = &bytes[..];
        assert!(matches!(
            read(&mut input).unwrap(),
            Some(Incoming::Malformed { id: None, .. })
        ));
        assert!(matches!(
            read(&mut input).unwrap(),
            Some(Incoming::Message(Message::Request(_)))
        ));
        assert!(read(&mut input).unwrap().is_none());
    }

    #[test]
    fn a_huge_length_is_skipped_not_allocated() {
        let bytes = b"Content-Length: 99999999999\r\n\r\n".to_vec();
        let mut input = &bytes[..];
        assert!(matches!(
            read(&mut input).unwrap(),
            Some(Incoming::Malformed { .. })
        ));
    }
}
