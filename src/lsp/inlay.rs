//! Inlay hints: an SMS body's encoding and segment count, a flow's main
//! path duration.

use lsp_types::{InlayHint, InlayHintParams};

use super::server::{Failure, Server};

pub fn inlay_hints(
    server: &mut Server,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>, Failure> {
    let _ctx = server.ctx(&params.text_document.uri)?;
    Ok(None)
}
