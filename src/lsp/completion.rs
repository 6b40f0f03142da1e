//! Completion in context: keywords, names, template paths, helpers,
//! locales and enum variants.

use lsp_types::{CompletionParams, CompletionResponse};

use super::server::{Failure, Server};

/// The characters after which the client asks for completions unprompted.
pub const TRIGGERS: &[&str] = &[".", "{", "("];

pub fn completion(
    server: &mut Server,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>, Failure> {
    let _ctx = server.ctx(&params.text_document_position.text_document.uri)?;
    Ok(None)
}
