//! Hover: what the name, duration, code or template path under the
//! cursor means.

use lsp_types::{Hover, HoverParams};

use super::server::{Failure, Server};

pub fn hover(server: &mut Server, params: HoverParams) -> Result<Option<Hover>, Failure> {
    let _ctx = server.ctx(&params.text_document_position_params.text_document.uri)?;
    Ok(None)
}
