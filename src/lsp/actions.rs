//! Code actions: the checker's fixes as quick fixes.

use lsp_types::{CodeActionParams, CodeActionResponse};

use super::server::{Failure, Server};

pub fn code_actions(
    server: &mut Server,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>, Failure> {
    let _ctx = server.ctx(&params.text_document.uri)?;
    Ok(None)
}
