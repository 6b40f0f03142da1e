//! The event stream at [`super::EVENTS_PATH`]: the build [`super::Status`]
//! as a Server-Sent Events message on connecting and whenever it changes,
//! and a comment every few seconds so a closed connection is noticed.

use std::time::Duration;

use bytes::Bytes;

use super::http::{event_stream, Body};
use super::Site;

/// How often an idle stream sends a comment.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The response that streams `site`'s status.
pub(super) fn stream(site: &Site) -> hyper::Response<Body> {
    let (sender, messages) = tokio::sync::mpsc::channel::<Bytes>(4);
    let mut status = site.subscribe();
    tokio::spawn(async move {
        // Reconnect soon after the server restarts.
        if sender
            .send(Bytes::from_static(b"retry: 500\n\n"))
            .await
            .is_err()
        {
            return;
        }
        loop {
            let message = format!("data: {}\n\n", status.borrow_and_update().to_json());
            if sender.send(Bytes::from(message)).await.is_err() {
                return;
            }
            loop {
                tokio::select! {
                    changed = status.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        break;
                    }
                    _ = sender.closed() => return,
                    _ = tokio::time::sleep(KEEP_ALIVE) => {
                        if sender.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err() {
                            return;
                        }
                    }
                }
            }
        }
    });
    event_stream(messages)
}
