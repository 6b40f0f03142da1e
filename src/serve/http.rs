//! From a `hyper` request to a `hyper` response: the request's method,
//! target and `Host`, the answer worked out by [`super::routes`] on the
//! blocking pool, and the body (whole, or the event stream).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};

use super::routes::{respond, Reply};
use super::{Site, CONTENT_SECURITY_POLICY};

/// The request line and `Host` header of a request.
#[derive(Debug)]
pub(super) struct RequestHead {
    pub(super) method: String,
    pub(super) target: String,
    /// The `Host` header's value, trimmed; `None` when there is none.
    pub(super) host: Option<String>,
}

/// A response about to be sent whole.
#[derive(Debug)]
pub(super) struct Response {
    pub(super) status: u16,
    pub(super) content_type: &'static str,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: Vec<u8>,
    /// `HEAD`: headers (with the real length) but no body.
    pub(super) head_only: bool,
}

impl Response {
    pub(super) fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body,
            head_only: false,
        }
    }

    pub(super) fn text(status: u16, body: &str) -> Self {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }
}

/// A response body: bytes known in advance, or the event stream's
/// messages as they come.
pub(super) enum Body {
    Full(Option<Bytes>),
    Stream(tokio::sync::mpsc::Receiver<Bytes>),
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::Stream(messages) => messages
                .poll_recv(cx)
                .map(|m| m.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Body::Stream(_) => SizeHint::default(),
        }
    }
}

/// Answers one request.
pub(super) async fn answer(
    request: hyper::Request<Incoming>,
    addr: SocketAddr,
    site: Arc<Site>,
) -> hyper::Response<Body> {
    let head = RequestHead {
        method: request.method().as_str().to_string(),
        target: request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string(),
        host: request
            .headers()
            .get(hyper::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|h| h.trim().to_string()),
    };
    let blocking_site = Arc::clone(&site);
    let reply = tokio::task::spawn_blocking(move || respond(&head, addr, &blocking_site))
        .await
        .unwrap_or_else(|_| Reply::Whole(Response::text(500, "internal error\n")));
    match reply {
        Reply::Whole(response) => whole(response),
        Reply::Events => super::events::stream(&site),
    }
}

fn with_common_headers(builder: hyper::http::response::Builder) -> hyper::http::response::Builder {
    builder
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
}

fn whole(response: Response) -> hyper::Response<Body> {
    let mut builder = with_common_headers(
        hyper::Response::builder()
            .status(response.status)
            .header("Content-Type", response.content_type)
            .header("Content-Length", response.body.len()),
    );
    for (name, value) in &response.headers {
        builder = builder.header(*name, value);
    }
    let body = if response.head_only {
        Body::Full(None)
    } else {
        Body::Full(Some(Bytes::from(response.body)))
    };
    builder.body(body).unwrap_or_else(|_| {
        // Only a header value we made could be invalid.
        let mut fallback = hyper::Response::new(Body::Full(None));
        *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}

/// The headers of the event stream, with its body.
pub(super) fn event_stream(messages: tokio::sync::mpsc::Receiver<Bytes>) -> hyper::Response<Body> {
    with_common_headers(
        hyper::Response::builder()
            .status(200)
            .header("Content-Type", "text/event-stream; charset=utf-8"),
    )
    .body(Body::Stream(messages))
    .unwrap_or_else(|_| hyper::Response::new(Body::Full(None)))
}
