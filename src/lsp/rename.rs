//! Rename of any declared name across the project, templates included.

use lsp_types::{PrepareRenameResponse, RenameParams, TextDocumentPositionParams, WorkspaceEdit};

use super::server::{Failure, Server};

pub fn prepare_rename(
    server: &mut Server,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, Failure> {
    let _ctx = server.ctx(&params.text_document.uri)?;
    Ok(None)
}

pub fn rename(server: &mut Server, params: RenameParams) -> Result<Option<WorkspaceEdit>, Failure> {
    let _ctx = server.ctx(&params.text_document_position.text_document.uri)?;
    Ok(None)
}
